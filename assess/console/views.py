"""Console pages: clients, rounds, live progress, results, trends, downloads.

Every page needs a signed-in account; `access` decides what it may see and change.
Views parse, call one service, and render or redirect.
"""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..auth.forms import LogoutForm
from ..errors import BadForm
from . import access, forms, overview
from . import rounds as ops

bp = Blueprint("console", __name__, url_prefix="/console")


UPLOADS = {"console.import_answers", "console.branding", "console.send_invitations"}
UPLOAD_LIMIT = 4 * 1024 * 1024  # an answers CSV, a logo, a list of addresses


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every console page needs a signed-in account; uploads may be larger than forms."""
    if request.endpoint in UPLOADS:
        request.max_content_length = UPLOAD_LIMIT
        request.max_form_memory_size = UPLOAD_LIMIT


@bp.context_processor
def _common() -> dict:
    return {"logout_form": LogoutForm(), "action_form": forms.ActionForm(),
            "manager": access.can_manage(current_user, current_user.organisation)}


def _done(endpoint: str, message: str, **values: str) -> Response:
    flash(message, "info")
    return redirect(url_for(endpoint, **values))  # type: ignore[return-value]


def _valid(form) -> None:
    if not form.validate_on_submit():
        problems = "; ".join(f"{form[name].label.text}: {' '.join(errors)}"
                             for name, errors in form.errors.items() if name in form)
        raise BadForm(problems or "The form could not be read.")


@bp.get("/")
def home():
    return render_template("console/home.html", home=overview.home(current_user),
                           client_form=forms.ClientForm(), invite_form=forms.InviteForm())


@bp.post("/clients")
def create_client():
    access.require_manager(current_user)
    form = forms.ClientForm()
    _valid(form)
    org = ops.create_client(current_user, form.name.data or "")
    return _done("console.client", f"Client “{org.name}” created.", public_id=org.public_id)


@bp.post("/people/invite")
def invite_person():
    """An admin invites a consultant; a consultant a client user of one of their clients.
    The one-time link is shown here once (and mailed when mail is set up)."""
    from ..auth.operations import invite

    form = forms.InviteForm()
    _valid(form)
    org_id = request.form.get("client", "")
    org = access.organisation_for(current_user, org_id, manage=True) if org_id else None
    role = "client" if org is not None else "consultant"
    link = invite(current_user, form.email.data or "", role, org)
    return render_template("console/invited.html", link=link, email=form.email.data,
                           organisation=org)


@bp.post("/leads/<public_id>/start")
def start_lead(public_id: str):
    access.require_manager(current_user)
    _valid(forms.ActionForm())
    round_ = ops.start_from_lead(current_user, public_id)
    return _done("console.round", "Client and round created from the request; the CEO's "
                 "quick result is attached.", public_id=round_.public_id)


@bp.get("/clients/<public_id>")
def client(public_id: str):
    org = access.organisation_for(current_user, public_id)
    return render_template("console/client.html", page=overview.client(org),
                           rename_form=forms.ClientForm(name=org.name),
                           invite_form=forms.InviteForm())


@bp.post("/clients/<public_id>/rename")
def rename_client(public_id: str):
    org = access.organisation_for(current_user, public_id, manage=True)
    form = forms.ClientForm()
    _valid(form)
    ops.rename_client(org, form.name.data or "")
    return _done("console.client", "Renamed.", public_id=public_id)


@bp.post("/clients/<public_id>/archive")
def archive_client(public_id: str):
    org = access.organisation_for(current_user, public_id, manage=True)
    _valid(forms.ActionForm())
    ops.archive_client(org, archived=org.archived_at is None)
    return _done("console.client", "Archived." if org.archived_at else "Back in the list.",
                 public_id=public_id)


@bp.route("/clients/<public_id>/rounds/new", methods=["GET", "POST"])
def new_round(public_id: str):
    org = access.organisation_for(current_user, public_id, manage=True)
    form = overview.round_form()
    if form.validate_on_submit():
        round_, _ = ops.create_round(org, overview.round_spec(form))
        return _done("console.round", "Round created: share its link below.",
                     public_id=round_.public_id)
    return render_template("console/round_new.html", org=org, form=form), (
        400 if form.errors else 200)


@bp.get("/clients/<public_id>/history.png")
def history_png(public_id: str):
    org = access.organisation_for(current_user, public_id)
    return Response(overview.history_png(org), mimetype="image/png",
                    headers={"Cache-Control": "private, no-store"})


@bp.get("/clients/<public_id>/compare")
def compare(public_id: str):
    org = access.organisation_for(current_user, public_id)
    page = overview.comparison(org, request.args.get("before", ""),
                               request.args.get("after", ""))
    return render_template("console/compare.html", org=org, page=page)


@bp.get("/rounds/<public_id>")
def round(public_id: str):  # noqa: A001 - the page of a round
    round_ = access.round_for(current_user, public_id)
    return render_template("console/round.html", page=overview.round_page(round_),
                           forms=overview.round_forms(round_))


@bp.get("/rounds/<public_id>/qr.svg")
def qr(public_id: str):
    round_ = access.round_for(current_user, public_id)
    return Response(overview.qr(round_), mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, no-store"})


@bp.post("/rounds/<public_id>/state/<action>")
def change_state(public_id: str, action: str):
    round_ = access.round_for(current_user, public_id, manage=True)
    form = forms.DatesForm()
    _valid(form)
    ops.change_state(round_, action, form.until.data)
    return _done("console.round", f"The round is {round_.state().replace('_', ' ')}.",
                 public_id=public_id)


@bp.post("/rounds/<public_id>/ceo")
def attach_ceo(public_id: str):
    round_ = access.round_for(current_user, public_id, manage=True)
    form = forms.CeoLinkForm()
    _valid(form)
    ops.attach_ceo_result(round_, form.ceo_link.data or "")
    return _done("console.round", "The CEO's view is set against the team's." if
                 round_.ceo_result_id else "No CEO result is attached.", public_id=public_id)


@bp.get("/rounds/<public_id>/results")
def results(public_id: str):
    round_ = access.round_for(current_user, public_id)
    return render_template("console/results.html", page=overview.results_page(round_))


from . import downloads  # noqa: E402,F401  (its routes join this blueprint)
