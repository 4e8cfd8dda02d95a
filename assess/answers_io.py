"""Reading and writing the answers CSV (the contract in DESIGN.md).

The scoring engine validates cells; this module turns bytes into a frame and reports
file-level problems (encoding, empty file, ragged rows) the same way. Question columns
are left to pandas' C parser, so a clean file of numbers is read once, without strings.
Going out, one table (`_table`, its text inert) is what every export format writes: the
XLSX as `answers_rows`, the CSV as cells it formats and quotes a column at a time.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from questionnaires import Questionnaire
from questionnaires.vocabulary import DONT_KNOW, META_COLUMNS
from scoring import Answers, AnswersError, parse_answers

MAX_CSV_BYTES = 200 * 1024 * 1024
_RAGGED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def read_answers_csv(source: str | Path | bytes, q: Questionnaire, *,
                     apply_lineage: bool = False) -> Answers:
    """Parse and validate an answers CSV; AnswersError names the line and column."""
    import pandas as pd

    raw = source if isinstance(source, bytes) else _read_bytes(Path(source))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise AnswersError("the file is not UTF-8 text; save it as 'CSV UTF-8'",
                           line=line) from None
    if not text.strip():
        raise AnswersError("the file is empty; expected a header row and one row per "
                           "respondent")
    header = _header(text)
    # Free text and meta columns stay text; question columns are parsed as numbers by
    # the C reader (a column with "dk" or a typo comes back as text and is checked cell
    # by cell).
    as_text = {name: str for name in header if name.strip() in _text_columns(q, apply_lineage)}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(io.StringIO(text), dtype=as_text, keep_default_na=False,
                                na_values=[""], skip_blank_lines=True, index_col=False)
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        match = _RAGGED.search(str(exc))
        if match:
            raise AnswersError(f"{match[3]} cells but the header has {match[1]}",
                               line=int(match[2])) from None
        _find_ragged_row(text)
        raise AnswersError(f"not a valid CSV: {exc}") from None
    except (ValueError, csv.Error) as exc:
        raise AnswersError(f"not a valid CSV: {exc}") from None
    if len(set(header)) != len(header):  # pandas renames repeats (a, a.1): check the raw names
        frame = frame.set_axis(header, axis=1)
    return parse_answers(frame, q, apply_lineage=apply_lineage)


def _read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_CSV_BYTES:
            raise AnswersError(f"{path} is larger than {MAX_CSV_BYTES // 2**20} MB")
        return path.read_bytes()
    except OSError as exc:
        raise AnswersError(f"cannot read {path}: {exc.strerror}") from None


def _find_ragged_row(text: str) -> None:
    """Only on the error path: name the first row with more cells than the header."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
        for row in reader:
            if len(row) > len(header):
                raise AnswersError(f"{len(row)} cells but the header has {len(header)}",
                                   line=reader.line_num)
    except csv.Error as exc:
        raise AnswersError(f"not a valid CSV: {exc}", line=reader.line_num) from None


def _header(text: str) -> list[str]:
    first = text[: text.find("\n") + 1 if "\n" in text else len(text)]
    try:
        return next(csv.reader(io.StringIO(first)))
    except (csv.Error, StopIteration) as exc:
        raise AnswersError(f"not a valid CSV header: {exc}", line=1) from None


def _text_columns(q: Questionnaire, apply_lineage: bool) -> set[str]:
    names = set(META_COLUMNS) - {"duration_seconds"}
    texts = {question.key for question in q.questions if not q.scale_of(question).scored}
    if apply_lineage:
        texts |= {old for old, new in q.lineage.items() if new in texts}
    return names | texts


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


@dataclass(frozen=True, eq=False)
class _Scored:
    """A scored question's column: the answers as numbers (NaN: skipped or "Don't
    know") and where "Don't know" was chosen."""

    numbers: Any  # np.ndarray of float
    dont_know: Any  # np.ndarray of bool

    def cells(self) -> list[Cell]:
        import numpy as np

        cells = self.numbers.astype(object)  # Python floats, set whole-column at once
        cells[np.isnan(self.numbers)] = None
        cells[self.dont_know] = DONT_KNOW
        return cast(list[Cell], cells.tolist())

    def written(self, distinct: Any, labels: Any) -> list[str]:
        """The cells as the CSV writes them: `labels[i]` for `distinct[i]` (sorted), ""
        for skipped, "dk" for "Don't know"."""
        import numpy as np

        skipped = np.isnan(self.numbers)
        at = np.searchsorted(distinct, self.numbers)
        at[skipped] = len(distinct)  # labels[-1] is ""
        cells = labels[at]
        cells[self.dont_know] = DONT_KNOW
        return cast(list[str], cells.tolist())


def _table(answers: Answers, q: Questionnaire) -> tuple[tuple[str, ...],
                                                        list[list[str] | _Scored]]:
    """The header and the columns of the answers table, question columns in
    questionnaire order: text columns made inert, scored ones as numbers."""
    names = ["respondent", "role", "team"]
    columns: list[list[str] | _Scored] = [
        [inert(text) for text in answers.respondent.tolist()],
        [inert(text) for text in answers.role.tolist()],
        [inert(text) for text in answers.team.tolist()],
    ]
    for question in q.questions:
        if question.key in answers.values.columns:
            columns.append(_Scored(answers.values[question.key].to_numpy(dtype=float),
                                   answers.dont_know[question.key].to_numpy(dtype=bool)))
        elif question.key in answers.texts.columns:
            columns.append([inert(text) for text in answers.texts[question.key].tolist()])
        else:
            continue
        names.append(question.key)
    return tuple(inert(name) for name in names), columns


def answers_columns(answers: Answers, q: Questionnaire
                    ) -> tuple[tuple[str, ...], list[list[Cell]]]:
    """The header and the columns of the answers table (`_table`, which the CSV writes
    too), question columns in questionnaire order, as the XLSX writes them.

    Every text cell passes through `inert`; scored answers stay floats (a negative number
    is not text), "Don't know" is "dk", skipped is None.
    """
    names, columns = _table(answers, q)
    return names, [column.cells() if isinstance(column, _Scored) else cast(list[Cell], column)
                   for column in columns]


def answers_rows(answers: Answers, q: Questionnaire, *, header: bool = True
                 ) -> Iterator[tuple[Cell, ...]]:
    """`answers_columns` as rows: the header (unless `header` is false: a later chunk of
    the same file), then one row per respondent."""
    names, columns = answers_columns(answers, q)
    if header:
        yield names
    yield from zip(*columns, strict=True)


def _format_number(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def write_answers_csv(answers: Answers, q: Questionnaire) -> str:
    """The answers-CSV contract, with text cells made inert; "" is a skipped answer."""
    return "".join(csv_chunks([answers], q))


def csv_chunks(chunks: Iterable[Answers], q: Questionnaire) -> Iterator[str]:
    """The same file in pieces, one per chunk of answers (the header with the first), so
    an export of any size streams in the memory of one chunk."""
    import numpy as np

    header = True
    for answers in chunks:
        # Answers take few distinct values: each is formatted once, and a column's cells
        # are looked up by position among them (text cells are only quoted if need be).
        values = answers.values.to_numpy(dtype=float)
        distinct = np.unique(values[~np.isnan(values)])
        labels = np.array([*map(_format_number, distinct.tolist()), ""], dtype=object)
        names, columns = _table(answers, q)
        text = csv_rows([column.written(distinct, labels) if isinstance(column, _Scored)
                         else _csv_column(column) for column in columns])
        if header:
            text = ",".join(_csv_column(list(names))) + ROW_END + text
        header = False
        yield text


# A cell csv.writer would quote (QUOTE_MINIMAL, the file's quoting since the first
# export): one holding the delimiter, the quote or a line break.
_NEEDS_QUOTES = re.compile(r'[",\r\n]')
ROW_END = "\r\n"  # RFC 4180: then a cell holding a lone carriage return is quoted, and
# "ok\r=1+1" cannot start a new row whose first cell is a formula.


def _csv_column(cells: list[str]) -> list[str]:
    """A column's cells as csv.writer writes them: quoted (inner quotes doubled) where
    needed. One scan of the whole column first: most columns need nothing."""
    if _NEEDS_QUOTES.search("\x00".join(cells)) is None:
        return cells
    return ['"' + cell.replace('"', '""') + '"' if _NEEDS_QUOTES.search(cell) else cell
            for cell in cells]


def csv_rows(columns: list[list[str]]) -> str:
    """Columns of written cells (`_csv_column`) as CSV rows, each ended by CRLF. Rows of
    two cells or more: csv.writer writes a lone empty cell as "" (never the case here)."""
    if not columns or not columns[0]:
        return ""
    return ROW_END.join(map(",".join, zip(*columns, strict=True))) + ROW_END


__all__ = ["META_COLUMNS", "Cell", "answers_columns", "answers_rows", "csv_chunks", "inert",
           "read_answers_csv", "write_answers_csv"]
