"""Demo-like inputs for the report: a plausible team round, two earlier rounds and a CEO
self-assessment, all from the synthetic generator, on the newest questionnaires, with a
fieldwork period and a few free-text answers. Used by the report tests and
`bench/bench_report.py`; never by real data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from questionnaires import Questionnaire, load
from scoring import Result, parse_answers, score
from scoring.synthetic import synthetic_answers

LEVELS = {"foundation.belief": 45, "bucket.talent": 50, "process.cadence": 48,
          "culprit.non_sales_work": 52}
ROLES = {"rep": 0.5, "manager": 0.12, "leader": 0.08, "support": 0.1, "marketing": 0.08,
         "operations": 0.1, "other": 0.02}
FIELDWORK = (date(2025, 9, 1), date(2025, 9, 19))
CONTACT = "Dana Reyes · dana@northwind.example · +44 20 7946 0000"
SAYINGS = {
    "open_one_change": (
        "Fewer internal reports so we can spend the time with customers.",
        "A commission plan that pays for the deals we are told to chase.",
        "Proper onboarding. I learned the product from customers asking me questions.",
        "Quicker approval on discounts; deals stall for days waiting for a signature.",
        "Marketing leads that match the customers we actually win.",
        "Coaching on live deals instead of a forecast call every Monday.",
        "Let us log a call in the CRM in one click.",
        "Tell us where the company is going and why customers should care.",
        "Case studies from our own industry to send between meetings.",
        "Time to follow up within a few days instead of every other week.",
        "A clear career path for reps who want to stay in sales.",
        "Stop changing the targets every quarter.",
        "Someone to handle the order paperwork so reps can sell.",
    ),
    "open_biggest_obstacle": (
        "Chasing approvals and paperwork that operations should own.",
        "Prospects go cold while we wait on pricing from head office.",
        "Nobody follows the written process, so every deal is improvised.",
        "We lose to cheaper competitors because we cannot explain why we are different.",
        "Hand-over to delivery is messy and customers notice.",
        "Too many internal meetings in the middle of the selling day.",
        "Leads are poorly qualified before they reach us.",
        "The CRM is slow and full of fields nobody uses.",
        "We are not sure the product does what we promise.",
        "Travel approvals take longer than the deal cycle.",
    ),
}


@dataclass(frozen=True)
class Demo:
    q: Questionnaire
    result: Result
    previous_results: tuple[tuple[str, Result], ...]
    ceo: Result
    comments: pd.DataFrame  # the round's free-text answers, as `Answers.texts`
    fieldwork: tuple[date, date] = FIELDWORK
    contact: str = CONTACT


def _comments(q: Questionnaire, n: int, seed: int) -> pd.DataFrame:
    """Free-text answers: about a third of the people write something to the first two
    open questions, a handful to the last (under the comment threshold)."""
    rng = np.random.default_rng(seed)
    columns = {}
    for question in q.questions:
        if q.scale_of(question).scored:
            continue
        sayings = SAYINGS.get(question.key, ("Nothing to add.",))
        share = 0.4 if question.key in SAYINGS else 0.1
        picked = np.flatnonzero(rng.random(n) < share)
        texts = [""] * n
        for i, row in enumerate(picked):  # each saying once before any repeats
            texts[row] = sayings[i % len(sayings)]
        columns[question.key] = texts
    return pd.DataFrame(columns, dtype=object)


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
    return Demo(q, result, tuple(rounds), ceo, _comments(q, n, seed))
