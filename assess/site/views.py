"""The landing page and `/healthz` (200 when the database answers)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template

from ..extensions import db, limiter

bp = Blueprint("site", __name__)


@bp.get("/")
def landing():
    return render_template("landing.html")


@bp.get("/healthz")
@limiter.exempt
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        from ..errors import RETRY_AFTER

        db.session.rollback()
        return {"status": "database unavailable"}, 503, {"Retry-After": str(RETRY_AFTER),
                                                         "Cache-Control": "no-store"}
    return {"status": "ok"}, 200, {"Cache-Control": "no-store"}


@bp.get("/favicon.ico")
@limiter.exempt
def favicon():
    """Browsers ask for /favicon.ico whatever a page links: answer, not 404."""
    return current_app.send_static_file("favicon.ico")
