"""Accounts: signing in, invitations, password resets and changes.

Plain functions over the models, for the pages and the `assess users` command alike; each
commits what it changed. A refusal is an exception: an `AppError` becomes a page, a
`SignInRefused` or `PasswordRejected` is shown next to the form that caused it.

Who may invite whom: the admin invites consultants; a consultant invites client users
for one of their own organisations. Links carry a 192-bit token; only its SHA-256 is
stored, and it is spent on use (`OneTimeToken`).

Signing in answers "no match" in the same words and the same time whether or not the
address has an account (an unknown address costs a check of a dummy hash). After
`LOGIN_LOCK_AFTER` failures in a row an account is locked for `LOGIN_LOCK_MINUTES`; an
unknown address is "locked" the same way through the limiter's shared storage, so the
lock message tells nothing either.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from typing import Any, NoReturn

import sqlalchemy as sa
from flask import current_app, render_template
from limits.storage import Storage, storage_from_string

from .. import mail
from ..errors import AppError, UnknownLink
from ..extensions import db, hashed_key
from ..models import Account, OneTimeToken, Organisation, as_utc, utcnow
from ..tokens import hash_token, new_token, plausible
from . import passwords

log = logging.getLogger(__name__)

INVITE_DAYS = 7
RESET_MINUTES = 60
INVITES = {"admin": ("consultant",), "consultant": ("client",)}  # inviter role -> roles
CREATED_BY_COMMAND = ("admin", "consultant")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# How long an unknown address's failures are remembered: "in a row", as for an account.
UNKNOWN_FAILURE_MEMORY = 30 * 24 * 3600
ROLE_NAMES = {"admin": "administrator", "consultant": "consultant", "client": "client user"}


def now() -> datetime:
    """The one clock of accounts and sessions (tests move it)."""
    return utcnow()


# --------------------------------------------------------------------------- refusals


class SignInRefused(Exception):
    status = 400
    message = "That email and password do not match an account."


class AccountLocked(SignInRefused):
    status = 429

    def __init__(self, left: timedelta) -> None:
        minutes = max(1, -(-int(left.total_seconds()) // 60))
        lock = current_app.config["LOGIN_LOCK_MINUTES"]
        self.message = (
            f"Signing in with this email address is paused for {lock} minutes after "
            f"{current_app.config['LOGIN_LOCK_AFTER']} failed attempts in a row. Try again "
            f"in {minutes} minute{'s' if minutes != 1 else ''}, or reset your password.")
        super().__init__(self.message)


class PasswordRejected(ValueError):
    """A new password that breaks the policy; `problems` says why, in plain words."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


class WrongPassword(ValueError):
    def __init__(self) -> None:
        super().__init__("That is not your current password.")


class BadEmail(AppError):
    title = "That is not an email address"

    def __init__(self, email: str) -> None:
        super().__init__(f"{email!r} is not an email address.")


class EmailTaken(AppError):
    status = 409
    title = "This email address already has an account"

    def __init__(self) -> None:
        super().__init__("Sign in with it instead (there is a link on the sign-in page if "
                         "the password is forgotten).")


class NotAllowed(AppError):
    status = 403
    title = "Not available"


_EXPIRED = {
    "invite": "Invitation links work for 7 days. Ask the person who invited you for a new one.",
    "reset": "Password reset links work for one hour. Ask for a new one on the sign-in page.",
}
_USED = {
    "invite": "This invitation has already been accepted, or replaced by a newer one. If "
              "you accepted it, sign in with your email address and the password you chose.",
    "reset": "Each reset link works once. If you still need to reset your password, ask "
             "for a new link on the sign-in page.",
}


class LinkExpired(AppError):
    status = 410
    title = "This link has expired"

    def __init__(self, purpose: str) -> None:
        super().__init__(_EXPIRED[purpose])


class LinkUsed(AppError):
    status = 410
    title = "This link has already been used"

    def __init__(self, purpose: str) -> None:
        super().__init__(_USED[purpose])


class Link(str):
    """A one-time link, as text, that also tells whether it went out by mail: True sent,
    False the SMTP server refused it (shown to the inviter anyway), None no mail set up."""

    mailed: bool | None

    def __new__(cls, url: str, mailed: bool | None = None) -> Link:
        link = super().__new__(cls, url)
        link.mailed = mailed
        return link


# --------------------------------------------------------------------------- signing in


def normal_email(email: str) -> str:
    return (email or "").strip().lower()


def checked_email(email: str) -> str:
    email = normal_email(email)
    if len(email) > 254 or not EMAIL.match(email):
        raise BadEmail(email)
    return email


def authenticate(email: str, password: str) -> Account:
    """The account these credentials open, or `SignInRefused` (or `AccountLocked`)."""
    email, at = normal_email(email), now()
    account = db.session.scalar(sa.select(Account).filter_by(email=email))
    if account is None:
        _refuse_unknown(email, password, at)
    until = as_utc(account.locked_until)
    if until is not None and until > at:
        passwords.burn_time(password)
        raise AccountLocked(until - at)
    checked = passwords.verify(account.password_hash, password)
    if checked.ok and account.active:
        account.failed_logins, account.locked_until = 0, None
        if checked.needs_rehash:
            account.password_hash = passwords.hash_password(password)
        db.session.commit()
        return account
    failures = db.session.execute(
        sa.update(Account).where(Account.id == account.id)
        .values(failed_logins=Account.failed_logins + 1).returning(Account.failed_logins)
    ).scalar_one()
    if failures >= current_app.config["LOGIN_LOCK_AFTER"]:
        until = at + _lock_period()
        account.failed_logins, account.locked_until = 0, until
        db.session.commit()
        raise AccountLocked(until - at)
    db.session.commit()
    raise SignInRefused()


def _lock_period() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])


def _refuse_unknown(email: str, password: str, at: datetime) -> NoReturn:
    """What a known account would answer to a wrong password, for an address without one:
    the same time, the same message, and a lock after the same number of failures."""
    passwords.burn_time(password)
    lock_key, failures_key = hashed_key("login-lock", email), hashed_key("login-failures", email)
    try:
        store = failure_store()
        locked_until = store.get(lock_key)  # the lock's end as a Unix time, stored as its count
        if locked_until > at.timestamp():
            raise AccountLocked(timedelta(seconds=locked_until - at.timestamp()))
        if store.incr(failures_key, UNKNOWN_FAILURE_MEMORY) >= \
                current_app.config["LOGIN_LOCK_AFTER"]:
            until = at + _lock_period()
            store.clear(failures_key)
            store.clear(lock_key)
            store.incr(lock_key, int(_lock_period().total_seconds()) + 1,
                       amount=int(until.timestamp()))
            raise AccountLocked(until - at)
    except AccountLocked:
        raise
    except Exception as exc:  # the storage is down: refuse as usual, without the count
        log.warning("limiter storage unavailable for sign-in failures: %s", exc)
    raise SignInRefused()


def failure_store() -> Storage:
    """The limiter's shared storage (one per app), used for unknown addresses' failures
    even when rate limits are switched off."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    store = app.extensions.get("assess.auth.failures")
    if store is None:
        store = storage_from_string(app.config["RATELIMIT_STORAGE_URI"],
                                    **app.config.get("RATELIMIT_STORAGE_OPTIONS", {}))
        app.extensions["assess.auth.failures"] = store
    return store


def sign_out_everywhere(account: Account) -> None:
    """End every session of the account: cookies carry the version they were made for."""
    _bump_sessions(account)
    db.session.commit()


def _bump_sessions(account: Account) -> None:
    account.session_version = Account.session_version + 1


def change_password(account: Account, old: str, new: str) -> None:
    """Every other session ends; the caller signs the current one in again."""
    if not passwords.verify(account.password_hash, old).ok:
        raise WrongPassword()
    if problems := passwords.problems(new, account.email):
        raise PasswordRejected(problems)
    if passwords.verify(account.password_hash, new).ok:
        raise PasswordRejected(["That is your current password: choose a new one."])
    account.password_hash = passwords.hash_password(new)
    _bump_sessions(account)
    db.session.commit()


# --------------------------------------------------------------------------- one-time links


def open_token(token: str, purpose: str) -> OneTimeToken:
    """The unspent, unexpired link of that purpose, or the page that says what is wrong."""
    row = db.session.scalar(sa.select(OneTimeToken).filter_by(
        token_hash=hash_token(token), purpose=purpose)) if plausible(token) else None
    if row is None:
        raise UnknownLink()
    if row.used_at is not None:
        raise LinkUsed(purpose)
    if as_utc(row.expires_at) <= now():  # type: ignore[operator]
        raise LinkExpired(purpose)
    return row


def _spend(row: OneTimeToken, at: datetime) -> None:
    """Of two requests racing with one link, exactly one gets past this."""
    spent = db.session.execute(
        sa.update(OneTimeToken).where(OneTimeToken.id == row.id, OneTimeToken.used_at.is_(None))
        .values(used_at=at).execution_options(synchronize_session=False))
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise LinkUsed(row.purpose)


def _issue(purpose: str, email: str, lifetime: timedelta, **fields: Any) -> str:
    token, at = new_token(), now()
    db.session.add(OneTimeToken(token_hash=hash_token(token), purpose=purpose, email=email,
                                expires_at=at + lifetime, created_at=at, **fields))
    return token


def invite(inviter: Account, email: str, role: str,
           organisation: Organisation | None = None) -> Link:
    """A link to create an account with `role`; mailed when mail is set up, and returned
    to be shown to the inviter in any case. A newer invitation replaces an older one."""
    email = checked_email(email)
    if role not in INVITES.get(inviter.role, ()) or not inviter.active:
        name = ROLE_NAMES.get(role, role)
        raise NotAllowed(f"Your account cannot invite {'an' if name[:1] in 'aeiou' else 'a'} "
                         f"{name}.")
    if role == "client":
        if (organisation is None or organisation.consultant_id != inviter.id
                or organisation.archived_at is not None):
            raise NotAllowed("Client users are invited for one of your own organisations.")
    elif organisation is not None:
        raise NotAllowed("Only client users belong to an organisation.")
    if db.session.scalar(sa.select(Account.id).filter_by(email=email)) is not None:
        raise EmailTaken()
    db.session.execute(
        sa.update(OneTimeToken)
        .where(OneTimeToken.purpose == "invite", OneTimeToken.email == email,
               OneTimeToken.used_at.is_(None))
        .values(used_at=now()).execution_options(synchronize_session=False))
    token = _issue("invite", email, timedelta(days=INVITE_DAYS), role=role,
                   inviter_id=inviter.id,
                   organisation_id=organisation.id if organisation is not None else None)
    db.session.commit()
    link = mail.external_url("auth.accept", token=token)
    if not mail.configured():
        return Link(link)
    body = render_template("auth/mail_invite.txt", link=link, inviter=inviter,
                           role=ROLE_NAMES[role], organisation=organisation, days=INVITE_DAYS)
    try:
        mail.send(email, "Your invitation to the sales ecosystem check", body)
    except mail.MailError as exc:
        log.warning("invitation mail to %s not sent: %s", email, exc)
        return Link(link, mailed=False)
    return Link(link, mailed=True)


def accept(token: str, name: str, password: str) -> Account:
    """Create the invited account; the token is spent. The caller signs it in."""
    row = open_token(token, "invite")
    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise ValueError("A name of 1 to 120 characters is needed.")
    if problems := passwords.problems(password, row.email):
        raise PasswordRejected(problems)
    inviter = db.session.get(Account, row.inviter_id) if row.inviter_id else None
    organisation = db.session.get(Organisation, row.organisation_id) \
        if row.organisation_id else None
    withdrawn = (inviter is None or not inviter.active
                 or row.role not in INVITES.get(inviter.role, ())
                 or (row.role == "client" and (organisation is None
                                               or organisation.archived_at is not None
                                               or organisation.consultant_id != inviter.id)))
    if withdrawn:
        raise NotAllowed("This invitation was withdrawn: whoever sent it can no longer give "
                         "this access. Ask them for a new invitation.")
    if db.session.scalar(sa.select(Account.id).filter_by(email=row.email)) is not None:
        raise EmailTaken()
    account = Account(email=row.email, name=name, role=row.role,
                      password_hash=passwords.hash_password(password))
    if organisation is not None:
        account.organisation_id = organisation.id
        account.consultant_id = organisation.consultant_id
    _spend(row, now())
    db.session.add(account)
    db.session.commit()
    return account


def request_reset(email: str, *, send: bool = True) -> str | None:
    """A reset link for an active account (None for any other address); mailed, in the
    background, when mail is set up and `send`. The page says the same either way."""
    email = normal_email(email)
    account = db.session.scalar(sa.select(Account).filter_by(email=email)) \
        if EMAIL.match(email) else None
    if account is None or not account.active:
        return None
    token = _issue("reset", email, timedelta(minutes=RESET_MINUTES), account_id=account.id)
    db.session.commit()
    link = mail.external_url("auth.reset", token=token)
    if send and mail.configured():
        body = render_template("auth/mail_reset.txt", link=link, minutes=RESET_MINUTES)
        mail.send_in_background(email, "Reset your password", body)
    return link


def reset(token: str, password: str) -> Account:
    """Set a new password from a reset link: every session ends, a lock is lifted, and
    the account's other reset links are spent too."""
    row = open_token(token, "reset")
    account = db.session.get(Account, row.account_id) if row.account_id else None
    if account is None or not account.active or account.email != row.email:
        raise UnknownLink()
    if problems := passwords.problems(password, account.email):
        raise PasswordRejected(problems)
    at = now()
    _spend(row, at)
    db.session.execute(
        sa.update(OneTimeToken)
        .where(OneTimeToken.purpose == "reset", OneTimeToken.account_id == account.id,
               OneTimeToken.used_at.is_(None))
        .values(used_at=at).execution_options(synchronize_session=False))
    account.password_hash = passwords.hash_password(password)
    account.failed_logins, account.locked_until = 0, None
    _bump_sessions(account)
    db.session.commit()
    return account


# --------------------------------------------------------------------------- command line


def create_account(email: str, name: str, role: str, password: str) -> Account:
    """An admin or consultant account made on the command line (the first one, or where
    the installation sends no mail)."""
    email = checked_email(email)
    if role not in CREATED_BY_COMMAND:
        raise NotAllowed(f"The command creates {' or '.join(CREATED_BY_COMMAND)} accounts; "
                         "client users are invited by their consultant.")
    if db.session.scalar(sa.select(Account.id).filter_by(email=email)) is not None:
        raise EmailTaken()
    if problems := passwords.problems(password, email):
        raise PasswordRejected(problems)
    account = Account(email=email, name=" ".join(name.split())[:120], role=role,
                      password_hash=passwords.hash_password(password))
    db.session.add(account)
    db.session.commit()
    return account


def check_password_policy(password: str, email: str) -> None:
    """The password policy as a form refusal (BadForm naming every problem)."""
    from ..errors import BadForm

    if problems := passwords.problems(password, email):
        raise BadForm(" ".join(problems))
