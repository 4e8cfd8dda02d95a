"""Anonymity: no released figure, alone or combined with any other, reveals a group of
fewer than k people -- checked by solving the linear system of everything released."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaires import load
from scoring import parse_answers, score
from scoring.anonymity import ALL, Grouping, anonymise_rows, hidden_groups

TEAM = load("team-ecosystem", 1)


def _grouping(roles, teams=None):
    roles = np.array(roles, dtype=object)
    side = np.where(np.isin(roles, ["ceo", "leader", "manager"]), "leadership",
                    np.where(roles == "rep", "team", "other")).astype(object)
    labels = {"role": roles, "side": side}
    if teams is not None:
        labels["team"] = np.array(teams, dtype=object)
    return Grouping(labels)


def test_nothing_is_hidden_when_every_group_is_large():
    roles = ["rep"] * 10 + ["manager"] * 6 + ["support"] * 7
    assert hidden_groups(_grouping(roles), np.ones(23, bool), 5) == frozenset()


def test_small_groups_and_a_complement_are_hidden():
    roles = ["rep"] * 10 + ["manager"] * 2 + ["support"] * 6
    hidden = hidden_groups(_grouping(roles), np.ones(18, bool), 5)
    assert ("role", "manager") in hidden
    # total - reps - support would be the two managers: one more group must go
    assert ("role", "support") in hidden or ("role", "rep") in hidden


def test_whole_team_under_k_hides_everything():
    hidden = hidden_groups(_grouping(["rep"] * 4), np.ones(4, bool), 5)
    assert ALL in hidden and ("role", "rep") in hidden


def test_ceo_cannot_be_recovered_from_the_leadership_gap():
    """The attack of the issue: 1 CEO, 6 leaders, 6 managers, 5 reps, k = 5."""
    roles = ["ceo"] + ["leader"] * 6 + ["manager"] * 6 + ["rep"] * 5
    hidden = hidden_groups(_grouping(roles), np.ones(len(roles), bool), 5)
    assert ("role", "ceo") in hidden
    released = {("role", "leader"), ("role", "manager"), ("side", "leadership")}
    assert not released <= {g for g in released if g not in hidden}


def _frame(roles, teams, seed):
    rng = np.random.default_rng(seed)
    rows = []
    for role, team in zip(roles, teams, strict=True):
        row = {"role": role, "team": team}
        for question in TEAM.scored_questions:
            if question.asked_of(role) and TEAM.scale_of(question).type == "likert":
                row[question.key] = str(int(rng.integers(1, 6)))
        rows.append(row)
    return pd.DataFrame(rows, dtype=object).fillna("")


def _released_system(results, roles, teams, dim, k):
    """The indicator of every group released for one dimension across results, and of
    every group that must stay hidden: suppressed segments and any group under k."""
    people = np.arange(len(roles))
    role, team = np.array(roles, dtype=object), np.array(teams, dtype=object)
    side = np.where(np.isin(role, ["ceo", "leader", "manager"]), "leadership",
                    np.where(role == "rep", "team", "other"))
    rows, hidden = [], []
    for result in results:
        d = result.dimension(dim)
        if d.score is not None:
            rows.append(np.ones(len(people)))
        labels = role if result.segment_by == "role" else team
        for seg in result.segments:
            member = (labels == seg.key).astype(float)
            cell = None if seg.suppressed else next(x for x in seg.dimensions if x.key == dim)
            (rows if cell is not None and cell.score is not None else hidden).append(member)
        for gap in result.gaps:
            if gap.dimension == dim and gap.a == "leadership" and not gap.suppressed:
                rows += [(side == name).astype(float) for name in ("leadership", "team")]
    for labels in (role, team, side):
        for label in set(labels.tolist()):
            member = (labels == label).astype(float)
            if member.sum() < k:
                hidden.append(member)
    return np.array(rows), hidden


def _in_span(matrix, target):
    if len(matrix) == 0:
        return False
    coefficients, *_ = np.linalg.lstsq(matrix.T, target, rcond=None)
    return np.abs(matrix.T @ coefficients - target).max() < 1e-8


ROLE_CHOICES = ["ceo", "leader", "manager", "rep", "rep", "rep", "support", "operations"]


@settings(max_examples=40, deadline=None)
@given(size=st.integers(8, 40), k=st.integers(3, 7), seed=st.integers(0, 10_000))
def test_no_hidden_group_or_person_is_recoverable_from_all_views(size, k, seed):
    rng = np.random.default_rng(seed)
    roles = list(rng.choice(ROLE_CHOICES, size=size))
    teams = list(rng.choice(["East", "West", "North"], size=size, p=[0.6, 0.3, 0.1]))
    answers = parse_answers(_frame(roles, teams, seed), TEAM)
    results = [score(answers, TEAM, by=by, min_group_size=k) for by in ("role", "team")]
    if results[0].below_threshold:
        return
    for dim in ("bucket.target_market", "foundation.belief", "culprit.culture"):
        released, hidden = _released_system(results, roles, teams, dim, k)
        present = np.ones(size)
        for group in hidden:
            if 0 < group @ present:
                assert not _in_span(released, group), f"hidden group recoverable ({dim})"
        for person in range(size):
            assert not _in_span(released, np.eye(size)[person]), f"person recoverable ({dim})"


def test_export_rows_are_k_anonymous_on_role_and_team():
    # (a) one (manager, East) among many managers and many East: must not survive
    roles = ["manager"] * 6 + ["rep"] * 6 + ["manager"]
    teams = ["West"] * 6 + ["East"] * 6 + ["East"]
    role, team, blanked = anonymise_rows(roles, teams, 5)
    combos = pd.Series(list(zip(role, team, strict=True))).value_counts()
    assert combos.min() >= 5
    # (c) the lone CEO is never the only blank-role row
    roles = ["ceo"] + ["rep"] * 8 + ["support"] * 5
    role, team, blanked = anonymise_rows(roles, [""] * 14, 5)
    blank = [i for i, r in enumerate(role) if r == ""]
    assert len(blank) == 0 or len(blank) >= 5
    assert blanked[0]


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["ceo", "rep", "manager", "support", ""]),
                               st.sampled_from(["East", "West", ""])), min_size=5,
                     max_size=30),
       k=st.integers(3, 6))
def test_every_exported_combination_has_k_rows(rows, k):
    roles, teams = zip(*rows, strict=True)
    role, team, _ = anonymise_rows(list(roles), list(teams), k)
    counts = pd.Series(list(zip(role, team, strict=True))).value_counts()
    assert len(rows) < k or counts.min() >= k


def test_whole_round_under_threshold_shows_nothing(mini, from_rows):
    r = score(from_rows(mini, [{"tm_a": 5, "role": "rep"}, {"tm_a": 1, "role": "rep"}]), mini,
              by="role")
    assert r.below_threshold
    assert r.overall.score is None and all(d.score is None for d in r.dimensions)
    assert r.root_causes == () and r.fixes == () and r.items == ()
    assert r.to_dict()["overall"]["score"] is None


def test_dimension_and_item_under_threshold_are_hidden(mini, from_rows):
    # pr_lead is asked only of leaders/managers: two managers answered it.
    records = [{"role": "rep", "tm_a": 4, "pr_gap": 3} for _ in range(4)]
    records += [{"role": "manager", "tm_a": 2, "pr_lead": 5, "pr_gap": 3} for _ in range(2)]
    r = score(from_rows(mini, records), mini)
    assert r.item("pr_lead").suppressed and r.item("pr_lead").score is None
    assert not r.item("tm_a").suppressed
    only_two = from_rows(mini, [{"role": "manager", "pr_lead": 5} for _ in range(2)]
                         + [{"role": "rep", "tm_a": 4} for _ in range(3)])
    cadence = score(only_two, mini).dimension("process.cadence")
    assert cadence.suppressed and cadence.score is None and cadence.n == 2


def test_json_for_a_suppressed_segment_has_no_scores(mini, from_rows):
    records = [{"role": "rep", "tm_a": 4} for _ in range(6)] + [{"role": "manager", "tm_a": 1}]
    doc = score(from_rows(mini, records), mini, by="role").to_dict()
    segs = {s["key"]: s for s in doc["segments"]}
    assert segs["manager"] == {"key": "manager", "n": 1, "suppressed": True}
    # complementary: with only two segments, the rep segment would reveal the manager
    assert segs["rep"] == {"key": "rep", "n": 6, "suppressed": True}


def test_segment_by_team_with_unspecified(mini, from_rows):
    records = [{"team": t, "tm_a": 4} for t in ("East",) * 3 + ("West",) * 3 + ("",) * 3]
    r = score(from_rows(mini, records), mini, by="team")
    assert [(s.key, s.n, s.suppressed) for s in r.segments] == [
        ("East", 3, False), ("West", 3, False), ("unspecified", 3, False)]


def test_segment_scores_match_scoring_the_subset(mini, from_rows):
    records = []
    for role, values in (("rep", (5, 4, 3, 2)), ("support", (1, 2, 3))):
        records += [{"role": role, "tm_a": v, "tal_a": 6 - v} for v in values]
    a = from_rows(mini, records)
    r = score(a, mini, by="role")
    for seg in r.segments:
        alone = score(a.take(a.role == seg.key), mini)
        for mine, theirs in itertools.zip_longest(seg.dimensions, alone.dimensions):
            assert mine.score == theirs.score and mine.n == theirs.n


def test_an_exported_row_whose_role_was_blanked_keeps_only_questions_for_all():
    from scoring.anonymity import anonymise

    roles = ["ceo"] + ["rep"] * 6
    answers = parse_answers(_frame(roles, [""] * 7, 1), TEAM)
    out = anonymise(answers, TEAM, 5)
    role_only = [x.key for x in TEAM.scored_questions if "all" not in x.audiences]
    blank = out.role == ""
    assert blank.sum() in (0,) or blank.sum() >= 5
    assert out.values.loc[blank, role_only].isna().all().all()
    assert not out.values.loc[blank, [x.key for x in TEAM.scored_questions
                                      if "all" in x.audiences]].isna().all().all()


def _rows_one_by_one(roles: list[str], teams: list[str], k: int
                     ) -> tuple[list[str], list[str], list[bool]]:
    """The export rule as it was first written, row by row (before `generalise` decided
    it from counts alone so that exports can stream): the reference it must equal."""
    role, team = list(roles), list(teams)
    blanked = [False] * len(role)

    def counts() -> dict[tuple[str, str], int]:
        out: dict[tuple[str, str], int] = {}
        for key in zip(role, team, strict=True):
            out[key] = out.get(key, 0) + 1
        return out

    joint = counts()
    for i, key in enumerate(zip(role, team, strict=True)):
        if joint[key] < k:
            team[i] = ""
    joint = counts()
    for i, key in enumerate(zip(role, team, strict=True)):
        if joint[key] < k and role[i]:
            role[i], blanked[i] = "", True
    while True:
        joint = counts()
        blank = joint.get(("", ""), 0)
        if blank == 0 or blank >= k or len(joint) == 1:
            break
        smallest = min((key for key in joint if key != ("", "")),
                       key=lambda key: (joint[key], key))
        for i, key in enumerate(zip(role, team, strict=True)):
            if key == smallest:
                role[i], team[i] = "", ""
                blanked[i] = blanked[i] or bool(smallest[0])
    return role, team, blanked


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["ceo", "rep", "manager", "support", ""]),
                               st.sampled_from(["East", "West", "North", ""])), max_size=60),
       k=st.integers(1, 7))
def test_the_rule_from_counts_equals_the_row_by_row_rule(rows, k):
    roles = [r for r, _ in rows]
    teams = [t for _, t in rows]
    assert anonymise_rows(roles, teams, k) == _rows_one_by_one(roles, teams, k)


def test_a_chunk_is_anonymised_by_the_whole_file_s_counts():
    from collections import Counter

    from scoring.anonymity import anonymise, generalise

    roles = ["ceo"] + ["rep"] * 6 + ["manager"] * 5
    answers = parse_answers(_frame(roles, ["East"] * 12, 1), TEAM)
    whole = anonymise(answers, TEAM, 5)
    rule = generalise(Counter(zip(answers.role, answers.team, strict=True)), 5)
    for rows in (slice(0, 4), slice(4, 12)):
        mask = np.zeros(12, dtype=bool)
        mask[rows] = True
        part = anonymise(answers.take(mask), TEAM, 5, rule)
        assert part.role.tolist() == whole.role.tolist()[rows]
        assert part.team.tolist() == whole.team.tolist()[rows]
        assert part.values.equals(whole.values[mask].reset_index(drop=True))
    with pytest.raises(ValueError, match="not counted"):
        anonymise(answers, TEAM, 5, {})


def _first_leak_one_by_one(shown, groups, protected):
    """The leak test as first written, one least-squares solve per protected set: the
    reference the batched projection must equal."""
    released = np.array([groups[name] for name in shown])
    for target in protected:
        coefficients, *_ = np.linalg.lstsq(released.T, target, rcond=None)
        if np.abs(released.T @ coefficients - target).max() < 1e-9:
            return {name: float(c) for name, c in zip(shown, coefficients, strict=True)
                    if abs(c) > 1e-9}
    return None


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_the_batched_leak_test_finds_the_leak_one_solve_at_a_time_finds(data):
    """`_first_leak` projects every protected set onto the released groups' span at
    once; it must name the same first leak, with the same combination, as solving for
    each protected set in turn."""
    from scoring.anonymity import _first_leak

    cells = data.draw(st.integers(2, 9))
    vectors = data.draw(st.lists(st.lists(st.integers(0, 1), min_size=cells, max_size=cells),
                                 min_size=1, max_size=7))
    groups = {("g", str(i)): np.array(v, dtype=float) for i, v in enumerate(vectors)}
    shown = list(groups)
    singles = data.draw(st.lists(st.integers(0, cells - 1), max_size=5))
    pairs = data.draw(st.lists(st.tuples(st.integers(0, cells - 1), st.integers(0, cells - 1)),
                               max_size=5))
    unit = np.eye(cells)
    protected = [unit[i] for i in singles] + [unit[i] + unit[j] for i, j in pairs if i != j]
    mine = _first_leak(shown, groups, protected)
    theirs = _first_leak_one_by_one(shown, groups, protected)
    assert (mine is None) == (theirs is None)
    if mine is not None:
        assert mine.keys() == theirs.keys()
        assert all(mine[key] == pytest.approx(theirs[key]) for key in mine)
