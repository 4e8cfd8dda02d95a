"""The CEO's result: one view model for the result page and the CEO PDF alike."""

from __future__ import annotations

from dataclasses import dataclass

from questionnaires import Questionnaire
from scoring import Result

from .formatting import fmt
from .views import (
    ActionView,
    AreaView,
    CauseView,
    LadderView,
    ScoreView,
    area_views,
    cause_views,
    dimension_views,
    ladder_view,
    plan_view,
)

CAUSES = 3  # the likely root causes a CEO reads first
ACTIONS = 5  # the first actions of the plan


@dataclass(frozen=True)
class QuickView:
    score: str
    band: str
    buckets: tuple[ScoreView, ...]  # the radar's axes
    areas: tuple[AreaView, ...]
    ladder: LadderView | None
    causes: tuple[CauseView, ...]
    actions: tuple[ActionView, ...]
    more_causes: int  # found but not shown here

    @property
    def first(self) -> CauseView | None:
        return self.causes[0] if self.causes else None

    @property
    def first_action(self) -> ActionView | None:
        return self.actions[0] if self.actions else None


def quick_view(q: Questionnaire, result: Result) -> QuickView:
    return QuickView(
        score=fmt(result.overall.score), band=result.overall.band or "",
        buckets=dimension_views(q, result, "bucket"), areas=area_views(q, result),
        ladder=ladder_view(q, result), causes=cause_views(q, result, CAUSES),
        actions=plan_view(q, result).actions[:ACTIONS],
        more_causes=max(len(result.root_causes) - CAUSES, 0))
