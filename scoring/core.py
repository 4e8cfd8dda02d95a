"""The normative formula, vectorised: item scores -> respondent dimensions -> team scores.

See DESIGN.md "Scoring — normative formula". Everything works on NumPy arrays so a
100,000-respondent round scores in well under a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from questionnaires import Questionnaire

from .answers import Answers
from .model import DimensionScore, GroupScore, Overall


def score_values(q: Questionnaire, key: str, values: np.ndarray | float) -> np.ndarray:
    """The formula for one question: raw answers on its scale -> 0..100 (NaN stays NaN).

    Likert: 100*(v-min)/(max-min); number: linear between `points`, clamped at both
    ends; `reverse` turns s into 100 - s.
    """
    question = q.question(key)
    scale = q.scales[question.scale]
    values = np.asarray(values, dtype=float)
    if scale.type == "likert":
        scored = 100.0 * (values - scale.min) / (scale.max - scale.min)
    else:
        scored = np.interp(values, [p[0] for p in scale.points], [p[1] for p in scale.points])
    return 100.0 - scored if question.reverse else scored


def item_scores(answers: Answers, q: Questionnaire) -> np.ndarray:
    """Respondents x scored questions, each answer mapped to 0..100 (NaN = skipped)."""
    raw = answers.values.to_numpy(dtype=float, copy=True)
    out = np.empty_like(raw)
    for j, key in enumerate(answers.values.columns):
        out[:, j] = score_values(q, key, raw[:, j])
    return out


@dataclass(frozen=True, eq=False)
class DimensionMatrix:
    """Per-respondent dimension scores plus how many items fed each one."""

    keys: tuple[str, ...]
    scores: np.ndarray  # respondents x dimensions, NaN = no score


def respondent_dimensions(answers: Answers, q: Questionnaire,
                          items: np.ndarray | None = None) -> DimensionMatrix:
    """Each respondent's weighted mean of answered items, per dimension."""
    if items is None:
        items = item_scores(answers, q)
    keys = tuple(d.key for d in q.dimensions)
    dim_index = {k: i for i, k in enumerate(keys)}
    columns = list(answers.values.columns)
    weights = np.zeros((len(columns), len(keys)))
    for j, key in enumerate(columns):
        question = q.question(key)
        weights[j, dim_index[question.dimension]] = question.weight
    answered = ~np.isnan(items)
    filled = np.where(answered, items, 0.0)
    numerator = filled @ weights
    denominator = answered.astype(float) @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1),
                          np.nan)
    return DimensionMatrix(keys, scores)


@dataclass(frozen=True)
class Aggregate:
    mean: float | None
    n: int
    sd: float | None


def aggregate(values: np.ndarray) -> Aggregate:
    """Plain mean, count and sample SD of the non-missing values."""
    present = values[~np.isnan(values)]
    n = int(present.size)
    if n == 0:
        return Aggregate(None, 0, None)
    mean = float(present.mean())
    sd = float(present.std(ddof=1)) if n >= 2 else None
    return Aggregate(mean, n, sd)


def aggregate_columns(matrix: np.ndarray) -> list[Aggregate]:
    """`aggregate` for every column at once."""
    present = ~np.isnan(matrix)
    n = present.sum(axis=0)
    filled = np.where(present, matrix, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = filled.sum(axis=0) / n
        deviations = np.where(present, matrix - mean, 0.0)
        var = (deviations**2).sum(axis=0) / (n - 1)
    out = []
    for j in range(matrix.shape[1]):
        count = int(n[j])
        out.append(Aggregate(
            float(mean[j]) if count else None,
            count,
            float(np.sqrt(var[j])) if count >= 2 else None,
        ))
    return out


def dimension_scores(q: Questionnaire, keys: Sequence[str], aggregates: Sequence[Aggregate],
                     k: int) -> tuple[DimensionScore, ...]:
    """Team dimension scores; any with fewer than k respondents is suppressed."""
    out = []
    for key, agg in zip(keys, aggregates, strict=True):
        dim = q.dimension(key)
        hidden = 0 < agg.n < k
        score = None if hidden else agg.mean
        out.append(DimensionScore(
            key=key, group=dim.group, title=dim.title, score=score, n=agg.n,
            sd=None if hidden else agg.sd, band=q.band(score), suppressed=hidden,
        ))
    return tuple(out)


def weighted_mean(pairs: Sequence[tuple[float | None, float]]) -> float | None:
    present = [(s, w) for s, w in pairs if s is not None]
    total = sum(w for _, w in present)
    if not present or total <= 0:
        return None
    return sum(s * w for s, w in present) / total


def roll_up(q: Questionnaire,
            dims: Sequence[DimensionScore]) -> tuple[tuple[GroupScore, ...], Overall]:
    """Group scores from dimension scores, the overall from group scores."""
    by_key = {d.key: d for d in dims}
    groups = []
    for group in q.groups:
        score = weighted_mean([(by_key[d.key].score, d.weight) for d in q.dimensions
                               if d.group == group.key and d.key in by_key])
        groups.append(GroupScore(group.key, group.title, score, q.band(score)))
    overall = weighted_mean([(g.score, q.group(g.key).weight) for g in groups])
    return tuple(groups), Overall(overall, q.band(overall))


def effective_weights(q: Questionnaire) -> dict[str, float]:
    """Each dimension's share of the overall score when every dimension has a score."""
    group_total = sum(g.weight for g in q.groups)
    out = {}
    for dim in q.dimensions:
        siblings = sum(d.weight for d in q.dimensions if d.group == dim.group)
        out[dim.key] = q.group(dim.group).weight / group_total * dim.weight / siblings
    return out


def raw_medians(answers: Answers) -> pd.Series:
    return answers.values.median(axis=0, skipna=True)
