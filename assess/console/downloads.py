"""Console routes that move data: invitations, downloads, imports, branding.

Every download goes through the one anonymity module (`exporting`, `results`): refused
under k, the same released responses as the results page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import closing
from typing import TYPE_CHECKING

from flask import Response, render_template
from flask_login import current_user

from . import access, forms, invitations
from .views import _done, _valid, bp

if TYPE_CHECKING:
    from .exporting import Export

NO_STORE = {"Cache-Control": "private, no-store"}


def _attachment(data: bytes | str | Iterator[bytes], mimetype: str, name: str) -> Response:
    return Response(data, mimetype=mimetype, headers={
        **NO_STORE, "Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/rounds/<public_id>/invitations")
def generate_invitations(public_id: str):
    round_ = access.round_for(current_user, public_id, manage=True)
    form = forms.InviteCountForm()
    _valid(form)
    made = invitations.generate(round_, int(form.count.data or 0))
    return _done("console.round", f"{len(made)} invitations made: download their links "
                 "below and hand each person one.", public_id=public_id)


@bp.get("/rounds/<public_id>/invitations.csv")
def invitation_links(public_id: str):
    round_ = access.round_for(current_user, public_id, manage=True)
    return _attachment(invitations.links_csv(round_), "text/csv; charset=utf-8",
                       f"invitations-{public_id}.csv")


@bp.post("/rounds/<public_id>/invitations/send")
def send_invitations(public_id: str):
    round_ = access.round_for(current_user, public_id, manage=True)
    form = forms.AddressesForm()
    _valid(form)
    sent = invitations.invite_addresses(round_, form.addresses.data or "")
    return _done("console.round", f"{sent} invitation{'s' if sent != 1 else ''} sent.",
                 public_id=public_id)


@bp.post("/rounds/<public_id>/invitations/remind")
def remind(public_id: str):
    round_ = access.round_for(current_user, public_id, manage=True)
    _valid(forms.ActionForm())
    sent = invitations.remind(round_)
    return _done("console.round", f"{sent} reminder{'s' if sent != 1 else ''} sent to "
                 "unused invitations.", public_id=public_id)


@bp.post("/rounds/<public_id>/invitations/<invitation>/revoke")
def revoke(public_id: str, invitation: str):
    round_ = access.round_for(current_user, public_id, manage=True)
    _valid(forms.ActionForm())
    invitations.revoke(round_, invitation)
    return _done("console.round", "Invitation revoked: its link no longer works.",
                 public_id=public_id)


@bp.get("/rounds/<public_id>/report.pdf")
def round_report(public_id: str):
    from .reports import cached_pdf

    round_ = access.round_for(current_user, public_id)
    return _attachment(cached_pdf(round_), "application/pdf", f"report-{public_id}.pdf")


@bp.get("/rounds/<public_id>/answers.<fmt>")
def answers(public_id: str, fmt: str):
    from . import exporting

    round_ = access.round_for(current_user, public_id)
    if fmt not in exporting.FORMATS:
        from ..errors import NotFound

        raise NotFound("Answers can be downloaded as CSV or XLSX.")
    export = exporting.prepare(round_.id)  # refusals happen here, before the first byte
    return _attachment(_read_later(export, fmt), exporting.MIMETYPES[fmt],
                       f"answers-{public_id}.{fmt}")


def _read_later(export: Export, fmt: str) -> Iterator[bytes]:
    """The file made as the server sends it, after the view has returned, on a read-only
    connection of its own (the request's session has ended by then). Nothing runs, and
    nothing is held, unless the body is read."""
    from ..extensions import db

    engine = db.engine

    def body() -> Iterator[bytes]:
        with engine.connect().execution_options(read_only=True) as connection:
            yield from export.stream(fmt, connection)

    return body()


@bp.get("/rounds/<public_id>/scores.json")
def scores(public_id: str):
    from .results import round_results

    round_ = access.round_for(current_user, public_id)
    document = round_results(round_).result.to_dict()
    return _attachment(json.dumps(document, indent=2, allow_nan=False),
                       "application/json", f"scores-{public_id}.json")


@bp.post("/rounds/<public_id>/import")
def import_answers(public_id: str):
    from scoring import AnswersError

    from .importing import import_csv

    round_ = access.round_for(current_user, public_id, manage=True)
    form = forms.ImportForm()
    _valid(form)
    upload = form.answers.data
    if upload is None or not hasattr(upload, "read"):
        return _import_error(round_, "Choose an answers CSV file to import.")
    try:
        with closing(upload):
            count = import_csv(round_.id, upload.read())
    except AnswersError as exc:
        return _import_error(round_, str(exc))
    return _done("console.round", f"Imported {count} response{'s' if count != 1 else ''}.",
                 public_id=public_id)


def _import_error(round_, message: str):
    from .overview import round_forms, round_page

    return render_template("console/round.html", page=round_page(round_),
                           forms=round_forms(round_), import_error=message), 400


@bp.route("/branding", methods=["GET", "POST"])
def branding():
    from .branding import save_branding

    access.require_manager(current_user)
    form = forms.BrandingForm(obj=current_user)
    if form.validate_on_submit():
        save_branding(current_user, form)
        return _done("console.branding", "Branding saved: every new PDF carries it.")
    return render_template("console/branding.html", form=form), (400 if form.errors else 200)


@bp.get("/branding/logo.png")
def logo():
    access.require_manager(current_user)
    if not current_user.brand_logo:
        from ..errors import NotFound

        raise NotFound("No logo yet.")
    return Response(current_user.brand_logo, mimetype="image/png", headers=NO_STORE)
