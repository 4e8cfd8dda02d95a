"""`score()`: one call from validated answers to the whole diagnostic result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from questionnaires import Questionnaire

from .anonymity import ALL, UNSPECIFIED, Grouping, hidden_groups
from .answers import Answers
from .causes import Facts, find_root_causes
from .core import (
    DimensionMatrix,
    aggregate_columns,
    dimension_scores,
    effective_weights,
    item_scores,
    respondent_dimensions,
    roll_up,
    row_blocks,
    score_values,
)
from .ladder import build_ladder
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
from .plan import choose_fixes, weak_breadth
from .stats import cronbach_alpha, welch_t

SEGMENT_COLUMNS = ("role", "team")
SIDES = ("leadership", "team", "other")


def threshold_for(q: Questionnaire, min_group_size: int | None = None) -> int:
    """The anonymity threshold k: a CEO self-assessment names its author, so k = 1."""
    if q.audience != "team":
        return 1
    return int(min_group_size) if min_group_size is not None else q.min_group_size


def score(answers: Answers, q: Questionnaire, *, by: str | None = None,
          previous: Answers | None = None, ceo: Result | None = None,
          min_group_size: int | None = None) -> Result:
    """Score a round: dimensions, groups, overall, segments, findings and the plan.

    `previous` must already be expressed in this questionnaire's keys (see
    `parse_answers(..., apply_lineage=True)`); `ceo` is the scored CEO self-assessment
    to set against the team.
    """
    return score_views(answers, q, by=(by,), previous=previous, ceo=ceo,
                       min_group_size=min_group_size)[by]


def score_views(answers: Answers, q: Questionnaire, *, by: Sequence[str | None],
                previous: Answers | None = None, ceo: Result | None = None,
                min_group_size: int | None = None) -> dict[str | None, Result]:
    """`score` once per segmentation in `by` (e.g. by role and by team, for one page),
    with everything but the segments worked out once: the results differ only in
    `segment_by` and `segments`."""
    for view in by:
        if view is not None and view not in SEGMENT_COLUMNS:
            raise ValueError(f"cannot segment by {view!r}; use one of "
                             f"{', '.join(SEGMENT_COLUMNS)}")
    if answers.questionnaire_key != q.key:
        raise ValueError(f"answers are for {answers.questionnaire_key}, not {q.key}")
    k = threshold_for(q, min_group_size)
    n = len(answers)
    items = item_scores(answers, q)
    matrix = respondent_dimensions(answers, q, items)
    grouping = _grouping(answers, q)
    hidden = [hidden_groups(grouping, ~np.isnan(matrix.scores[:, j]), k)
              for j in range(len(matrix.keys))]
    dims = dimension_scores(q, matrix, aggregate_columns(matrix.scores),
                            [ALL in h for h in hidden])
    quality = response_quality(answers, q)
    if n < k:
        groups, overall = roll_up(q, dims)
        below = Result(q.key, q.version, n, k, overall, groups, dims, quality=quality,
                       below_threshold=True)
        return {view: replace(below, segment_by=view) for view in by}
    groups, overall = roll_up(q, dims)
    item_results = item_summary(answers, q, items, k)
    gaps = perception_gaps(q, matrix, dims, grouping, hidden, k, ceo)
    agreement = agreement_flags(q, dims, k)
    released = {d.key: d for d in dims if not d.suppressed and d.score is not None}
    facts = Facts(q=q, k=k, dimensions=released, items={i.key: i for i in item_results},
                  item_score_of=lambda key, value: float(score_values(q, key, value)),
                  gaps=gaps)
    causes = find_root_causes(facts)
    fixes = choose_fixes(q, causes, released,
                         weak_breadth(matrix.keys, matrix.scores, q.analysis.weak_below),
                         effective_weights(q))
    trend = trend_since(previous, q, matrix, k) if previous is not None else ()
    shared = Result(
        questionnaire_key=q.key, questionnaire_version=q.version, respondents=n,
        min_group_size=k, overall=overall, groups=groups, dimensions=dims,
        items=item_results, root_causes=causes,
        fixes=fixes, gaps=gaps, agreement=agreement, trend=trend, quality=quality,
        reliability=reliability(answers, q, items, k),
        ladder=build_ladder(q, released, causes, {d.key: facts.split(d.key) for d in dims}),
    )
    return {view: replace(shared, segment_by=view,
                          segments=segment_scores(q, matrix, grouping, hidden, view, k)
                          if view else ())
            for view in by}


def _grouping(answers: Answers, q: Questionnaire) -> Grouping:
    """Every view a result (or any other page of the same round) may show."""
    role = answers.role.to_numpy(dtype=object)
    side = np.full(len(role), "other", dtype=object)
    side[np.isin(role, q.analysis.leadership_roles)] = "leadership"
    side[np.isin(role, q.analysis.team_roles)] = "team"
    team = answers.team.to_numpy(dtype=object)
    return Grouping({
        "role": np.where(role == "", UNSPECIFIED, role).astype(object),
        "team": np.where(team == "", UNSPECIFIED, team).astype(object),
        "side": side,
    })


def item_summary(answers: Answers, q: Questionnaire, items: np.ndarray,
                 k: int) -> tuple[ItemScore, ...]:
    """Each question across the whole team; one of fewer than k answers is hidden."""
    raw = answers.values.to_numpy(dtype=float)
    present = ~np.isnan(items)
    counts = present.sum(axis=0)
    dont_know = answers.dont_know.to_numpy(dtype=bool).sum(axis=0)
    out = []
    for j, key in enumerate(answers.values.columns):
        question = q.question(key)
        count = int(counts[j])
        if count == 0 or count < k:
            out.append(ItemScore(key, question.dimension, None, None, None, count,
                                 suppressed=count > 0, dont_know=int(dont_know[j])))
            continue
        column = raw[present[:, j], j]
        scale = q.scale_of(question)
        agree = disagree = None
        if scale.type == "likert" and scale.min is not None and scale.max is not None:
            middle = (scale.min + scale.max) / 2
            agree = float((column > middle).mean())
            disagree = float((column < middle).mean())
        out.append(ItemScore(
            key=key, dimension=question.dimension, score=float(items[present[:, j], j].mean()),
            median=float(np.median(column)), raw_mean=float(column.mean()), n=count,
            agree=agree, disagree=disagree, dont_know=int(dont_know[j])))
    return tuple(out)


def _released(q: Questionnaire, matrix: DimensionMatrix, rows: np.ndarray,
              hidden: Sequence[frozenset[tuple[str, str]]],
              group: tuple[str, str]) -> tuple[DimensionScore, ...]:
    """A group's dimension scores, each hidden where the anonymity module says so."""
    return dimension_scores(q, matrix, aggregate_columns(matrix.scores[rows]),
                            [group in h or ALL in h for h in hidden])


def segment_scores(q: Questionnaire, matrix: DimensionMatrix, grouping: Grouping,
                   hidden: Sequence[frozenset[tuple[str, str]]], by: str,
                   k: int) -> tuple[Segment, ...]:
    """Scores per role or team; a segment under k, or one whose every figure the
    anonymity module hides, is shown only as its size."""
    labels = grouping.labels[by]
    present = set(labels.tolist())
    keys = ([r for r in (*q.roles, UNSPECIFIED) if r in present] if by == "role"
            else sorted(present))
    segments = []
    for key in keys:
        rows = labels == key
        size = int(rows.sum())
        dims = _released(q, matrix, rows, hidden, (by, key))
        if size < k or all(d.suppressed or d.score is None for d in dims):
            segments.append(Segment(key=key, n=size, suppressed=True))
            continue
        _, overall = roll_up(q, dims)
        segments.append(Segment(key=key, n=size, suppressed=False, overall=overall,
                                dimensions=dims))
    return tuple(segments)


def perception_gaps(q: Questionnaire, matrix: DimensionMatrix,
                    dims: Sequence[DimensionScore], grouping: Grouping,
                    hidden: Sequence[frozenset[tuple[str, str]]], k: int,
                    ceo: Result | None) -> tuple[Gap, ...]:
    """Leadership vs. team (as anonymous groups) and the CEO's own view vs. the team.

    Where leadership answered perception items (their view of the reps), that view is
    set against the reps' own measure."""
    limit = q.analysis.gap_threshold
    out: list[Gap] = []
    side = grouping.labels["side"]
    lead_rows, team_rows = side == "leadership", side == "team"
    if q.audience == "team" and lead_rows.any() and team_rows.any():
        lead = _released(q, matrix, lead_rows, hidden, ("side", "leadership"))
        team = _released(q, matrix, team_rows, hidden, ("side", "team"))
        views = aggregate_columns(matrix.perception[lead_rows])
        for j, key in enumerate(matrix.keys):
            a, b = lead[j], team[j]
            if views[j].n:  # leadership's view of the reps, against their own measure
                a = DimensionScore(key, a.group, a.title, None if views[j].n < k else
                                   views[j].mean, views[j].n, None, None,
                                   suppressed=views[j].n < k, basis="perception")
            hide = a.suppressed or b.suppressed or a.score is None or b.score is None
            gap = None if hide else float(a.score) - float(b.score)  # type: ignore[arg-type]
            out.append(Gap(key, "leadership", "team", None if hide else a.score,
                           None if hide else b.score, a.n, b.n, gap,
                           flagged=gap is not None and abs(gap) > limit, suppressed=hide))
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
        if now.size < max(k, 1) or then.size < max(k, 1):
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
    likert = np.array([q.scales[q.question(key).scale].type == "likert"
                       for key in answers.values.columns], dtype=bool)
    values = answers.values.to_numpy(dtype=float)  # a view when already floats
    straight = np.zeros(len(values), dtype=bool)
    total_answered = np.zeros(len(values), dtype=int)
    for rows in row_blocks(len(values)):
        present = ~np.isnan(values[rows])
        total_answered[rows] = present.sum(axis=1)
        raw, present = values[rows][:, likert], present[:, likert]
        high = np.where(present, raw, -np.inf).max(axis=1, initial=-np.inf)
        low = np.where(present, raw, np.inf).min(axis=1, initial=np.inf)
        straight[rows] = (present.sum(axis=1) >= q.analysis.straightline_min_items) & \
            (high == low)
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
        members = [c for c in columns if q.question(c).dimension == dim.key
                   and not q.question(c).perception]
        general = [c for c in members if "all" in q.question(c).audiences]
        chosen = general if len(general) >= 2 else members
        if len(chosen) < 2:
            continue
        block = items[:, [columns.index(c) for c in chosen]]
        complete = block[~np.isnan(block).any(axis=1)]
        count = int(complete.shape[0])
        enough = count >= max(q.analysis.alpha_min_n, k)
        out.append(Reliability(dim.key, len(chosen), count,
                               cronbach_alpha(complete) if enough else None))
    return tuple(out)
