"""State changes of the team survey: start a draft, save a page, change role or team,
submit once.

Each function is one transaction. Submitting deletes the draft and inserts the response
in the same transaction, keyed by the draft: a second submit (double click, back
button, second tab) finds no draft and stores nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from .. import questionnaire_store
from ..errors import DraftGone, InvitationUsed, RoundNotOpen, UnknownLink
from ..extensions import db
from ..models import DRAFT_DAYS, Draft, Invitation, Response, Round, today
from ..survey.paging import Completion, Page
from ..tokens import hash_token, new_token, plausible

if TYPE_CHECKING:
    from questionnaires import Questionnaire

def round_by_link(token: str) -> Round:
    """The open round behind a shared link (UnknownLink, RoundNotOpen otherwise)."""
    round_ = db.session.scalar(sa.select(Round).filter_by(link_token_hash=hash_token(token))) \
        if plausible(token) else None
    if round_ is None or not round_.accepts_link:
        raise UnknownLink()
    require_open(round_)
    return round_


def invitation_by_token(token: str) -> tuple[Invitation, Round]:
    """An unused invitation and its open round."""
    invitation = db.session.scalar(sa.select(Invitation).filter_by(
        token_hash=hash_token(token))) if plausible(token) else None
    round_ = db.session.get(Round, invitation.round_id) if invitation else None
    if invitation is None or round_ is None or not round_.accepts_invitations:
        raise UnknownLink()
    if invitation.used:
        raise InvitationUsed()
    require_open(round_)
    return invitation, round_


def draft_by_token(token: str) -> Draft | None:
    """The draft behind a resume link, if it exists and has not expired."""
    if not plausible(token):
        return None
    # The round and its questionnaire are needed on every page: one query, not three.
    draft = db.session.scalar(
        sa.select(Draft).filter_by(token_hash=hash_token(token))
        .options(joinedload(Draft.round).joinedload(Round.questionnaire)))
    if draft is not None and draft.expires_on < today():
        return None
    return draft


def open_draft(token: str) -> Draft:
    """The draft of an open round (DraftGone, RoundNotOpen otherwise)."""
    draft = draft_by_token(token)
    if draft is None:
        raise DraftGone()
    require_open(draft.round)
    return draft


def questionnaire_of(round_: Round) -> Questionnaire:
    return questionnaire_store.of(round_.questionnaire)


def require_open(round_: Round) -> None:
    state = round_.state()
    if state != "open":
        raise RoundNotOpen(state, round_.opens_at)


def start(round_: Round, role: str | None, team: str | None,
          invitation: Invitation | None = None) -> str:
    """A new draft; returns its resume token. An invitation is spent here, at the start,
    so the draft (and later the response) never needs to point back at it."""
    require_open(round_)
    token = new_token()
    if invitation is not None:
        spent = db.session.execute(
            sa.update(Invitation)
            .where(Invitation.id == invitation.id, Invitation.used.is_(False))
            .values(used=True))
        if spent.rowcount != 1:
            db.session.rollback()
            raise InvitationUsed()
    db.session.add(Draft(round_id=round_.id, token_hash=hash_token(token), role=role or None,
                         team=team or None, answers={}, section=0))
    db.session.commit()
    return token


def save_page(draft: Draft, question_keys: list[str], values: dict[str, Any],
              resume_at: int) -> None:
    """Replace this page's answers (a cleared answer is removed) and remember the page."""
    answers = {k: v for k, v in (draft.answers or {}).items() if k not in question_keys}
    answers.update(values)
    draft.answers = answers
    draft.section = resume_at
    draft.expires_on = today() + timedelta(days=DRAFT_DAYS)
    db.session.commit()


def change_about(draft: Draft, role: str | None, team: str | None, resume_at: int) -> None:
    """A new role or team, chosen on the review page. Answers to questions the new role
    is not asked stay in the draft, so changing back restores them; they are not sent."""
    draft.role = role
    draft.team = team
    draft.section = resume_at
    draft.expires_on = today() + timedelta(days=DRAFT_DAYS)
    db.session.commit()


def send_refusal(missing_required: int, done: Completion, confirmed: bool) -> str | None:
    """Why a draft may not be sent as it is, or None.

    "missing": a required question has no answer; "empty": nothing is answered, so it
    would count as a response that says nothing; "unconfirmed": fewer than half of the
    scored questions are answered and the respondent has not said to send it anyway.
    """
    if missing_required:
        return "missing"
    if not done.anything:
        return "empty"
    if done.under_half and not confirmed:
        return "unconfirmed"
    return None


def submit(draft_id: int, round_id: int, role: str | None, team: str | None,
           answers: dict[str, Any]) -> bool:
    """Consume the draft and store the response, atomically. False: this draft was
    already submitted (a double click, a second tab), so nothing more is stored."""
    consumed = db.session.execute(sa.delete(Draft).where(Draft.id == draft_id))
    if consumed.rowcount != 1:
        db.session.rollback()
        return False
    db.session.add(Response(round_id=round_id, role=role, team=team, answers=dict(answers)))
    db.session.commit()
    return True


def submit_draft(draft: Draft, all_pages: tuple[Page, ...]) -> bool:
    """Send a draft: only answers to questions this respondent's pages asked are kept."""
    asked = {x.key for page in all_pages for x in page.questions}
    answers = {k: v for k, v in (draft.answers or {}).items() if k in asked}
    return submit(draft.id, draft.round_id, draft.role, draft.team, answers)
