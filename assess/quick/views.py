"""The CEO quick assessment: no login, one page per section, an instant result."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)

from questionnaires import Questionnaire

from .. import questionnaire_store
from ..errors import FriendlyError
from ..respondent.forms import bad_request
from ..respondent.pages import Page, pages, question_views
from . import operations as ops
from .forms import QuickForm, parse_quick
from .summary import summarise

bp = Blueprint("quick", __name__, url_prefix="/quick")


def _questionnaire() -> Questionnaire:
    return questionnaire_store.get(current_app.config["QUICK_QUESTIONNAIRE"])


@bp.get("/")
def start():
    q = _questionnaire()
    return render_template("quick/start.html", q=q, count=len(q.questions))


def _render(q: Questionnaire, all_pages: list[Page], number: int, values: dict,
            errors: dict[str, str], form: QuickForm, status: int = 200):
    page = all_pages[number - 1]
    shown = {x.key for x in page.questions}
    hidden = [(k, str(v)) for k, v in values.items() if k not in shown]
    return render_template("quick/page.html", q=q, page=page, total=len(all_pages),
                           items=question_views(q, page.questions, values, errors),
                           hidden=hidden, form=form, errors=errors), status


@bp.route("/answer", methods=["GET", "POST"])
def answer():
    q = _questionnaire()
    all_pages = pages(q, "ceo")
    form = QuickForm()
    if request.method == "GET":
        return _render(q, all_pages, 1, {}, {}, form)
    if not form.validate_on_submit():
        raise bad_request("The form could not be read.")
    page_raw = request.form.get("page", "1")
    if not page_raw.isdigit() or not 1 <= int(page_raw) <= len(all_pages):
        raise bad_request("The page number is not valid.")
    number = int(page_raw)
    action = request.form.get("action", "next")
    if action not in ("next", "back"):
        raise bad_request(f"Unknown button {action[:20]!r}.")
    upto = tuple(x for p in all_pages[:number] for x in p.questions)
    values, errors = parse_quick(request.form, q, upto, current_app.config["TEXT_ANSWER_MAX"])
    if errors:
        first = min(p.number for p in all_pages if any(x.key in errors for x in p.questions))
        raw = {k: v for k, v in request.form.items() if k not in ("csrf_token", "action",
                                                                   "page")}
        return _render(q, all_pages, first, raw, errors, form, 400)
    if action == "next" and number == len(all_pages) and not any(
            k in values for k in (x.key for x in q.scored_questions)):
        errors = {all_pages[0].questions[0].key: "Please answer at least one statement so "
                  "there is something to score."}
        return _render(q, all_pages, 1, values, errors, form, 400)
    if action == "back":
        return _render(q, all_pages, max(number - 1, 1), values, {}, form)
    if number < len(all_pages):
        return _render(q, all_pages, number + 1, values, {}, form)
    token = ops.create(q, values)
    return redirect(url_for(".result", token=token))


def _result_row(token: str):
    row = ops.find(token)
    if row is None:
        raise FriendlyError(404, "We could not find that result",
                            "Check that you copied the whole link. Results are only reachable "
                            "through the exact link shown when you finished.")
    return row


@bp.get("/result/<token>")
def result(token: str):
    row = _result_row(token)
    q, scored = ops.result_of(row)
    summary = summarise(q, scored)
    return render_template("quick/result.html", q=q, s=summary, token=token,
                           created_on=row.created_on,
                           url=url_for(".result", token=token, _external=True))


@bp.get("/result/<token>/radar.png")
def radar(token: str):
    from ..charts import radar_png

    q, scored = ops.result_of(_result_row(token))
    summary = summarise(q, scored)
    png = radar_png([b.title for b in summary.buckets], [b.score for b in summary.buckets],
                    size_px=360, label_scale=1.45)
    return Response(png, mimetype="image/png",
                    headers={"Cache-Control": "private, max-age=86400"})


@bp.get("/result/<token>/report.pdf")
def report(token: str):
    from ..report import build_quick_report

    q, scored = ops.result_of(_result_row(token))
    pdf = build_quick_report(scored, q)
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="ceo-quick-check.pdf"',
                             "Cache-Control": "private, no-store"})
