"""The CEO quick assessment: no login, one page per section, an instant result.

Answers from earlier pages ride along as hidden fields, so nothing is stored until the
result exists.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for

from questionnaires.model import quoted

from .. import questionnaire_store
from ..errors import BadForm
from ..survey.navigation import navigate
from ..survey.paging import Page, pages, progress, question_views, questions_up_to
from ..survey.parsing import form_text, parse_page, read_post
from . import operations as ops

if TYPE_CHECKING:
    from questionnaires import Questionnaire

bp = Blueprint("quick", __name__, url_prefix="/quick")
PAGE_NUMBER = re.compile(r"[0-9]{1,3}")


def _questionnaire() -> Questionnaire:
    return questionnaire_store.get(current_app.config["QUICK_QUESTIONNAIRE"])


@bp.get("/")
def start():
    q = _questionnaire()
    return render_template("quick/start.html", q=q, count=len(q.questions))


def _render(q: Questionnaire, all_pages: tuple[Page, ...], number: int, values: dict,
            errors: dict[str, str], status: int = 200):
    page = all_pages[number - 1]
    shown = {x.key for x in page.questions}
    asked = {x.key for x in q.questions}
    hidden = [(k, str(v)) for k, v in values.items() if k in asked and k not in shown]
    return render_template("quick/page.html", q=q, page=page, total=len(all_pages),
                           p=progress(q, all_pages, number),
                           items=question_views(q, page.questions, values, errors),
                           hidden=hidden, errors=errors), status


def _page_number(raw: str, total: int) -> int:
    if not PAGE_NUMBER.fullmatch(raw) or not 1 <= int(raw) <= total:
        raise BadForm("The page number is not valid.")
    return int(raw)


@bp.route("/answer", methods=["GET", "POST"])
def answer():
    q = _questionnaire()
    all_pages = pages(q, "ceo")
    if request.method == "GET":
        return _render(q, all_pages, 1, {}, {})
    form = read_post()
    number = _page_number(form_text(form, "page") or "1", len(all_pages))
    action = form_text(form, "action") or "next"
    if action not in ("next", "back"):
        raise BadForm(f"Unknown button {quoted(action)}.")
    step = navigate(action, number, len(all_pages))
    values, errors = parse_page(form, q, questions_up_to(all_pages, number),
                                current_app.config["TEXT_ANSWER_MAX"])
    if not errors and step.to == "end":
        errors = ops.nothing_to_score(q, values)
    if errors:
        first = min(p.number for p in all_pages if any(x.key in errors for x in p.questions))
        return _render(q, all_pages, first, form.to_dict(), errors, 400)
    if step.to == "end":
        return redirect(url_for(".result", token=ops.create(q, values)))
    return _render(q, all_pages, step.number, values, {})


@bp.get("/result/<token>")
def result(token: str):
    from ..present import quick_view

    row, q, scored = ops.scored_result(token)
    return render_template("quick/result.html", v=quick_view(q, scored), q=q, token=token,
                           created_on=row.created_on,
                           url=url_for(".result", token=token, _external=True))


@bp.route("/result/<token>/team", methods=["GET", "POST"])
def team(token: str):
    """Run this with my team: a self-serve start, or a request to the consultant."""
    from ..auth import sessions
    from . import team as path
    from .forms import SelfServeForm, TeamRequestForm

    row = ops.find(token)
    self_serve = current_app.config["SELF_SERVE"]
    form = SelfServeForm() if self_serve else TeamRequestForm()
    if form.validate_on_submit():
        if self_serve:
            account, round_ = path.start_self_serve(row, form.name.data, form.email.data,
                                                    form.company.data, form.password.data)
            sessions.start(account)
            return redirect(url_for("console.round", public_id=round_.public_id))
        path.request_team_survey(row, form.name.data, form.email.data, form.company.data,
                                 form.team_size.data)
        return render_template("quick/team_sent.html", token=token)
    return render_template("quick/team.html", form=form, token=token,
                           self_serve=self_serve), (400 if form.errors else 200)


@bp.get("/result/<token>/report.pdf")
def report(token: str):
    from ..report import build_quick_report

    row, q, scored = ops.scored_result(token)
    org, contact = ops.belongs_to(row)
    return Response(build_quick_report(scored, q, org=org, contact=contact),
                    mimetype="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="ceo-quick-check.pdf"',
                             "Cache-Control": "private, no-store"})
