"""Properties that must hold for any answers (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaires import load
from scoring import parse_answers, score

TEAM = load("team-ecosystem", 1)
LIKERT = [q.key for q in TEAM.scored_questions if TEAM.scales[q.scale].type == "likert"]
NUMBER = [q.key for q in TEAM.scored_questions if TEAM.scales[q.scale].type == "number"]


@st.composite
def answer_frames(draw, min_size=5, max_size=15):
    n = draw(st.integers(min_size, max_size))
    keys = draw(st.lists(st.sampled_from(LIKERT), min_size=3, max_size=12, unique=True))
    cells = {key: [draw(st.sampled_from(["", "1", "2", "3", "4", "5"])) for _ in range(n)]
             for key in keys}
    for key in NUMBER:
        cells[key] = [draw(st.sampled_from(["", "0", "3", "7", "15", "40", "90"]))
                      for _ in range(n)]
    cells["role"] = [draw(st.sampled_from(["rep", "manager", "support", ""])) for _ in range(n)]
    return pd.DataFrame(cells, dtype=object)


def all_scores(result):
    yield result.overall.score
    yield from (g.score for g in result.groups)
    yield from (d.score for d in result.dimensions)
    yield from (s.overall.score for s in result.segments if s.overall)


@settings(max_examples=40, deadline=None)
@given(frame=answer_frames())
def test_scores_stay_within_0_and_100(frame):
    r = score(parse_answers(frame, TEAM), TEAM, by="role")
    assert all(0.0 <= s <= 100.0 for s in all_scores(r) if s is not None)


@settings(max_examples=30, deadline=None)
@given(frame=answer_frames(), seed=st.integers(0, 2**32 - 1))
def test_respondent_order_does_not_matter(frame, seed):
    shuffled = frame.sample(frac=1.0, random_state=np.random.RandomState(seed))
    a = score(parse_answers(frame, TEAM), TEAM, by="role").to_dict()
    b = score(parse_answers(shuffled.reset_index(drop=True), TEAM), TEAM, by="role").to_dict()
    for left, right in zip(a["dimensions"], b["dimensions"], strict=True):
        assert left["n"] == right["n"]
        if left["score"] is None:
            assert right["score"] is None
        else:
            assert np.isclose(left["score"], right["score"], rtol=1e-12)
    assert [c["key"] for c in a["root_causes"]] == [c["key"] for c in b["root_causes"]]
    assert [s.get("suppressed", False) for s in a["segments"]] == \
        [s.get("suppressed", False) for s in b["segments"]]


@settings(max_examples=40, deadline=None)
@given(frame=answer_frames(), data=st.data())
def test_raising_a_non_reversed_answer_never_lowers_its_dimension(frame, data):
    def scored(i, key):  # an answer from a role the question is not asked of is ignored
        return TEAM.question(key).asked_of(frame.at[i, "role"] or None) or \
            frame.at[i, "role"] == ""

    candidates = [(i, key) for key in frame.columns if key in LIKERT
                  and not TEAM.question(key).reverse
                  for i in range(len(frame)) if frame.at[i, key] not in ("", "5")
                  and scored(i, key)]
    if not candidates:
        return
    row, key = data.draw(st.sampled_from(candidates))
    raised = frame.copy()
    raised.at[row, key] = str(int(frame.at[row, key]) + 1)
    dim = TEAM.question(key).dimension
    before = score(parse_answers(frame, TEAM), TEAM, min_group_size=1).dimension(dim).score
    after = score(parse_answers(raised, TEAM), TEAM, min_group_size=1).dimension(dim).score
    assert after > before
