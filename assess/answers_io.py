"""Reading and writing the answers CSV (the contract in DESIGN.md).

The scoring engine validates cells; this module turns bytes into a frame of strings
and reports file-level problems (encoding, empty file, ragged rows) the same way.
"""

from __future__ import annotations

import csv
import io
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


def answers_frame(answers: Answers, q: Questionnaire) -> pd.DataFrame:
    """Answers back to the wide CSV layout, question columns in questionnaire order."""
    columns: dict[str, object] = {
        "respondent": answers.respondent, "role": answers.role, "team": answers.team,
    }
    for question in q.questions:
        if question.key in answers.values.columns:
            columns[question.key] = answers.values[question.key].map(_format_number)
        elif question.key in answers.texts.columns:
            columns[question.key] = answers.texts[question.key]
    return pd.DataFrame(columns)


def _format_number(value: float) -> str:
    if pd.isna(value):
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def write_answers_csv(answers: Answers, q: Questionnaire) -> str:
    return answers_frame(answers, q).to_csv(index=False, lineterminator="\n")


__all__ = ["META_COLUMNS", "answers_frame", "read_answers_csv", "write_answers_csv"]
