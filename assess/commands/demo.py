"""`assess demo`: seed the demo consultant, client and rounds, print how to reach them."""

from __future__ import annotations

import click
from flask import current_app, url_for

from .common import BadInput
from .database import database_command


@click.command()
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True,
              help="Where `assess serve` (or your server) is reachable, for the printed links.")
@database_command
def demo(base_url: str) -> None:
    """Create the demo data (idempotent) and print `survey:`, `ceo:`, `login:`, `round:`."""
    from questionnaires import QuestionnaireError

    from .. import seed as demo_data

    try:
        info = demo_data.seed()
    except QuestionnaireError as exc:
        raise BadInput(f"cannot create the demo: {exc}") from None
    with current_app.test_request_context("/", base_url=base_url.rstrip("/") + "/"):
        survey = url_for("respondent.shared_link", token=info.link_token, _external=True)
        ceo = url_for("quick.start", _external=True)
    click.echo(f"survey: {survey}")
    click.echo(f"ceo: {ceo}")
    click.echo(f"login: {info.email} {info.password}")
    click.echo(f"round: {info.round_id}")
