"""From a scoring `Result` to what the report templates show, and its charts.

Only selection and labelling happen here: every number is taken from the Result (or the
few inputs the caller passes, like the response rate) and formatted later by the one
`fmt` filter. Templates then only loop and branch.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from questionnaires import Questionnaire
from scoring import Result

from .. import charts
from ..present import fmt, quick_view
from ..present.formatting import day, period
from ..present.report import CommentsView, team_report_view

DEFAULT_COLOUR = "#1f5f8b"
TEAM_SURVEY_ADDS = (
    "How the whole sales team, not only you, sees each part of the ecosystem, with how "
    "many answered and how much they disagree.",
    "Blind spots: where your view and leadership's differ from the team's.",
    "The full sales-process check (buyer alignment, ownership, stage outcomes, toolkit "
    "and payoffs) and the real time between contacts with a prospect.",
    "Results by role and team, shown only for groups large enough to stay anonymous.",
    "A baseline to re-run each quarter, with a test of whether a change is real or not "
    "yet clear.",
)


@dataclass(frozen=True)
class Branding:
    """Who delivers the report: name on the cover, optional logo, accent colour."""

    name: str = ""
    logo_path: str | Path | None = None
    colour: str = DEFAULT_COLOUR
    logo_png: bytes | None = None  # a logo already checked and re-encoded (the console's)

    def safe_colour(self) -> str:
        """Only a #rrggbb colour reaches the CSS."""
        return self.colour if re.fullmatch(r"#[0-9a-fA-F]{6}", self.colour or "") else \
            DEFAULT_COLOUR


@dataclass
class Charts:
    """PNG bytes by name; templates refer to them as `chart:<name>`."""

    images: dict[str, bytes] = field(default_factory=dict)

    def add(self, name: str, data: bytes) -> str:
        self.images[name] = data
        return f"chart:{name}"


def team_context(result: Result, q: Questionnaire, *, org: str, round_name: str,
                 consultant: Branding, response_rate: float | None,
                 previous_results: Sequence[tuple[str, Result]], generated_on: date,
                 fieldwork: tuple[date, date] | None = None, contact: str = "",
                 comments: CommentsView | None = None) -> tuple[dict[str, Any], Charts]:
    """Everything the team report shows, in the order it shows it: the one view model
    (`assess.present.team_report_view`) plus the cover's facts and the trend chart."""
    out = Charts()
    view = team_report_view(q, result, round_name=round_name,
                            previous_results=previous_results,
                            comments=None if result.below_threshold else comments)
    ctx: dict[str, Any] = {
        "org": org, "round_name": round_name, "consultant": consultant,
        "contact": contact, "colour": consultant.safe_colour(),
        "generated_on": generated_on.isoformat(), "issued": day(generated_on),
        "fieldwork": period(*fieldwork) if fieldwork else "",
        "questionnaire": {"title": q.title, "version": q.version},
        "respondents": result.respondents, "k": result.min_group_size,
        "response_rate": response_rate, "hidden": result.below_threshold,
        "v": view, "quality": result.quality, "analysis": q.analysis,
        "trend_chart": None, "bar_line": float(q.analysis.weak_below),
    }
    series = view.trend_series
    if series is not None and not result.below_threshold:
        bands = (float(view.critical_below), float(view.healthy_at)) \
            if view.critical_below is not None else None
        ctx["trend_chart"] = out.add("trend", charts.trend_multiples_png(
            series.rounds, series.series, bands=bands))
    return ctx, out


def quick_context(result: Result, q: Questionnaire, *, org: str | None,
                  generated_on: date, contact: str = "") -> tuple[dict[str, Any], Charts]:
    """The CEO self-assessment: the same view model as the result page, plus what the
    team survey adds."""
    view = quick_view(q, result)
    ctx: dict[str, Any] = {
        "org": org or "", "round_name": "CEO self-assessment",
        "colour": DEFAULT_COLOUR, "generated_on": generated_on.isoformat(),
        "questionnaire": {"title": q.title, "ref": q.ref, "questions": len(q.questions)},
        "v": view, "team_adds": TEAM_SURVEY_ADDS, "weak": q.analysis.weak_below,
        "healthy": q.healthy_at, "contact": contact,
    }
    return ctx, Charts()


__all__ = ["Branding", "Charts", "fmt", "quick_context", "team_context"]
