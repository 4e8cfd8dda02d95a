"""`assess questionnaires list|validate`."""

from __future__ import annotations

import click

from .common import BadInput


@click.group("questionnaires")
def questionnaires() -> None:
    """List or validate questionnaire files."""


@questionnaires.command("list")
def list_command() -> None:
    """Every published version with its size and content hash."""
    from questionnaires import QuestionnaireError, load_all

    try:
        found = load_all()
    except QuestionnaireError as exc:
        raise BadInput(str(exc)) from None
    for q in found:
        scored = len(q.scored_questions)
        click.echo(f"{q.ref:<22} {q.audience:<5} {scored:>3} scored / {len(q.questions):>3} "
                   f"questions  {q.minutes:>2} min  sha256:{q.content_hash[:12]}  {q.title}")


@questionnaires.command("validate")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
def validate_command(files: tuple[str, ...]) -> None:
    """Validate FILES (default: every published file); exit 2 on the first problem."""
    from questionnaires import QuestionnaireError, discover, load_file

    paths = list(files) or [str(p) for p in discover()]
    problems = []
    for path in paths:
        try:
            q = load_file(path)
        except QuestionnaireError as exc:
            problems.append(str(exc))
            continue
        click.echo(f"ok  {path}  ({q.ref}, {len(q.questions)} questions)")
    if problems:
        raise BadInput("\n".join(problems))
