"""`assess clients`, `assess rounds`, `assess invitations`: the console's work from a shell,
for scripting and hosting. The same services as the console; bad input exits with code 2
and a message naming what was wrong.

Clients and rounds are named by their public id (shown by `list`); a round may also be
named by the number `assess export` uses.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date

import click
from flask import current_app

from ..schema import INT_MAX
from .common import BadInput
from .database import database_command

BASE_URL = click.option("--base-url", default="http://127.0.0.1:5000", show_default=True,
                        help="Where the app is reachable, for the printed links.")


@contextlib.contextmanager
def _refusals() -> Iterator[None]:
    """The services' refusals (AppError) as bad input: a message and exit code 2."""
    from ..errors import AppError

    try:
        yield
    except AppError as exc:
        raise BadInput(exc.message) from None


@contextlib.contextmanager
def _links(base_url: str) -> Iterator[None]:
    with current_app.test_request_context("/", base_url=base_url.rstrip("/") + "/"):
        yield


def _consultant(email: str):
    import sqlalchemy as sa

    from ..extensions import db
    from ..models import Account

    account = db.session.scalar(sa.select(Account).where(
        Account.email == email.strip().lower(), Account.role.in_(("consultant", "admin"))))
    if account is None:
        raise BadInput(f"no consultant or admin account with the email {email!r}")
    return account


def _client(public_id: str):
    import sqlalchemy as sa

    from ..extensions import db
    from ..models import Organisation

    org = db.session.scalar(sa.select(Organisation).where(
        Organisation.public_id == public_id[:16]))
    if org is None:
        raise BadInput(f"no client {public_id!r} (see `assess clients list`)")
    return org


def _round(name: str):
    import sqlalchemy as sa

    from ..extensions import db
    from ..models import Round

    query = sa.select(Round).where(Round.public_id == name[:16])
    if name.isdecimal() and len(name) < 10:
        query = sa.select(Round).where(Round.id == int(name))
    round_ = db.session.scalar(query)
    if round_ is None:
        raise BadInput(f"no round {name!r} (see `assess rounds list`)")
    return round_


# ------------------------------------------------------------------------- clients


@click.group("clients")
def clients() -> None:
    """List, create, rename or archive client organisations."""


@clients.command("list")
@click.option("--for", "for_email", metavar="EMAIL", help="only this consultant's clients")
@database_command
def list_clients(for_email: str | None) -> None:
    """One line per client: public id, rounds, consultant, name."""
    import sqlalchemy as sa

    from ..extensions import db
    from ..models import Organisation

    query = sa.select(Organisation).order_by(Organisation.name)
    if for_email:
        query = query.where(Organisation.consultant_id == _consultant(for_email).id)
    for org in db.session.scalars(query):
        owner = org.consultant.email if org.consultant else "-"
        state = " (archived)" if org.archived_at else ""
        click.echo(f"{org.public_id}  {len(org.rounds):>3} rounds  {owner:<30} {org.name}{state}")


@clients.command("create")
@click.argument("name")
@click.option("--consultant", "email", required=True, metavar="EMAIL",
              help="the consultant who runs this client's rounds")
@database_command
def create_client(name: str, email: str) -> None:
    """Create a client; prints its public id."""
    from ..console.rounds import create_client as create

    with _refusals():
        org = create(_consultant(email), name)
    click.echo(org.public_id)


@clients.command("rename")
@click.argument("client")
@click.argument("name")
@database_command
def rename_client(client: str, name: str) -> None:
    """Rename CLIENT (its public id) to NAME."""
    from ..console.rounds import rename_client as rename

    with _refusals():
        rename(_client(client), name)
    click.echo(f"renamed {client}")


@clients.command("archive")
@click.argument("client")
@click.option("--undo", is_flag=True, help="bring it back from the archive")
@database_command
def archive_client(client: str, undo: bool) -> None:
    """Archive CLIENT (its rounds and results stay)."""
    from ..console.rounds import archive_client as archive

    archive(_client(client), archived=not undo)
    click.echo(f"{'restored' if undo else 'archived'} {client}")


# -------------------------------------------------------------------------- rounds


@click.group("rounds")
def rounds() -> None:
    """List, create, open, close, extend rounds; print a round's link."""


@rounds.command("list")
@click.option("--client", help="only this client's rounds (its public id)")
@database_command
def list_rounds(client: str | None) -> None:
    """One line per round: public id, number, state, answers, client, title."""
    import sqlalchemy as sa

    from ..extensions import db
    from ..models import Response, Round

    query = sa.select(Round).order_by(Round.opens_at)
    if client:
        query = query.where(Round.organisation_id == _client(client).id)
    for round_ in db.session.scalars(query):
        answers = db.session.scalar(sa.select(sa.func.count()).select_from(Response).where(
            Response.round_id == round_.id))
        click.echo(f"{round_.public_id}  #{round_.id:<5} {round_.state():<9} {answers:>5} "
                   f"answers  {round_.organisation.name} / {round_.title}")


@rounds.command("create")
@click.argument("client")
@click.option("--title", required=True)
@click.option("--questionnaire", "ref", default="", metavar="KEY@VERSION",
              help="a published team questionnaire (default: the newest)")
@click.option("--opens", type=click.DateTime(["%Y-%m-%d"]), help="default: today")
@click.option("--closes", type=click.DateTime(["%Y-%m-%d"]), help="default: open-ended")
@click.option("--min-group-size", "k", type=click.IntRange(1, INT_MAX),
              help="default: the questionnaire's")
@click.option("--team", "teams", multiple=True, metavar="NAME[:HEADCOUNT]",
              help="a team and its expected headcount (repeatable)")
@click.option("--access", type=click.Choice(["both", "link", "invitation"]), default="both",
              show_default=True)
@BASE_URL
@database_command
def create_round(client: str, title: str, ref: str, opens, closes, k: int | None,
                 teams: tuple[str, ...], access: str, base_url: str) -> None:
    """Create a round for CLIENT; prints its public id and shared link."""
    from questionnaires import QuestionnaireError, load_ref

    from .. import questionnaire_store
    from ..console import links
    from ..console.rounds import RoundSpec
    from ..console.rounds import create_round as create

    try:
        q = load_ref(ref or current_app.config["TEAM_QUESTIONNAIRE"],
                     questionnaire_store.root())
    except QuestionnaireError as exc:
        raise BadInput(f"--questionnaire: {exc}") from None
    spec = RoundSpec(title=title, questionnaire=ref or q.ref,
                     opens_on=opens.date() if opens else date.today(),
                     closes_on=closes.date() if closes else None,
                     min_group_size=k if k is not None else q.min_group_size,
                     teams="\n".join(teams), access_mode=access)
    with _refusals():
        round_, _ = create(_client(client), spec)
    with _links(base_url):
        click.echo(f"round: {round_.public_id}")
        click.echo(f"survey: {links.round_link(round_) or '-'}")


def _state(name: str, action: str, until=None) -> None:
    from ..console.rounds import change_state

    round_ = _round(name)
    with _refusals():
        change_state(round_, action, until.date() if until else None)
    click.echo(f"{round_.public_id}: {round_.state().replace('_', ' ')}")


@rounds.command("open")
@click.argument("round_name", metavar="ROUND")
@database_command
def open_round(round_name: str) -> None:
    """Open ROUND now (or reopen a closed one)."""
    round_ = _round(round_name)
    _state(round_name, "open" if round_.state() == "not_open" else "reopen")


@rounds.command("close")
@click.argument("round_name", metavar="ROUND")
@database_command
def close_round(round_name: str) -> None:
    """Close ROUND now."""
    _state(round_name, "close")


@rounds.command("extend")
@click.argument("round_name", metavar="ROUND")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), required=True)
@database_command
def extend_round(round_name: str, until) -> None:
    """Set ROUND's closing date (and open it if it was closed)."""
    _state(round_name, "extend", until)


@rounds.command("link")
@click.argument("round_name", metavar="ROUND")
@BASE_URL
@database_command
def round_link(round_name: str, base_url: str) -> None:
    """Print ROUND's shared survey link."""
    from ..console import links

    round_ = _round(round_name)
    with _links(base_url):
        url = links.round_link(round_) if round_.accepts_link else None
    if url is None:
        raise BadInput(f"round {round_name} has no shared link (personal invitations only, "
                       "or made under another secret key)")
    click.echo(url)


# --------------------------------------------------------------------- invitations


@click.group("invitations")
def invitations_group() -> None:
    """Make, list, send, remind or revoke a round's personal invitations."""


@invitations_group.command("create")
@click.argument("round_name", metavar="ROUND")
@click.option("-n", "count", type=click.IntRange(1, INT_MAX), required=True, help="how many")
@BASE_URL
@database_command
def create_invitations(round_name: str, count: int, base_url: str) -> None:
    """Make N invitations and print every waiting link as CSV."""
    from ..console import invitations

    round_ = _round(round_name)
    with _refusals():
        invitations.generate(round_, count)
    with _links(base_url):
        click.echo(invitations.links_csv(round_), nl=False)


@invitations_group.command("list")
@click.argument("round_name", metavar="ROUND")
@BASE_URL
@database_command
def list_invitations(round_name: str, base_url: str) -> None:
    """Print every waiting (unused, unrevoked) invitation link of ROUND as CSV."""
    from ..console import invitations

    with _links(base_url):
        click.echo(invitations.links_csv(_round(round_name)), nl=False)


@invitations_group.command("send")
@click.argument("round_name", metavar="ROUND")
@click.argument("addresses", type=click.File("r", encoding="utf-8"))
@BASE_URL
@database_command
def send_invitations(round_name: str, addresses, base_url: str) -> None:
    """Mail an invitation to every address in ADDRESSES (a file, - for stdin)."""
    from ..console import invitations

    round_ = _round(round_name)
    with _links(base_url), _refusals():
        sent = invitations.invite_addresses(round_, addresses.read())
    click.echo(f"sent {sent} invitation(s)")


@invitations_group.command("remind")
@click.argument("round_name", metavar="ROUND")
@BASE_URL
@database_command
def remind(round_name: str, base_url: str) -> None:
    """Mail a reminder to every unused invitation of ROUND that has an address."""
    from ..console import invitations

    round_ = _round(round_name)
    with _links(base_url), _refusals():
        sent = invitations.remind(round_)
    click.echo(f"sent {sent} reminder(s)")


@invitations_group.command("revoke")
@click.argument("round_name", metavar="ROUND")
@click.argument("invitation")
@database_command
def revoke(round_name: str, invitation: str) -> None:
    """Revoke an unused INVITATION (its id from `list`): its link stops working."""
    from ..console import invitations

    with _refusals():
        invitations.revoke(_round(round_name), invitation)
    click.echo(f"revoked {invitation}")
