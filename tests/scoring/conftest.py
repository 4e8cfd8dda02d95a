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
