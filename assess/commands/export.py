"""`assess export ROUND_ID`: a round's answers in the answers-CSV format."""

from __future__ import annotations

import click

from ..bootstrap import cli_app, prepare_database, release
from .common import BadInput


@click.command()
@click.argument("round_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True),
              help="File to write (default: standard output).")
def export(round_id: int, fmt: str, out: str | None) -> None:
    """Write a round's answers; refused while fewer than its anonymity threshold answered."""
    from .. import exporting

    if fmt == "xlsx":
        raise BadInput("--format xlsx needs the openpyxl package, which is not installed; "
                       "use --format csv")
    app = cli_app()
    try:
        prepare_database(app)
        with app.app_context():
            try:
                text = exporting.round_csv(round_id)
            except exporting.ExportRefused as exc:
                raise BadInput(str(exc)) from None
    finally:
        release(app)
    if out:
        with open(out, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    else:
        click.echo(text, nl=False)
