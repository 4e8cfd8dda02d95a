"""A signed-in session's life: started on sign-in, ended after `SESSION_IDLE_MINUTES`
without a request or `SESSION_MAX_HOURS` after sign-in, whichever comes first.

The session is Flask's signed cookie, so the server keeps no list of sessions: the times
are written into the cookie (a client cannot change them without the secret key) and
checked on every request; ending every session of an account at once is done by the
account's `session_version`, which the cookie's user id carries (`Account.get_id`).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, flash, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import login_user, logout_user
from itsdangerous import URLSafeTimedSerializer

from ..models import Account
from . import operations

SIGNED_IN_AT = "_signed_in_at"
SEEN_AT = "_seen_at"
SEEN_RESOLUTION = 60  # seconds: the cookie is rewritten at most once a minute


class SignedCookies(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, whose serializer is made once per set of keys
    rather than twice in every request (it keeps no state between cookies)."""

    _made: tuple[tuple[Any, ...], URLSafeTimedSerializer | None] = ((), None)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        made = self._made
        if made[0] != keys:
            made = self._made = (keys, super().get_signing_serializer(app))
        return made[1]


def _clock() -> int:
    return int(operations.now().timestamp())


def start(account: Account) -> None:
    """A fresh session: nothing from before sign-in is carried over."""
    session.clear()
    login_user(account)
    session[SIGNED_IN_AT] = session[SEEN_AT] = _clock()


def renew(account: Account) -> None:
    """The same session under the account's new version (after a password change): it
    keeps its sign-in time, so the absolute limit still counts from the sign-in."""
    signed_in_at = session.get(SIGNED_IN_AT, _clock())
    login_user(account)
    session[SIGNED_IN_AT], session[SEEN_AT] = signed_in_at, _clock()


def end() -> None:
    logout_user()
    session.clear()


def has_times() -> bool:
    """Sessions this module did not start (a remember-me cookie) are not sessions."""
    return isinstance(session.get(SIGNED_IN_AT), int) and isinstance(session.get(SEEN_AT), int)


def enforce() -> None:
    """Before every request: end a session that was idle or is too old."""
    if "_user_id" not in session:
        return
    t = _clock()
    config = current_app.config
    if not has_times():
        end()
        return
    if t - session[SEEN_AT] > config["SESSION_IDLE_MINUTES"] * 60:
        end()
        flash(f"You were signed out after {config['SESSION_IDLE_MINUTES']} minutes without "
              "activity. Please sign in again.", "info")
        return
    if t - session[SIGNED_IN_AT] > config["SESSION_MAX_HOURS"] * 3600:
        end()
        flash(f"For your security, sessions end {config['SESSION_MAX_HOURS']} hours after "
              "signing in. Please sign in again.", "info")
        return
    if t - session[SEEN_AT] >= SEEN_RESOLUTION:
        session[SEEN_AT] = t
