"""Exports are inert: no cell a respondent wrote can run as a formula (OWASP CSV injection).

The CSV and the XLSX come from the same table (`answers_io`), so both are checked
against one round whose team names and free text start with every trigger.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from assess.answers_io import FORMULA_TRIGGERS, answers_rows, inert, write_answers_csv
from assess.console.xlsx import write_answers_xlsx
from questionnaires import load
from scoring import Answers
from scoring.text import printable

WEB_QUESTIONNAIRES = Path(__file__).parent / "questionnaires"
NUMBER_COLUMNS = ["tm_customers", "tm_why_us", "be_mission", "ex_process", "so_crm", "so_gap"]
PAYLOADS = {  # a team name and a free-text answer for each trigger
    "=": ("=1+1", '=HYPERLINK("http://evil.test","x")'),
    "+": ("+East", "+cmd|' /C calc'!A0"),
    "-": ("-West", "-2+3"),
    "@": ("@North", "@SUM(1+1)*cmd|' /C calc'!A0"),
    "\t": ("\tSouth", "\t=1+1"),
    "\r": ("\rCentral", "\r=1+1"),
    "mid": ("Mid\r=1+1", "fine\r=1+1\r\n@2"),  # a new line must not start a new row
}


def _store(app, round_id: int, rows: list[tuple[str, str, dict]]) -> None:
    """Responses written as a survey or an import would leave them (no form stripping)."""
    from assess.console.releases import after_new_responses
    from assess.extensions import db
    from assess.models import Response

    with app.app_context():
        db.session.add_all(Response(round_id=round_id, role=role, team=team, answers=answers)
                           for role, team, answers in rows)
        after_new_responses(round_id)  # as the survey and the import do
        db.session.commit()


def _export(app, round_id: int, fmt: str) -> bytes:
    from assess.console import exporting

    with app.app_context():
        return exporting.round_export(round_id, fmt)


def _unescape(text: str) -> str:
    """OOXML writes control characters as _xHHHH_ (Excel reads them back; openpyxl not)."""
    return re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), text)


@pytest.fixture
def hostile_round(app, make_round) -> int:
    """Three respondents per hostile team (k = 3, so no team is blanked)."""
    r = make_round(min_group_size=3)
    rows = []
    for i, (team, text) in enumerate(PAYLOADS.values()):
        for j in range(3):
            rows.append(("rep", team, {"tm_customers": 1 + (i + j) % 5, "tm_why_us": 4,
                                       "so_gap": 10 * j, "open_change": text}))
    _store(app, r.id, rows)
    return r.id


def test_csv_export_neutralises_every_trigger(app, hostile_round):
    table = list(csv.reader(io.StringIO(_export(app, hostile_round, "csv").decode("utf-8"),
                                        newline="")))
    header, body = table[0], table[1:]
    assert len(body) == 3 * len(PAYLOADS)
    team, text = header.index("team"), header.index("open_change")
    # Validation strips cells, so "\tSouth" leaves as "South" and "\t=1+1" as "'=1+1";
    # a team is one line, so its inner "\r" leaves as a space (scoring.text).
    assert {row[team] for row in body} == {inert(printable(t.strip(), multiline=False))
                                           for t, _ in PAYLOADS.values()}
    assert {row[text] for row in body} == {inert(x.strip()) for _, x in PAYLOADS.values()}
    assert "Mid =1+1" in {row[team] for row in body}
    assert "'=1+1" in {row[team] for row in body} and "'-2+3" in {row[text] for row in body}
    for row in body:
        assert not any(cell.startswith(FORMULA_TRIGGERS) for cell in row), row
        for key in NUMBER_COLUMNS:
            cell = row[header.index(key)]
            assert cell == "" or cell.isdigit(), (key, cell)  # answers are plain numbers


def test_xlsx_export_has_no_formula_and_numeric_answers(app, hostile_round):
    data = _export(app, hostile_round, "xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "answers"
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    for row in rows:
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            assert not (isinstance(cell.value, str) and cell.value.startswith("=")), cell.value
            if isinstance(cell.value, str):
                assert not cell.value.startswith(FORMULA_TRIGGERS), cell.value
    for row in rows[1:]:
        for key in ("tm_customers", "tm_why_us", "so_gap"):
            cell = row[header.index(key)]
            assert cell.data_type == "n" and isinstance(cell.value, int | float), cell
    # The same table as the CSV, cell for cell.
    table = list(csv.reader(io.StringIO(_export(app, hostile_round, "csv").decode("utf-8"),
                                        newline="")))
    as_text = [["" if cell.value is None else _unescape(str(cell.value)) for cell in row]
               for row in rows]
    assert as_text == table


def test_below_threshold_export_is_refused_in_every_format(app, make_round):
    from assess.console import exporting
    from assess.errors import BelowThreshold

    r = make_round(min_group_size=3)
    _store(app, r.id, [("rep", "East", {"tm_why_us": 4})] * 2)
    with app.app_context():
        for fmt in exporting.FORMATS:
            with pytest.raises(BelowThreshold):
                exporting.round_export(r.id, fmt)


# --------------------------------------------------------------------------- no app


def test_inert_prefixes_only_formula_triggers():
    for trigger in FORMULA_TRIGGERS:
        assert inert(trigger + "x") == "'" + trigger + "x"
    for safe in ("", "East", "more time", "'=already quoted", " =1", "1-2"):
        assert inert(safe) == safe


def _answers(q, **values: list[float]) -> Answers:
    n = len(next(iter(values.values())))
    text = pd.Series(["-dash", "\t=1+1", "\r@x"][:n], dtype=object)
    return Answers(q.key, q.version,
                   values=pd.DataFrame(values, dtype=float),
                   dont_know=pd.DataFrame({k: [False] * n for k in values}),
                   texts=pd.DataFrame({"open_change": text}, dtype=object),
                   respondent=pd.Series([f"p{i}" for i in range(n)], dtype=object),
                   role=pd.Series(["rep"] * n, dtype=object),
                   team=pd.Series(["+Team"] * n, dtype=object),
                   duration=pd.Series([float("nan")] * n))


def test_negative_and_fractional_numbers_stay_numbers():
    """A negative answer is a number, not text: neither quoted in CSV nor a string in XLSX."""
    q = load("web-team", 1, WEB_QUESTIONNAIRES)
    answers = _answers(q, tm_customers=[-2.0, 4.0, float("nan")], so_gap=[2.5, -0.5, 7.0])
    rows = list(answers_rows(answers, q))
    assert rows[0] == ("respondent", "role", "team", "tm_customers", "so_gap", "open_change")
    assert rows[1] == ("p0", "rep", "'+Team", -2.0, 2.5, "'-dash")
    assert rows[3][3] is None
    lines = write_answers_csv(answers, q).split("\r\n")
    assert lines[1:] == ["p0,rep,'+Team,-2,2.5,'-dash", "p1,rep,'+Team,4,-0.5,'\t=1+1",
                         "p2,rep,'+Team,,7,\"'\r@x\"", ""]
    sheet = load_workbook(io.BytesIO(write_answers_xlsx(answers, q))).active
    assert [cell.value for cell in sheet[2]] == ["p0", "rep", "'+Team", -2, 2.5, "'-dash"]
    assert sheet["D2"].data_type == "n" and sheet["E3"].value == -0.5
    assert sheet["D4"].value is None  # skipped stays empty


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.text(alphabet=st.sampled_from('a1 ,"\r\n\t=é\u202e'), max_size=6),
                         min_size=2, max_size=5), min_size=1, max_size=6))
def test_csv_rows_are_what_csv_writer_writes(rows):
    """The export joins its cells itself (a chunk at a time, quoting only the columns that
    need it): byte for byte what csv.writer (QUOTE_MINIMAL, CRLF) writes for any cells."""
    from assess.answers_io import _csv_column, csv_rows

    width = min(len(row) for row in rows)
    rows = [row[:width] for row in rows]
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\r\n").writerows(rows)
    columns = [_csv_column([row[j] for row in rows]) for j in range(width)]
    assert csv_rows(columns) == expected.getvalue()


def test_the_csv_writes_the_same_cells_as_the_rows_every_format_shares():
    """The CSV formats its numbers by lookup (a chunk's distinct values formatted once):
    the file is still the shared rows (`answers_rows`) written by csv.writer, "Don't
    know", skipped, negative, fractional and tiny numbers included."""
    q = load("web-team", 1, WEB_QUESTIONNAIRES)
    answers = _answers(q, tm_customers=[-2.0, float("nan"), 3.0],
                       so_gap=[2.5, 1e-05, float("nan")])
    answers.dont_know.loc[1, "tm_customers"] = True
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\r\n").writerows(
        ["" if cell is None else cell if isinstance(cell, str)
         else str(int(cell)) if cell.is_integer() else repr(cell) for cell in row]
        for row in answers_rows(answers, q))
    written = write_answers_csv(answers, q)
    assert written == expected.getvalue()
    assert written.split("\r\n")[2] == "p1,rep,'+Team,dk,1e-05,'\t=1+1"
