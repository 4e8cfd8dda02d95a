"""A round's answers as an Excel workbook: the rows of the CSV export, typed, streamed.

XlsxWriter in constant-memory mode writes each row to disk as it goes, so a large round
costs one row of memory; it never turns a string into a formula or a link. Text arrives
already made inert by `answers_rows`, the source the CSV export shares.
"""

from __future__ import annotations

import io

import xlsxwriter

from questionnaires import Questionnaire
from scoring import Answers

from ..answers_io import answers_rows

SHEET = "answers"


def write_answers_xlsx(answers: Answers, q: Questionnaire) -> bytes:
    """One sheet: the header, then one row per respondent; answers are numeric cells."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False,
    })
    sheet = workbook.add_worksheet(SHEET)
    write_number, write_string = sheet.write_number, sheet.write_string
    for r, row in enumerate(answers_rows(answers, q)):
        for c, value in enumerate(row):  # None or "" (skipped) stays an empty cell
            if isinstance(value, str):
                if value:
                    write_string(r, c, value)
            elif value is not None:
                write_number(r, c, value)
    workbook.close()
    return buffer.getvalue()
