"""`assess score`: offline scoring of an answers CSV (JSON or a readable table)."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING

import click

from .common import BadInput, questionnaire_option, read_answers

if TYPE_CHECKING:
    from questionnaires import Questionnaire
    from scoring import Result


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
        click.echo(render_table(result, q))


def _json_default(value: object) -> object:
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _num(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.{digits}f}"


def render_table(result: Result, q: Questionnaire) -> str:
    """A terminal-friendly summary of the same result as the JSON."""
    lines = [f"{q.title} ({q.ref}) - {result.respondents} respondents, "
             f"anonymity threshold {result.min_group_size}"]
    if result.below_threshold:
        lines.append(f"Fewer than {result.min_group_size} respondents: results are hidden "
                     "to protect anonymity.")
        return "\n".join(lines)
    lines.append(f"Overall: {_num(result.overall.score)} ({result.overall.band})")
    lines.append("")
    lines.append(f"{'dimension':<34}{'score':>7}{'n':>7}{'sd':>7}  band")
    for group in result.groups:
        lines.append(f"{group.title.upper():<34}{_num(group.score):>7}{'':>7}{'':>7}  "
                     f"{group.band or '-'}")
        for dim in result.dimensions:
            if dim.group != group.key:
                continue
            shown = "hidden" if dim.suppressed else _num(dim.score)
            lines.append(f"  {dim.title[:32]:<32}{shown:>7}{dim.n:>7}{_num(dim.sd):>7}  "
                         f"{dim.band or '-'}")
    if result.segments:
        lines += ["", f"By {result.segment_by}:"]
        for seg in result.segments:
            if seg.suppressed:
                lines.append(f"  {seg.key:<24} n={seg.n:<5} hidden (fewer than "
                             f"{result.min_group_size}, or to protect a hidden group)")
            else:
                assert seg.overall is not None
                lines.append(f"  {seg.key:<24} n={seg.n:<5} overall "
                             f"{_num(seg.overall.score)} ({seg.overall.band})")
    lines += ["", "Root causes (most important first):"]
    if not result.root_causes:
        lines.append("  none found")
    for i, cause in enumerate(result.root_causes, 1):
        lines.append(f"  {i}. [{cause.kind}] {cause.title} (severity {cause.severity:.1f})")
        for ev in cause.evidence:
            what = ev.dimension or ev.question
            value = f"score {_num(ev.score)}" if ev.value is None else f"value {ev.value:g}"
            note = f" - {ev.note}" if ev.note else ""
            lines.append(f"       evidence: {what}: {value}, n={ev.n}{note}")
        if cause.symptoms:
            lines.append(f"       explains: {', '.join(cause.symptoms)}")
    lines += ["", "Fixes (first to do first):"]
    for i, fix in enumerate(result.fixes, 1):
        lines.append(f"  {i}. [{fix.owner}, {fix.horizon_days} days] {fix.text}")
    if result.trend:
        lines += ["", "Since the previous round (Welch's t-test, real when p < 0.05):"]
        for t in result.trend:
            verdict = "n/a" if t.real is None else ("real" if t.real else "noise")
            lines.append(f"  {t.dimension:<32}{_num(t.previous):>7} -> {_num(t.current):<7}"
                         f"{t.change:+.1f}  p={_num(t.p_value, 3)}  {verdict}")
    if result.quality is not None:
        lines += ["", f"Response quality: {result.quality.straight_lining} straight-lining, "
                      f"{result.quality.too_fast} implausibly fast (kept, not dropped)"]
    return "\n".join(lines)


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
