"""Answers in, validated: the answers-CSV contract as a pure function over DataFrames.

Two ways in, one set of rules: `parse_answers` takes a frame as read from a CSV (cells
as strings, or numbers where the reader parsed them), `Answers.from_records` takes the
dicts the app stores (numbers, "dk", text) without any detour through strings. Both
check every cell with the scale's own rule (`Scale.check`) and name the line and column
of the first problem. Reading the file is the caller's job.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from questionnaires import Questionnaire
from questionnaires.model import OK, as_number, quoted
from questionnaires.vocabulary import DONT_KNOW, META_COLUMNS, ROLES

from .text import NOT_ONE_LINE, NOT_TEXT, printable, text_problem

__all__ = ["META_COLUMNS", "Answers", "AnswersError", "parse_answers", "validate_record"]


class AnswersError(ValueError):
    """Invalid answers; `line` is the CSV line number (header = line 1) when known."""

    def __init__(self, message: str, *, line: int | None = None, column: str | None = None):
        where = []
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {quoted(column)}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)
        self.line = line
        self.column = column


# The parts of `Answers` with one row per respondent, in field order.
ROW_PARTS = ("values", "dont_know", "texts", "respondent", "role", "team", "duration")


@dataclass(frozen=True, eq=False)
class Answers:
    """Validated answers for one questionnaire, one row per respondent.

    `values` holds the scored questions as floats (NaN = no answer to score), columns in
    questionnaire order; `dont_know` marks the "Don't know" answers (also NaN in
    `values`); `texts` the free-text answers ("" = skipped).
    """

    questionnaire_key: str
    questionnaire_version: int
    values: pd.DataFrame
    dont_know: pd.DataFrame
    texts: pd.DataFrame
    respondent: pd.Series
    role: pd.Series
    team: pd.Series
    duration: pd.Series

    def __len__(self) -> int:
        return len(self.values)

    def take(self, mask: np.ndarray | pd.Series) -> Answers:
        """The subset of respondents where mask is true (reindexed from 0)."""
        rows = np.asarray(mask, dtype=bool)
        return self._rows(lambda obj: obj[rows].reset_index(drop=True))

    def _rows(self, pick: Any) -> Answers:
        """The same questionnaire, `pick` applied to each per-respondent part."""
        return Answers(self.questionnaire_key, self.questionnaire_version,
                       *(pick(getattr(self, name)) for name in ROW_PARTS))

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]], q: Questionnaire, *,
                     apply_lineage: bool = False, first_line: int = 1) -> Answers:
        """Answers from stored dicts (question key -> number, "dk" or text, plus optional
        meta keys). Problems are named by record number, counting from `first_line`."""
        rows = records if isinstance(records, list) else list(records)
        frame = _record_frame(rows) if rows else pd.DataFrame(
            columns=[question.key for question in q.scored_questions])
        return parse_answers(frame, q, apply_lineage=apply_lineage, first_line=first_line,
                             stored=True)

    @classmethod
    def concat(cls, parts: Sequence[Answers]) -> Answers:
        """One Answers of several for the same questionnaire (chunks read in turn)."""
        if len(parts) == 1:
            return parts[0]
        first = parts[0]

        def joined(name: str) -> Any:
            return pd.concat([getattr(part, name) for part in parts], ignore_index=True)

        return Answers(first.questionnaire_key, first.questionnaire_version,
                       *(joined(name) for name in ROW_PARTS))

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per respondent in the stored form: whole numbers as int, "Don't know"
        as "dk", free text as given; skipped questions are absent."""
        grid = self.values.to_numpy(dtype=float)
        dk = self.dont_know.to_numpy(dtype=bool)
        keys = list(self.values.columns)
        texts = self.texts.to_dict("records")
        out = []
        for i in range(len(self)):
            record: dict[str, Any] = {}
            for j, key in enumerate(keys):
                value = grid[i, j]
                if dk[i, j]:
                    record[key] = DONT_KNOW
                elif not math.isnan(value):
                    record[key] = int(value) if value.is_integer() else float(value)
            record.update({str(key): text for key, text in texts[i].items() if text})
            out.append(record)
        return out


def parse_answers(frame: pd.DataFrame, q: Questionnaire, *, apply_lineage: bool = False,
                  first_line: int = 2, stored: bool = False) -> Answers:
    """Validate a frame in the answers-CSV layout against a questionnaire.

    Cells may be strings (as read with dtype=str) or already numbers. With
    apply_lineage, columns named by an older version are renamed through the
    questionnaire's lineage map (and dropped where it maps them to nothing). Text that
    breaks `scoring.text`'s rule is refused, unless the answers are `stored` ones (kept
    before the rule existed): their text is cleaned instead.
    """
    columns = [str(c).strip() for c in frame.columns]
    frame = frame.set_axis(columns, axis=1)
    if apply_lineage and q.lineage:
        renames = {old: new for old, new in q.lineage.items() if new and old in frame.columns}
        dropped = [old for old, new in q.lineage.items() if new is None and old in frame.columns]
        frame = frame.drop(columns=dropped).rename(columns=renames)
    duplicated = frame.columns[frame.columns.duplicated()].tolist()
    if duplicated:
        raise AnswersError("appears more than once in the header", line=1,
                           column=duplicated[0])
    known = set(META_COLUMNS) | {question.key for question in q.questions}
    for column in frame.columns:
        if column not in known:
            raise AnswersError(f"unknown column (not a question of {q.ref})", line=1,
                               column=column)
    scored = q.scored_questions
    present = [question for question in scored if question.key in frame.columns]
    if not present:
        raise AnswersError(f"no column is a scored question of {q.ref}", line=1)
    frame = frame.reset_index(drop=True)
    n = len(frame)

    def text(name: str) -> pd.Series:
        """A text column stripped, "" for nothing."""
        out = np.full(n, "", dtype=object)
        if name in frame.columns:
            cells = frame[name].to_numpy(dtype=object)
            filled = ~pd.isna(cells)
            out[filled] = [cell.strip() if cell.__class__ is str else str(cell).strip()
                           for cell in cells[filled].tolist()]
        return pd.Series(out, dtype=object)

    role = text("role")
    bad_role = role[(role != "") & ~role.isin(ROLES)]
    if len(bad_role):
        i = int(bad_role.index[0])
        raise AnswersError(f"unknown role {quoted(bad_role.iloc[0])}; use one of "
                           f"{', '.join(ROLES)}", line=i + first_line, column="role")

    grid = np.full((n, len(scored)), np.nan)
    dk = np.zeros((n, len(scored)), dtype=bool)
    index = {question.key: j for j, question in enumerate(scored)}
    first_problem: tuple[int, int, str] | None = None
    for question in present:
        scale = q.scale_of(question)
        numbers, filled, dont_know, cells = _cells(frame[question.key])
        if dont_know.any() and not scale.dont_know:
            filled = filled | dont_know  # "dk" on a scale without the choice: not a number
            dont_know = np.zeros(n, dtype=bool)
        codes = np.where(filled, scale.check(numbers), OK)
        bad = np.flatnonzero(codes != OK)
        if len(bad):
            i = int(bad[0])
            message = scale.message(int(codes[i]), cells(i))
            if first_problem is None or (i, index[question.key]) < first_problem[:2]:
                first_problem = (i, index[question.key], message)
        j = index[question.key]
        grid[:, j] = np.where(filled, numbers, np.nan)
        dk[:, j] = dont_know
    if first_problem is not None:
        i, j, message = first_problem
        raise AnswersError(message, line=i + first_line, column=scored[j].key)

    duration = _duration(frame, n, first_line)
    keys = [question.key for question in scored]
    free = {question.key: text(question.key)
            for question in q.questions if not q.scale_of(question).scored}
    one_line = {"respondent": text("respondent"), "team": text("team")}
    if stored:
        one_line = {k: _printable(v, multiline=False) for k, v in one_line.items()}
        free = {key: _printable(column, multiline=True) for key, column in free.items()}
    else:
        _check_text(one_line, multiline=False, first_line=first_line)
        _check_text(free, multiline=True, first_line=first_line)
    respondent, team = one_line["respondent"], one_line["team"]
    texts = {key: column.to_numpy(dtype=object) for key, column in free.items()}
    return Answers(
        questionnaire_key=q.key,
        questionnaire_version=q.version,
        values=pd.DataFrame(grid, columns=keys),
        dont_know=pd.DataFrame(dk, columns=keys),
        texts=pd.DataFrame(texts, columns=list(texts), dtype=object),
        respondent=respondent,
        role=role,
        team=team,
        duration=duration,
    )


_NUMBERS = frozenset({"integer", "floating", "mixed-integer-float", "empty"})


def _record_frame(rows: list[Mapping[str, Any]]) -> pd.DataFrame:
    """Dicts as a frame, columns in order of first appearance: a column of numbers (or
    nothing) becomes floats at once, any other stays objects for `parse_answers` to check
    cell by cell (a bool among numbers is refused there). pandas' own inference of every
    column's type is skipped: it takes twice as long."""
    frame = pd.DataFrame(rows, dtype=object)
    cells = frame.to_numpy()  # one block of objects: each column below is a view of it
    return pd.DataFrame({
        name: column.astype(float)
        if pd.api.types.infer_dtype(column, skipna=True) in _NUMBERS else column
        for name, column in zip(frame.columns, cells.T, strict=True)}, copy=False)


def one_line_label(value: str) -> str:
    """A stored team (or role) as `Answers.from_records` reads it: stripped, on one
    printable line. Exports count (role, team) combinations with it before streaming."""
    return printable(value.strip(), multiline=False)


def _printable(column: pd.Series, *, multiline: bool) -> pd.Series:
    """`printable` over a column of str; one scan of the whole column when all is clean
    (stored text before the text rule is the rare case)."""
    pattern = NOT_TEXT if multiline else NOT_ONE_LINE
    if pattern.search("\n".join(column.tolist()) if multiline
                      else " ".join(column.tolist())) is None:
        return column
    return column.map(lambda text: printable(text, multiline=multiline))


def _check_text(columns: Mapping[str, pd.Series], *, multiline: bool, first_line: int) -> None:
    """The first cell (by line, then column) that breaks the text rule of `scoring.text`.
    One regex scan of each column joined by spaces; cell by cell only to name a problem."""
    pattern = NOT_TEXT if multiline else NOT_ONE_LINE
    first: tuple[int, str] | None = None
    for name, column in columns.items():
        cells = column.tolist()
        if pattern.search(" ".join(cells)) is None:
            continue
        i = next(i for i, cell in enumerate(cells) if pattern.search(cell))
        if first is None or i < first[0]:
            first = (i, name)
    if first is not None:
        i, name = first
        problem = text_problem(str(columns[name].iloc[i]), multiline=multiline)
        raise AnswersError(f"the text contains {problem}", line=i + first_line, column=name)


def _cells(column: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, Any]:
    """(numbers, filled, dont_know, cell-as-given) of one question column.

    Numeric columns (the usual case, straight from the CSV reader) are used as they are;
    other columns are stripped, "dk" is picked out and the rest read as numbers
    (NaN where a filled cell is not a number).
    """
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(
            column.dtype):
        numbers = column.to_numpy(dtype=float)
        return numbers, ~np.isnan(numbers), np.zeros(len(numbers), dtype=bool), \
            lambda i: f"{numbers[i]:g}"
    raw = column.to_numpy(dtype=object)
    stripped = pd.Series([v.strip() if isinstance(v, str) else v for v in raw], dtype=object)
    blank = stripped.isna() | (stripped == "")
    dont_know = stripped.map(lambda v: isinstance(v, str) and v.lower() == DONT_KNOW
                             ).to_numpy(dtype=bool)
    booleans = stripped.map(lambda v: isinstance(v, bool | np.bool_)).to_numpy(dtype=bool)
    numbers = pd.to_numeric(stripped.where(~blank & ~dont_know & ~booleans),
                            errors="coerce").to_numpy(dtype=float)
    return numbers, ~blank.to_numpy(dtype=bool) & ~dont_know, dont_know, lambda i: raw[i]


def _duration(frame: pd.DataFrame, n: int, first_line: int) -> pd.Series:
    if "duration_seconds" not in frame.columns:
        return pd.Series(np.full(n, np.nan))
    numbers, filled, _, cells = _cells(frame["duration_seconds"])
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(filled & (np.isnan(numbers) | (numbers < 0)
                                       | ~np.isfinite(numbers)))
    if len(bad):
        i = int(bad[0])
        raise AnswersError(f"{quoted(cells(i))} is not a number of seconds", line=i + first_line,
                           column="duration_seconds")
    return pd.Series(np.where(filled, numbers, np.nan))


def validate_record(record: Mapping[str, Any], q: Questionnaire) -> dict[str, str]:
    """Problems in one respondent's answers, per key, by the same rules as parse_answers."""
    errors: dict[str, str] = {}
    for key, value in record.items():
        if key in ("respondent", "team") or value is None or (
                isinstance(value, str) and not value.strip()):
            continue
        if key == "role":
            if value not in ROLES:
                errors[key] = f"unknown role {quoted(value)}; use one of {', '.join(ROLES)}"
        elif key == "duration_seconds":
            number = as_number(value)
            if number is None or not math.isfinite(number) or number < 0:
                errors[key] = f"{quoted(value)} is not a number of seconds"
        elif key not in {question.key for question in q.questions}:
            errors[key] = f"unknown column (not a question of {q.ref})"
        else:
            scale = q.scale_of(q.question(key))
            cell = value.strip() if isinstance(value, str) else value
            problem = scale.problem(cell) if scale.scored else None
            if problem is not None:
                errors[key] = problem
    return errors
