"""The report builder: one place that turns a scoring Result into a PDF.

The web download, the CEO quick result and `assess report` all call these functions, so
every route produces the same document. Views stay thin: score, then call one of these.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from questionnaires import Questionnaire
from scoring import Result

from ..present import fmt
from .context import Branding, quick_context, team_context
from .render import ReportError, render_html, write_pdf


def team_report_html(result: Result, q: Questionnaire, *, org: str, round_name: str = "",
                     consultant: Branding | None = None, response_rate: float | None = None,
                     previous_results: Sequence[tuple[str, Result]] = (),
                     generated_on: date | None = None,
                     page_size: str = "A4") -> tuple[str, dict[str, bytes]]:
    """The team report's HTML and the chart images it refers to (for previews and tests)."""
    consultant = consultant or Branding()
    ctx, charts = team_context(
        result, q, org=org, round_name=round_name, consultant=consultant,
        response_rate=response_rate, previous_results=previous_results,
        generated_on=generated_on or date.today())
    if consultant.logo_path:
        ctx["logo_url"] = Path(consultant.logo_path).resolve().as_uri()
    else:
        ctx["logo_url"] = None
    return render_html("team.html", ctx, page_size=page_size), charts.images


def build_team_report(result: Result, q: Questionnaire, *, org: str, round_name: str = "",
                      consultant: Branding | None = None, response_rate: float | None = None,
                      previous_results: Sequence[tuple[str, Result]] = (),
                      generated_on: date | None = None, page_size: str = "A4") -> bytes:
    """The branded root-cause report of a team round, as PDF bytes.

    `previous_results` are earlier rounds as (name, Result), oldest first, for the trend
    chart; `response_rate` is a share 0..1 (answers / people invited) when known.
    """
    if q.audience != "team":
        raise ReportError(f"{q.ref} is not a team questionnaire")
    html, images = team_report_html(
        result, q, org=org, round_name=round_name, consultant=consultant,
        response_rate=response_rate, previous_results=previous_results,
        generated_on=generated_on, page_size=page_size)
    logo = consultant.logo_path if consultant else None
    allowed = (Path(logo).resolve(),) if logo else ()
    return write_pdf(html, images, allowed_files=allowed)


def quick_report_html(result: Result, q: Questionnaire, *, org: str | None = None,
                      generated_on: date | None = None,
                      page_size: str = "A4") -> tuple[str, dict[str, bytes]]:
    ctx, charts = quick_context(result, q, org=org, generated_on=generated_on or date.today())
    return render_html("quick.html", ctx, page_size=page_size), charts.images


def build_quick_report(result: Result, q: Questionnaire, *, org: str | None = None,
                       generated_on: date | None = None, page_size: str = "A4") -> bytes:
    """The CEO's self-assessment as a 2-3 page PDF."""
    html, images = quick_report_html(result, q, org=org, generated_on=generated_on,
                                     page_size=page_size)
    return write_pdf(html, images)


__all__ = [
    "Branding",
    "ReportError",
    "build_quick_report",
    "build_team_report",
    "fmt",
    "quick_report_html",
    "team_report_html",
]
