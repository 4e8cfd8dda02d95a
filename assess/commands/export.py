"""`assess export ROUND_ID`: a round's answers in the answers-CSV format (or XLSX)."""

from __future__ import annotations

import click

from ..schema import INT_MAX
from .common import BadInput
from .database import database_command


@click.command()
@click.argument("round_id", type=click.IntRange(1, INT_MAX))
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True),
              help="File to write (default: standard output).")
@database_command
def export(round_id: int, fmt: str, out: str | None) -> None:
    """Write a round's answers; refused while fewer than its anonymity threshold answered."""
    from ..console import exporting
    from ..errors import AppError

    try:
        export = exporting.prepare(round_id)
    except AppError as exc:
        raise BadInput(str(exc)) from None
    if out:
        with open(out, "wb") as handle:
            for piece in export.stream(fmt):
                handle.write(piece)
    else:
        for piece in export.stream(fmt):  # written as read: a chunk of rows at a time
            click.echo(piece, nl=False)  # bytes go to the binary stdout as they are
