"""`score()`: one call from validated answers to the whole diagnostic result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from questionnaires import Questionnaire

from .anonymity import ALL, UNSPECIFIED, VIEWS, hidden_in_cells
from .answers import Answers
from .causes import Facts, find_root_causes
from .core import dimension_scores, effective_weights, roll_up, score_values
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
from .plan import choose_fixes
from .stats import Moments, alpha_of, welch_of
from .tally import Tally, alpha_items, tally

SEGMENT_COLUMNS = ("role", "team")


def threshold_for(q: Questionnaire, min_group_size: int | None = None) -> int:
    """The anonymity threshold k: a CEO self-assessment names its author, so k = 1."""
    if q.audience != "team":
        return 1
    return int(min_group_size) if min_group_size is not None else q.min_group_size


def score(answers: Answers | Tally, q: Questionnaire, *, by: str | None = None,
          previous: Answers | Tally | None = None, ceo: Result | None = None,
          min_group_size: int | None = None) -> Result:
    """Score a round: dimensions, groups, overall, segments, findings and the plan.

    `answers` are validated answers or their tally (`scoring.tally`: a large round is
    tallied chunk by chunk). `previous` must already be expressed in this questionnaire's
    keys (see `parse_answers(..., apply_lineage=True)`); `ceo` is the scored CEO
    self-assessment to set against the team.
    """
    return score_views(answers, q, by=(by,), previous=previous, ceo=ceo,
                       min_group_size=min_group_size)[by]


def score_views(answers: Answers | Tally, q: Questionnaire, *, by: Sequence[str | None],
                previous: Answers | Tally | None = None, ceo: Result | None = None,
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
    t = answers if isinstance(answers, Tally) else tally(answers, q)
    k = threshold_for(q, min_group_size)
    n = t.respondents
    hidden = hidden_per_dimension(t, k)
    everyone = t.pooled()
    dims = dimension_scores(q, everyone, [ALL in h for h in hidden])
    quality = Quality(respondents=n, straight_lining=t.straight_lining,
                      too_fast=t.too_fast, flagged=t.flagged)
    if n < k:
        groups, overall = roll_up(q, dims)
        below = Result(q.key, q.version, n, k, overall, groups, dims, quality=quality,
                       below_threshold=True)
        return {view: replace(below, segment_by=view) for view in by}
    groups, overall = roll_up(q, dims)
    item_results = item_summary(t, q, k)
    gaps = perception_gaps(q, t, dims, hidden, k, ceo)
    agreement = agreement_flags(q, dims, k)
    released = {d.key: d for d in dims if not d.suppressed and d.score is not None}
    facts = Facts(q=q, k=k, dimensions=released, items={i.key: i for i in item_results},
                  item_score_of=lambda key, value: float(score_values(q, key, value)),
                  gaps=gaps)
    causes = find_root_causes(facts)
    breadth = {dim.key: float(t.weak[j] / everyone.n[j]) if everyone.n[j] else 0.0
               for j, dim in enumerate(q.dimensions)}  # share of those scored who are weak
    fixes = choose_fixes(q, causes, released, breadth, effective_weights(q))
    if previous is not None:
        before = previous if isinstance(previous, Tally) else tally(previous, q)
        trend = trend_since(before, q, t, k)
    else:
        trend = ()
    shared = Result(
        questionnaire_key=q.key, questionnaire_version=q.version, respondents=n,
        min_group_size=k, overall=overall, groups=groups, dimensions=dims,
        items=item_results, root_causes=causes,
        fixes=fixes, gaps=gaps, agreement=agreement, trend=trend, quality=quality,
        reliability=reliability(t, q, k),
        ladder=build_ladder(q, released, causes, {d.key: facts.split(d.key) for d in dims}),
    )
    return {view: replace(shared, segment_by=view,
                          segments=segment_scores(q, t, hidden, view, k) if view else ())
            for view in by}


def hidden_per_dimension(t: Tally, k: int) -> list[frozenset[tuple[str, str]]]:
    """Per dimension, the groups of every view that the anonymity module hides."""
    keys = tuple(zip(*(t.labels(view) for view in VIEWS), strict=True))
    everything = frozenset((view, label) for view in VIEWS
                           for label, size in zip(t.labels(view), t.cell_sizes, strict=True)
                           if size > 0)
    return [hidden_in_cells(VIEWS, keys, t.dimensions.n[:, j], everything, k)
            for j in range(t.dimensions.n.shape[1])]


def item_summary(t: Tally, q: Questionnaire, k: int) -> tuple[ItemScore, ...]:
    """Each question across the whole team; one of fewer than k answers is hidden."""
    out = []
    for j, question in enumerate(q.scored_questions):
        count = int(t.items.n[j])
        dont_know = int(t.dont_know[j])
        if count == 0 or count < k:
            out.append(ItemScore(question.key, question.dimension, None, None, None, count,
                                 suppressed=count > 0, dont_know=dont_know))
            continue
        values = t.values[j]
        distinct = np.array(sorted(values))
        counts = np.array([values[v] for v in distinct.tolist()], dtype=float)
        scale = q.scale_of(question)
        agree = disagree = None
        if scale.type == "likert" and scale.min is not None and scale.max is not None:
            middle = (scale.min + scale.max) / 2
            agree = float(counts[distinct > middle].sum() / count)
            disagree = float(counts[distinct < middle].sum() / count)
        out.append(ItemScore(
            key=question.key, dimension=question.dimension, score=float(t.items.mean[j]),
            median=_median(distinct, counts), raw_mean=float((distinct * counts).sum() / count),
            n=count, agree=agree, disagree=disagree, dont_know=dont_know))
    return tuple(out)


def _median(values: np.ndarray, counts: np.ndarray) -> float:
    """The median of sorted distinct values, each given `counts` times (np.median's)."""
    ends = np.cumsum(counts)
    total = int(ends[-1])

    def at(position: int) -> float:  # the value at a 0-based position of the sorted whole
        return float(values[int(np.searchsorted(ends, position, side="right"))])

    if total % 2:
        return at(total // 2)
    return (at(total // 2 - 1) + at(total // 2)) / 2


def _released(q: Questionnaire, moments: Moments,
              hidden: Sequence[frozenset[tuple[str, str]]],
              group: tuple[str, str]) -> tuple[DimensionScore, ...]:
    """A group's dimension scores, each hidden where the anonymity module says so."""
    return dimension_scores(q, moments, [group in h or ALL in h for h in hidden])


def segment_scores(q: Questionnaire, t: Tally, hidden: Sequence[frozenset[tuple[str, str]]],
                   by: str, k: int) -> tuple[Segment, ...]:
    """Scores per role or team; a segment under k, or one whose every figure the
    anonymity module hides, is shown only as its size."""
    present = {label for label, size in zip(t.labels(by), t.cell_sizes, strict=True)
               if size > 0}
    keys = ([r for r in (*q.roles, UNSPECIFIED) if r in present] if by == "role"
            else sorted(present))
    segments = []
    for key in keys:
        size = t.size(by, key)
        dims = _released(q, t.pooled(by, key), hidden, (by, key))
        if size < k or all(d.suppressed or d.score is None for d in dims):
            segments.append(Segment(key=key, n=size, suppressed=True))
            continue
        _, overall = roll_up(q, dims)
        segments.append(Segment(key=key, n=size, suppressed=False, overall=overall,
                                dimensions=dims))
    return tuple(segments)


def perception_gaps(q: Questionnaire, t: Tally, dims: Sequence[DimensionScore],
                    hidden: Sequence[frozenset[tuple[str, str]]], k: int,
                    ceo: Result | None) -> tuple[Gap, ...]:
    """Leadership vs. team (as anonymous groups) and the CEO's own view vs. the team.

    Where leadership answered perception items (their view of the reps), that view is
    set against the reps' own measure."""
    limit = q.analysis.gap_threshold
    out: list[Gap] = []
    if q.audience == "team" and t.size("side", "leadership") and t.size("side", "team"):
        lead = _released(q, t.pooled("side", "leadership"), hidden, ("side", "leadership"))
        team = _released(q, t.pooled("side", "team"), hidden, ("side", "team"))
        views = t.perception.pooled(t.rows("side", "leadership"))
        for j, dim in enumerate(q.dimensions):
            a, b = lead[j], team[j]
            seen = int(views.n[j])
            if seen:  # leadership's view of the reps, against their own measure
                a = DimensionScore(dim.key, a.group, a.title, None if seen < k else
                                   float(views.mean[j]), seen, None, None,
                                   suppressed=seen < k, basis="perception")
            hide = a.suppressed or b.suppressed or a.score is None or b.score is None
            gap = None if hide else float(a.score) - float(b.score)  # type: ignore[arg-type]
            out.append(Gap(dim.key, "leadership", "team", None if hide else a.score,
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


def trend_since(previous: Tally, q: Questionnaire, current: Tally,
                k: int) -> tuple[Trend, ...]:
    """Per dimension: change in team score and Welch's t-test on respondent scores.

    A change is called real when p < 0.05; dimensions hidden in either round are left out.
    """
    before, now = previous.pooled(), current.pooled()
    out = []
    for j, dim in enumerate(q.dimensions):
        then_j, now_j = before.take(np.array([j])), now.take(np.array([j]))
        n_now, n_then = int(now_j.n[0]), int(then_j.n[0])
        if n_now < max(k, 1) or n_then < max(k, 1):
            continue
        test = welch_of(then_j, now_j)
        prev_mean, curr_mean = float(then_j.mean[0]), float(now_j.mean[0])
        out.append(Trend(
            dimension=dim.key, previous=prev_mean, current=curr_mean,
            change=curr_mean - prev_mean, n_previous=n_then, n_current=n_now,
            t=test.t, p_value=test.p_value,
            real=None if test.p_value is None else bool(test.p_value < 0.05),
        ))
    return tuple(out)


def reliability(t: Tally, q: Questionnaire, k: int) -> tuple[Reliability, ...]:
    """Cronbach's alpha per dimension with two or more items (`tally.alpha_items`), over
    complete answers."""
    out = []
    for dim, chosen, kept in zip(q.dimensions, alpha_items(q), t.alpha, strict=True):
        if chosen is None or kept is None:
            continue
        count = int(kept.totals.n.sum())
        enough = count >= max(q.analysis.alpha_min_n, k)
        out.append(Reliability(dim.key, len(chosen), count,
                               alpha_of(kept.items, kept.totals) if enough else None))
    return tuple(out)
