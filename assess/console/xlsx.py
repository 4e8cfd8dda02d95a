"""A round's answers as an Excel workbook: the rows of the CSV export, typed, streamed.

XlsxWriter in constant-memory mode writes each row to disk as it goes, so a large round
costs one row of memory (and one chunk of answers read); it never turns a string into a
formula or a link. Text arrives already made inert by `answers_rows`, the source the CSV
export shares.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from itertools import chain

import xlsxwriter

from questionnaires import Questionnaire
from scoring import Answers

from ..answers_io import answers_rows

SHEET = "answers"


def write_answers_xlsx(answers: Answers | Iterable[Answers], q: Questionnaire) -> bytes:
    """One sheet: the header, then one row per respondent; answers are numeric cells.
    `answers` may come in chunks (`exporting`): one chunk is held at a time."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False,
    })
    sheet = workbook.add_worksheet(SHEET)
    write_number, write_string = sheet.write_number, sheet.write_string
    chunks = [answers] if isinstance(answers, Answers) else answers
    rows = chain.from_iterable(answers_rows(chunk, q, header=i == 0)
                               for i, chunk in enumerate(chunks))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):  # None or "" (skipped) stays an empty cell
            if isinstance(value, str):
                if value:
                    write_string(r, c, value)
            elif value is not None:
                write_number(r, c, value)
    workbook.close()
    return buffer.getvalue()
