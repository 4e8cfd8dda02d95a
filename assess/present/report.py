"""The consultant's team report as one view model: what each of its pages states.

Every finding is the engine's (`scoring.Result`): which causes exist and their order, the
ladder, the plan and its numbers, bands, trend verdicts, what anonymity hides. This module
only picks what the report shows where, and words it: the executive summary names every
cause whose area is in the bottom band besides the top ones, each "why" is said once,
the plan keeps the engine's numbers, and no internal key reaches the page.

`comments_view` is the one place free-text answers are released: only for a question
that enough people answered, shuffled, never dated or attributed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from questionnaires import Questionnaire
from scoring import Gap, Result
from scoring.anonymity import COMMENT_THRESHOLD, releasable_comments

from .formatting import DASH, fmt, role
from .views import (
    ActionView,
    AreaView,
    CauseView,
    EvidenceView,
    LadderView,
    ScoreView,
    StatementView,
    area_views,
    cause_views,
    dimension_title,
    ladder_view,
    plan_view,
)

COMMENT_LIMIT = 12  # comments printed per question; the rest are counted, not shown
SUMMARY_TOP = 3  # causes the executive summary always names, besides every critical one
STATEMENTS = 3  # statements per cause: the ones that weigh most against it
NOTABLE = 8  # rows of the trend page's table: the real changes, then the largest others
SEGMENT_COLUMNS = 6  # segments side by side in one table; more go to a second table


# --------------------------------------------------------------------------- comments
@dataclass(frozen=True)
class Comment:
    text: str
    count: int = 1  # how many people wrote exactly this


@dataclass(frozen=True)
class CommentGroup:
    key: str
    question: str
    answered: int  # non-empty answers to the question in the round
    comments: tuple[Comment, ...]  # distinct answers, shuffled; at most the limit
    distinct: int  # distinct answers before the limit


@dataclass(frozen=True)
class CommentsView:
    groups: tuple[CommentGroup, ...]
    threshold: int
    withheld: int  # questions some people answered, but fewer than the threshold

    @property
    def shown(self) -> int:
        return sum(c.count for g in self.groups for c in g.comments)


def _columns(texts: Any) -> Iterable[tuple[str, Iterable[object]]]:
    """(question key, answers) from a DataFrame (`Answers.texts`) or a plain mapping."""
    if texts is None:
        return ()
    items = texts.items() if hasattr(texts, "items") else texts
    return ((str(key), values) for key, values in items)


def _clean(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):  # NaN
        return ""
    return " ".join(str(value).split())


SEPARATOR = "\x00"  # joins a column's answers for one scan (not whitespace)
# Whitespace `_clean` would change: any but a single space (Unicode's too), two spaces,
# or a space at either end of an answer.
UNTIDY = re.compile(r"[^\S ]|  |\x00 | \x00|^ | $")


def _cleaned(values: Iterable[object]) -> list[str]:
    """`_clean` of every answer; one scan of the column when all are tidy already (the
    usual case: answers are stripped when stored), so a large round costs little."""
    texts = ["" if value is None or (isinstance(value, float) and value != value)
             else str(value) for value in values]
    if UNTIDY.search(SEPARATOR.join(texts)) is None:
        return texts
    return [_clean(text) for text in texts]


def comments_view(texts: Mapping[str, Iterable[object]] | Any, threshold: int =
                  COMMENT_THRESHOLD, seed: int | str = 0, *, q: Questionnaire | None = None,
                  limit: int | None = COMMENT_LIMIT) -> CommentsView:
    """The free-text answers that may be printed, per question.

    A question's answers appear only when at least `threshold` people answered it; they
    are shuffled with `seed` (pass something stable per round, so a re-print shows the
    same order and the order never follows submission time: the answers are sorted before
    shuffling), carry no date, role or team, identical answers are printed once with
    their count, and at most `limit` distinct answers are kept per question. `texts`
    maps question key -> answers, e.g. `Answers.texts`; empty answers are skipped.
    Pure: no I/O, no global random state.
    """
    threshold = max(int(threshold), 1)
    groups, withheld = [], 0
    for key, values in _columns(texts):
        answers = [text for text in _cleaned(values) if text]
        if not answers:
            continue
        # The anonymity module decides what may be shown, and in what order.
        released = releasable_comments(answers, f"{seed}|{key}", threshold)
        if not released:
            withheld += 1
            continue
        same: dict[str, Comment] = {}  # identical answers are printed once, counted
        for text in released:
            first = same.get(text.casefold())
            same[text.casefold()] = Comment(first.text if first else text,
                                            first.count + 1 if first else 1)
        distinct = list(same.values())
        question = key
        if q is not None:
            try:
                question = q.question(key).text
            except KeyError:
                question = key
        kept = distinct if limit is None else distinct[:limit]
        groups.append(CommentGroup(key, question, len(answers), tuple(kept), len(distinct)))
    return CommentsView(tuple(groups), threshold, withheld)


# ------------------------------------------------------------------- the view model
@dataclass(frozen=True)
class GapRow:
    """A dimension seen two ways: leadership against the reps (both from the survey) and
    the CEO's self-assessment against everyone. "" = no such comparison; a comparison
    hidden by anonymity reads "hidden" with no figures."""

    title: str
    leaders: str
    reps: str
    leaders_gap: str
    leaders_flagged: bool
    ceo: str
    everyone: str
    ceo_gap: str
    ceo_flagged: bool


@dataclass(frozen=True)
class GapsView:
    groups: tuple[tuple[str, tuple[GapRow, ...]], ...]  # (area title, its rows)
    leadership: bool  # the leadership columns have something to show
    ceo: bool
    threshold: str
    leadership_roles: str
    team_roles: str
    hidden: int  # comparisons hidden by anonymity
    total: int
    flagged: int
    dimensions: int  # dimensions compared at all
    shown: int  # dimensions listed (some comparison reaches the threshold)


@dataclass(frozen=True)
class FindingView:
    """A root cause as the team report states it, in the summary and in the detail."""

    cause: CauseView
    finding: str
    about: str  # what the cause's area covers ("" for a difference of view)
    chip: str  # the figure beside the title: "47", "gap +41", "spread 27"
    band: str  # the chip's band ("" for gaps and spreads)
    critical: bool  # its area is in the bottom band
    statements: tuple[StatementView, ...]
    evidence: tuple[EvidenceView, ...]  # facts beyond the one the finding states
    gaps: tuple[GapRow, ...]  # the largest differences, for a difference of view
    actions: tuple[ActionView, ...]  # its numbered actions in the plan
    later: int  # its fixes on the later list

    @property
    def number(self) -> int:
        return self.cause.number


@dataclass(frozen=True)
class TrendRow:
    key: str
    title: str
    before: str
    now: str
    change: str
    p: str
    verdict: str  # real change | not yet clear | too few answers to test
    real: bool
    size: float = 0.0  # |change| in points, for ordering


@dataclass(frozen=True)
class ChangeView:
    """What changed since the last round, for the summary's one line."""

    since: str
    before: str  # overall score of the previous round ("" when not given)
    now: str
    real: tuple[TrendRow, ...]
    unclear: int
    line: str


@dataclass(frozen=True)
class TrendSeries:
    rounds: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]  # overall first, then areas
    respondents: tuple[int, ...]


@dataclass(frozen=True)
class SegmentCell:
    shown: str
    band: str
    hidden: bool


@dataclass(frozen=True)
class SegmentTable:
    columns: tuple[tuple[str, str], ...]  # (label, "n=12")
    overall: tuple[SegmentCell, ...]
    # (area title, ((dimension title, cells), ...)), in the questionnaire's order
    groups: tuple[tuple[str, tuple[tuple[str, tuple[SegmentCell, ...]], ...]], ...]


@dataclass(frozen=True)
class SegmentsView:
    by: str  # "team" | "role"
    tables: tuple[SegmentTable, ...]
    hidden: tuple[str, ...]  # labels of whole segments not shown


@dataclass(frozen=True)
class CadenceView:
    text: str
    median: str
    mean: str
    n: int
    limit: str
    hidden: bool
    over: bool


@dataclass(frozen=True)
class ReliabilityRow:
    title: str
    items: int
    n: int
    alpha: str


@dataclass(frozen=True)
class ReliabilityView:
    rows: tuple[ReliabilityRow, ...]  # only where alpha could be computed
    too_few: tuple[str, ...]  # fewer than min_n people answered every question of it
    single: tuple[str, ...]  # one question: alpha is not defined
    min_n: int


@dataclass(frozen=True)
class PlanBlock:
    title: str
    actions: tuple[ActionView, ...]


@dataclass(frozen=True)
class TeamReportView:
    respondents: int
    k: int
    hidden: bool  # the whole round is below the anonymity threshold
    overall: str
    band: str
    healthy_at: int
    critical_below: int | None
    weak_below: int
    bottom_band: str
    areas: tuple[AreaView, ...]
    ladder: LadderView | None
    causes: tuple[FindingView, ...]
    summary: tuple[FindingView, ...]
    first_actions: tuple[ActionView, ...]
    plan: tuple[PlanBlock, ...]
    later: tuple[ActionView, ...]
    change: ChangeView | None
    trend: tuple[TrendRow, ...]
    trend_series: TrendSeries | None
    gaps: GapsView | None
    segments: SegmentsView | None
    cadence: tuple[CadenceView, ...]
    agreement: tuple[tuple[str, str], ...]
    reliability: ReliabilityView
    comments: CommentsView | None
    hidden_items: int

    @property
    def changes(self) -> dict[str, TrendRow]:
        """Each dimension's change since the previous round, by key."""
        return {t.key: t for t in self.trend}

    @property
    def notable(self) -> tuple[TrendRow, ...]:
        """The trend page's table: every real change, then the largest of the rest."""
        real = [t for t in self.trend if t.real]
        rest = sorted((t for t in self.trend if not t.real), key=lambda t: -t.size)
        return tuple(real + rest[:max(NOTABLE - len(real), 3)])

    def area(self, key: str) -> AreaView | None:
        return next((a for a in self.areas if a.key == key), None)

    @property
    def later_groups(self) -> tuple[tuple[str, tuple[ActionView, ...]], ...]:
        """The later list by the finding each action is for, in the engine's order."""
        groups: dict[str, list[ActionView]] = {}
        for action in self.later:
            groups.setdefault(action.addresses, []).append(action)
        return tuple((title, tuple(actions)) for title, actions in groups.items())

    @property
    def planned(self) -> int:
        return sum(len(block.actions) for block in self.plan)

    @property
    def more(self) -> tuple[FindingView, ...]:
        """Causes the summary leaves to the detail pages."""
        named = {f.cause.key for f in self.summary}
        return tuple(f for f in self.causes if f.cause.key not in named)


def _gap_rows(q: Questionnaire, gaps: Sequence[Gap], keys: Sequence[str]
              ) -> tuple[GapRow, ...]:
    """One row per dimension (in `keys` order) with both comparisons."""
    by: dict[tuple[str, str], Gap] = {(g.a, g.dimension): g for g in gaps}

    def side(g: Gap | None) -> tuple[str, str, str, bool]:
        if g is None:
            return "", "", "", False
        if g.suppressed or g.a_score is None or g.b_score is None:
            return "hidden", "", "", False
        return fmt(g.a_score), fmt(g.b_score), fmt(g.gap, "gap"), g.flagged

    rows = []
    for key in keys:
        lead, ceo = side(by.get(("leadership", key))), side(by.get(("ceo", key)))
        rows.append(GapRow(dimension_title(q, key), *lead, *ceo))
    return tuple(rows)


def _gaps(q: Questionnaire, result: Result) -> GapsView | None:
    if not result.gaps:
        return None
    # the dimensions where some comparison reaches the threshold: a blind spot
    compared = {g.dimension for g in result.gaps if g.flagged and not g.suppressed}
    groups = []
    for group in result.groups:
        keys = [d.key for d in result.dimensions if d.group == group.key and d.key in compared]
        if keys:
            groups.append((group.title, _gap_rows(q, result.gaps, keys)))
    rows = [row for _, part in groups for row in part]
    analysis = q.analysis
    return GapsView(
        groups=tuple(groups), leadership=any(r.leaders for r in rows),
        ceo=any(r.ceo for r in rows),
        threshold=fmt(analysis.gap_threshold, "value"),
        leadership_roles=", ".join(role(r, short=True) for r in analysis.leadership_roles),
        team_roles=", ".join(role(r, short=True) for r in analysis.team_roles),
        hidden=sum(1 for g in result.gaps if g.suppressed), total=len(result.gaps),
        flagged=sum(1 for g in result.gaps if g.flagged and not g.suppressed),
        dimensions=len({g.dimension for g in result.gaps}), shown=len(rows))


def _finding_view(q: Questionnaire, result: Result, cause: CauseView,
                  areas: Mapping[str, ScoreView], bottom: str) -> FindingView:
    engine = result.cause(cause.key)
    assert engine is not None
    planned = tuple(a for a in cause.actions if a.number is not None)
    later = sum(1 for a in cause.actions if a.number is None)
    finding, chip, band = cause.finding, "", ""
    gaps: tuple[GapRow, ...] = ()
    evidence = cause.evidence[1:]  # the first fact is the one the finding states
    if engine.kind == "gap":
        flagged = sorted((g for g in result.gaps if g.flagged and not g.suppressed
                          and g.dimension in engine.dimensions and g.gap is not None),
                         key=lambda g: -abs(g.gap or 0.0))
        if flagged:
            keys = list(dict.fromkeys(g.dimension for g in flagged))[:3]
            gaps = _gap_rows(q, result.gaps, keys)
            chip = f"gap {fmt(flagged[0].gap, 'gap')}"
        evidence = tuple(e for e in cause.evidence if not e.what) if flagged else \
            cause.evidence
    elif engine.kind == "agreement":
        spreads = [result.dimension(k) for k in engine.dimensions]
        top = max((d.sd for d in spreads if d is not None and d.sd is not None), default=None)
        chip = f"spread {fmt(top, 'sd')}" if top is not None else ""
        evidence = cause.evidence
    elif engine.dimensions and engine.dimensions[0] in areas:
        row = areas[engine.dimensions[0]]
        if not row.hidden:
            chip, band = row.shown, row.band
    return FindingView(
        cause=cause, finding=finding, chip=chip, band=band,
        about="" if engine.kind in ("gap", "agreement") else cause.about,
        critical=bool(band) and band == bottom, statements=cause.statements[:STATEMENTS],
        evidence=evidence, gaps=gaps, actions=planned, later=later)


def _trend_rows(q: Questionnaire, result: Result) -> tuple[TrendRow, ...]:
    out = []
    for t in result.trend:
        verdict = "too few answers to test" if t.real is None else \
            ("real change" if t.real else "not yet clear")
        out.append(TrendRow(t.dimension, dimension_title(q, t.dimension),
                            fmt(t.previous), fmt(t.current),
                            fmt(t.change, "delta"), fmt(t.p_value, "p"), verdict,
                            bool(t.real), abs(t.change or 0.0)))
    return tuple(out)


def _change(rows: Sequence[TrendRow], result: Result,
            previous_results: Sequence[tuple[str, Result]]) -> ChangeView | None:
    if not rows and not previous_results:
        return None
    since, before = "", ""
    if previous_results:
        since, last = previous_results[-1]
        before = fmt(last.overall.score)
    now = fmt(result.overall.score)
    real = tuple(r for r in rows if r.real)
    unclear = sum(1 for r in rows if r.verdict == "not yet clear")
    parts = []
    head = f"Since {since}" if since else "Since the previous round"
    if before:
        parts.append(f"{head}: overall {before} {ARROW} {now}.")
    else:
        parts.append(f"{head}:")
    if real:
        named = ", ".join(f"{r.title} ({r.before} {ARROW} {r.now})" for r in real[:3])
        extra = f" and {len(real) - 3} more" if len(real) > 3 else ""
        noun = "A real change" if len(real) == 1 else "Real changes"
        parts.append(f"{noun} in {named}{extra}.")
        if unclear:
            parts.append(f"The other {unclear} changes are not yet clear." if unclear > 1
                         else "The other change is not yet clear.")
    elif rows:
        parts.append("No change is clear yet: each could still be chance.")
    return ChangeView(since, before, now, real, unclear, " ".join(parts))


ARROW = "\u2192"


def _trend_series(q: Questionnaire, result: Result, round_name: str,
                  previous_results: Sequence[tuple[str, Result]]) -> TrendSeries | None:
    if not previous_results:
        return None
    results = [r for _, r in previous_results] + [result]
    rounds = tuple(name or f"Round {i}" for i, name in enumerate(
        [n for n, _ in previous_results] + [round_name or "This round"], start=1))
    series: list[tuple[str, tuple[float | None, ...]]] = [
        ("Overall", tuple(r.overall.score for r in results))]
    for group in result.groups:
        values = []
        for r in results:
            g = r.group(group.key)
            values.append(g.score if g is not None else None)
        series.append((group.title, tuple(values)))
    return TrendSeries(rounds, tuple(series), tuple(r.respondents for r in results))


def _segment_label(by: str | None, key: str) -> str:
    if by == "role":
        return role(key, short=True)
    if key in ("unspecified", ""):
        return "Team not given"
    return key


def _segments(q: Questionnaire, result: Result) -> SegmentsView | None:
    if not result.segments:
        return None
    by = result.segment_by or "segment"
    shown = [s for s in result.segments if not s.suppressed and s.overall is not None]
    hidden = tuple(_segment_label(by, s.key) for s in result.segments if s not in shown)
    everyone = {d.key: d for d in result.dimensions}

    def cell(score: float | None, band: str | None, suppressed: bool) -> SegmentCell:
        if suppressed or score is None:
            return SegmentCell("hidden", "", True)
        return SegmentCell(fmt(score), band or "", False)

    tables = []
    for start in range(0, max(len(shown), 1), SEGMENT_COLUMNS):
        chunk = shown[start:start + SEGMENT_COLUMNS]
        columns = (("Everyone", f"n={fmt(result.respondents, 'count')}"),) + tuple(
            (_segment_label(by, s.key), f"n={fmt(s.n, 'count')}") for s in chunk)
        overall = (cell(result.overall.score, result.overall.band, False),) + tuple(
            cell(s.overall.score if s.overall else None, s.overall.band if s.overall
                 else None, False) for s in chunk)
        groups = []
        for group in result.groups:
            rows = []
            for dim in result.dimensions:
                if dim.group != group.key:
                    continue
                cells = [cell(everyone[dim.key].score, everyone[dim.key].band,
                              everyone[dim.key].suppressed)]
                for s in chunk:
                    d = next((x for x in s.dimensions if x.key == dim.key), None)
                    cells.append(cell(d.score if d else None, d.band if d else None,
                                      d is None or d.suppressed))
                rows.append((dim.title, tuple(cells)))
            if rows:
                groups.append((group.title, tuple(rows)))
        tables.append(SegmentTable(columns, overall, tuple(groups)))
    if not shown:
        tables = []
    return SegmentsView(by, tuple(tables), hidden)


def _contact_rule(q: Questionnaire, key: str) -> tuple[str, float] | None:
    """The engine's own rule on this item (e.g. "above 5 days"): its key and line."""
    for rule in q.rules:
        if rule.type == "item_threshold" and rule.params.get("question") == key \
                and rule.params.get("above") is not None:
            return rule.key, float(rule.params["above"])
    return None


def _cadence(q: Questionnaire, result: Result) -> tuple[CadenceView, ...]:
    """Day-count items (time between contacts) with the line deals go cold after."""
    rows = []
    for question in q.scored_questions:
        scale = q.scale_of(question)
        if scale.type != "number" or scale.unit != "days":
            continue
        item = result.item(question.key)
        if item is None:
            continue
        hidden = item.suppressed or item.median is None
        rule = _contact_rule(q, question.key)
        if rule is not None:  # over the line exactly when the engine found the cause
            limit, over = rule[1], result.cause(rule[0]) is not None
        else:  # no rule on it: the last day the scale still scores best
            best = max(p[1] for p in scale.points)
            limit = max(p[0] for p in scale.points if p[1] == best)
            over = item.median is not None and item.median > limit
        rows.append(CadenceView(
            text=question.text, median=fmt(item.median, "value"),
            mean=fmt(item.raw_mean, "value"), n=item.n, limit=fmt(limit, "value"),
            hidden=hidden, over=over and not hidden))
    return tuple(rows)


def _reliability(q: Questionnaire, result: Result) -> ReliabilityView:
    rows, few, single = [], [], []
    for r in result.reliability:
        title = dimension_title(q, r.dimension)
        if r.alpha is not None:
            rows.append(ReliabilityRow(title, r.items, r.n, fmt(r.alpha, "alpha")))
        elif r.items < 2:
            single.append(title)
        else:
            few.append(title)
    return ReliabilityView(tuple(rows), tuple(few), tuple(single), q.analysis.alpha_min_n)


def _plan_blocks(actions: Sequence[ActionView]) -> tuple[PlanBlock, ...]:
    """The plan in the engine's order, a heading each time the horizon changes."""
    blocks: list[PlanBlock] = []
    for action in actions:
        title = f"Within {action.horizon_days} days"
        if blocks and blocks[-1].title == title:
            blocks[-1] = PlanBlock(title, blocks[-1].actions + (action,))
        else:
            blocks.append(PlanBlock(title, (action,)))
    return tuple(blocks)


def team_report_view(q: Questionnaire, result: Result, *, round_name: str = "",
                     previous_results: Sequence[tuple[str, Result]] = (),
                     comments: CommentsView | None = None) -> TeamReportView:
    """Everything the team report states, page by page, from one engine result."""
    bands = sorted(q.bands, key=lambda b: -b.min)
    bottom = bands[-1].label
    critical_below = int(bands[-2].min) if len(bands) >= 2 else None
    areas = area_views(q, result)
    by_key = {row.key: row for area in areas for row in area.rows}
    causes = tuple(_finding_view(q, result, c, by_key, bottom)
                   for c in cause_views(q, result))
    summary = tuple(f for i, f in enumerate(causes) if i < SUMMARY_TOP or f.critical)
    plan = plan_view(q, result)
    trend = _trend_rows(q, result)
    return TeamReportView(
        respondents=result.respondents, k=result.min_group_size,
        hidden=result.below_threshold, overall=fmt(result.overall.score),
        band=result.overall.band or "", healthy_at=int(q.healthy_at),
        critical_below=critical_below, weak_below=int(q.analysis.weak_below),
        bottom_band=bottom, areas=areas, ladder=ladder_view(q, result), causes=causes,
        summary=summary, first_actions=plan.within(30) or plan.actions[:3],
        plan=_plan_blocks(plan.actions), later=plan.later,
        change=_change(trend, result, previous_results), trend=trend,
        trend_series=_trend_series(q, result, round_name, previous_results),
        gaps=_gaps(q, result), segments=_segments(q, result), cadence=_cadence(q, result),
        agreement=tuple((dimension_title(q, a.dimension), fmt(a.sd, "sd"))
                        for a in result.agreement if a.flagged),
        reliability=_reliability(q, result), comments=comments,
        hidden_items=sum(1 for i in result.items if i.suppressed))


__all__ = [
    "COMMENT_THRESHOLD",
    "DASH",
    "Comment",
    "CommentGroup",
    "CommentsView",
    "FindingView",
    "TeamReportView",
    "comments_view",
    "team_report_view",
]
