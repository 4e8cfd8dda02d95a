"""Plausible synthetic answers, for demos, tests and benchmarks.

Each dimension gets a true team level (0..100); each respondent deviates from it, and
each answer is that level mapped back onto the question's scale with noise. Role-only
questions are answered only by those roles, and some answers are skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from questionnaires import Questionnaire

DEFAULT_ROLES: Mapping[str, float] = {
    "rep": 0.55, "manager": 0.1, "leader": 0.05, "support": 0.1, "marketing": 0.08,
    "operations": 0.1, "other": 0.02,
}


def synthetic_answers(q: Questionnaire, n: int, *, seed: int = 0,
                      levels: Mapping[str, float] | None = None,
                      roles: Mapping[str, float] | None = None,
                      teams: Sequence[str] = ("East", "West", "Central"),
                      skip_rate: float = 0.03, with_text: bool = False) -> pd.DataFrame:
    """A frame in the answers-CSV layout (strings; "" = skipped)."""
    rng = np.random.default_rng(seed)
    levels = dict(levels or {})
    role_names = list((roles or DEFAULT_ROLES).keys())
    role_p = np.array(list((roles or DEFAULT_ROLES).values()), dtype=float)
    role_p = role_p / role_p.sum()
    role = rng.choice(role_names, size=n, p=role_p) if q.audience == "team" else \
        np.full(n, "ceo", dtype=object)
    team = rng.choice(list(teams), size=n) if teams else np.full(n, "", dtype=object)
    person = rng.normal(0.0, 12.0, size=n)
    dim_level = {}
    for dim in q.dimensions:
        base = levels.get(dim.key, 65.0)
        dim_level[dim.key] = np.clip(base + person + rng.normal(0.0, 10.0, size=n), 0, 100)
    columns: dict[str, np.ndarray] = {
        "respondent": np.array([f"r{i + 1:06d}" for i in range(n)], dtype=object),
        "role": role.astype(object),
        "team": team.astype(object) if q.audience == "team" else np.full(n, "", dtype=object),
    }
    for question in q.questions:
        scale = q.scales[question.scale]
        asked = np.array([question.asked_of(r) for r in role]) if \
            question.audiences != ("all",) else np.ones(n, dtype=bool)
        skipped = rng.random(n) < skip_rate
        if not scale.scored:
            texts = np.full(n, "", dtype=object)
            if with_text:
                texts[asked & (rng.random(n) < 0.3)] = "More time with customers."
            columns[question.key] = texts
            continue
        target = dim_level[str(question.dimension)] + rng.normal(0.0, 8.0, size=n)
        if question.reverse:
            target = 100.0 - target
        target = np.clip(target, 0, 100)
        low, high = float(scale.min or 0.0), float(scale.max or 0.0)
        if scale.type == "likert":
            value = np.rint(low + target / 100.0 * (high - low))
        else:
            xs = np.array([p[0] for p in scale.points])
            ys = np.array([p[1] for p in scale.points])
            order = np.argsort(ys)
            value = np.rint(np.interp(target, ys[order], xs[order]))
        value = np.clip(value, low, high)
        cells = np.array([str(int(v)) for v in value], dtype=object)
        cells[~asked | skipped] = ""
        columns[question.key] = cells
    return pd.DataFrame(columns)
