"""Storing a CEO quick assessment and reading its result back."""

from __future__ import annotations

from typing import Any

from questionnaires import Questionnaire
from scoring import Result, answers_from_records, score

from .. import questionnaire_store
from ..extensions import db
from ..models import QuickResult
from ..tokens import hash_token, new_token, plausible


def create(q: Questionnaire, answers: dict[str, Any]) -> str:
    """Store the answers; returns the token of the result URL (only its hash is kept)."""
    token = new_token()
    row = questionnaire_store.record(q)
    db.session.add(QuickResult(id=hash_token(token), questionnaire_id=row.id,
                               answers=dict(answers)))
    db.session.commit()
    return token


def find(token: str) -> QuickResult | None:
    if not plausible(token):
        return None
    return db.session.get(QuickResult, hash_token(token))


def result_of(row: QuickResult) -> tuple[Questionnaire, Result]:
    q = questionnaire_store.of(row.questionnaire)
    record = {question.key: "" for question in q.scored_questions} | dict(row.answers)
    answers = answers_from_records([record | {"role": "ceo"}], q)
    return q, score(answers, q)
