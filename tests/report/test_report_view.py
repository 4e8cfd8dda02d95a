"""The team report's view model: free text released only past a threshold, shuffled the
same way for a round and never by arrival; the summary names every critical cause; dates
and counts read as people write them."""

from __future__ import annotations

from datetime import date

import pandas as pd

from assess.present.formatting import fmt, period
from assess.present.report import comments_view, team_report_view


def test_comments_need_the_threshold_per_question():
    texts = {"many": [f"idea {i}" for i in range(10)] + ["", None],
             "few": ["only me", "and me", ""], "none": ["", ""]}
    view = comments_view(texts, threshold=10, seed="r1")
    assert [g.key for g in view.groups] == ["many"]
    assert view.groups[0].answered == 10 and view.withheld == 1
    assert comments_view(texts, threshold=2, seed="r1").withheld == 0


def test_comments_are_shuffled_by_the_round_not_by_arrival():
    answers = [f"comment number {i}" for i in range(30)]
    one = comments_view({"q": answers}, 5, seed="round 7", limit=None)
    again = comments_view({"q": list(reversed(answers))}, 5, seed="round 7", limit=None)
    other = comments_view({"q": answers}, 5, seed="round 8", limit=None)
    order = [c.text for c in one.groups[0].comments]
    assert order == [c.text for c in again.groups[0].comments]  # arrival order is gone
    assert order != [c.text for c in other.groups[0].comments]
    assert order != answers and sorted(order) == sorted(answers)


def test_identical_comments_print_once_with_a_count_and_the_limit_holds():
    answers = ["More time with customers."] * 7 + ["more time with  customers."] + \
        [f"other {i}" for i in range(20)]
    group = comments_view(pd.DataFrame({"q": answers}), 10, seed=1, limit=5).groups[0]
    assert group.answered == 28 and group.distinct == 21 and len(group.comments) == 5
    full = comments_view({"q": answers}, 10, seed=1, limit=None).groups[0]
    same = [c for c in full.comments if c.text.casefold().startswith("more time")]
    assert len(same) == 1 and same[0].count == 8


def test_comment_texts_carry_no_metadata():
    frame = pd.DataFrame({"open": ["  A   thought\n", "Another"] * 5})
    group = comments_view(frame, 10, seed=0).groups[0]
    assert {c.text for c in group.comments} == {"A thought", "Another"}


def test_fieldwork_period_and_counts_read_naturally():
    assert period(date(2025, 9, 1), date(2025, 9, 19)) == "1–19 September 2025"
    assert period(date(2025, 8, 28), date(2025, 9, 19)) == "28 August – 19 September 2025"
    assert period(date(2025, 12, 12), date(2026, 1, 9)) == \
        "12 December 2025 – 9 January 2026"
    assert period(date(2025, 9, 3), date(2025, 9, 3)) == "3 September 2025"
    assert fmt(5000, "count") == "5,000"


def test_summary_keeps_top_causes_and_every_critical_one(team_demo):
    view = team_report_view(team_demo.q, team_demo.result,
                            previous_results=team_demo.previous_results)
    numbers = [f.number for f in view.summary]
    assert numbers[:3] == [1, 2, 3]
    assert all(f.critical for f in view.summary[3:])
    assert not any(f.critical for f in view.more)
    assert numbers == sorted(numbers)
    # every "why" once: a later cause of the same rule leaves it out
    seen = set()
    for f in view.causes:
        rule = team_demo.result.cause(f.cause.key).rule
        assert bool(f.cause.why) == (rule not in seen)
        seen.add(rule)


def test_comments_are_tidied_the_same_in_one_scan_or_one_by_one():
    """`comments_view` tidies a column of answers in one scan when all are tidy already;
    whatever the answers, the result is each answer tidied on its own."""
    import random

    from assess.present.report import _clean, _cleaned

    rng = random.Random(7)
    pieces = ["a", "b", " ", "  ", "\t", "\n", "\u00a0", "\u2003", "\x1f", "\x00", "é"]
    for _ in range(300):
        column = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
                  for _ in range(rng.randint(1, 5))] + [None, float("nan")]
        assert _cleaned(column) == [_clean(value) for value in column]
    tidy = ["Fewer meetings", "More time with customers"]
    assert _cleaned(tidy) == tidy


def test_segment_columns_write_large_counts_as_people_do():
    """A heat map's column heads read "n=1,250", as every other count in the report."""
    from questionnaires import load
    from scoring import parse_answers, score
    from scoring.synthetic import synthetic_answers

    q = load("team-ecosystem", 2)
    answers = parse_answers(synthetic_answers(q, 1250, seed=3, teams=["East", "West"]), q)
    view = team_report_view(q, score(answers, q, by="team"))
    [table] = view.segments.tables
    assert table.columns[0] == ("Everyone", "n=1,250")
    assert all(n == f"n={int(n[2:].replace(',', '')):,}" for _, n in table.columns)
