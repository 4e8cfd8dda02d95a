"""The anonymous team survey: link or invitation -> intro -> one page per section ->
review -> thank you. Every page after the intro lives under the draft's resume link."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from questionnaires import Questionnaire

from ..errors import FriendlyError
from ..extensions import limiter
from ..models import Draft, Invitation, Round
from . import operations as ops
from .forms import CsrfForm, bad_request, check_with_scoring, intro_form, parse_page
from .pages import ROLE_LABELS, Page, pages, question_views
from .pages import review as review_sections

bp = Blueprint("respondent", __name__)

ACTIONS = ("next", "back", "save")


def entry_limit() -> str:
    return current_app.config["RATELIMIT_ENTRY"]


def unknown_link() -> FriendlyError:
    return FriendlyError(
        404, "We don't recognise this link",
        "Check that you opened the whole link from your message: links are long and "
        "sometimes get cut off. If it still does not work, ask the person who sent it.")


def draft_gone() -> FriendlyError:
    return FriendlyError(
        404, "This link is not active",
        "If you already submitted your answers: thank you, they are safely stored and this "
        "link has done its job. Otherwise the link may be incomplete or may have expired "
        "(unsent answers are kept for 30 days).")


def not_open(round_: Round, state: str) -> FriendlyError:
    if state == "not_open":
        return FriendlyError(
            403, "This survey is not open yet",
            f"It opens on {round_.opens_at:%d %B %Y}. Your link will work from then: keep "
            "it and come back.")
    return FriendlyError(410, "This survey has closed",
                         "Answers are no longer being collected for this survey. Thank you "
                         "for your time.")


def invitation_used() -> FriendlyError:
    return FriendlyError(
        410, "This invitation has already been used",
        "Each personal invitation starts the survey once. If you started it yourself, use "
        "the \"finish later\" link shown on every survey page. If you did not, let the "
        "person who invited you know.")


def _check_round(round_: Round) -> None:
    state = round_.state()
    if state != "open":
        raise not_open(round_, state)


@bp.route("/s/<token>", methods=["GET", "POST"])
@limiter.shared_limit(entry_limit, scope="link-entry")
def shared_link(token: str):
    round_ = ops.round_by_link(token)
    if round_ is None or not round_.accepts_link:
        raise unknown_link()
    return _intro(round_, None)


@bp.route("/i/<token>", methods=["GET", "POST"])
@limiter.shared_limit(entry_limit, scope="link-entry")
def invitation_link(token: str):
    invitation = ops.invitation_by_token(token)
    if invitation is None:
        raise unknown_link()
    round_ = ops.db.session.get(Round, invitation.round_id)
    if round_ is None or not round_.accepts_invitations:
        raise unknown_link()
    if invitation.used:
        raise invitation_used()
    return _intro(round_, invitation)


def _intro(round_: Round, invitation: Invitation | None):
    _check_round(round_)
    q = ops.questionnaire_of(round_)
    form = intro_form(round_.teams)
    if form.validate_on_submit():
        try:
            token = ops.start(round_, form.role.data or None,
                              (form.team.data or "").strip() or None, invitation)
        except ops.InvitationUsed:
            raise invitation_used() from None
        except ops.RoundNotOpen as exc:
            raise not_open(exc.round, exc.state) from None
        return redirect(url_for(".section", token=token, number=1))
    status = 400 if form.errors else 200
    return render_template("respondent/intro.html", round=round_, q=q, form=form,
                           organisation=round_.organisation.name), status


@dataclass(frozen=True)
class DraftContext:
    token: str
    draft: Draft
    round: Round
    q: Questionnaire
    pages: list[Page]

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.draft.role or "", "not given")

    @property
    def resume_url(self) -> str:
        return url_for("respondent.resume", token=self.token, _external=True)


def _draft(token: str) -> DraftContext:
    draft = ops.draft_by_token(token)
    if draft is None:
        raise draft_gone()
    round_ = draft.round
    _check_round(round_)
    q = ops.questionnaire_of(round_)
    return DraftContext(token, draft, round_, q, pages(q, draft.role))


@bp.get("/r/<token>")
@limiter.shared_limit(entry_limit, scope="link-entry")
def resume(token: str):
    ctx = _draft(token)
    if ctx.draft.section >= len(ctx.pages):
        return redirect(url_for(".review", token=token))
    return redirect(url_for(".section", token=token, number=ctx.draft.section + 1))


@bp.route("/r/<token>/section/<int:number>", methods=["GET", "POST"])
def section(token: str, number: int):
    ctx = _draft(token)
    if not 1 <= number <= len(ctx.pages):
        abort(404)
    page = ctx.pages[number - 1]
    form = CsrfForm()
    values: dict = dict(ctx.draft.answers or {})
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not form.validate_on_submit():  # CSRFProtect already refused a bad token
            raise bad_request("The form could not be read.")
        action = request.form.get("action", "next")
        if action not in ACTIONS:
            raise bad_request(f"Unknown button {action[:20]!r}.")
        parsed, errors = parse_page(request.form, ctx.q, page.questions,
                                    current_app.config["TEXT_ANSWER_MAX"])
        if not errors:
            resume_at = {"next": number, "back": number - 2, "save": number - 1}[action]
            ops.save_page(ctx.draft, [x.key for x in page.questions], parsed,
                          max(resume_at, 0))
            if action == "save":
                return redirect(url_for(".saved", token=token))
            if action == "back" and number > 1:
                return redirect(url_for(".section", token=token, number=number - 1))
            if action == "next" and number < len(ctx.pages):
                return redirect(url_for(".section", token=token, number=number + 1))
            if action == "next":
                return redirect(url_for(".review", token=token))
            return redirect(url_for(".section", token=token, number=number))
        values = {k: v for k, v in request.form.items() if k not in ("csrf_token", "action")}
    items = question_views(ctx.q, page.questions, values, errors)
    return render_template("respondent/section.html", ctx=ctx, page=page, items=items,
                           form=form, errors=errors), (400 if errors else 200)


@bp.get("/r/<token>/saved")
def saved(token: str):
    ctx = _draft(token)
    return render_template("respondent/saved.html", ctx=ctx)


@bp.route("/r/<token>/review", methods=["GET", "POST"])
def review(token: str):
    draft = ops.draft_by_token(token)
    if draft is None:
        if request.method == "POST":  # the second of two submits: already stored
            return redirect(url_for(".thanks"))
        raise draft_gone()
    ctx = _draft(token)
    form = CsrfForm()
    sections = review_sections(ctx.q, ctx.draft.role, ctx.draft.answers or {})
    missing = sum(s.missing_required for s in sections)
    if request.method == "POST" and form.validate_on_submit():
        if missing:
            return render_template("respondent/review.html", ctx=ctx, sections=sections,
                                   form=form, missing=missing), 400
        asked = {x.key for page in ctx.pages for x in page.questions}
        answers = {k: v for k, v in (ctx.draft.answers or {}).items() if k in asked}
        check_with_scoring(answers, ctx.q)
        ops.submit(ctx.draft.id, ctx.round.id, ctx.draft.role, ctx.draft.team, answers)
        return redirect(url_for(".thanks"))
    return render_template("respondent/review.html", ctx=ctx, sections=sections, form=form,
                           missing=missing)


@bp.get("/thanks")
def thanks():
    return render_template("respondent/thanks.html")
