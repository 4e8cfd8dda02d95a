"""Demo-like inputs for the report: a plausible team round, two earlier rounds and a CEO
self-assessment, all from the synthetic generator, on the newest questionnaires. Used by
the report tests and `bench/bench_report.py`; never by real data."""

from __future__ import annotations

from dataclasses import dataclass

from questionnaires import Questionnaire, load
from scoring import Result, parse_answers, score
from scoring.synthetic import synthetic_answers

LEVELS = {"foundation.belief": 45, "bucket.talent": 50, "process.cadence": 48,
          "culprit.non_sales_work": 52}
ROLES = {"rep": 0.5, "manager": 0.12, "leader": 0.08, "support": 0.1, "marketing": 0.08,
         "operations": 0.1, "other": 0.02}


@dataclass(frozen=True)
class Demo:
    q: Questionnaire
    result: Result
    previous_results: tuple[tuple[str, Result], ...]
    ceo: Result


def demo(n: int = 40, *, seed: int = 1, by: str | None = "team") -> Demo:
    q = load("team-ecosystem")
    cq = load("ceo-quick")
    ceo_levels = {key: 80 for key in (d.key for d in cq.dimensions)}
    ceo = score(parse_answers(synthetic_answers(cq, 1, seed=seed, levels=ceo_levels), cq), cq)
    rounds = []
    earlier = [("Q1", {**LEVELS, "foundation.belief": 38, "bucket.talent": 44}),
               ("Q2", {**LEVELS, "foundation.belief": 40})]
    answers_before = None
    for i, (name, levels) in enumerate(earlier):
        answers_before = parse_answers(synthetic_answers(
            q, max(n - 6 + 3 * i, 10), seed=seed + 10 + i, levels=levels, roles=ROLES), q)
        rounds.append((name, score(answers_before, q)))
    answers = parse_answers(synthetic_answers(q, n, seed=seed, levels=LEVELS, roles=ROLES), q)
    result = score(answers, q, by=by, previous=answers_before, ceo=ceo)
    return Demo(q, result, tuple(rounds), ceo)
