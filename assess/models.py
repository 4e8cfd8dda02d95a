"""The database, in SQLAlchemy 2 typed style.

Anonymity is a property of this schema, not a promise in the views: responses carry a
random UUID, the role and team the respondent chose, the answers and the day of
submission -- no IP address, user agent, precise time, or link to an invitation or
draft. Invitations only know whether they were used, never when or by which response;
rows are rewritten in shuffled order so that their place on disk and their transaction
ids do not tell the order they arrived in either (`console/shuffling.py`).

Objects reached from URLs carry a random `public_id`; integer ids never leave the app's
own pages and commands.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db

# Allowed values of Round.status and Round.access_mode: the CHECK constraints and the
# code read the same tuples (migration 0002 spells them out as they were then).
ROUND_STATUSES = ("open", "closed")
LINK_MODES = ("link", "both")  # access modes in which the shared link admits respondents
INVITATION_MODES = ("invitation", "both")  # ... in which personal invitations do
ACCESS_MODES = ("link", "invitation", "both")
ACCOUNT_ROLES = ("admin", "consultant", "client")
TOKEN_PURPOSES = ("invite", "reset")
DRAFT_DAYS = 30


def round_state(status: str, opens_at: datetime, closes_at: datetime | None,
                now: datetime | None = None) -> str:
    """A round's state from its stored status and dates (`Round.state`; the survey's
    pages, which read a round's row without the ORM, ask this too)."""
    now = now or utcnow()
    if status == "closed":
        return "closed"
    if now < as_utc(opens_at):
        return "not_open"
    if closes_at is not None and now >= as_utc(closes_at):
        return "closed"
    return "open"


def new_public_id() -> str:
    """About 71 random bits, URL-safe: an id nobody can guess or enumerate. It starts
    with a letter or digit, so that a command line never takes it for an option."""
    while True:
        public_id = secrets.token_urlsafe(9)
        if public_id[0].isalnum():
            return public_id


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return datetime.now(UTC).date()


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


class Account(UserMixin, db.Model):
    """Who signs in: the installation's admin, a consultant (their own clients), or a
    client user (one organisation's CEO or HR lead: its results, never its answers).

    The session cookie carries `public_id.session_version`; signing out or changing the
    password bumps the version, so every earlier session of the account ends at once.
    """

    __tablename__ = "account"
    __table_args__ = (
        sa.CheckConstraint(sa.column("role").in_(ACCOUNT_ROLES), name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_public_id)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    role: Mapped[str] = mapped_column(sa.String(12), default="consultant")
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    # A client user belongs to one organisation, a consultant's client users to them.
    consultant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id"))
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", use_alter=True))  # organisation -> account too
    active: Mapped[bool] = mapped_column(default=True)
    session_version: Mapped[int] = mapped_column(default=0)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # A consultant's branding, on every PDF their console produces.
    brand_name: Mapped[str] = mapped_column(sa.String(120), default="")
    brand_colour: Mapped[str] = mapped_column(sa.String(7), default="")
    brand_contact: Mapped[str] = mapped_column(sa.String(200), default="")
    brand_logo: Mapped[bytes | None] = mapped_column(sa.LargeBinary)  # PNG, re-encoded

    organisations: Mapped[list[Organisation]] = relationship(
        back_populates="consultant", foreign_keys="Organisation.consultant_id")
    organisation: Mapped[Organisation | None] = relationship(foreign_keys=[organisation_id])

    def get_id(self) -> str:
        return f"{self.public_id}.{self.session_version}"

    def set_password(self, password: str) -> None:
        from .auth.passwords import hash_password

        self.password_hash = hash_password(password)


class Organisation(db.Model):
    """A client: one organisation that answers rounds and reads its results."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_public_id)
    name: Mapped[str] = mapped_column(sa.String(200))
    consultant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id"))
    archived_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    consultant: Mapped[Account | None] = relationship(back_populates="organisations",
                                                      foreign_keys=[consultant_id])
    rounds: Mapped[list[Round]] = relationship(back_populates="organisation")


class QuestionnaireVersion(db.Model):
    """The content hash of each published questionnaire file the app has seen."""

    __tablename__ = "questionnaire_version"
    __table_args__ = (sa.UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(80))
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    @property
    def ref(self) -> str:
        return f"{self.key}@{self.version}"


class Round(db.Model):
    """One run of a team survey for one organisation on one questionnaire version."""

    __tablename__ = "round"
    __table_args__ = (
        sa.CheckConstraint(sa.column("status").in_(ROUND_STATUSES), name="status"),
        sa.CheckConstraint(sa.column("access_mode").in_(ACCESS_MODES), name="access_mode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_public_id)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    questionnaire_id: Mapped[int] = mapped_column(sa.ForeignKey("questionnaire_version.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    opens_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    closes_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    min_group_size: Mapped[int]
    access_mode: Mapped[str] = mapped_column(sa.String(12), default="both")
    link_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # The shared link's token is derived from the app's secret key and this salt, so its
    # owner can be shown it again, while a database leak alone does not reveal it.
    link_salt: Mapped[str | None] = mapped_column(sa.String(32))
    status: Mapped[str] = mapped_column(sa.String(12), default="open")  # ROUND_STATUSES
    teams: Mapped[list[str] | None] = mapped_column(sa.JSON)  # None: free text
    headcounts: Mapped[dict[str, int] | None] = mapped_column(sa.JSON)  # team -> expected
    ceo_result_id: Mapped[str | None] = mapped_column(sa.ForeignKey("quick_result.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # How many responses the last shuffled rewrite of the round held (console/shuffling).
    responses_shuffled: Mapped[int] = mapped_column(default=0)

    organisation: Mapped[Organisation] = relationship(back_populates="rounds")
    questionnaire: Mapped[QuestionnaireVersion] = relationship()
    ceo_result: Mapped[QuickResult | None] = relationship()

    def state(self, now: datetime | None = None) -> str:
        """`not_open`, `open` or `closed` at the given moment."""
        return round_state(self.status, self.opens_at, self.closes_at, now)

    @property
    def accepts_link(self) -> bool:
        return self.access_mode in LINK_MODES

    @property
    def accepts_invitations(self) -> bool:
        return self.access_mode in INVITATION_MODES


class Invitation(db.Model):
    """A single-use personal link. Knows whether it was used, never by which response.

    Its token is derived from the app's secret key and `salt` (so a reminder can carry
    the same link); `email` is kept only for invitations sent by mail, for reminders.
    Sending the answers never writes this row: an invitation is used when a `SentMark`
    derived from its token exists (`used` is set only by versions before that rule).
    """

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_public_id)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    salt: Mapped[str | None] = mapped_column(sa.String(32))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    used: Mapped[bool] = mapped_column(default=False)
    revoked: Mapped[bool] = mapped_column(default=False)
    sent_on: Mapped[date | None] = mapped_column(sa.Date)
    reminded_on: Mapped[date | None] = mapped_column(sa.Date)


class Draft(db.Model):
    """Answers in progress, reachable only through the resume link; deleted on submit."""

    __tablename__ = "draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    role: Mapped[str | None] = mapped_column(sa.String(20))
    team: Mapped[str | None] = mapped_column(sa.String(80))
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    section: Mapped[int] = mapped_column(default=0)  # furthest page reached, 0-based
    # indexed: every draft that starts deletes the expired ones (`purge_expired_drafts`)
    expires_on: Mapped[date] = mapped_column(
        sa.Date, default=lambda: today() + timedelta(days=DRAFT_DAYS), index=True)

    round: Mapped[Round] = relationship()


class Response(db.Model):
    """One submitted survey. Stored without rowid on SQLite so disk order is random too."""

    __tablename__ = "response"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True,
                                    default=lambda: str(uuid.uuid4()))
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id"), index=True)
    role: Mapped[str | None] = mapped_column(sa.String(20))
    team: Mapped[str | None] = mapped_column(sa.String(80))
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    submitted_on: Mapped[date] = mapped_column(sa.Date, default=today)
    # At least half of the questions asked of its role answered; an incomplete response
    # is reported as such, not counted in the response rate.
    complete: Mapped[bool] = mapped_column(default=True)


class SentMark(db.Model):
    """An invitation whose answers were sent: stored with the response, in its
    transaction, so that an invitation answers once. The key is the hash of a token
    derived from the invitation's token with the secret key, so without the key nothing
    tells which invitation a mark belongs to (`respondent.operations.sent_mark`).
    """

    __tablename__ = "sent_mark"
    __table_args__ = {"sqlite_with_rowid": False}

    token_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id"), index=True)


class Release(db.Model):
    """The responses a round's results are computed from, fixed when released.

    Results (pages, PDFs, exports) change only when at least k more responses arrived
    since the last release, so comparing two views of a round over time never isolates
    one person's answers. Only a round's latest release is kept: the differences between
    successive ones would tell in which batch of k each response arrived.
    """

    __tablename__ = "release"
    __table_args__ = (sa.UniqueConstraint("round_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id"), index=True)
    number: Mapped[int]
    size: Mapped[int]  # len(response_ids), read without loading the list
    response_ids: Mapped[list[str]] = mapped_column(sa.JSON)
    created_on: Mapped[date] = mapped_column(sa.Date, default=today)


class Lead(db.Model):
    """A CEO's request, from the quick-check result, to run the survey with their team."""

    __tablename__ = "lead"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_public_id)
    consultant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id"))
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254))
    company: Mapped[str] = mapped_column(sa.String(200))
    team_size: Mapped[int | None]
    quick_result_id: Mapped[str | None] = mapped_column(sa.ForeignKey("quick_result.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class OneTimeToken(db.Model):
    """A one-time link: an invitation to create an account, or a password reset.
    Only the token's hash is stored; it expires and is spent on use."""

    __tablename__ = "one_time_token"
    __table_args__ = (
        sa.CheckConstraint(sa.column("purpose").in_(TOKEN_PURPOSES), name="purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    purpose: Mapped[str] = mapped_column(sa.String(12))
    email: Mapped[str] = mapped_column(sa.String(254))
    role: Mapped[str | None] = mapped_column(sa.String(12))
    account_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id"))
    inviter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class QuickResult(db.Model):
    """A CEO's quick assessment; the key is the hash of the token in its result URL."""

    __tablename__ = "quick_result"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(sa.ForeignKey("questionnaire_version.id"))
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_on: Mapped[date] = mapped_column(sa.Date, default=today)

    questionnaire: Mapped[QuestionnaireVersion] = relationship()
