"""Answers in, validated: the answers-CSV contract as a pure function over DataFrames.

Reading the file is the caller's job (the CLI, the web import); this module only
checks cells and builds typed columns, and names the row and column of any problem.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from questionnaires import ROLES, Questionnaire

META_COLUMNS = ("respondent", "role", "team", "duration_seconds")


class AnswersError(ValueError):
    """Invalid answers; `line` is the CSV line number (header = line 1) when known."""

    def __init__(self, message: str, *, line: int | None = None, column: str | None = None):
        where = []
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)
        self.line = line
        self.column = column


@dataclass(frozen=True, eq=False)
class Answers:
    """Validated answers for one questionnaire, one row per respondent.

    `values` holds the scored questions as floats (NaN = skipped), columns in
    questionnaire order; `texts` the free-text answers ("" = skipped).
    """

    questionnaire_key: str
    questionnaire_version: int
    values: pd.DataFrame
    texts: pd.DataFrame
    respondent: pd.Series
    role: pd.Series
    team: pd.Series
    duration: pd.Series

    def __len__(self) -> int:
        return len(self.values)

    def take(self, mask: np.ndarray | pd.Series) -> Answers:
        """The subset of respondents where mask is true (reindexed from 0)."""
        mask = np.asarray(mask, dtype=bool)

        def sub(obj: Any) -> Any:
            return obj[mask].reset_index(drop=True)

        return Answers(self.questionnaire_key, self.questionnaire_version, sub(self.values),
                       sub(self.texts), sub(self.respondent), sub(self.role), sub(self.team),
                       sub(self.duration))


def parse_answers(frame: pd.DataFrame, q: Questionnaire, *, apply_lineage: bool = False,
                  first_line: int = 2) -> Answers:
    """Validate a frame of strings (as read with dtype=str) against a questionnaire.

    With apply_lineage, columns named by an older version are renamed through the
    questionnaire's lineage map (and dropped where it maps them to nothing).
    """
    frame = frame.copy()
    frame.columns = [str(c).strip() for c in frame.columns]
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
    scored = [question for question in q.questions if q.scales[question.scale].scored]
    if not any(question.key in frame.columns for question in scored):
        raise AnswersError(f"no column is a scored question of {q.ref}", line=1)
    frame = frame.fillna("").astype(str)
    n = len(frame)
    lines = np.arange(n) + first_line

    def column(name: str) -> pd.Series:
        if name in frame.columns:
            return frame[name].str.strip().reset_index(drop=True)
        return pd.Series([""] * n, dtype=object)

    role = column("role")
    bad_role = role[(role != "") & ~role.isin(ROLES)]
    if len(bad_role):
        i = bad_role.index[0]
        raise AnswersError(f"unknown role {bad_role.iloc[0]!r}; use one of {', '.join(ROLES)}",
                           line=int(lines[i]), column="role")

    present = [question for question in scored if question.key in frame.columns]
    raw_block = frame[[question.key for question in present]].reset_index(drop=True)
    numbers = raw_block.apply(pd.to_numeric, errors="coerce").astype(float)
    filled = raw_block != ""
    maybe_blank = filled.to_numpy() & numbers.isna().to_numpy()
    if maybe_blank.any():  # whitespace-only cells are skipped answers, not errors
        rows_, cols_ = np.nonzero(maybe_blank)
        for i, j in zip(rows_, cols_, strict=True):
            if not str(raw_block.iat[i, j]).strip():
                filled.iat[i, j] = False
    mins = np.array([q.scales[question.scale].min for question in present], dtype=float)
    maxs = np.array([q.scales[question.scale].max for question in present], dtype=float)
    likert = np.array([q.scales[question.scale].type == "likert" for question in present])
    grid = numbers.to_numpy()
    with np.errstate(invalid="ignore"):
        bad = filled.to_numpy() & (~np.isfinite(grid) | (grid < mins) | (grid > maxs)
                                   | (likert & (grid != np.round(grid))))
    if bad.any():
        i, j = (int(x) for x in np.argwhere(bad)[0])
        question = present[j]
        scale = q.scales[question.scale]
        cell = raw_block.iat[i, j]
        value = grid[i, j]
        if np.isnan(value):
            message = f"{cell!r} is not a number"
        elif not np.isfinite(value) or value < scale.min or value > scale.max:
            message = f"{cell} is outside the scale {scale.min:g}..{scale.max:g}"
        else:
            message = f"{cell} is not a whole point of the scale"
        raise AnswersError(message, line=int(lines[i]), column=question.key)
    values = pd.DataFrame(np.full((n, len(scored)), np.nan), columns=[s.key for s in scored])
    for j, question in enumerate(present):
        values[question.key] = grid[:, j]

    duration_raw = column("duration_seconds")
    duration = pd.to_numeric(duration_raw.replace("", np.nan), errors="coerce")
    bad = duration_raw[(duration_raw != "") & (duration.isna() | (duration < 0))]
    if len(bad):
        i = bad.index[0]
        raise AnswersError(f"{bad.iloc[0]!r} is not a number of seconds",
                           line=int(lines[i]), column="duration_seconds")

    texts = {question.key: column(question.key).to_numpy(dtype=object)
             for question in q.questions if not q.scales[question.scale].scored}
    return Answers(
        questionnaire_key=q.key,
        questionnaire_version=q.version,
        values=values,
        texts=pd.DataFrame(texts, columns=list(texts), dtype=object),
        respondent=column("respondent"),
        role=role,
        team=column("team"),
        duration=duration.astype(float).reset_index(drop=True),
    )


def answers_from_records(records: Iterable[Mapping[str, Any]], q: Questionnaire) -> Answers:
    """Build Answers from dicts (question key -> value, plus optional meta keys)."""
    rows = [{k: "" if v is None else str(v) for k, v in record.items()} for record in records]
    frame = pd.DataFrame(rows, dtype=object)
    if frame.empty:
        frame = pd.DataFrame(columns=[question.key for question in q.questions])
    return parse_answers(frame, q, first_line=1)


def validate_record(record: Mapping[str, Any], q: Questionnaire) -> dict[str, str]:
    """Problems in one respondent's answers, per key, by the same rules as parse_answers.

    Plain Python rather than a DataFrame: the web checks every page with it, and one
    person's answers do not need pandas.
    """
    errors: dict[str, str] = {}
    for key, value in record.items():
        if key in ("respondent", "team"):
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if key == "role":
            if value not in ROLES:
                errors[key] = f"unknown role {value!r}; use one of {', '.join(ROLES)}"
            continue
        if key == "duration_seconds":
            number = _as_number(value)
            if number is None or not math.isfinite(number) or number < 0:
                errors[key] = f"{value!r} is not a number of seconds"
            continue
        try:
            question = q.question(key)
        except KeyError:
            errors[key] = f"unknown column (not a question of {q.ref})"
            continue
        scale = q.scales[question.scale]
        if not scale.scored:
            continue
        number = _as_number(value)
        if number is None or math.isnan(number):
            errors[key] = f"{value!r} is not a number"
        elif not math.isfinite(number) or number < scale.min or number > scale.max:
            errors[key] = f"{value} is outside the scale {scale.min:g}..{scale.max:g}"
        elif scale.type == "likert" and not number.is_integer():
            errors[key] = f"{value} is not a whole point of the scale"
    return errors


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def empty_answers(q: Questionnaire) -> Answers:
    return answers_from_records([], q)
