"""Suppression: no group under the threshold is shown or derivable by subtraction."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import score
from scoring.anonymity import suppressed_keys


def test_primary_suppression():
    assert suppressed_keys({"a": 10, "b": 7, "c": 6}, 5) == set()
    assert suppressed_keys({"a": 10, "b": 4, "c": 2, "d": 6}, 5) == {"b", "c"}


def test_single_hidden_group_gets_a_complement():
    # Total minus the shown groups would reveal "b" alone: hide the smallest shown too.
    assert suppressed_keys({"a": 10, "b": 2, "c": 6}, 5) == {"b", "c"}


def test_hidden_groups_together_under_threshold_get_a_complement():
    assert suppressed_keys({"a": 10, "b": 1, "c": 2, "d": 8}, 5) == {"b", "c", "d"}


def test_primary_keys_count_toward_the_remainder():
    assert suppressed_keys({"a": 10, "b": 6, "c": 7}, 5, primary={"b"}) == {"b"}
    assert suppressed_keys({"a": 10, "b": 6, "c": 2}, 5, primary=set()) == {"c", "b"}


@settings(max_examples=300, deadline=None)
@given(counts=st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=7),
       k=st.integers(min_value=2, max_value=8))
def test_no_hidden_group_under_k_can_be_derived(counts, k):
    groups = {f"g{i}": n for i, n in enumerate(counts)}
    hidden = suppressed_keys(groups, k)
    assert all(key in hidden for key, n in groups.items() if 0 < n < k)
    remainder = sum(groups[key] for key in hidden)
    # when the whole total is under k the engine hides the total too (below_threshold)
    assert remainder == 0 or remainder >= k or sum(counts) < k


def _dimension_cells(result):
    return {(seg.key, d.key): d for seg in result.segments if not seg.suppressed
            for d in seg.dimensions}


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.integers(min_value=0, max_value=7), min_size=2, max_size=4))
def test_segments_never_reveal_a_small_group(mini, sizes):
    import pandas as pd

    from scoring import parse_answers

    roles = ["rep", "manager", "support", "operations"]
    records = []
    for role, size in zip(roles, sizes, strict=False):
        records += [{"role": role, "tm_a": str(1 + i % 5), "tal_a": "3"} for i in range(size)]
    if not records:
        return
    a = parse_answers(pd.DataFrame(records, dtype=object), mini)
    r = score(a, mini, by="role")
    k = mini.min_group_size
    if len(records) < k:
        assert r.below_threshold and r.segments == ()
        return
    for seg in r.segments:
        if seg.n < k:
            assert seg.suppressed and seg.overall is None
    for dim_key in ("bucket.target_market", "bucket.talent"):
        shown = [(s.key, d.n) for s in r.segments if not s.suppressed
                 for d in s.dimensions if d.key == dim_key and not d.suppressed and d.n]
        total = r.dimension(dim_key).n
        remainder = total - sum(n for _, n in shown)
        assert remainder == 0 or remainder >= k
        assert all(n >= k for _, n in shown)


def test_whole_round_under_threshold_shows_nothing(mini, from_rows):
    r = score(from_rows(mini, [{"tm_a": 5, "role": "rep"}, {"tm_a": 1, "role": "rep"}]), mini,
              by="role")
    assert r.below_threshold
    assert r.overall.score is None and all(d.score is None for d in r.dimensions)
    assert r.root_causes == () and r.fixes == () and r.items == ()
    doc = r.to_dict()
    assert doc["overall"]["score"] is None


def test_dimension_and_item_under_threshold_are_hidden(mini, from_rows):
    # pr_lead is asked only of leaders/managers: two managers answered it.
    records = [{"role": "rep", "tm_a": 4, "pr_gap": 3} for _ in range(4)]
    records += [{"role": "manager", "tm_a": 2, "pr_lead": 5, "pr_gap": 3} for _ in range(2)]
    r = score(from_rows(mini, records), mini)
    assert r.item("pr_lead").suppressed and r.item("pr_lead").score is None
    assert not r.item("tm_a").suppressed
    only_two = from_rows(mini, [{"role": "manager", "pr_lead": 5} for _ in range(2)]
                         + [{"role": "rep", "tm_a": 4} for _ in range(3)])
    r2 = score(only_two, mini)
    cadence = r2.dimension("process.cadence")
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
