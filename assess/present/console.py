"""View models of the console's results, trend and progress pages.

The same engine result and the same view models (`views`) as the PDF; here only the
shapes that suit a screen: heat maps as tables, the history as rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from questionnaires import Questionnaire
from scoring import Result

from .formatting import fmt, role


@dataclass(frozen=True)
class HeatCell:
    shown: str  # the score, or "" when hidden
    band: str
    hidden: bool


@dataclass(frozen=True)
class HeatRow:
    title: str
    group: str
    cells: tuple[HeatCell, ...]


@dataclass(frozen=True)
class Heatmap:
    by: str  # "role" | "team"
    columns: tuple[tuple[str, str], ...]  # (label, "n=12" or "fewer than k")
    rows: tuple[HeatRow, ...]
    k: int


def heatmap(q: Questionnaire, result: Result) -> Heatmap | None:
    """Dimension x segment, every suppressed cell marked (the engine decided which)."""
    if not result.segments or result.segment_by is None:
        return None
    by, k = result.segment_by, result.min_group_size
    columns = tuple(
        (role(s.key, short=True) if by == "role" else
         ("Team not given" if s.key == "unspecified" else s.key),
         f"fewer than {k}" if s.suppressed and s.n < k else
         ("hidden" if s.suppressed else f"n={fmt(s.n, 'count')}"))
        for s in result.segments)
    rows = []
    for dim in result.dimensions:
        cells = []
        for seg in result.segments:
            cell = None if seg.suppressed else next(
                (d for d in seg.dimensions if d.key == dim.key), None)
            hidden = cell is None or cell.suppressed or cell.score is None
            cells.append(HeatCell("" if hidden else fmt(cell.score), "" if hidden else
                                  (cell.band or ""), hidden))  # type: ignore[union-attr]
        rows.append(HeatRow(dim.title, dim.group, tuple(cells)))
    return Heatmap(by, columns, tuple(rows), k)


@dataclass(frozen=True)
class GapRow:
    title: str
    a: str
    b: str
    gap: str
    flagged: bool


def gap_rows(q: Questionnaire, result: Result, side: str) -> tuple[GapRow, ...]:
    """Leadership (or the CEO) against the team, per dimension, where both are shown."""
    return tuple(GapRow(q.dimension(g.dimension).title, fmt(g.a_score), fmt(g.b_score),
                        fmt(g.gap, "gap"), g.flagged)
                 for g in result.gaps if g.a == side and not g.suppressed
                 and g.gap is not None)


@dataclass(frozen=True)
class ChangeRow:
    title: str
    before: str
    after: str
    change: str
    verdict: str  # "a real change" | "not yet clear" | "too few answers to test"
    real: bool


def change_rows(q: Questionnaire, result: Result,
                only: tuple[str, ...] | None = None) -> tuple[ChangeRow, ...]:
    """The trend of a result (Welch's test): a change is real when p < 0.05."""
    rows = []
    for t in result.trend:
        if only is not None and t.dimension not in only:
            continue
        verdict = ("too few answers to test" if t.real is None else
                   "a real change" if t.real else "not yet clear")
        rows.append(ChangeRow(q.dimension(t.dimension).title, fmt(t.previous),
                              fmt(t.current), fmt(t.change, "delta"), verdict,
                              bool(t.real)))
    return tuple(rows)


def overall_change(result: Result, previous: Result | None) -> str:
    """One line: "Overall 55 → 62" plus whether the dimensions moved for real."""
    if previous is None or previous.overall.score is None or result.overall.score is None:
        return ""
    real = sum(1 for t in result.trend if t.real)
    tail = (f", a real change in {real} area{'s' if real != 1 else ''}" if real
            else ", not yet clear")
    return f"Overall {fmt(previous.overall.score)} → {fmt(result.overall.score)}{tail}"
