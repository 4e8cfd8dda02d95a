"""Console pages: the consultant's rounds and their report downloads."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_login import current_user, login_required

from ..auth.forms import LogoutForm
from . import operations as ops

bp = Blueprint("console", __name__, url_prefix="/console")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every console page needs a signed-in account."""


@bp.get("/")
def home():
    return render_template("console/home.html", rounds=ops.rounds_of(current_user),
                           logout_form=LogoutForm())


@bp.get("/rounds/<int:round_id>/report.pdf")
def round_report(round_id: int):
    """The branded root-cause report of one of the consultant's rounds."""
    from . import reporting  # pandas and the scoring engine: loaded by the first report

    report = reporting.prepare(round_id, current_user.id)
    return Response(reporting.team_pdf(report), mimetype="application/pdf",
                    headers={"Content-Disposition":
                             f'attachment; filename="report-round-{round_id}.pdf"',
                             "Cache-Control": "private, no-store"})
