"""What may be released without revealing anyone's answers: the one place that decides.

Every figure the product shows about a team is a mean (with n and SD) of some group of
respondents: everyone, a role, a team, the leadership and the team side of a perception
gap. An attacker holding several released figures of the same question can combine them:
with one CEO among 1 CEO, 6 leaders and 6 managers, CEO = 13 x leadership - 6 x leaders
- 6 x managers. So release is decided for *all* groups of all views together, per
variable (each dimension, each item), as linear algebra:

- respondents fall into *cells*, the finest partition of every view (role x team x side);
  each candidate group is a union of cells;
- primary suppression hides every group of fewer than k people;
- complementary suppression then hides more groups until no *protected set* -- a cell of
  fewer than k people, a pair of such cells, or a hidden group -- has its indicator in the
  span of the released groups' indicators, i.e. until no combination of released sums
  equals the sum of a protected set.

Views are always checked together, whichever one a page shows, so comparing a by-role
and a by-team view reveals nobody. The same k is used for exports (`generalise`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from itertools import combinations

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from questionnaires import Questionnaire

from .answers import Answers

ALL = ("all", "all")  # the whole team as a group
VIEWS = ("role", "team", "side")
UNSPECIFIED = "unspecified"
_TOLERANCE = 1e-9


@dataclass(frozen=True, eq=False)
class Grouping:
    """The respondents' labels in every view, e.g. {"role": [...], "team": [...]}."""

    labels: Mapping[str, np.ndarray]

    @property
    def views(self) -> list[str]:
        """The result views first, in their fixed order, then any other (e.g. days)."""
        return [v for v in VIEWS if v in self.labels] + [
            v for v in self.labels if v not in VIEWS]

    @cached_property
    def groups(self) -> frozenset[tuple[str, str]]:
        """Every (view, label) group of every respondent."""
        return frozenset((v, str(label)) for v in self.views
                         for label in set(np.asarray(self.labels[v]).tolist()))

    @cached_property
    def _all_cells(self) -> tuple[np.ndarray, list[tuple[str, ...]]]:
        """Every respondent's cell, once (sorted: nothing depends on respondent order)."""
        columns = [np.asarray(self.labels[v]).astype(str) for v in self.views]
        if not columns or not len(columns[0]):
            return np.zeros(0, dtype=int), []
        joined = np.array(["\x1f".join(parts) for parts in zip(*columns, strict=True)])
        names, ids = np.unique(joined, return_inverse=True)
        return ids.astype(int), [tuple(name.split("\x1f")) for name in names.tolist()]

    def cells(self, present: np.ndarray) -> tuple[np.ndarray, list[tuple[str, ...]]]:
        """Cell index per present respondent and the label tuple of each cell present."""
        ids, keys = self._all_cells
        used, local = np.unique(ids[present], return_inverse=True)
        return local.astype(int), [keys[i] for i in used.tolist()]


def hidden_groups(grouping: Grouping, present: np.ndarray, k: int
                  ) -> frozenset[tuple[str, str]]:
    """(view, label) of every group that must not be released for this variable.

    `present` marks the respondents who have a value; ALL is in the result when the
    whole team has fewer than k values (then everything is hidden).
    """
    present = np.asarray(present, dtype=bool)
    if not present.any():
        return frozenset()
    ids, cell_keys = grouping.cells(present)
    return hidden_in_cells(grouping.views, cell_keys, np.bincount(ids, minlength=len(cell_keys)),
                           grouping.groups, k)


def hidden_in_cells(views: Sequence[str], cell_keys: Sequence[tuple[str, ...]],
                    counts: Sequence[float] | np.ndarray,
                    everything: frozenset[tuple[str, str]], k: int
                    ) -> frozenset[tuple[str, str]]:
    """`hidden_groups` from how many respondents of each cell (its label in each view,
    cells in `Grouping.cells` order) have a value; `everything` is every group of every
    respondent, with a value or not."""
    sizes = [int(n) for n in counts]
    total = sum(sizes)
    if total == 0:
        return frozenset()
    if total < k:
        return frozenset(everything | {ALL})
    used = [(tuple(key), n) for key, n in zip(cell_keys, sizes, strict=True) if n > 0]
    with_members = {(view, key[i]) for key, _ in used for i, view in enumerate(views)}
    return frozenset(_suppress(tuple(views), tuple(key for key, _ in used),
                               tuple(n for _, n in used), k)
                     | (everything - with_members))  # a group without members: no figure


def _groups(views: Sequence[str], cell_keys: Sequence[tuple[str, ...]]
            ) -> dict[tuple[str, str], np.ndarray]:
    """Each candidate group as a 0/1 vector over cells (the whole team first)."""
    out: dict[tuple[str, str], np.ndarray] = {ALL: np.ones(len(cell_keys))}
    for i, view in enumerate(views):
        for label in sorted({key[i] for key in cell_keys}):
            out[(view, label)] = np.array([1.0 if key[i] == label else 0.0
                                           for key in cell_keys])
    return out


@lru_cache(maxsize=4096)  # dimensions answered by the same people share one answer
def _suppress(views: tuple[str, ...], cell_keys: tuple[tuple[str, ...], ...],
              cell_sizes: tuple[int, ...], k: int) -> frozenset[tuple[str, str]]:
    # The matrices are small (groups x cells): BLAS threads cost more than they give,
    # spinning on another core after each call, a core a server's other requests need
    # (bench/RESULTS.md, "a round of many teams": twice the CPU time, no faster).
    with threadpool_limits(limits=1, user_api="blas"):
        return _suppressed(views, cell_keys, cell_sizes, k)


def _suppressed(views: tuple[str, ...], cell_keys: tuple[tuple[str, ...], ...],
                cell_sizes: tuple[int, ...], k: int) -> frozenset[tuple[str, str]]:
    everything = _groups(views, cell_keys)
    # Groups with the same members are one figure under two names (the reps as a role
    # and as the team side of a gap): decide once, for the first name.
    canonical: dict[bytes, tuple[str, str]] = {}
    alias = {name: canonical.setdefault(vector.tobytes(), name)
             for name, vector in everything.items()}
    groups = {name: vector for name, vector in everything.items() if alias[name] == name}
    sizes = np.array(cell_sizes)
    size = {name: int(vector @ sizes) for name, vector in groups.items()}
    hidden = {name for name, n in size.items() if 0 < n < k}
    small = [i for i, n in enumerate(sizes) if 0 < n < k]
    unit = np.eye(len(sizes))
    protected = [unit[i] for i in small]
    protected += [unit[i] + unit[j] for i, j in combinations(small, 2)
                  if sizes[i] + sizes[j] < k]
    while True:
        shown = [name for name in groups if name not in hidden]
        leak = _first_leak(shown, groups, protected
                           + [groups[name] for name in hidden if size[name] > 0])
        if leak is None:
            return frozenset(name for name in everything if alias[name] in hidden)
        # Hide the smallest released group that the revealing combination uses.
        candidates = [name for name in leak if name != ALL] or [
            name for name in shown if name != ALL]
        hidden.add(min(candidates, key=lambda name: (size[name], name)))


_TARGETS_AT_A_TIME = 1024  # protected sets tested in one product


def _first_leak(shown: Sequence[tuple[str, str]], groups: Mapping[tuple[str, str], np.ndarray],
                protected: Sequence[np.ndarray]) -> dict[tuple[str, str], float] | None:
    """The combination of released groups that equals the first protected set (in
    order) that some combination equals, if any.

    A set is such a combination when it lies in the span of the released groups: its
    distance from that span (one SVD of the released groups, then every protected set
    projected at once) is nil. Only the first such set is solved for its coefficients."""
    if not shown or not len(protected):
        return None
    released = np.array([groups[name] for name in shown])  # groups x cells
    _, strengths, directions = np.linalg.svd(released, full_matrices=False)
    # the rank cut-off of `np.linalg.lstsq(rcond=None)`
    cutoff = strengths.max(initial=0.0) * max(released.shape) * np.finfo(float).eps
    basis = directions[strengths > cutoff]  # rank x cells, orthonormal rows
    for start in range(0, len(protected), _TARGETS_AT_A_TIME):
        targets = np.array(protected[start:start + _TARGETS_AT_A_TIME])
        distance = np.abs(targets - (targets @ basis.T) @ basis).max(axis=1)
        hits = np.flatnonzero(distance < _TOLERANCE)
        if len(hits):
            target = targets[hits[0]]
            coefficients, *_ = np.linalg.lstsq(released.T, target, rcond=None)
            return {name: float(c) for name, c in zip(shown, coefficients, strict=True)
                    if abs(c) > _TOLERANCE}
    return None


# --------------------------------------------------------------------------- exports


Combination = tuple[str, str]  # (role, team) of an exported row; "" = not given


@dataclass(frozen=True)
class Generalised:
    """What the rows of one (role, team) combination show in an export."""

    role: str
    team: str
    blanked: bool  # the role was blanked here: drop the row's role-only answers


def generalise(counts: Mapping[Combination, int], k: int) -> dict[Combination, Generalised]:
    """(role, team) combinations generalised so every visible one is shared by at least k
    rows (or by none); `counts` is the number of rows of each combination in the file.

    Rare combinations first lose their team, then their role as well; when the rows left
    with both blank are themselves fewer than k (the lone CEO would be the only blank
    row), the smallest remaining combinations are blanked with them until that group
    reaches k. The rule depends on the counts alone, so a streamed export decides it from
    one counting pass and applies it chunk by chunk.
    """
    current = {key: key for key, n in counts.items() if n > 0}
    blanked = dict.fromkeys(current, False)

    def joint() -> dict[Combination, int]:
        out: dict[Combination, int] = {}
        for key, shown in current.items():
            out[shown] = out.get(shown, 0) + counts[key]
        return out

    shown_counts = joint()
    for key, (role, _) in current.items():
        if shown_counts[key] < k:
            current[key] = (role, "")
    shown_counts = joint()
    for key, (role, team) in current.items():
        if shown_counts[(role, team)] < k and role:
            current[key], blanked[key] = ("", team), True
    while True:
        shown_counts = joint()
        blank = shown_counts.get(("", ""), 0)
        if blank == 0 or blank >= k or len(shown_counts) == 1:
            break
        smallest = min((key for key in shown_counts if key != ("", "")),
                       key=lambda key: (shown_counts[key], key))
        for key, shown in current.items():
            if shown == smallest:
                current[key] = ("", "")
                blanked[key] = blanked[key] or bool(smallest[0])
    return {key: Generalised(*current[key], blanked[key]) for key in current}


def anonymise_rows(roles: Sequence[str], teams: Sequence[str], k: int
                   ) -> tuple[list[str], list[str], list[bool]]:
    """Role and team of each exported row by `generalise`, and whether its role was
    blanked (callers then drop its role-specific answers, which would still single it
    out)."""
    keys = list(zip(roles, teams, strict=True))
    rule = generalise(Counter(keys), k)
    shown = [rule[key] for key in keys]
    return ([g.role for g in shown], [g.team for g in shown], [g.blanked for g in shown])


def anonymise(answers: Answers, q: Questionnaire, k: int,
              rule: Mapping[Combination, Generalised] | None = None) -> Answers:
    """Answers fit for export: (role, team) k-anonymous, and a row whose role was blanked
    keeps only the answers everyone is asked (its role-only answers would name its role).
    Free text is kept as written: respondents are told not to identify themselves.

    `rule` is `generalise` over the whole file when `answers` are one chunk of it; a
    combination it does not know is an error (its rows were never counted).
    """
    keys = list(zip(answers.role.tolist(), answers.team.tolist(), strict=True))
    if rule is None:
        rule = generalise(Counter(keys), k)
    try:
        shown = [rule[key] for key in keys]
    except KeyError as exc:
        raise ValueError(f"combination {exc.args[0]!r} was not counted") from None
    rows = np.array([g.blanked for g in shown], dtype=bool)
    values, dont_know, texts = (answers.values.copy(), answers.dont_know.copy(),
                                answers.texts.copy())
    for question in q.questions:
        if "all" in question.audiences or not rows.any():
            continue
        if question.key in values.columns:
            values.loc[rows, question.key] = np.nan
            dont_know.loc[rows, question.key] = False
        elif question.key in texts.columns:
            texts.loc[rows, question.key] = ""
    return replace(answers, values=values, dont_know=dont_know, texts=texts,
                   role=pd.Series([g.role for g in shown], dtype=object),
                   team=pd.Series([g.team for g in shown], dtype=object))


COMMENT_THRESHOLD = 10  # free-text answers to a question shown only from this many


def releasable_comments(texts: Sequence[str], seed: str,
                        threshold: int = COMMENT_THRESHOLD) -> list[str]:
    """Free-text answers to one question as they may be shown: none unless at least
    `threshold` people wrote one, then all of them in an order that says nothing about
    who wrote what or when (shuffled by a seed fixed per round, so every view agrees)."""
    import hashlib
    import random

    written = [t.strip() for t in texts if t and t.strip()]
    if len(written) < threshold:
        return []
    rng = random.Random(int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big"))
    ordered = sorted(written)
    rng.shuffle(ordered)
    return ordered
