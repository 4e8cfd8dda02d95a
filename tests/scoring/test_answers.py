"""The answers-CSV contract: bad cells are named by line and column, nothing imported."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import Answers, AnswersError, parse_answers, validate_record


def parse(q, header, *rows):
    frame = pd.DataFrame([r.split(",") for r in rows], columns=header.split(","), dtype=object)
    return parse_answers(frame, q)


@pytest.mark.parametrize(("header", "row", "message"), [
    ("respondent,tm_a,bogus", "r1,3,1", "line 1, column 'bogus': unknown column"),
    ("respondent,tm_a", "r1,6", "line 2, column 'tm_a': 6 is outside the scale 1..5"),
    ("respondent,tm_a", "r1,0", "line 2, column 'tm_a': 0 is outside the scale 1..5"),
    ("respondent,tm_a", "r1,three", "line 2, column 'tm_a': 'three' is not a number"),
    ("respondent,tm_a", "r1,2.5", "line 2, column 'tm_a': 2.5 is not a whole point"),
    ("respondent,role,tm_a", "r1,boss,2", "line 2, column 'role': unknown role 'boss'"),
    ("respondent,pr_gap", "r1,-1", "line 2, column 'pr_gap': -1 is outside the scale 0..90"),
    ("respondent,tm_a", "r1,inf", "line 2, column 'tm_a'"),
    ("respondent,tm_a", "r1,nan", "line 2, column 'tm_a'"),
    ("respondent,tm_a,duration_seconds", "r1,3,fast", "column 'duration_seconds'"),
    ("respondent,open_note", "r1,hello", "no column is a scored question"),
])
def test_bad_cells_are_named(mini, header, row, message):
    with pytest.raises(AnswersError) as err:
        parse(mini, header, row)
    assert message in str(err.value)


@pytest.mark.parametrize(("header", "row", "start"), [
    ("respondent,role,tm_a", f"r1,{'b' * 200_000},2", "unknown role 'bbbb"),
    ("respondent,tm_a", f"r1,{'x' * 50_000}", "'xxxx"),
    ("respondent,tm_a", f"r1,{'7' * 5_000}", "7777"),
    (f"respondent,tm_a,{'c' * 100_000}", "r1,3,1", "line 1, column 'cccc"),
])
def test_a_huge_value_is_named_by_its_start_and_length(mini, header, row, start):
    """A message stays one readable line whatever was sent (CLI, import page)."""
    with pytest.raises(AnswersError) as err:
        parse(mini, header, row)
    message = str(err.value)
    assert start in message and "characters)" in message
    assert len(message) < 300, message[:300]


def test_error_names_the_right_line(mini):
    with pytest.raises(AnswersError, match="line 4, column 'tm_a'"):
        parse(mini, "tm_a", "1", "2", "9")


def test_duplicate_column(mini):
    frame = pd.DataFrame([["1", "2"]], columns=["tm_a", "tm_a"], dtype=object)
    with pytest.raises(AnswersError, match="more than once"):
        parse_answers(frame, mini)


def test_empty_cells_are_skipped_and_values_parsed(mini):
    a = parse(mini, "respondent,role,team,tm_a,pr_gap,open_note", "r1,rep,East,,12,hi",
              "r2,,,4,,")
    assert a.values["tm_a"].isna().tolist() == [True, False]
    assert a.values["pr_gap"].tolist()[0] == 12.0
    assert a.role.tolist() == ["rep", ""] and a.team.tolist() == ["East", ""]
    assert a.texts["open_note"].tolist() == ["hi", ""]


def test_answers_from_records_validates_like_the_csv(mini):
    a = Answers.from_records([{"tm_a": 5, "role": "rep"}, {"tm_a": None}], mini)
    assert a.values["tm_a"].tolist()[0] == 5.0 and len(a) == 2
    with pytest.raises(AnswersError, match="column 'tm_a'"):
        Answers.from_records([{"tm_a": 7}], mini)
    with pytest.raises(AnswersError, match="unknown column"):
        Answers.from_records([{"nope": 1}], mini)


CELLS = ["", "1", "3", "5", "0", "6", "2.5", "x", "nan", "inf", "-1", "7", "90", "91", " 4 "]


@settings(max_examples=200, deadline=None)
@given(tm=st.sampled_from(CELLS), gap=st.sampled_from(CELLS),
       role=st.sampled_from(["", "rep", "boss"]))
def test_single_record_validator_agrees_with_the_csv_validator(mini, tm, gap, role):
    record = {"tm_a": tm, "pr_gap": gap, "role": role}
    problems = validate_record(record, mini)
    try:
        Answers.from_records([record], mini)
        rejected = None
    except AnswersError as exc:
        rejected = exc
    assert bool(problems) == (rejected is not None)
    if rejected is not None:
        assert rejected.column in problems
        assert problems[rejected.column] in str(rejected)


def test_single_record_validator_names_unknown_keys(mini):
    assert validate_record({"nope": 1, "open_note": "fine"}, mini) == {
        "nope": "unknown column (not a question of mini-team@1)"}


@pytest.mark.parametrize(("column", "cell", "problem"), [
    ("team", "East\x1b[31m", "U+001B"),
    ("team", "East\nWest", "a line break"),
    ("respondent", "r\x00", "U+0000"),
    ("open_note", "fine\x07", "U+0007"),
    ("open_note", "\u202eevil", "U+202E"),
])
def test_text_cells_follow_the_text_rule(mini, column, cell, problem):
    rows = [{"respondent": "r1", "team": "East", "tm_a": "3", "open_note": "ok"},
            {"respondent": "r2", "team": "East", "tm_a": "4", "open_note": "ok"}]
    rows[1][column] = cell
    with pytest.raises(AnswersError, match=f"line 3, column '{column}': .*{re.escape(problem)}"):
        parse_answers(pd.DataFrame(rows, dtype=object), mini)


def test_what_text_may_hold_in_a_cell(mini):
    note = "Zwei Zeilen\nund ein Tab\tsind gut; 日本語, עברית, a\u200db"
    a = parse_answers(pd.DataFrame([{"team": "Équipe Est", "tm_a": "3", "open_note": note}],
                                   dtype=object), mini)
    assert a.texts["open_note"].tolist() == [note] and a.team.tolist() == ["Équipe Est"]


def test_stored_text_from_before_the_rule_comes_out_clean(mini):
    a = Answers.from_records([{"tm_a": 3, "team": "East\x1b[31m\nWest",
                               "open_note": "ok\x00\x1b[2J then\nmore"}], mini)
    assert a.team.tolist() == ["East[31m West"]
    assert a.texts["open_note"].tolist() == ["ok[2J then\nmore"]
