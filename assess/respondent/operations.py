"""State changes of the team survey: start a draft, save a page, change role or team,
submit once.

Each function is one transaction. Submitting deletes the draft and inserts the response
in the same transaction, keyed by the draft: a second submit (double click, back
button, second tab) finds no draft and stores nothing.

An invitation's draft is found again through the invitation link, yet nothing stored
links the two: the draft's token is derived from the invitation token with the app's
secret key (HMAC), and only the hash of that derived token is kept. Without the secret
key and the invitation token itself, the database cannot tell which draft (or, later,
which response) came from which invitation.

No respondent's transaction ever writes the invitation's row. Sending the answers stores,
with the response and in its transaction, a `SentMark`: the hash of another token
derived from the invitation's (its unique key makes an invitation answer once). The
invitation, the draft and the mark share no value, so neither the tables nor the
write-ahead log chain an invitation to its draft or response: the link is an HMAC only
the secret key computes. The console, which has the key, tells which invitations were
used (`used`). The response transaction does consume the draft, which it must to store
exactly once: the log ties a draft to its response, never a draft to its invitation.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import current_app

from .. import questionnaire_store
from ..errors import DraftGone, InvitationUsed, RoundNotOpen, UnknownLink
from ..extensions import db
from ..models import (
    DRAFT_DAYS,
    Draft,
    Invitation,
    QuestionnaireVersion,
    Response,
    Round,
    SentMark,
    round_state,
    today,
)
from ..survey.paging import Completion, pages
from ..tokens import derived_token, hash_token, new_token, plausible

if TYPE_CHECKING:
    from questionnaires import Questionnaire

    from ..console.releases import Tally

INVITATION_DRAFT = "invitation-draft:"
INVITATION_SENT = "invitation-sent:"


_ROUND_BY_LINK = (
    sa.select(Round).where(Round.link_token_hash == sa.bindparam("link"))
    .options(sa.orm.joinedload(Round.organisation), sa.orm.joinedload(Round.questionnaire)))


def round_by_link(token: str) -> Round:
    """The open round behind a shared link (UnknownLink, RoundNotOpen otherwise)."""
    # the intro page shows the organisation and the questionnaire: read with the round
    round_ = db.session.scalar(_ROUND_BY_LINK, {"link": hash_token(token)}
                               ) if plausible(token) else None
    if round_ is None or not round_.accepts_link:
        raise UnknownLink()
    require_open(round_)
    return round_


def invitation_draft_token(invitation_token: str) -> str:
    """The token of an invitation's draft: derived, so it never needs storing."""
    return derived_token(current_app.config["SECRET_KEY"], INVITATION_DRAFT + invitation_token)


def sent_mark(invitation_token: str) -> str:
    """The key of the mark an invitation's sent answers leave: the hash of a token derived
    from the invitation's with the secret key, so only the app can tell whose it is."""
    return hash_token(derived_token(current_app.config["SECRET_KEY"],
                                    INVITATION_SENT + invitation_token))


def invitation_sent(invitation: Invitation, token: str | None) -> bool:
    """Whether an invitation's answers were sent (`token`: its token, when known).

    `used` is set only by versions before sent marks; such an invitation whose draft still
    exists is let through, since its answers were being sent when something failed between
    that version's two transactions (the draft can still be sent only once)."""
    if token is not None and db.session.get(SentMark, sent_mark(token)) is not None:
        return True
    return invitation.used and (token is None or draft_by_token(token) is None)


def invitation_round(token: str) -> Round:
    """The open round of an invitation whose answers have not been sent yet."""
    invitation = db.session.scalar(sa.select(Invitation).filter_by(
        token_hash=hash_token(token))) if plausible(token) else None
    round_ = db.session.get(Round, invitation.round_id) if invitation else None
    if (invitation is None or invitation.revoked or round_ is None
            or not round_.accepts_invitations):
        raise UnknownLink()
    if invitation_sent(invitation, token):
        raise InvitationUsed()
    require_open(round_)
    return round_


def _draft_hashes(token: str) -> tuple[str, str]:
    """A resume link holds a draft token or an invitation token; one query finds either."""
    return hash_token(token), hash_token(invitation_draft_token(token))


@dataclass(frozen=True)
class DraftRound:
    """What a survey page needs of its round, read with the draft."""

    id: int
    status: str
    opens_at: datetime
    closes_at: datetime | None
    teams: list[str] | None
    questionnaire_key: str
    questionnaire_version: int

    def state(self, now: datetime | None = None) -> str:
        return round_state(self.status, self.opens_at, self.closes_at, now)


@dataclass(frozen=True)
class SurveyDraft:
    """A draft as the survey's pages read it: a snapshot, changed only through the
    functions below, each of which writes in a transaction of its own."""

    id: int
    round_id: int
    token_hash: str
    role: str | None
    team: str | None
    answers: dict[str, Any]
    section: int
    expires_on: date
    round: DraftRound


# Every survey page reads its draft (and most write it): the hottest path of the app. It
# runs on SQLAlchemy Core, statements compiled once, on connections of their own: in
# process, reading a draft took 0.70 ms through the ORM and 0.20 ms so, and reading and
# saving one 1.84 ms against 0.46 ms (`bench/bench_submit.py` shows what it gives).
_DRAFT = (
    sa.select(Draft.id, Draft.round_id, Draft.token_hash, Draft.role, Draft.team,
              Draft.answers, Draft.section, Draft.expires_on, Round.status, Round.opens_at,
              Round.closes_at, Round.teams, QuestionnaireVersion.key,
              QuestionnaireVersion.version)
    .join(Round, Draft.round_id == Round.id)
    .join(QuestionnaireVersion, Round.questionnaire_id == QuestionnaireVersion.id)
    .where(Draft.token_hash.in_([sa.bindparam("own"), sa.bindparam("invited")])))


_DRAFT_LOCKED = _DRAFT.with_for_update(of=Draft)  # PostgreSQL: the draft's row, not the round's


def draft_by_token(token: str) -> SurveyDraft | None:
    """The draft behind a resume or invitation link, if it exists and has not expired."""
    if not plausible(token):
        return None  # no connection for a link that cannot be one
    # read-only: no SQLite write lock, even within a POST (`database._on_begin`)
    with db.engine.connect().execution_options(read_only=True) as conn:
        return _read_draft(conn, _DRAFT, token)


def _read_draft(conn: sa.Connection, statement: sa.Select, token: str) -> SurveyDraft | None:
    """The draft behind a plausible link (the callers check before they connect)."""
    own, invited = _draft_hashes(token)
    row = conn.execute(statement, {"own": own, "invited": invited}).first()
    if row is None or row.expires_on < today():
        return None
    return SurveyDraft(row.id, row.round_id, row.token_hash, row.role, row.team,
                       dict(row.answers or {}), row.section, row.expires_on,
                       DraftRound(row.round_id, row.status, row.opens_at, row.closes_at,
                                  row.teams, row.key, row.version))


def is_invitation_draft(draft: SurveyDraft, token: str) -> bool:
    return draft.token_hash != hash_token(token)


def open_draft(token: str) -> SurveyDraft:
    """The draft of an open round (DraftGone, RoundNotOpen otherwise)."""
    return _opened(draft_by_token(token))


def _opened(draft: SurveyDraft | None) -> SurveyDraft:
    if draft is None:
        raise DraftGone()
    require_open(draft.round)
    return draft


def questionnaire_of(round_: Round | DraftRound) -> Questionnaire:
    if isinstance(round_, DraftRound):
        return questionnaire_store.get(round_.questionnaire_key, round_.questionnaire_version)
    return questionnaire_store.of(round_.questionnaire)


def require_open(round_: Round | DraftRound) -> None:
    state = round_.state()
    if state != "open":
        raise RoundNotOpen(state, round_.opens_at)


def start(round_: Round, role: str | None, team: str | None,
          invitation_token: str | None = None) -> str:
    """A new draft; returns the token of its links. For an invitation that is the
    invitation token itself, and starting twice (two tabs) opens the same draft."""
    require_open(round_)
    if invitation_token is None:
        token = new_token()
        stored = hash_token(token)
    else:
        token = invitation_token
        stored = hash_token(invitation_draft_token(token))
    # Expired drafts go whenever a draft starts (an expired draft of this invitation
    # would block the new one; the others are answers nobody will send).
    # Core statements in the request's transaction: no entity is needed afterwards.
    try:
        purge_expired_drafts(commit=False)
        db.session.execute(_NEW_DRAFT, {"round_id": round_.id, "token_hash": stored,
                                        "role": role or None, "team": team or None,
                                        "answers": {}, "section": 0})
        db.session.commit()
    except sa.exc.IntegrityError:  # the same invitation started in another tab
        db.session.rollback()
        if invitation_token is None:
            raise
    return token


_NEW_DRAFT = sa.insert(Draft.__table__)
_PURGE = sa.delete(Draft.__table__).where(Draft.__table__.c.expires_on < sa.bindparam("today"))


def purge_expired_drafts(*, commit: bool = True) -> int:
    """Delete every draft past its `expires_on` (`DRAFT_DAYS` after its last save)."""
    gone = db.session.execute(_PURGE, {"today": today()}).rowcount
    if commit:
        db.session.commit()
    return int(gone or 0)


_SAVE_PAGE = sa.update(Draft).where(Draft.id == sa.bindparam("draft_id")).values(
    answers=sa.bindparam("new_answers", type_=Draft.answers.type),
    section=sa.bindparam("resume_at"), expires_on=sa.bindparam("new_expiry"))
_CHANGE_ABOUT = sa.update(Draft).where(Draft.id == sa.bindparam("draft_id")).values(
    role=sa.bindparam("new_role"), team=sa.bindparam("new_team"),
    section=sa.bindparam("resume_at"), expires_on=sa.bindparam("new_expiry"))


def _expiry() -> date:
    return today() + timedelta(days=DRAFT_DAYS)


class PageSave:
    """An open draft read under the write lock, to be saved in the same transaction."""

    def __init__(self, conn: sa.Connection, draft: SurveyDraft) -> None:
        self._conn = conn
        self.draft = draft

    def save_page(self, question_keys: list[str], values: dict[str, Any],
                  resume_at: int) -> None:
        """Replace this page's answers (a cleared answer is removed) and remember the
        page to resume at."""
        answers = {k: v for k, v in self.draft.answers.items() if k not in question_keys}
        answers.update(values)
        self._conn.execute(_SAVE_PAGE, {"draft_id": self.draft.id, "new_answers": answers,
                                        "resume_at": resume_at, "new_expiry": _expiry()})


@contextmanager
def saving_page(token: str) -> Iterator[PageSave]:
    """The open draft behind a link, read under the write lock (DraftGone, RoundNotOpen
    otherwise), for one page to be saved: the block is one transaction, committed when it
    ends and rolled back on an exception. Reading under the lock means that two tabs
    saving different pages keep both, and that a page saved after its draft was sent
    stores nothing. Read the request's body before: the lock waits for no client."""
    if not plausible(token):
        raise DraftGone()  # before the write lock: a link that cannot be one takes none
    with db.engine.begin() as conn:
        yield PageSave(conn, _opened(_read_draft(conn, _DRAFT_LOCKED, token)))


def change_about(draft: SurveyDraft, role: str | None, team: str | None,
                 resume_at: int) -> None:
    """A new role or team, chosen on the review page. Answers to questions the new role
    is not asked stay in the draft, so changing back restores them; they are not sent."""
    with db.engine.begin() as conn:
        changed = conn.execute(_CHANGE_ABOUT, {"draft_id": draft.id, "new_role": role,
                                               "new_team": team, "resume_at": resume_at,
                                               "new_expiry": _expiry()})
    if changed.rowcount != 1:
        raise DraftGone()


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
           answers: dict[str, Any], *, complete: bool = True,
           invitation_token: str | None = None) -> Tally | None:
    """Consume the draft and store the response (and an invitation's sent mark),
    atomically; returns the round's counts with it. None: this draft, or this invitation,
    was already sent (a double click, a second tab), so nothing more is stored."""
    from ..console.releases import after_new_responses

    consumed = db.session.execute(sa.delete(Draft).where(Draft.id == draft_id))
    if consumed.rowcount != 1:
        db.session.rollback()
        return None
    if invitation_token is not None:
        db.session.add(SentMark(token_hash=sent_mark(invitation_token), round_id=round_id))
    db.session.add(Response(round_id=round_id, role=role, team=team, answers=dict(answers),
                            complete=complete))
    try:
        counts = after_new_responses(round_id)
        db.session.commit()
    except sa.exc.IntegrityError:  # the invitation's answers came in from another draft
        db.session.rollback()
        db.session.execute(sa.delete(Draft).where(Draft.id == draft_id))
        db.session.commit()
        return None
    return counts


def submit_draft(draft: SurveyDraft, invitation_token: str | None = None) -> bool:
    """Send a draft as it is stored now (read again under the write lock, in the
    response's transaction): only answers to questions its respondent's pages ask are
    kept. Then, in a transaction of its own, the round's responses are rewritten in
    shuffled order if enough arrived since the last time (`console.shuffling`)."""
    from ..console.shuffling import shuffle_if_due

    stored = db.session.execute(sa.select(Draft.role, Draft.team, Draft.answers)
                                .where(Draft.id == draft.id).with_for_update()).first()
    if stored is None:
        db.session.rollback()
        return False
    q = questionnaire_of(draft.round)
    asked = {x.key for page in pages(q, stored.role) for x in page.questions}
    answers = {k: v for k, v in (stored.answers or {}).items() if k in asked}
    counts = submit(draft.id, draft.round_id, stored.role, stored.team, answers,
                    complete=q.complete(stored.role, answers),
                    invitation_token=invitation_token)
    if counts is not None:
        shuffle_if_due(draft.round_id, counts)
    return counts is not None
