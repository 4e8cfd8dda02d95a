"""`assess export ROUND_ID`: a round's answers in the answers-CSV format."""

from __future__ import annotations

import click

from .common import BadInput
from .database import database_command


@click.command()
@click.argument("round_id", type=int)
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
        text = exporting.round_csv(round_id)
    except AppError as exc:
        raise BadInput(str(exc)) from None
    if fmt == "xlsx":
        data = csv_to_xlsx(text)
        if out:
            with open(out, "wb") as handle:
                handle.write(data)
        else:
            click.get_binary_stream("stdout").write(data)
    elif out:
        with open(out, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    else:
        click.echo(text, nl=False)


def csv_to_xlsx(text: str) -> bytes:
    """The same table as the CSV, as a workbook; answers stay numbers, ids stay text."""
    import io

    import pandas as pd

    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    for column in frame.columns:
        if column not in ("respondent", "role", "team"):
            numbers = pd.to_numeric(frame[column].replace("", None), errors="coerce")
            if numbers.notna().sum() == (frame[column] != "").sum():
                frame[column] = numbers
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, sheet_name="answers")
    return buffer.getvalue()
