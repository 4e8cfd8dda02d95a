"""A round is scored from its tally (`scoring.tally`): sums that join chunk by chunk, so
that a large round is read a chunk at a time and the next release adds only what is new."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaires import load
from scoring import parse_answers, score, score_views
from scoring.engine import _median
from scoring.stats import Moments
from scoring.synthetic import synthetic_answers
from scoring.tally import tally

Q = load("team-ecosystem", 2)


def _chunks(answers, sizes):
    start = 0
    for size in sizes:
        yield answers.take(np.isin(np.arange(len(answers)), np.arange(start, start + size)))
        start += size


@pytest.mark.parametrize("k", [3, 5])
def test_chunks_tallied_apart_and_added_score_as_the_whole(k, same_numbers):
    """However a round is cut into chunks and in whatever order they are added, its
    result is the result of all its answers at once: every figure, label and flag, and
    every hidden group."""
    frame = synthetic_answers(Q, 230, seed=21, teams=["East", "West", "North"], with_text=True)
    frame["duration_seconds"] = [str(30 + 7 * i % 900) for i in range(len(frame))]
    answers = parse_answers(frame, Q)
    before = parse_answers(synthetic_answers(Q, 90, seed=22, teams=["East"]), Q)
    whole = score_views(answers, Q, by=("role", "team"), previous=before, min_group_size=k)
    parts = [tally(part, Q) for part in _chunks(answers, [1, 60, 0, 7, 100, 62])]
    joined = parts[3] + parts[0] + parts[5] + parts[2] + parts[1] + parts[4]
    assert len(joined) == len(answers)
    by_parts = score_views(joined, Q, by=("role", "team"), previous=tally(before, Q),
                           min_group_size=k)
    for view in ("role", "team"):
        same_numbers(by_parts[view].to_dict(), whole[view].to_dict())
    assert joined.texts == tally(answers, Q).texts
    assert any(joined.texts.values())
    assert sum(r.quality.too_fast for r in whole.values()) > 0


def test_a_tally_holds_no_answer_of_anyone():
    """What a tally keeps of the answers: sums per cell (role x team), counts per answer
    value and question, and the free text, sorted: nothing in the order answers came."""
    answers = parse_answers(synthetic_answers(Q, 50, seed=3, teams=["East", "West"],
                                              with_text=True), Q)
    kept = tally(answers, Q)
    reversed_ = tally(answers.take(np.ones(len(answers), dtype=bool))._rows(
        lambda obj: obj.iloc[::-1].reset_index(drop=True)), Q)
    assert kept.cells == reversed_.cells
    assert kept.texts == reversed_.texts and kept.flagged == reversed_.flagged
    for texts in kept.texts.values():
        assert list(texts) == sorted(texts) and "" not in texts
    assert kept.dimensions.n.shape == (len(kept.cells), len(Q.dimensions))


def test_tallies_of_two_questionnaires_do_not_add():
    one = tally(parse_answers(synthetic_answers(Q, 5, seed=1), Q), Q)
    other_q = load("team-ecosystem", 1)
    other = tally(parse_answers(synthetic_answers(other_q, 5, seed=1), other_q), other_q)
    with pytest.raises(ValueError, match="do not add up"):
        one + other


def test_an_empty_tally_adds_nothing(same_numbers):
    answers = parse_answers(synthetic_answers(Q, 40, seed=4), Q)
    nothing = tally(answers.take(np.zeros(len(answers), dtype=bool)), Q)
    assert len(nothing) == 0
    same_numbers(score(nothing + tally(answers, Q), Q, by="role").to_dict(),
                 score(answers, Q, by="role").to_dict())


values = st.lists(st.one_of(st.floats(-1e4, 1e4, allow_nan=False), st.just(np.nan)),
                  min_size=0, max_size=40)


@settings(max_examples=60, deadline=None)
@given(a=values, b=values)
def test_moments_joined_are_the_moments_of_the_union(a, b):
    both = np.array(a + b, dtype=float)
    joined = Moments.of(np.array(a, dtype=float)[:, None]) + Moments.of(
        np.array(b, dtype=float)[:, None])
    present = both[~np.isnan(both)]
    assert int(joined.n[0]) == len(present)
    if len(present):
        assert joined.mean[0] == pytest.approx(present.mean(), rel=1e-9, abs=1e-6)
    if len(present) >= 2:
        assert joined.sd[0] == pytest.approx(present.std(ddof=1), rel=1e-6, abs=1e-6)
    else:
        assert np.isnan(joined.sd[0])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=1, max_size=60))
def test_the_median_from_counts_is_numpys(cells):
    values, counts = np.unique(np.array(cells, dtype=float), return_counts=True)
    assert _median(values, counts.astype(float)) == np.median(np.array(cells, dtype=float))


def test_cells_by_group_sum_to_the_whole():
    rng = np.random.default_rng(5)
    data = rng.normal(50, 20, size=(300, 4))
    data[rng.random(data.shape) < 0.2] = np.nan
    ids = rng.integers(0, 6, size=300)
    cells = Moments.by_group(ids, 6, data)
    whole = cells.pooled(slice(None))
    frame = pd.DataFrame(data)
    assert whole.n.tolist() == frame.count().tolist()
    np.testing.assert_allclose(whole.mean, frame.mean().to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(whole.sd, frame.std(ddof=1).to_numpy(), rtol=1e-9)
