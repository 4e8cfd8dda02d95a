"""Trend (Welch's t), response quality, reliability and the statistics behind them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from scoring import score
from scoring.stats import betainc, cronbach_alpha, welch_t


@settings(max_examples=100, deadline=None)
@given(a=st.lists(st.integers(0, 400), min_size=2, max_size=30),
       b=st.lists(st.integers(0, 400), min_size=2, max_size=30))
def test_welch_matches_scipy(a, b):
    # scores are multiples of 0.25 (a 1-5 Likert item is 0, 25, ... 100)
    a, b = [x / 4 for x in a], [x / 4 for x in b]
    mine = welch_t(np.array(a), np.array(b))
    if np.var(a) == 0 or np.var(b) == 0:
        if np.var(a) == 0 and np.var(b) == 0:
            assert mine.p_value == (1.0 if np.mean(a) == np.mean(b) else 0.0)
        return  # scipy warns on constant samples
    theirs = scipy_stats.ttest_ind(b, a, equal_var=False)
    assert mine.t == pytest.approx(theirs.statistic, rel=1e-9, abs=1e-9)
    assert mine.p_value == pytest.approx(theirs.pvalue, rel=1e-6, abs=1e-12)


@pytest.mark.parametrize(("a", "b", "x"), [(0.5, 0.5, 0.3), (2, 3, 0.7), (10, 0.5, 0.99),
                                           (30, 0.5, 0.2)])
def test_incomplete_beta_matches_scipy(a, b, x):
    from scipy.special import betainc as scipy_betainc

    assert betainc(a, b, x) == pytest.approx(scipy_betainc(a, b, x), rel=1e-10)


def test_welch_needs_two_per_side():
    assert welch_t(np.array([1.0]), np.array([1.0, 2.0])).p_value is None


def test_trend_without_any_spread_is_json_safe(mini, from_rows):
    import json

    before = from_rows(mini, [{"tm_a": 2} for _ in range(3)])
    after = from_rows(mini, [{"tm_a": 4} for _ in range(3)])
    r = score(after, mini, previous=before)
    assert r.trend[0].t is None and r.trend[0].p_value == 0.0 and r.trend[0].real is True
    json.dumps(r.to_dict(), allow_nan=False)


def test_trend_real_change_and_noise(mini, from_rows):
    before = from_rows(mini, [{"tm_a": v, "tal_a": v} for v in (2, 2, 3, 2, 3, 2)])
    after = from_rows(mini, [{"tm_a": v, "tal_a": w} for v, w in
                             ((5, 3), (4, 2), (5, 2), (4, 3), (5, 2), (4, 3))])
    r = score(after, mini, previous=before)
    trend = {t.dimension: t for t in r.trend}
    tm = trend["bucket.target_market"]
    assert tm.change == pytest.approx(tm.current - tm.previous) and tm.change > 40
    assert tm.real is True and tm.p_value < 0.001
    talent = trend["bucket.talent"]
    assert talent.real is False and talent.p_value > 0.05
    assert tm.n_previous == 6 and tm.n_current == 6


def test_trend_leaves_out_dimensions_hidden_in_either_round(mini, from_rows):
    before = from_rows(mini, [{"tm_a": 3} for _ in range(2)] + [{"tal_a": 3}] * 3)
    after = from_rows(mini, [{"tm_a": 4, "tal_a": 4} for _ in range(5)])
    r = score(after, mini, previous=before)
    assert [t.dimension for t in r.trend] == ["bucket.talent"]


def test_previous_round_on_an_older_version_is_mapped_through_lineage(mini):
    import dataclasses
    from types import MappingProxyType

    import pandas as pd

    from scoring import parse_answers

    newer = dataclasses.replace(mini, version=2,
                                lineage=MappingProxyType({"old_tm": "tm_a", "gone": None}))
    old = pd.DataFrame({"old_tm": ["1", "2", "1"], "gone": ["x", "y", "z"]})
    before = parse_answers(old, newer, apply_lineage=True)
    assert before.values["tm_a"].tolist() == [1.0, 2.0, 1.0]
    now = parse_answers(pd.DataFrame({"tm_a": ["5", "4", "5"]}), newer)
    r = score(now, newer, previous=before)
    assert r.trend[0].dimension == "bucket.target_market" and r.trend[0].change > 50


def test_straight_lining_and_fast_completion_are_flagged_not_dropped(mini, from_rows):
    same = {"tm_a": 3, "tm_b": 3, "tal_a": 3, "cu_a": 3, "fb_a": 3}
    varied = {"tm_a": 4, "tm_b": 2, "tal_a": 5, "cu_a": 3, "fb_a": 4}
    records = [{**same, "respondent": "s1"}, {**varied, "respondent": "v1"},
               {**varied, "respondent": "f1", "duration_seconds": 4},
               {**varied, "respondent": "v2", "duration_seconds": 60}]
    r = score(from_rows(mini, records), mini)
    assert r.quality.straight_lining == 1 and r.quality.too_fast == 1
    assert set(r.quality.flagged) == {"s1", "f1"}
    assert r.respondents == 4 and r.dimension("bucket.talent").n == 4


def test_cronbach_alpha_by_hand():
    items = np.array([[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 4]], dtype=float)
    k = 3
    expected = k / (k - 1) * (1 - items.var(axis=0, ddof=1).sum()
                              / items.sum(axis=1).var(ddof=1))
    assert cronbach_alpha(items) == pytest.approx(expected)
    assert cronbach_alpha(np.ones((5, 3))) is None


def test_reliability_reported_once_enough_answered(mini, from_rows):
    few = from_rows(mini, [{"tm_a": v, "tm_b": 6 - v} for v in (1, 2, 3)])
    assert score(few, mini).reliability[0].alpha is None  # alpha_min_n is 4
    many = from_rows(mini, [{"tm_a": v, "tm_b": 6 - v} for v in (1, 2, 3, 4, 5, 3)])
    rel = score(many, mini).reliability[0]
    assert rel.dimension == "bucket.target_market" and rel.items == 2 and rel.n == 6
    assert rel.alpha == pytest.approx(1.0)  # tm_b is tm_a reversed: perfectly consistent
