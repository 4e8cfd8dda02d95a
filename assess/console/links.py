"""A round's shared link and its invitations' links: shown again to their owner at any
time, never stored in clear.

Each token is derived from the app's secret key and a random salt kept with the object
(HMAC-SHA256); the database holds the salt and the token's SHA-256 hash, so a copy of the
database alone can neither open a survey nor list its links. Changing the secret key
invalidates every link (say so before rotating it).
"""

from __future__ import annotations

import secrets

from flask import current_app, url_for

from ..models import Invitation, Round
from ..tokens import derived_token, hash_token


def _token(purpose: str, salt: str) -> str:
    return derived_token(current_app.config["SECRET_KEY"], f"{purpose}:{salt}")


def new_salt() -> str:
    return secrets.token_hex(16)


def give_round_link(round_: Round) -> str:
    """Set a fresh shared-link token on the round; returns it."""
    round_.link_salt = new_salt()
    token = round_token(round_)
    round_.link_token_hash = hash_token(token)
    return token


def round_token(round_: Round) -> str:
    return _token("round-link", round_.link_salt or "")


def round_link(round_: Round) -> str | None:
    """The shared link's URL, or None for a round without one (or made under another
    secret key)."""
    if not round_.link_salt:
        return None
    token = round_token(round_)
    if hash_token(token) != round_.link_token_hash:
        return None
    return url_for("respondent.shared_link", token=token, _external=True)


def give_invitation_token(invitation: Invitation) -> str:
    invitation.salt = new_salt()
    token = _token("invitation", invitation.salt)
    invitation.token_hash = hash_token(token)
    return token


def invitation_token(invitation: Invitation) -> str | None:
    if not invitation.salt:
        return None
    token = _token("invitation", invitation.salt)
    return token if hash_token(token) == invitation.token_hash else None


def invitation_link(invitation: Invitation) -> str | None:
    token = invitation_token(invitation)
    if token is None:
        return None
    return url_for("respondent.invitation_link", token=token, _external=True)


def qr_svg(url: str) -> str:
    """The link as a QR code, an SVG a phone camera reads from a screen or a slide."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#1f2933")
