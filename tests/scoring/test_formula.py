"""The normative formula on small hand-computed cases (DESIGN.md "Scoring")."""

from __future__ import annotations

import statistics

import numpy as np
import pytest

from scoring import score
from scoring.core import item_scores


def test_likert_reverse_and_number_scales(mini, from_rows):
    a = from_rows(mini, [{"tm_a": 5, "tm_b": 2, "pr_gap": 7},
                         {"tm_a": 1, "tm_b": 5, "pr_gap": 30},
                         {"tm_a": 3, "tm_b": 1, "pr_gap": 0}])
    items = item_scores(a, mini)
    cols = list(a.values.columns)
    tm_a, tm_b, gap = cols.index("tm_a"), cols.index("tm_b"), cols.index("pr_gap")
    assert items[:, tm_a].tolist() == [100.0, 0.0, 50.0]
    assert items[:, tm_b].tolist() == [75.0, 0.0, 100.0]  # reverse: 100 - 100*(v-1)/4
    # 7 days lies between (5, 100) and (10, 40); 30 is clamped to the last point's 0
    assert items[:, gap].tolist() == [pytest.approx(76.0), 0.0, 100.0]


def test_respondent_weighted_mean_team_mean_sd_and_roll_up(mini, from_rows):
    a = from_rows(mini, [
        {"tm_a": 5, "tm_b": 2, "tal_a": 2, "fb_a": 4},
        {"tm_a": 3, "tal_a": 4},
        {"fb_a": 2},
    ])
    r = score(a, mini, min_group_size=1)
    tm = r.dimension("bucket.target_market")
    first = (2 * 100 + 1 * 75) / 3  # tm_a weight 2, tm_b weight 1 (reversed)
    second = 50.0  # tm_b skipped: only tm_a counts
    assert tm.score == pytest.approx((first + second) / 2)
    assert tm.n == 2  # the third respondent has no target-market score
    assert tm.sd == pytest.approx(statistics.stdev([first, second]))
    talent = r.dimension("bucket.talent")
    assert talent.score == pytest.approx((25 + 75) / 2)
    belief = r.dimension("foundation.belief")
    assert belief.score == pytest.approx(50.0) and belief.n == 2
    desire = r.dimension("foundation.desire")
    assert desire.score is None and desire.n == 0 and desire.sd is None
    bucket = r.group("bucket")
    assert bucket.score == pytest.approx((tm.score * 2 + talent.score * 1) / 3)
    foundation = r.group("foundation")
    assert foundation.score == pytest.approx(belief.score)  # only dimension with a score
    assert r.group("culprit").score is None
    # overall: weighted by group weight over the groups that have a score (0.5 and 0.2)
    assert r.overall.score == pytest.approx((bucket.score * 0.5 + foundation.score * 0.2) / 0.7)
    assert r.overall.band == mini.band(r.overall.score)


def test_sd_is_null_for_a_single_respondent(mini, from_rows):
    r = score(from_rows(mini, [{"tm_a": 4}]), mini, min_group_size=1)
    assert r.dimension("bucket.target_market").sd is None


# A band is read from the score as displayed (whole points, halves up): 69.5 prints as
# 70 and is healthy; 49.4 prints as 49 and is critical.
@pytest.mark.parametrize(("value", "band"), [(70.0, "healthy"), (69.5, "healthy"),
                                             (69.49, "watch"), (50.0, "watch"),
                                             (49.6, "watch"), (49.4, "critical"),
                                             (0.0, "critical")])
def test_band_is_first_entry_whose_min_is_not_above(mini, value, band):
    assert mini.band(value) == band


def test_floats_kept_at_full_precision(mini, from_rows):
    a = from_rows(mini, [{"tm_a": 5, "tm_b": 2}, {"tm_a": 4, "tm_b": 3},
                         {"tm_a": 2, "tm_b": 4}])
    r = score(a, mini)
    expected = np.mean([(200 + 75) / 3, (150 + 50) / 3, (50 + 25) / 3])
    assert r.dimension("bucket.target_market").score == expected
    assert r.to_dict()["dimensions"][0]["score"] == expected


def test_free_text_is_never_scored(mini, from_rows):
    a = from_rows(mini, [{"tm_a": 5, "open_note": "5"}])
    assert "open_note" not in a.values.columns
    assert a.texts["open_note"].tolist() == ["5"]
