"""`assess score`: offline scoring of an answers CSV (JSON or a readable table)."""

from __future__ import annotations

import json

import click

from .common import BadInput, questionnaire_option, read_answers


@click.command("score")
@click.argument("answers", type=click.Path(dir_okay=False))
@click.option("--questionnaire", "ref", required=True, metavar="KEY@VERSION",
              help="e.g. team-ecosystem@1")
@click.option("--by", type=click.Choice(["role", "team"]), help="segment the results")
@click.option("--previous", type=click.Path(dir_okay=False),
              help="answers of an earlier round (older versions mapped through lineage)")
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="json",
              show_default=True)
@click.option("--min-group-size", type=click.IntRange(min=1),
              help="anonymity threshold (default: the questionnaire's)")
@click.option("--ceo", "ceo_csv", type=click.Path(dir_okay=False),
              help="the CEO's self-assessment answers, set against the team")
@click.option("--ceo-questionnaire", "ceo_ref", default="ceo-quick", show_default=True,
              metavar="KEY@VERSION", help="questionnaire of the --ceo answers")
def score(answers: str, ref: str, by: str | None, previous: str | None, fmt: str,
          min_group_size: int | None, ceo_csv: str | None, ceo_ref: str) -> None:
    """Score ANSWERS (an answers CSV) against a questionnaire version."""
    from scoring import score as score_answers

    q = questionnaire_option(ref)
    current = read_answers(answers, q)
    before = read_answers(previous, q, apply_lineage=True) if previous else None
    if q.audience == "team" and min_group_size is not None and min_group_size < 3:
        raise BadInput("--min-group-size: a team survey needs at least 3")
    ceo = None
    if ceo_csv:
        ceo_q = questionnaire_option(ceo_ref)
        ceo_answers = read_answers(ceo_csv, ceo_q)
        if len(ceo_answers) != 1:
            raise BadInput(f"{ceo_csv}: expected one CEO row, found {len(ceo_answers)}")
        ceo = score_answers(ceo_answers, ceo_q)
    result = score_answers(current, q, by=by, previous=before, min_group_size=min_group_size,
                           ceo=ceo)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, allow_nan=False,
                              default=_json_default))
    else:
        from ..present.table import score_table

        click.echo(score_table(result, q))


def _json_default(value: object) -> object:
    raise TypeError(f"cannot serialise {type(value).__name__}")


@click.command("sample")
@click.option("--questionnaire", "ref", default="team-ecosystem", show_default=True,
              metavar="KEY@VERSION")
@click.option("-n", "--respondents", type=click.IntRange(1, 1_000_000), default=60,
              show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--weak", multiple=True, metavar="DIMENSION=SCORE",
              help="a dimension's true team level, e.g. foundation.belief=40 (repeatable)")
@click.option("--out", type=click.Path(dir_okay=False), help="CSV to write (default: stdout)")
def sample(ref: str, respondents: int, seed: int, weak: tuple[str, ...],
           out: str | None) -> None:
    """Write a plausible synthetic answers CSV, to try `assess score` and `assess report`."""
    from scoring.synthetic import synthetic_answers

    q = questionnaire_option(ref)
    levels = {}
    for item in weak:
        key, _, value = item.partition("=")
        if key not in {d.key for d in q.dimensions}:
            raise BadInput(f"--weak: unknown dimension {key!r} in {q.ref}")
        try:
            levels[key] = float(value)
        except ValueError:
            raise BadInput(f"--weak: {item!r} is not DIMENSION=SCORE") from None
    text = synthetic_answers(q, respondents, seed=seed, levels=levels).to_csv(
        index=False, lineterminator="\n")
    if out:
        with open(out, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    else:
        click.echo(text, nl=False)
