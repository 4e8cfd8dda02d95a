"""The database, in SQLAlchemy 2 typed style.

Anonymity is a property of this schema, not a promise in the views: responses carry a
random UUID, the role and team the respondent chose, the answers and the day of
submission -- no IP address, user agent, precise time, or link to an invitation or
draft. Invitations only know whether they were used, never when or by which response.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db

# Allowed values of Round.status and Round.access_mode: the CHECK constraints and the
# code read the same tuples (migration 0002 spells them out as they were then).
ROUND_STATUSES = ("open", "closed")
LINK_MODES = ("link", "both")  # access modes in which the shared link admits respondents
INVITATION_MODES = ("invitation", "both")  # ... in which personal invitations do
ACCESS_MODES = ("link", "invitation", "both")
DRAFT_DAYS = 30


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return datetime.now(UTC).date()


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


class Consultant(UserMixin, db.Model):
    __tablename__ = "consultant"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    organisations: Mapped[list[Organisation]] = relationship(back_populates="consultant")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    consultant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("consultant.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    consultant: Mapped[Consultant | None] = relationship(back_populates="organisations")
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
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    questionnaire_id: Mapped[int] = mapped_column(sa.ForeignKey("questionnaire_version.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    opens_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    closes_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    min_group_size: Mapped[int]
    access_mode: Mapped[str] = mapped_column(sa.String(12), default="both")
    link_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    status: Mapped[str] = mapped_column(sa.String(12), default="open")  # ROUND_STATUSES
    teams: Mapped[list[str] | None] = mapped_column(sa.JSON)  # None: free text
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="rounds")
    questionnaire: Mapped[QuestionnaireVersion] = relationship()

    def state(self, now: datetime | None = None) -> str:
        """`not_open`, `open` or `closed` at the given moment."""
        now = now or utcnow()
        if self.status == "closed":
            return "closed"
        if now < as_utc(self.opens_at):
            return "not_open"
        if self.closes_at is not None and now >= as_utc(self.closes_at):
            return "closed"
        return "open"

    @property
    def accepts_link(self) -> bool:
        return self.access_mode in LINK_MODES

    @property
    def accepts_invitations(self) -> bool:
        return self.access_mode in INVITATION_MODES


class Invitation(db.Model):
    """A single-use personal link. Knows only whether it was used: not when, not by whom."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    used: Mapped[bool] = mapped_column(default=False)


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
    expires_on: Mapped[date] = mapped_column(
        sa.Date, default=lambda: today() + timedelta(days=DRAFT_DAYS))

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


class QuickResult(db.Model):
    """A CEO's quick assessment; the key is the hash of the token in its result URL."""

    __tablename__ = "quick_result"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(sa.ForeignKey("questionnaire_version.id"))
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_on: Mapped[date] = mapped_column(sa.Date, default=today)

    questionnaire: Mapped[QuestionnaireVersion] = relationship()
