"""The report builder: one place that turns a scoring Result into a PDF.

The web download, the CEO quick result and `assess report` all call these functions, so
every route produces the same document. Views stay thin: score, then call one of these.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from questionnaires import Questionnaire
from scoring import Result

from ..present import fmt
from ..present.report import COMMENT_THRESHOLD, comments_view
from .context import Branding, quick_context, team_context
from .render import ReportError, render_html, write_pdf

Fieldwork = tuple[date, date]


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def team_report_html(result: Result, q: Questionnaire, *, org: str, round_name: str = "",
                     consultant: Branding | None = None, response_rate: float | None = None,
                     previous_results: Sequence[tuple[str, Result]] = (),
                     generated_on: date | None = None, page_size: str = "A4",
                     fieldwork: Fieldwork | None = None, contact: str = "",
                     comments: Any = None, comment_threshold: int = COMMENT_THRESHOLD,
                     comment_seed: int | str | None = None,
                     external_css: bool = False) -> tuple[str, dict[str, bytes]]:
    """The team report's HTML and the chart images it refers to (for previews and tests;
    `external_css` leaves the static stylesheet out, as `build_team_report` does)."""
    consultant = consultant or Branding()
    released = None
    if comments is not None:
        seed = comment_seed if comment_seed is not None else f"{org}|{round_name}|{q.ref}"
        released = comments_view(comments, max(comment_threshold, result.min_group_size),
                                 seed, q=q)
    period = (_day(fieldwork[0]), _day(fieldwork[1])) if fieldwork else None
    ctx, charts = team_context(
        result, q, org=org, round_name=round_name, consultant=consultant,
        response_rate=response_rate, previous_results=previous_results,
        generated_on=generated_on or date.today(), fieldwork=period, contact=contact,
        comments=released)
    if consultant.logo_png:
        ctx["logo_url"] = charts.add("logo", consultant.logo_png)
    elif consultant.logo_path:
        ctx["logo_url"] = Path(consultant.logo_path).resolve().as_uri()
    else:
        ctx["logo_url"] = None
    return render_html("team.html", ctx, page_size=page_size,
                       external_css=external_css), charts.images


def build_team_report(result: Result, q: Questionnaire, *, org: str, round_name: str = "",
                      consultant: Branding | None = None, response_rate: float | None = None,
                      previous_results: Sequence[tuple[str, Result]] = (),
                      generated_on: date | None = None, page_size: str = "A4",
                      fieldwork: Fieldwork | None = None, contact: str = "",
                      comments: Any = None, comment_threshold: int = COMMENT_THRESHOLD,
                      comment_seed: int | str | None = None) -> bytes:
    """The branded root-cause report of a team round, as PDF bytes.

    `previous_results` are earlier rounds as (name, Result), oldest first, for the trend;
    `response_rate` is a share 0..1 (answers / people invited) when known; `fieldwork` is
    (first day, last day): the days answers arrived, or the round's open and close dates;
    `contact` is the consultant's contact line on the cover. `comments` are the round's
    free-text answers (`Answers.texts`, or a mapping question key -> answers): a
    question's answers are printed only when at least `comment_threshold` people (never
    fewer than the anonymity threshold) answered it, shuffled by `comment_seed` (default:
    the organisation, round and questionnaire), never dated or attributed.
    """
    if q.audience != "team":
        raise ReportError(f"{q.ref} is not a team questionnaire")
    html, images = team_report_html(
        result, q, org=org, round_name=round_name, consultant=consultant,
        response_rate=response_rate, previous_results=previous_results,
        generated_on=generated_on, page_size=page_size, fieldwork=fieldwork,
        contact=contact, comments=comments, comment_threshold=comment_threshold,
        comment_seed=comment_seed, external_css=True)
    logo = consultant.logo_path if consultant else None
    allowed = (Path(logo).resolve(),) if logo else ()
    return write_pdf(html, images, allowed_files=allowed, shared_css=True)


def quick_report_html(result: Result, q: Questionnaire, *, org: str | None = None,
                      generated_on: date | None = None, page_size: str = "A4",
                      external_css: bool = False, contact: str = ""
                      ) -> tuple[str, dict[str, bytes]]:
    ctx, charts = quick_context(result, q, org=org, generated_on=generated_on or date.today(),
                                contact=contact)
    return render_html("quick.html", ctx, page_size=page_size,
                       external_css=external_css), charts.images


def build_quick_report(result: Result, q: Questionnaire, *, org: str | None = None,
                       generated_on: date | None = None, page_size: str = "A4",
                       contact: str = "") -> bytes:
    """The CEO's self-assessment as a 2-3 page PDF; `org` and the consultant's `contact`
    line when the result belongs to an organisation."""
    html, images = quick_report_html(result, q, org=org, generated_on=generated_on,
                                     page_size=page_size, external_css=True,
                                     contact=contact)
    return write_pdf(html, images, shared_css=True)


__all__ = [
    "Branding",
    "Fieldwork",
    "ReportError",
    "build_quick_report",
    "build_team_report",
    "fmt",
    "quick_report_html",
    "team_report_html",
]
