"""Checking who is signing in."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import Account


def authenticate(email: str, password: str) -> Account | None:
    consultant = db.session.scalar(
        sa.select(Account).filter_by(email=email.strip().lower()))
    if consultant is None or not consultant.check_password(password):
        return None
    return consultant


PASSWORD_MIN = 12


def check_password_policy(password: str, email: str) -> None:
    """At least 12 characters and not the email address (BadForm otherwise)."""
    from ..errors import BadForm

    if len(password or "") < PASSWORD_MIN:
        raise BadForm(f"Please choose a password of at least {PASSWORD_MIN} characters.")
    if password.strip().lower() == (email or "").strip().lower():
        raise BadForm("Please choose a password that is not your email address.")
