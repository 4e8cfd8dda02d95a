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
