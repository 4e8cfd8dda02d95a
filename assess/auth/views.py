"""Site pages and consultant sign-in: landing, login/logout, console home, health check."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from .. import reporting
from ..errors import FriendlyError
from ..extensions import db, limiter
from . import operations as ops
from .forms import LoginForm, LogoutForm

bp = Blueprint("auth", __name__)


@bp.get("/")
def landing():
    return render_template("landing.html")


@bp.get("/healthz")
@limiter.exempt
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return {"status": "database unavailable"}, 503
    return {"status": "ok"}


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never an open redirect."""
    if not target or urlsplit(target).netloc or not target.startswith("/") \
            or target.startswith("//"):
        return url_for("auth.console")
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("auth.console"))
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
    return redirect(url_for("auth.landing"))


@bp.get("/console/")
@login_required
def console():
    return render_template("console/home.html", rounds=ops.rounds_of(current_user),
                           logout_form=LogoutForm())


@bp.get("/console/rounds/<int:round_id>/report.pdf")
@login_required
def round_report(round_id: int):
    """The branded root-cause report of one of the consultant's rounds."""
    try:
        report = reporting.prepare(round_id, current_user.id)
    except reporting.ReportRefused as exc:
        raise FriendlyError(404 if "no round" in str(exc) else 409,
                            "No report for this round yet", str(exc)) from None
    pdf = reporting.team_pdf(report)
    name = f"report-round-{round_id}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "private, no-store"})
