"""What a round's answers add up to: every figure of a Result, from counts, sums and
spreads that join exactly, chunk by chunk.

`tally(answers, q)` reads answers a block of respondents at a time; `a + b` joins the
tallies of two sets of respondents. The engine scores from a tally alone, so a round of
any size is scored holding one chunk of answers, and the next release of a round adds
only its new responses to what the last one kept. Nothing in a tally is per respondent
but the free-text answers (sorted: their order says nothing) and the ids of the answers
flagged for quality: the rest are sums over *cells*, the respondents of one role and team.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from questionnaires import Questionnaire

from .anonymity import UNSPECIFIED
from .answers import Answers
from .core import dimension_weights, item_block, row_blocks, weighted_block
from .stats import Moments


def _placed(m: Moments, index: np.ndarray, size: int) -> Moments:
    """Moments whose rows go to `index` of `size` rows (the rest empty)."""
    out = Moments.empty((size, *m.n.shape[1:]))
    out.n[index], out.total[index], out.m2[index] = m.n, m.total, m.m2
    return out


Cell = tuple[str, str]  # (role, team) as shown: "unspecified" where none was given


def cell_order(cell: Cell, side: str) -> str:
    """Cells are kept sorted by their labels in every view (role, team, side) joined, the
    order the anonymity module lists them in: nothing depends on respondent order."""
    return "\x1f".join((*cell, side))


@dataclass(frozen=True, eq=False)
class Alpha:
    """Per dimension: the complete answers to its chosen items (`alpha_items`), their
    moments per item and the moments of their sum."""

    items: Moments  # 1 x items
    totals: Moments  # 1 value


@dataclass(frozen=True, eq=False)
class Tally:
    """A set of respondents' answers to one questionnaire, added up (see the module)."""

    questionnaire_key: str
    questionnaire_version: int
    respondents: int
    cells: tuple[Cell, ...]  # sorted by `cell_order`
    sides: tuple[str, ...]  # each cell's side (leadership, team, other)
    cell_sizes: np.ndarray  # respondents per cell
    dimensions: Moments  # cells x dimensions: respondent dimension scores (measure)
    perception: Moments  # cells x dimensions: the same respondents' views of another group
    weak: np.ndarray  # per dimension: respondents whose own score is weak
    items: Moments  # per scored question: the item scores (0..100)
    values: tuple[Counter[float], ...]  # per scored question: raw answer -> count
    dont_know: np.ndarray  # per scored question
    alpha: tuple[Alpha | None, ...]  # per dimension (`alpha_items`)
    straight_lining: int
    too_fast: int
    flagged: tuple[str, ...]  # respondent ids, sorted
    texts: dict[str, tuple[str, ...]] = field(default_factory=dict)  # sorted, none empty

    def __len__(self) -> int:
        return self.respondents

    def __add__(self, other: Tally) -> Tally:
        if (self.questionnaire_key, self.questionnaire_version) != (
                other.questionnaire_key, other.questionnaire_version):
            raise ValueError("tallies of two questionnaires do not add up")
        if not other.respondents:
            return self
        if not self.respondents:
            return other
        side = dict(zip(self.cells, self.sides, strict=True)) | dict(
            zip(other.cells, other.sides, strict=True))
        cells = sorted(side, key=lambda c: cell_order(c, side[c]))
        where = {cell: i for i, cell in enumerate(cells)}

        def placed(t: Tally, m: Moments) -> Moments:
            return _placed(m, np.array([where[c] for c in t.cells], dtype=int), len(cells))

        sizes = np.zeros(len(cells))
        for t in (self, other):
            sizes[[where[c] for c in t.cells]] += t.cell_sizes
        return Tally(
            self.questionnaire_key, self.questionnaire_version,
            self.respondents + other.respondents, tuple(cells),
            tuple(side[c] for c in cells), sizes,
            placed(self, self.dimensions) + placed(other, other.dimensions),
            placed(self, self.perception) + placed(other, other.perception),
            self.weak + other.weak, self.items + other.items,
            tuple(a + b for a, b in zip(self.values, other.values, strict=True)),
            self.dont_know + other.dont_know,
            tuple(None if a is None or b is None else
                  Alpha(a.items + b.items, a.totals + b.totals)
                  for a, b in zip(self.alpha, other.alpha, strict=True)),
            self.straight_lining + other.straight_lining, self.too_fast + other.too_fast,
            tuple(sorted(self.flagged + other.flagged)),
            {key: tuple(sorted(self.texts.get(key, ()) + other.texts.get(key, ())))
             for key in dict.fromkeys([*self.texts, *other.texts])}
            if other.texts else self.texts,
        )

    def pooled(self, view: str | None = None, label: str | None = None) -> Moments:
        """Dimension moments of everyone, or of one group (view role, team or side)."""
        return self.dimensions.pooled(self.rows(view, label))

    def rows(self, view: str | None, label: str | None) -> np.ndarray:
        """Which cells are in a group (all of them without a view)."""
        if view is None:
            return np.ones(len(self.cells), dtype=bool)
        labels = self.labels(view)
        return np.array([x == label for x in labels], dtype=bool)

    def labels(self, view: str) -> tuple[str, ...]:
        """Each cell's label in a view."""
        if view == "side":
            return self.sides
        return tuple(cell[0 if view == "role" else 1] for cell in self.cells)

    def size(self, view: str, label: str) -> int:
        return int(self.cell_sizes[self.rows(view, label)].sum())


def alpha_items(q: Questionnaire) -> tuple[tuple[int, ...] | None, ...]:
    """Per dimension, the scored questions (positions) its Cronbach's alpha is taken
    over: items everyone is asked when there are two or more of them, so role-only items
    do not shrink the complete cases to nothing; None below two items."""
    columns = [question.key for question in q.scored_questions]
    out: list[tuple[int, ...] | None] = []
    for dim in q.dimensions:
        members = [c for c in columns if q.question(c).dimension == dim.key
                   and not q.question(c).perception]
        general = [c for c in members if "all" in q.question(c).audiences]
        chosen = general if len(general) >= 2 else members
        out.append(tuple(columns.index(c) for c in chosen) if len(chosen) >= 2 else None)
    return tuple(out)


def _sides(q: Questionnaire, roles: Sequence[str]) -> list[str]:
    out = []
    for role in roles:
        side = "other"
        if role in q.analysis.leadership_roles:
            side = "leadership"
        if role in q.analysis.team_roles:
            side = "team"
        out.append(side)
    return out


def tally(answers: Answers, q: Questionnaire) -> Tally:
    """The tally of validated answers (a chunk of a round, or all of it), made a block
    of respondents at a time so that its temporaries stay small."""
    if answers.questionnaire_key != q.key:
        raise ValueError(f"answers are for {answers.questionnaire_key}, not {q.key}")
    raw = answers.values.to_numpy(dtype=float)  # a view when already floats
    dk = answers.dont_know.to_numpy(dtype=bool)
    role = answers.role.to_numpy(dtype=object)
    team = answers.team.to_numpy(dtype=object)
    duration = answers.duration.to_numpy(dtype=float)
    ids = answers.respondent.to_numpy(dtype=object)
    texts = {str(key): tuple(sorted(t for t in answers.texts[key].tolist() if t))
             for key in answers.texts.columns}
    total = _empty(q, answers.questionnaire_version)
    for rows in row_blocks(len(raw)):
        total = total + _block(q, answers.questionnaire_version, raw[rows], dk[rows],
                               role[rows], team[rows], duration[rows], ids[rows])
    return replace(total, texts=texts)


def _empty(q: Questionnaire, version: int) -> Tally:
    keys, _, _, _ = dimension_weights(q)
    items = len(q.scored_questions)
    return Tally(
        q.key, version, 0, (), (), np.zeros(0), Moments.empty((0, len(keys))),
        Moments.empty((0, len(keys))), np.zeros(len(keys)), Moments.empty((items,)),
        tuple(Counter() for _ in range(items)), np.zeros(items),
        tuple(None if chosen is None else Alpha(Moments.empty((len(chosen),)),
                                                Moments.empty(()))
              for chosen in alpha_items(q)),
        0, 0, ())


def _block(q: Questionnaire, version: int, raw: np.ndarray, dk: np.ndarray,
           role: np.ndarray, team: np.ndarray, duration: np.ndarray,
           ids: np.ndarray) -> Tally:
    _, measure, view, _ = dimension_weights(q)
    items = item_block(q, raw, role)
    scores = weighted_block(items, measure)
    perception = weighted_block(items, view)
    role_label = np.where(role == "", UNSPECIFIED, role)
    team_label = np.where(team == "", UNSPECIFIED, team)
    codes, uniques = pd.factorize(pd.Series(
        [f"{r}\x1f{t}" for r, t in zip(role_label.tolist(), team_label.tolist(), strict=True)],
        dtype=object))
    found = [tuple(name.split("\x1f")) for name in uniques.tolist()]
    sides = _sides(q, [r for r, _ in found])
    order = sorted(range(len(found)), key=lambda i: cell_order(found[i], sides[i]))
    rank = np.empty(len(order), dtype=int)
    rank[order] = np.arange(len(order))
    cell = rank[codes]
    groups = len(order)
    present = ~np.isnan(items)
    with np.errstate(invalid="ignore"):
        weak = ((~np.isnan(scores)) & (np.where(np.isnan(scores), 0.0, scores)
                                       < q.analysis.weak_below)).sum(axis=0)
    counted: list[Counter[float]] = []
    for j in range(raw.shape[1]):
        values, counts = np.unique(raw[present[:, j], j], return_counts=True)
        counted.append(Counter(dict(zip(values.tolist(), counts.tolist(), strict=True))))
    alpha: list[Alpha | None] = []
    for chosen in alpha_items(q):
        if chosen is None:
            alpha.append(None)
            continue
        block = items[:, list(chosen)]
        complete = block[~np.isnan(block).any(axis=1)]
        alpha.append(Alpha(Moments.of(complete), Moments.of(complete.sum(axis=1))))
    straight, fast = quality_flags(q, raw, duration)
    flagged = straight | fast
    return Tally(
        q.key, version, len(raw), tuple(found[i] for i in order),
        tuple(sides[i] for i in order), np.bincount(cell, minlength=groups).astype(float),
        Moments.by_group(cell, groups, scores), Moments.by_group(cell, groups, perception),
        weak.astype(float), Moments.of(items), tuple(counted),
        dk.sum(axis=0).astype(float), tuple(alpha), int(straight.sum()), int(fast.sum()),
        tuple(sorted(str(ids[i]) for i in np.flatnonzero(flagged) if ids[i])))


def quality_flags(q: Questionnaire, raw: np.ndarray, duration: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Per respondent: straight-lining (the same answer to every Likert question, over
    enough of them) and implausibly fast completion. Counted, never dropped."""
    likert = np.array([q.scale_of(question).type == "likert"
                       for question in q.scored_questions], dtype=bool)
    present = ~np.isnan(raw)
    answered = present.sum(axis=1)
    scale, present = raw[:, likert], present[:, likert]
    high = np.where(present, scale, -np.inf).max(axis=1, initial=-np.inf)
    low = np.where(present, scale, np.inf).min(axis=1, initial=np.inf)
    straight = (present.sum(axis=1) >= q.analysis.straightline_min_items) & (high == low)
    with np.errstate(invalid="ignore"):
        fast = ~np.isnan(duration) & (duration < answered * q.analysis.min_seconds_per_item)
    return straight, fast
