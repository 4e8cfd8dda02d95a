"""Scoring tests need no app: a questionnaire file and DataFrames."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from questionnaires import Questionnaire, load_file
from scoring import Answers, parse_answers

MINI = Path(__file__).parent / "data" / "mini-team" / "v1.yaml"


@pytest.fixture(scope="session")
def mini() -> Questionnaire:
    return load_file(MINI)


def _from_csv(q: Questionnaire, csv_text: str) -> Answers:
    frame = pd.read_csv(io.StringIO(csv_text), dtype=str, keep_default_na=False)
    return parse_answers(frame, q)


def _from_rows(q: Questionnaire, records: list[dict]) -> Answers:
    frame = pd.DataFrame([{k: str(v) for k, v in r.items()} for r in records], dtype=object)
    return parse_answers(frame.fillna(""), q)


@pytest.fixture
def from_csv() -> Callable[[Questionnaire, str], Answers]:
    return _from_csv


@pytest.fixture
def from_rows() -> Callable[[Questionnaire, list[dict]], Answers]:
    return _from_rows


@pytest.fixture
def same_numbers() -> Callable[[object, object], None]:
    return _same_numbers


def _same_numbers(a: object, b: object, where: str = "") -> None:
    """Two results (as `to_dict`) are the same: every count, label and flag equal, every
    float equal up to rounding (sums joined in another order differ in the last bits)."""
    import math

    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            _same_numbers(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list | tuple) and isinstance(b, list | tuple):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same_numbers(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (where, a, b)
    else:
        assert a == b, (where, a, b)
