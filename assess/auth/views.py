"""Consultant sign-in and sign-out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from ..extensions import limiter
from . import operations as ops
from .forms import LoginForm, LogoutForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never an open redirect, never a header split."""
    if (not target or urlsplit(target).netloc or not target.startswith("/")
            or target.startswith("//") or any(c in target for c in "\r\n\\")):
        return url_for("console.home")
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("console.home"))
    form = LoginForm()
    if form.validate_on_submit():
        consultant = ops.authenticate(form.email.data, form.password.data)
        if consultant is not None:
            login_user(consultant)
            return redirect(_safe_next(request.args.get("next")))
        flash("That email and password do not match an account.", "error")
        return render_template("auth/login.html", form=form), 400
    return render_template("auth/login.html", form=form), (400 if form.errors else 200)


@bp.post("/logout")
def logout():
    if LogoutForm().validate_on_submit():
        logout_user()
        flash("You are signed out.", "info")
    return redirect(url_for("site.landing"))
