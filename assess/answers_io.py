"""Reading and writing the answers CSV (the contract in DESIGN.md).

The scoring engine validates cells; this module turns bytes into a frame of strings
and reports file-level problems (encoding, empty file, ragged rows) the same way. Going
out, `answers_rows` is the one table every export format writes, its text made inert.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from questionnaires import Questionnaire
from scoring import Answers, AnswersError, parse_answers
from scoring.answers import META_COLUMNS

MAX_CSV_BYTES = 200 * 1024 * 1024


def read_answers_csv(source: str | Path | bytes, q: Questionnaire, *,
                     apply_lineage: bool = False) -> Answers:
    """Parse and validate an answers CSV; AnswersError names the line and column."""
    if isinstance(source, bytes):
        raw = source
    else:
        path = Path(source)
        try:
            if path.stat().st_size > MAX_CSV_BYTES:
                raise AnswersError(f"{path} is larger than {MAX_CSV_BYTES // 2**20} MB")
            raw = path.read_bytes()
        except OSError as exc:
            raise AnswersError(f"cannot read {path}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise AnswersError("the file is not UTF-8 text; save it as 'CSV UTF-8'",
                           line=line) from None
    if not text.strip():
        raise AnswersError("the file is empty; expected a header row and one row per "
                           "respondent")
    _check_shape(text)
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                        skip_blank_lines=True)
    return parse_answers(frame, q, apply_lineage=apply_lineage)


def _check_shape(text: str) -> None:
    """Every row must have no more cells than the header (pandas would shift them)."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
        for row in reader:
            if len(row) > len(header):
                raise AnswersError(f"{len(row)} cells but the header has {len(header)}",
                                   line=reader.line_num)
    except csv.Error as exc:
        raise AnswersError(f"not a valid CSV: {exc}", line=reader.line_num) from None


# One exported cell: text (already made inert), an answer as a number, or None (skipped).
Cell = str | float | None

# OWASP's CSV-injection list: a spreadsheet reads a cell starting with one of these as
# a formula (or strips the tab/return first and then does).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """Text a spreadsheet shows and never runs: a leading formula trigger gets a quote.

    Roles, teams and free-text answers come from respondents; exported as-is, a team named
    `=HYPERLINK(...)` would run on the consultant's machine when the file is opened.
    """
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def answers_rows(answers: Answers, q: Questionnaire) -> Iterator[tuple[Cell, ...]]:
    """The header, then one row per respondent, question columns in questionnaire order.

    The one source of the CSV and the XLSX export: every text cell passes through
    `inert`; scored answers stay floats (a negative number is not text), skipped is None.
    """
    header = ["respondent", "role", "team"]
    columns: list[list[Cell]] = [
        [inert(text) for text in answers.respondent.tolist()],
        [inert(text) for text in answers.role.tolist()],
        [inert(text) for text in answers.team.tolist()],
    ]
    for question in q.questions:
        if question.key in answers.values.columns:
            numbers = answers.values[question.key].tolist()
            columns.append([None if number != number else number for number in numbers])
        elif question.key in answers.texts.columns:
            columns.append([inert(text) for text in answers.texts[question.key].tolist()])
        else:
            continue
        header.append(question.key)
    yield tuple(inert(name) for name in header)
    yield from zip(*columns, strict=True)


def _format_number(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def write_answers_csv(answers: Answers, q: Questionnaire) -> str:
    """The answers-CSV contract, with text cells made inert; "" is a skipped answer."""
    # Answers take few distinct values: format each once, then look cells up (a text
    # cell is never a key, so it passes through as it is).
    distinct = pd.unique(answers.values.to_numpy().ravel())
    as_text: dict[Cell, str] = {None: ""}
    as_text.update((value, _format_number(value)) for value in distinct.tolist()
                   if value == value)
    buffer = io.StringIO()
    # CRLF rows (RFC 4180): then a cell holding a lone carriage return is quoted, and
    # "ok\r=1+1" cannot start a new row whose first cell is a formula.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([as_text.get(cell, cell) for cell in row]
                     for row in answers_rows(answers, q))
    return buffer.getvalue()


__all__ = ["META_COLUMNS", "Cell", "answers_rows", "inert", "read_answers_csv",
           "write_answers_csv"]
