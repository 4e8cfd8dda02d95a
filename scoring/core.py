"""The normative formula, vectorised: item scores -> respondent dimensions -> team scores.

See DESIGN.md "Scoring — normative formula". Everything works on NumPy arrays so a
100,000-respondent round scores in well under a second.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
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
        assert scale.min is not None and scale.max is not None
        scored = 100.0 * (values - scale.min) / (scale.max - scale.min)
    else:
        scored = np.interp(values, [p[0] for p in scale.points], [p[1] for p in scale.points])
    return 100.0 - scored if question.reverse else scored


def item_scores(answers: Answers, q: Questionnaire) -> np.ndarray:
    """Respondents x scored questions, each answer mapped to 0..100 (NaN = not scored).

    A respondent who gave a role is scored only on the questions asked of that role
    (FORMAT.md: each role judges only what it can judge).
    """
    raw = answers.values.to_numpy(dtype=float)  # only read: no copy when already floats
    # Roles as codes into the few distinct roles, so who is asked a question is one
    # lookup per respondent, made once per distinct audience.
    codes, roles = pd.factorize(answers.role.to_numpy(dtype=object), use_na_sentinel=False)
    asked: dict[tuple[str, ...], np.ndarray] = {}
    out = np.empty(raw.shape)  # row-major: the matrix products below are 3x faster
    for j, key in enumerate(answers.values.columns):
        question = q.question(key)
        column = raw[:, j]
        if "all" not in question.audiences:
            audiences = tuple(question.audiences)
            if audiences not in asked:
                by_role = np.array([role == "" or role in audiences for role in roles],
                                   dtype=bool)
                asked[audiences] = by_role[codes] if len(codes) else np.zeros(0, dtype=bool)
            column = np.where(asked[audiences], column, np.nan)
        out[:, j] = score_values(q, key, column)
    return out


@dataclass(frozen=True, eq=False)
class DimensionMatrix:
    """Per-respondent dimension scores (NaN = no score) and what each one rests on.

    `perception` holds, for dimensions that also have a measure, the same respondents'
    perception-item scores (one group's view of another), kept apart for the gap.
    """

    keys: tuple[str, ...]
    scores: np.ndarray  # respondents x dimensions
    basis: tuple[str, ...]  # per dimension: measure | perception
    perception: np.ndarray  # respondents x dimensions, NaN where there is no such view


def respondent_dimensions(answers: Answers, q: Questionnaire,
                          items: np.ndarray | None = None) -> DimensionMatrix:
    """Each respondent's weighted mean of answered items, per dimension."""
    if items is None:
        items = item_scores(answers, q)
    keys = tuple(d.key for d in q.dimensions)
    dim_index = {k: i for i, k in enumerate(keys)}
    columns = list(answers.values.columns)
    measure = np.zeros((len(columns), len(keys)))
    view = np.zeros((len(columns), len(keys)))
    for j, key in enumerate(columns):
        question = q.question(key)
        target = view if question.perception else measure
        target[j, dim_index[str(question.dimension)]] = question.weight
    only_view = (measure.sum(axis=0) == 0) & (view.sum(axis=0) > 0)
    measure[:, only_view] = view[:, only_view]
    basis = tuple("perception" if flag else "measure" for flag in only_view)
    view[:, only_view] = 0.0
    return DimensionMatrix(keys, _weighted(items, measure), basis, _weighted(items, view))


ROWS_AT_A_TIME = 8192  # respondents per step of the row-wise steps: memory stays flat


def row_blocks(n: int) -> Iterator[slice]:
    """Slices covering n rows, `ROWS_AT_A_TIME` at a time (row-wise steps give the same
    numbers whatever the block, and a block's temporaries stay small however large the
    round)."""
    size = ROWS_AT_A_TIME
    return (slice(start, min(start + size, n)) for start in range(0, n, size))


def _weighted(items: np.ndarray, weights: np.ndarray) -> np.ndarray:
    out = np.empty((items.shape[0], weights.shape[1]))
    for rows in row_blocks(items.shape[0]):
        block = items[rows]
        answered = ~np.isnan(block)
        numerator = np.where(answered, block, 0.0) @ weights
        denominator = answered.astype(float) @ weights
        with np.errstate(invalid="ignore", divide="ignore"):
            out[rows] = np.where(denominator > 0,
                                 numerator / np.where(denominator > 0, denominator, 1), np.nan)
    return out


@dataclass(frozen=True)
class Aggregate:
    mean: float | None
    n: int
    sd: float | None


def aggregate_columns(matrix: np.ndarray) -> list[Aggregate]:
    """Plain mean, count and sample SD of the non-missing values of every column."""
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


def dimension_scores(q: Questionnaire, matrix: DimensionMatrix, aggregates: Sequence[Aggregate],
                     hidden: Sequence[bool]) -> tuple[DimensionScore, ...]:
    """Team dimension scores; a hidden one keeps its n but shows no score."""
    out = []
    for key, basis, agg, hide in zip(matrix.keys, matrix.basis, aggregates, hidden,
                                     strict=True):
        dim = q.dimension(key)
        hide = hide and agg.n > 0
        score = None if hide else agg.mean
        out.append(DimensionScore(
            key=key, group=dim.group, title=dim.title, score=score, n=agg.n,
            sd=None if hide else agg.sd, band=q.band(score), suppressed=hide, basis=basis,
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
    """Group scores from measured dimension scores, the overall from group scores.

    Perceptions (one group's view of another) are shown but never part of a score. The
    overall band is never the top band while any dimension is in the bottom band.
    """
    by_key = {d.key: d for d in dims if d.basis == "measure"}
    groups = []
    for group in q.groups:
        score = weighted_mean([(by_key[d.key].score, d.weight) for d in q.dimensions
                               if d.group == group.key and d.key in by_key])
        groups.append(GroupScore(group.key, group.title, score, q.band(score)))
    overall = weighted_mean([(g.score, q.group(g.key).weight) for g in groups])
    band = q.band(overall)
    bottom, top = q.bands[-1].label, q.bands[0].label
    if band == top and len(q.bands) > 1 and any(d.band == bottom for d in by_key.values()):
        band = q.bands[1].label
    return tuple(groups), Overall(overall, band)


def effective_weights(q: Questionnaire) -> dict[str, float]:
    """Each dimension's share of the overall score when every dimension has a score."""
    group_total = sum(g.weight for g in q.groups)
    out = {}
    for dim in q.dimensions:
        siblings = sum(d.weight for d in q.dimensions if d.group == dim.group)
        out[dim.key] = q.group(dim.group).weight / group_total * dim.weight / siblings
    return out
