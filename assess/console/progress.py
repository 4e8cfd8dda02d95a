"""Live progress of a round: response rates per team and overall, arrivals per week.

Every count of fewer than k is shown as "fewer than k" (a rate of a group of three
tells which three answered); a near-empty response (under half the questions asked of
its role) is counted as incomplete, not as a response.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from ..extensions import db
from ..models import Response, Round
from .releases import pending


@dataclass(frozen=True)
class Rate:
    name: str
    responses: int | None  # None: fewer than k
    expected: int | None
    rate: float | None  # responses / expected, when both are known

    @property
    def hidden(self) -> bool:
        return self.responses is None


@dataclass(frozen=True)
class Day:
    day: date
    arrivals: int | None  # None: fewer than k


@dataclass(frozen=True)
class Progress:
    k: int
    overall: Rate
    teams: tuple[Rate, ...]
    days: tuple[Day, ...]
    incomplete: int | None  # None: fewer than k
    pending: int  # stored but not yet in the released results

    @property
    def results_ready(self) -> bool:
        return self.overall.responses is not None


def _rate(name: str, count: int | None, expected: int | None) -> Rate:
    rate = None if count is None or not expected else min(count / expected, 1.0)
    return Rate(name, count, expected, rate)


def progress(round_: Round) -> Progress:
    """Counts of complete responses by team and by day, released together through the
    anonymity module: a count under k, or one that others would reveal by subtraction,
    is hidden."""
    import numpy as np

    from scoring.anonymity import ALL, Grouping, hidden_groups

    k = round_.min_group_size
    # Counted by the database (a round of 100,000 is a few hundred groups), then one
    # label per response again for the anonymity module.
    groups = db.session.execute(
        sa.select(Response.team, Response.complete, Response.submitted_on, sa.func.count())
        .where(Response.round_id == round_.id)
        .group_by(Response.team, Response.complete, Response.submitted_on)).all()
    # Arrivals by the week they fell in (its Monday): a day's arrivals are mostly fewer
    # than k, and a week says as much about the pace of a round.
    done = [((team or "", (day - timedelta(days=day.weekday())).isoformat()), n)
            for team, complete, day, n in groups if complete]
    incomplete = sum(n for _, complete, _, n in groups if not complete)
    repeats = np.array([n for _, n in done], dtype=int)
    teams_of = np.repeat(np.array([team for (team, _), _ in done], dtype=object), repeats)
    days_of = np.repeat(np.array([day for (_, day), _ in done], dtype=object), repeats)
    hidden = hidden_groups(Grouping({"team": teams_of, "day": days_of}),
                           np.ones(len(teams_of), dtype=bool), k) if done else frozenset()

    def count(view: str, label: str, labels: np.ndarray) -> int | None:
        return None if (view, label) in hidden or ALL in hidden else int(
            (labels == label).sum())

    headcounts = round_.headcounts or {}
    listed = list(round_.teams or [])
    names = listed + sorted({t for (t, _), _ in done if t and t not in listed})
    teams = [_rate(name, count("team", name, teams_of), headcounts.get(name))
             for name in names]
    if (teams_of == "").any():
        teams.append(_rate("Team not given", count("team", "", teams_of), None))
    days = tuple(Day(date.fromisoformat(day), count("day", day, days_of))
                 for day in sorted(set(days_of.tolist())))
    total = None if ALL in hidden or not done else len(teams_of)
    return Progress(
        k=k, overall=_rate("Everyone", total, sum(headcounts.values()) or None),
        teams=tuple(teams), days=days,
        incomplete=incomplete if incomplete >= k or incomplete == 0 else None,
        pending=pending(round_.id))
