"""The presentation layer: typed view models and formatting of a `scoring.Result`.

Web pages, both PDFs and `assess score --format table` read findings only through
here; nothing below this layer formats, nothing above it decides.
"""

from .formatting import fmt, horizon, kind, owner, role
from .quick import QuickView, quick_view
from .report import CommentsView, TeamReportView, comments_view, team_report_view
from .views import (
    ActionView,
    CauseView,
    LadderView,
    PlanView,
    ScoreView,
    cause_views,
    dimension_views,
    ladder_view,
    plan_view,
    score_view,
)

__all__ = [
    "ActionView",
    "CauseView",
    "CommentsView",
    "LadderView",
    "PlanView",
    "QuickView",
    "ScoreView",
    "TeamReportView",
    "cause_views",
    "comments_view",
    "dimension_views",
    "fmt",
    "horizon",
    "kind",
    "ladder_view",
    "owner",
    "plan_view",
    "quick_view",
    "role",
    "score_view",
    "team_report_view",
]
