"""The anonymous team survey: link or invitation -> intro -> one page per section ->
review -> thank you. Every page after the intro lives under the draft's resume link
(for an invitation, the invitation token: see `operations`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from ..extensions import limiter
from ..models import Round
from ..survey.navigation import navigate
from ..survey.paging import (
    Page,
    PageChange,
    completion,
    longest,
    pages,
    progress,
    question_count,
    question_views,
    role_change,
)
from ..survey.paging import review as review_sections
from ..survey.parsing import form_text, parse_page, read_post
from . import operations as ops
from .forms import intro_form

if TYPE_CHECKING:
    from questionnaires import Questionnaire

bp = Blueprint("respondent", __name__)


def entry_limit() -> str:
    return current_app.config["RATELIMIT_ENTRY"]


@bp.route("/s/<token>", methods=["GET", "POST"])
@limiter.shared_limit(entry_limit, scope="link-entry")
def shared_link(token: str):
    return _intro(ops.round_by_link(token), None)


@bp.route("/i/<token>", methods=["GET", "POST"])
@limiter.shared_limit(entry_limit, scope="link-entry")
def invitation_link(token: str):
    round_ = ops.invitation_round(token)
    if ops.draft_by_token(token) is not None:  # started before: back to those answers
        return redirect(url_for(".resume", token=token))
    return _intro(round_, token)


def _intro(round_: Round, invitation_token: str | None):
    form = intro_form(round_.teams)
    if form.validate_on_submit():
        token = ops.start(round_, form.role.data or None,
                          (form.team.data or "").strip() or None, invitation_token)
        return redirect(url_for(".section", token=token, number=1))
    q = ops.questionnaire_of(round_)
    counts = [question_count(pages(q, role)) for role in (None, *q.roles)]
    return render_template("respondent/intro.html", round=round_, q=q, form=form,
                           organisation=round_.organisation.name, most=longest(q),
                           fewest=min(c for c in counts if c) if any(counts) else 0
                           ), (400 if form.errors else 200)


@dataclass(frozen=True)
class DraftContext:
    token: str
    draft: ops.SurveyDraft
    round: ops.DraftRound
    q: Questionnaire
    pages: tuple[Page, ...]

    @property
    def role_label(self) -> str:
        from questionnaires.vocabulary import ROLE_LABELS

        return ROLE_LABELS.get(self.draft.role or "", "not given")

    @property
    def invitation(self) -> bool:
        return ops.is_invitation_draft(self.draft, self.token)

    @cached_property
    def resume_url(self) -> str:
        """The private link back to these answers (for an invitation: the invitation)."""
        endpoint = "respondent.invitation_link" if self.invitation else "respondent.resume"
        return url_for(endpoint, token=self.token, _external=True)

    @property
    def resume_display(self) -> str:
        """The link as shown: without its scheme, on one line (the href stays whole)."""
        return self.resume_url.split("://", 1)[-1]

    @property
    def autosave_scope(self) -> str:
        """Names this draft in the browser's storage without storing its link there."""
        return hashlib.sha256(b"autosave:" + self.token.encode()).hexdigest()[:16]


def _draft(token: str) -> DraftContext:
    return _context(token, ops.open_draft(token))


def _context(token: str, draft: ops.SurveyDraft) -> DraftContext:
    q = ops.questionnaire_of(draft.round)
    return DraftContext(token, draft, draft.round, q, pages(q, draft.role))


@bp.get("/r/<token>")
@limiter.shared_limit(entry_limit, scope="link-entry")
def resume(token: str):
    ctx = _draft(token)
    if ctx.draft.section >= len(ctx.pages):
        return redirect(url_for(".review", token=token))
    return redirect(url_for(".section", token=token, number=ctx.draft.section + 1))


@bp.route("/r/<token>/section/<int:number>", methods=["GET", "POST"])
def section(token: str, number: int):
    from_review = request.args.get("from") == "review"
    if request.method == "GET":
        ctx = _draft(token)
        page = _page(ctx, number)
        values, errors = dict(ctx.draft.answers), {}
    else:
        form = read_post()  # the whole body, before the write lock is taken
        with ops.saving_page(token) as saving:  # one transaction: read, check, save
            ctx = _context(token, saving.draft)
            page = _page(ctx, number)
            step = navigate(form_text(form, "action") or "next", number, len(ctx.pages),
                            from_review)
            parsed, errors = parse_page(form, ctx.q, page.questions,
                                        current_app.config["TEXT_ANSWER_MAX"])
            if not errors:
                saving.save_page([x.key for x in page.questions], parsed, step.resume_at)
                return redirect(_destination(token, step.to, step.number))
        values = form.to_dict()
    return render_template("respondent/section.html", ctx=ctx, page=page,
                           items=question_views(ctx.q, page.questions, values, errors),
                           errors=errors, from_review=from_review,
                           p=progress(ctx.q, ctx.pages, number),
                           action=url_for(".section", token=token, number=number,
                                          **({"from": "review"} if from_review else {}))
                           ), (400 if errors else 200)


def _page(ctx: DraftContext, number: int) -> Page:
    if not 1 <= number <= len(ctx.pages):
        abort(404)
    return ctx.pages[number - 1]


def _destination(token: str, to: str, number: int) -> str:
    if to == "saved":
        return url_for(".saved", token=token)
    if to == "end":
        return url_for(".review", token=token)
    return url_for(".section", token=token, number=number)


@bp.get("/r/<token>/saved")
def saved(token: str):
    return render_template("respondent/saved.html", ctx=_draft(token))


@bp.route("/r/<token>/review", methods=["GET", "POST"])
def review(token: str):
    if request.method == "GET":
        return _review_page(_draft(token))
    draft = ops.draft_by_token(token)
    if draft is None:
        return redirect(url_for(".thanks"))  # the second of two submits: already stored
    ops.require_open(draft.round)
    ctx = _context(token, draft)
    form = read_post()
    sections = review_sections(ctx.q, ctx.draft.role, ctx.draft.answers or {})
    refusal = ops.send_refusal(sum(s.missing_required for s in sections),
                               completion(ctx.q, ctx.draft.role, ctx.pages,
                                          ctx.draft.answers or {}),
                               confirmed=form_text(form, "confirm_few") == "yes")
    if refusal is not None:
        return _review_page(ctx, refusal=refusal)
    ops.submit_draft(ctx.draft, ctx.token if ctx.invitation else None)
    return redirect(url_for(".thanks"))


@bp.post("/r/<token>/about")
def about(token: str):
    """Role and team changed on the review page: which questions apply may change."""
    ctx = _draft(token)
    form = intro_form(ctx.round.teams)
    if not form.validate_on_submit():
        return _review_page(ctx, about_form=form)
    role, team = form.role.data or None, (form.team.data or "").strip() or None
    message = _about_message(ctx, role, team, role_change(ctx.q, ctx.draft.role, role))
    ops.change_about(ctx.draft, role, team, len(pages(ctx.q, role)))
    flash(message, "ok")
    return redirect(url_for(".review", token=token))


def _about_message(ctx: DraftContext, role: str | None, team: str | None,
                   change: PageChange) -> str:
    from questionnaires.vocabulary import ROLE_LABELS

    said = []
    if role != ctx.draft.role:
        said.append(f"Your role is now: {ROLE_LABELS.get(role or '', 'not given')}.")
    if team != ctx.draft.team:
        said.append(f"Your team is now: {team or 'not given'}.")
    if not said:
        return "Nothing changed."
    if change.added:
        said.append("New for you: " + ", ".join(change.added) + ".")
    if change.changed:
        said.append("Other questions in: " + ", ".join(change.changed) + ".")
    if change.removed:
        said.append("No longer asked: " + ", ".join(change.removed)
                    + " (answers there will not be sent).")
    if role != ctx.draft.role and not change:
        said.append("You are asked the same questions as before.")
    return " ".join(said)


def _review_page(ctx: DraftContext, refusal: str | None = None, about_form=None):
    answers = ctx.draft.answers or {}
    sections = review_sections(ctx.q, ctx.draft.role, answers)
    form = about_form or intro_form(ctx.round.teams, {"role": ctx.draft.role or "",
                                                      "team": ctx.draft.team or ""})
    status = 400 if refusal or about_form else 200
    return render_template("respondent/review.html", ctx=ctx, sections=sections,
                           about=form, refusal=refusal,
                           done=completion(ctx.q, ctx.draft.role, ctx.pages, answers),
                           missing=sum(s.missing_required for s in sections)), status


@bp.get("/thanks")
def thanks():
    return render_template("respondent/thanks.html")
