"""Signing in and out, accepting an invitation, resetting and changing a password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user, login_required

from .. import mail
from ..errors import render_error
from ..extensions import hashed_key, limiter
from . import operations as ops
from . import sessions
from .forms import (
    AcceptForm,
    ChangePasswordForm,
    LoginForm,
    LogoutForm,
    ResetForm,
    ResetRequestForm,
    SignOutEverywhereForm,
)

bp = Blueprint("auth", __name__)
bp.before_app_request(sessions.enforce)

TOO_MANY = ("Too many attempts from your network or with this email address. Wait a few "
            "minutes, then try again.")


def _setting(name: str):
    return lambda: current_app.config[name]


def submitted_email_key() -> str:
    """Throttles per account: by the address typed, whether or not it has an account."""
    return hashed_key("account", ops.normal_email(request.form.get("email", "")))


def signed_in_key() -> str:
    return hashed_key("account", str(current_user.email))


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never an open redirect, never a header split."""
    if (not target or urlsplit(target).netloc or not target.startswith("/")
            or target.startswith("//") or any(c in target for c in "\r\n\\")):
        return url_for("console.home")
    return target


@bp.errorhandler(RateLimitExceeded)
def _too_many(_error: RateLimitExceeded):
    return render_error(429, "Too many attempts", TOO_MANY, _error)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_setting("RATELIMIT_LOGIN_ADDRESS"), methods=["POST"], scope="login-address")
@limiter.limit(_setting("RATELIMIT_LOGIN_ACCOUNT"), methods=["POST"], scope="login-account",
               key_func=submitted_email_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("console.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            account = ops.authenticate(form.email.data, form.password.data)
        except ops.SignInRefused as refused:
            flash(refused.message, "error")
            return render_template("auth/login.html", form=form), refused.status
        sessions.start(account)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), (400 if form.errors else 200)


@bp.post("/logout")
def logout():
    """Signing out ends every session of the account, so a copied cookie dies too."""
    if LogoutForm().validate_on_submit() and current_user.is_authenticated:
        ops.sign_out_everywhere(current_user._get_current_object())
        sessions.end()
        flash("You are signed out.", "info")
    return redirect(url_for("site.landing"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
@limiter.limit(_setting("RATELIMIT_ENTRY"), scope="one-time-link")
def accept(token: str):
    invitation = ops.open_token(token, "invite")
    form = AcceptForm()
    if form.validate_on_submit():
        try:
            account = ops.accept(token, form.name.data, form.password.data)
        except ops.PasswordRejected as rejected:
            form.password.errors = [*form.password.errors, *rejected.problems]
        else:
            sessions.start(account)
            flash("Welcome: your account is ready.", "info")
            return redirect(url_for("console.home"))
    return render_template("auth/accept.html", form=form, invitation=invitation,
                           role=ops.ROLE_NAMES.get(invitation.role or "", invitation.role)), \
        (400 if form.errors else 200)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_setting("RATELIMIT_RESET"), methods=["POST"], scope="reset-address")
@limiter.limit(_setting("RATELIMIT_RESET"), methods=["POST"], scope="reset-account",
               key_func=submitted_email_key)
def reset_request():
    if not mail.configured():
        return render_template("auth/reset_request.html", form=None)
    form = ResetRequestForm()
    if form.validate_on_submit():
        ops.request_reset(form.email.data)
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/reset_request.html", form=form), (400 if form.errors else 200)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_setting("RATELIMIT_ENTRY"), scope="one-time-link")
def reset(token: str):
    ops.open_token(token, "reset")
    form = ResetForm()
    if form.validate_on_submit():
        try:
            ops.reset(token, form.password.data)
        except ops.PasswordRejected as rejected:
            form.password.errors = [*form.password.errors, *rejected.problems]
        else:
            if current_user.is_authenticated:
                sessions.end()
            flash("Your password is changed and every session of your account has ended. "
                  "Sign in with the new password.", "info")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), (400 if form.errors else 200)


@bp.get("/account")
@login_required
def account():
    return _account_page(ChangePasswordForm())


def _account_page(form: ChangePasswordForm, status: int = 200):
    return render_template("auth/account.html", form=form, logout_form=LogoutForm(),
                           everywhere_form=SignOutEverywhereForm(),
                           role=ops.ROLE_NAMES.get(current_user.role, current_user.role)), status


@bp.post("/account/password")
@login_required
@limiter.limit(_setting("RATELIMIT_LOGIN_ACCOUNT"), scope="password-change",
               key_func=signed_in_key)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        person = current_user._get_current_object()
        try:
            ops.change_password(person, form.current.data, form.password.data)
        except ops.WrongPassword as wrong:
            form.current.errors = [*form.current.errors, str(wrong)]
        except ops.PasswordRejected as rejected:
            form.password.errors = [*form.password.errors, *rejected.problems]
        else:
            sessions.renew(person)
            flash("Your password is changed. Every other session of your account has ended.",
                  "info")
            return redirect(url_for("auth.account"))
    return _account_page(form, 400)


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    if SignOutEverywhereForm().validate_on_submit():
        ops.sign_out_everywhere(current_user._get_current_object())
        sessions.end()
        flash("Every session of your account has ended, on every device.", "info")
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.account"))
