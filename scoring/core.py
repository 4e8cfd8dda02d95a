"""The normative formula, vectorised: item scores -> respondent dimensions -> team scores.

See DESIGN.md "Scoring — normative formula". Everything works on NumPy arrays so a
100,000-respondent round scores in well under a second.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from questionnaires import Questionnaire

from .answers import Answers
from .model import DimensionScore, GroupScore, Overall
from .stats import Moments


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
    """Respondents x scored questions, each answer mapped to 0..100 (NaN = not scored)."""
    return item_block(q, answers.values.to_numpy(dtype=float),
                      answers.role.to_numpy(dtype=object))


def item_block(q: Questionnaire, raw: np.ndarray, role: np.ndarray) -> np.ndarray:
    """`item_scores` of raw answers (respondents x scored questions, in questionnaire
    order) and the respondents' roles.

    A respondent who gave a role is scored only on the questions asked of that role
    (FORMAT.md: each role judges only what it can judge).
    """
    # Roles as codes into the few distinct roles, so who is asked a question is one
    # lookup per respondent, made once per distinct audience.
    codes, roles = pd.factorize(role, use_na_sentinel=False)
    asked: dict[tuple[str, ...], np.ndarray] = {}
    out = np.empty(raw.shape)  # row-major: the weighted means read a respondent's row whole
    for j, question in enumerate(q.scored_questions):
        column = raw[:, j]
        if "all" not in question.audiences:
            audiences = tuple(question.audiences)
            if audiences not in asked:
                by_role = np.array([r == "" or r in audiences for r in roles], dtype=bool)
                asked[audiences] = by_role[codes] if len(codes) else np.zeros(0, dtype=bool)
            column = np.where(asked[audiences], column, np.nan)
        out[:, j] = score_values(q, question.key, column)
    return out


def dimension_weights(q: Questionnaire) -> tuple[tuple[str, ...], np.ndarray, np.ndarray,
                                                 tuple[str, ...]]:
    """(dimension keys, measure weights, perception weights, basis): the weights are
    scored questions x dimensions, each question weighing in its own dimension only
    (`weighted_block` turns them into each respondent's mean per dimension). A dimension
    with perception items only is measured by them (basis "perception"); otherwise its
    perception items are kept apart, for the gap between one group's view and another's
    own measure."""
    keys = tuple(d.key for d in q.dimensions)
    dim_index = {k: i for i, k in enumerate(keys)}
    scored = q.scored_questions
    measure = np.zeros((len(scored), len(keys)))
    view = np.zeros((len(scored), len(keys)))
    for j, question in enumerate(scored):
        target = view if question.perception else measure
        target[j, dim_index[str(question.dimension)]] = question.weight
    only_view = (measure.sum(axis=0) == 0) & (view.sum(axis=0) > 0)
    measure[:, only_view] = view[:, only_view]
    basis = tuple("perception" if flag else "measure" for flag in only_view)
    view[:, only_view] = 0.0
    return keys, measure, view, basis


ROWS_AT_A_TIME = 8192  # respondents per step of the row-wise steps: memory stays flat


def row_blocks(n: int) -> Iterator[slice]:
    """Slices covering n rows, `ROWS_AT_A_TIME` at a time (row-wise steps give the same
    numbers whatever the block, and a block's temporaries stay small however large the
    round)."""
    size = ROWS_AT_A_TIME
    return (slice(start, min(start + size, n)) for start in range(0, n, size))


def weighted_block(items: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Each respondent's weighted mean of the items answered, per column of weights
    (NaN where none of its items was answered). Each item weighs in one column at most,
    as `dimension_weights` makes them: the sums are taken per column of items, without a
    matrix product (whose BLAS threads would spin on a second core after every call,
    taking it from the server's other requests)."""
    rows, columns = items.shape[0], weights.shape[1]
    out = np.full((rows, columns), np.nan)
    nonzero = weights != 0
    used = np.flatnonzero(nonzero.any(axis=1))
    if not len(used) or not rows:
        return out
    target = np.argmax(nonzero, axis=1)[used]
    order = np.argsort(target, kind="stable")
    used, target = used[order], target[order]
    starts = np.flatnonzero(np.r_[True, target[1:] != target[:-1]])
    block = items[:, used]  # a copy, filled in place
    weight = weights[used, target]
    answered = ~np.isnan(block)
    block[~answered] = 0.0
    block *= weight
    numerator = np.add.reduceat(block, starts, axis=1)
    denominator = np.add.reduceat(answered * weight, starts, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out[:, target[starts]] = np.where(
            denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan)
    return out


def dimension_scores(q: Questionnaire, moments: Moments, hidden: Sequence[bool]
                     ) -> tuple[DimensionScore, ...]:
    """A group's dimension scores from the moments of its respondents' dimension scores
    (mean, n, sample SD); a hidden one keeps its n but shows no score."""
    keys, _, _, basis = dimension_weights(q)
    out = []
    for j, (key, kind, hide) in enumerate(zip(keys, basis, hidden, strict=True)):
        dim = q.dimension(key)
        n = int(moments.n[j])
        hide = hide and n > 0
        score = None if hide or not n else float(moments.mean[j])
        sd = None if hide or n < 2 else float(moments.sd[j])
        out.append(DimensionScore(
            key=key, group=dim.group, title=dim.title, score=score, n=n,
            sd=sd, band=q.band(score), suppressed=hide, basis=kind,
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
