"""`score()`: one call from validated answers to the whole diagnostic result."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from questionnaires import Questionnaire

from .anonymity import suppressed_keys
from .answers import Answers
from .causes import Facts, choose_fixes, find_root_causes, weak_breadth
from .core import (
    DimensionMatrix,
    aggregate_columns,
    dimension_scores,
    effective_weights,
    item_scores,
    respondent_dimensions,
    roll_up,
    score_values,
)
from .model import (
    Agreement,
    DimensionScore,
    Gap,
    ItemScore,
    Quality,
    Reliability,
    Result,
    Segment,
    Trend,
)
from .stats import cronbach_alpha, welch_t

UNSPECIFIED = "unspecified"
SEGMENT_COLUMNS = ("role", "team")


def threshold_for(q: Questionnaire, min_group_size: int | None = None) -> int:
    """The anonymity threshold k: a CEO self-assessment names its author, so k = 1."""
    if q.audience != "team":
        return 1
    return int(min_group_size if min_group_size is not None else q.min_group_size)


def score(answers: Answers, q: Questionnaire, *, by: str | None = None,
          previous: Answers | None = None, ceo: Result | None = None,
          min_group_size: int | None = None) -> Result:
    """Score a round: dimensions, groups, overall, segments, findings and fixes.

    `previous` must already be expressed in this questionnaire's keys (see
    `parse_answers(..., apply_lineage=True)`); `ceo` is the scored CEO self-assessment
    to set against the team.
    """
    if by is not None and by not in SEGMENT_COLUMNS:
        raise ValueError(f"cannot segment by {by!r}; use one of {', '.join(SEGMENT_COLUMNS)}")
    if answers.questionnaire_key != q.key:
        raise ValueError(f"answers are for {answers.questionnaire_key}, not {q.key}")
    k = threshold_for(q, min_group_size)
    n = len(answers)
    items = item_scores(answers, q)
    matrix = respondent_dimensions(answers, q, items)
    dims = dimension_scores(q, matrix.keys, aggregate_columns(matrix.scores), k)
    quality = response_quality(answers, q)
    if n < k:
        hidden = tuple(DimensionScore(d.key, d.group, d.title, None, d.n, None, None,
                                      suppressed=d.n > 0) for d in dims)
        groups, overall = roll_up(q, hidden)
        return Result(q.key, q.version, n, k, overall, groups, hidden, quality=quality,
                      below_threshold=True, segment_by=by)
    groups, overall = roll_up(q, dims)
    item_results = item_summary(answers, q, items, k)
    segments = segment_scores(answers, q, matrix, by, k) if by else ()
    gaps = perception_gaps(answers, q, matrix, dims, k, ceo)
    agreement = agreement_flags(q, dims, k)
    by_key = {d.key: d for d in dims if not d.suppressed}
    facts = Facts(
        q=q, dimensions=by_key,
        items={i.key: i for i in item_results},
        item_score_of=lambda key, value: float(score_values(q, key, value)),
        gaps=gaps,
        disagreements=[(a.dimension, a.sd or 0.0, a.n) for a in agreement if a.flagged],
    )
    causes = find_root_causes(facts)
    fixes = choose_fixes(q, causes, by_key,
                         weak_breadth(matrix.keys, matrix.scores, q.analysis.weak_below),
                         effective_weights(q))
    trend = trend_since(previous, q, matrix, k) if previous is not None else ()
    return Result(
        questionnaire_key=q.key, questionnaire_version=q.version, respondents=n,
        min_group_size=k, overall=overall, groups=groups, dimensions=dims,
        items=item_results, segment_by=by, segments=segments, root_causes=causes,
        fixes=fixes, gaps=gaps, agreement=agreement, trend=trend, quality=quality,
        reliability=reliability(answers, q, items, k),
    )


def item_summary(answers: Answers, q: Questionnaire, items: np.ndarray,
                 k: int) -> tuple[ItemScore, ...]:
    raw = answers.values.to_numpy(dtype=float)
    present = ~np.isnan(raw)
    counts = present.sum(axis=0)
    out = []
    for j, key in enumerate(answers.values.columns):
        count = int(counts[j])
        hidden = 0 < count < k
        if count == 0 or hidden:
            out.append(ItemScore(key, q.question(key).dimension, None, None, None, count,
                                 suppressed=hidden))
            continue
        column = raw[present[:, j], j]
        out.append(ItemScore(
            key=key, dimension=q.question(key).dimension,
            score=float(np.nanmean(items[:, j])), median=float(np.median(column)),
            raw_mean=float(column.mean()), n=count,
        ))
    return tuple(out)


def _labels(answers: Answers, by: str) -> np.ndarray:
    series = answers.role if by == "role" else answers.team
    return series.where(series != "", UNSPECIFIED).to_numpy(dtype=object)


def _partition_scores(q: Questionnaire, matrix: DimensionMatrix, labels: np.ndarray,
                      k: int, order: Sequence[str] | None = None) -> tuple[Segment, ...]:
    """Scores per label with primary and complementary suppression, per segment and per
    dimension, so no hidden group can be recovered from the total."""
    keys = list(order) if order is not None else sorted(set(labels.tolist()))
    masks = {key: labels == key for key in keys}
    sizes = {key: int(mask.sum()) for key, mask in masks.items()}
    hidden_segments = suppressed_keys(sizes, k)
    aggregates = {key: aggregate_columns(matrix.scores[mask]) for key, mask in masks.items()}
    hidden_cells: dict[str, set[str]] = {key: set() for key in keys}
    for j, dim in enumerate(matrix.keys):
        counts = {key: aggregates[key][j].n for key in keys}
        if 0 < sum(counts.values()) < k:
            hidden = set(keys)  # the team figure itself is hidden
        else:
            hidden = suppressed_keys(counts, k, primary=hidden_segments)
        for key in hidden:
            hidden_cells[key].add(dim)
    segments = []
    for key in keys:
        if key in hidden_segments:
            segments.append(Segment(key=key, n=sizes[key], suppressed=True))
            continue
        dims = []
        for dim_score in dimension_scores(q, matrix.keys, aggregates[key], 1):
            if dim_score.key in hidden_cells[key] and dim_score.n > 0:
                dim_score = DimensionScore(dim_score.key, dim_score.group, dim_score.title,
                                           None, dim_score.n, None, None, suppressed=True)
            dims.append(dim_score)
        _, overall = roll_up(q, dims)
        segments.append(Segment(key=key, n=sizes[key], suppressed=False, overall=overall,
                                dimensions=tuple(dims)))
    return tuple(segments)


def segment_scores(answers: Answers, q: Questionnaire, matrix: DimensionMatrix, by: str,
                   k: int) -> tuple[Segment, ...]:
    labels = _labels(answers, by)
    order = None
    if by == "role":
        present = set(labels.tolist())
        order = [r for r in (*q.roles, UNSPECIFIED) if r in present]
    return _partition_scores(q, matrix, labels, k, order)


def perception_gaps(answers: Answers, q: Questionnaire, matrix: DimensionMatrix,
                    dims: Sequence[DimensionScore], k: int,
                    ceo: Result | None) -> tuple[Gap, ...]:
    """Leadership vs. team (as anonymous groups) and the CEO's own view vs. the team."""
    limit = q.analysis.gap_threshold
    out: list[Gap] = []
    role = answers.role.to_numpy(dtype=object)
    labels = np.full(len(role), "other", dtype=object)
    labels[np.isin(role, q.analysis.leadership_roles)] = "leadership"
    labels[np.isin(role, q.analysis.team_roles)] = "team"
    if q.audience == "team" and len(role):
        parts = {s.key: s for s in _partition_scores(q, matrix, labels, k,
                                                     ["leadership", "team", "other"])}
        lead, team = parts["leadership"], parts["team"]
        if lead.n and team.n:
            for j, key in enumerate(matrix.keys):
                a = lead.dimensions[j] if lead.dimensions else None
                b = team.dimensions[j] if team.dimensions else None
                hidden = (lead.suppressed or team.suppressed or a is None or b is None
                          or a.suppressed or b.suppressed)
                a_score = None if hidden or a is None else a.score
                b_score = None if hidden or b is None else b.score
                gap = None if a_score is None or b_score is None else a_score - b_score
                out.append(Gap(key, "leadership", "team", a_score, b_score,
                               a.n if a else lead.n, b.n if b else team.n, gap,
                               flagged=gap is not None and abs(gap) > limit,
                               suppressed=hidden))
    if ceo is not None:
        team_dims = {d.key: d for d in dims}
        for ceo_dim in ceo.dimensions:
            team_dim = team_dims.get(ceo_dim.key)
            if team_dim is None or ceo_dim.score is None or team_dim.score is None:
                continue
            gap = ceo_dim.score - team_dim.score
            out.append(Gap(ceo_dim.key, "ceo", "team", ceo_dim.score, team_dim.score,
                           ceo_dim.n, team_dim.n, gap, flagged=abs(gap) > limit))
    return tuple(out)


def agreement_flags(q: Questionnaire, dims: Sequence[DimensionScore],
                    k: int) -> tuple[Agreement, ...]:
    if q.audience != "team":
        return ()
    limit = q.analysis.disagreement_sd
    return tuple(Agreement(d.key, d.sd, d.n,
                           flagged=d.sd is not None and d.n >= max(k, 3) and d.sd > limit)
                 for d in dims if not d.suppressed and d.sd is not None)


def trend_since(previous: Answers, q: Questionnaire, current: DimensionMatrix,
                k: int) -> tuple[Trend, ...]:
    """Per dimension: change in team score and Welch's t-test on respondent scores.

    A change is called real when p < 0.05; dimensions hidden in either round are left out.
    """
    before = respondent_dimensions(previous, q)
    out = []
    for j, key in enumerate(current.keys):
        now = current.scores[:, j]
        now = now[~np.isnan(now)]
        then = before.scores[:, j]
        then = then[~np.isnan(then)]
        if now.size < k or then.size < k or now.size == 0 or then.size == 0:
            continue
        test = welch_t(then, now)
        prev_mean, curr_mean = float(then.mean()), float(now.mean())
        out.append(Trend(
            dimension=key, previous=prev_mean, current=curr_mean,
            change=curr_mean - prev_mean, n_previous=int(then.size), n_current=int(now.size),
            t=test.t, p_value=test.p_value,
            real=None if test.p_value is None else bool(test.p_value < 0.05),
        ))
    return tuple(out)


def response_quality(answers: Answers, q: Questionnaire) -> Quality:
    """Straight-lining and implausibly fast completion: counted, never dropped."""
    likert = [key for key in answers.values.columns
              if q.scales[q.question(key).scale].type == "likert"]
    raw = answers.values[likert].to_numpy(dtype=float)
    present = ~np.isnan(raw)
    answered = present.sum(axis=1)
    high = np.where(present, raw, -np.inf).max(axis=1, initial=-np.inf)
    low = np.where(present, raw, np.inf).min(axis=1, initial=np.inf)
    straight = (answered >= q.analysis.straightline_min_items) & (high == low)
    total_answered = (~np.isnan(answers.values.to_numpy(dtype=float))).sum(axis=1)
    duration = answers.duration.to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        fast = ~np.isnan(duration) & (duration < total_answered
                                      * q.analysis.min_seconds_per_item)
    flagged = straight | fast
    ids = answers.respondent.to_numpy(dtype=object)
    return Quality(
        respondents=len(answers), straight_lining=int(straight.sum()), too_fast=int(fast.sum()),
        flagged=tuple(str(ids[i]) for i in np.flatnonzero(flagged) if ids[i]),
    )


def reliability(answers: Answers, q: Questionnaire, items: np.ndarray,
                k: int) -> tuple[Reliability, ...]:
    """Cronbach's alpha per dimension with two or more items, over complete answers.

    Items everyone is asked are used when there are two or more of them, so role-only
    items do not shrink the complete cases to nothing.
    """
    columns = list(answers.values.columns)
    out = []
    for dim in q.dimensions:
        members = [c for c in columns if q.question(c).dimension == dim.key]
        general = [c for c in members if "all" in q.question(c).audiences]
        chosen = general if len(general) >= 2 else members
        if len(chosen) < 2:
            continue
        block = items[:, [columns.index(c) for c in chosen]]
        complete = block[~np.isnan(block).any(axis=1)]
        n = int(complete.shape[0])
        enough = n >= max(q.analysis.alpha_min_n, k)
        out.append(Reliability(dim.key, len(chosen), n,
                               cronbach_alpha(complete) if enough else None))
    return tuple(out)
