"""Storing a CEO quick assessment and reading its result back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import questionnaire_store
from ..errors import NotFound
from ..extensions import db
from ..models import QuickResult
from ..tokens import hash_token, new_token, plausible

if TYPE_CHECKING:
    from questionnaires import Questionnaire
    from scoring import Result


def nothing_to_score(q: Questionnaire, values: dict[str, Any]) -> dict[str, str]:
    """An empty assessment is refused: the error names the first question."""
    if any(question.key in values for question in q.scored_questions):
        return {}
    return {q.questions[0].key: "Please answer at least one statement so there is something "
            "to score."}


def create(q: Questionnaire, answers: dict[str, Any]) -> str:
    """Store the answers; returns the token of the result URL (only its hash is kept)."""
    token = new_token()
    row = questionnaire_store.record(q)
    db.session.add(QuickResult(id=hash_token(token), questionnaire_id=row.id,
                               answers=dict(answers)))
    db.session.commit()
    return token


def find(token: str) -> QuickResult:
    row = db.session.get(QuickResult, hash_token(token)) if plausible(token) else None
    if row is None:
        raise NotFound("Check that you copied the whole link. Results are only reachable "
                       "through the exact link shown when you finished.")
    return row


def belongs_to(row: QuickResult) -> tuple[str | None, str]:
    """The organisation a CEO result was attached to (by a round or a request), and its
    consultant's contact line, for the CEO's PDF."""
    import sqlalchemy as sa

    from ..models import Lead, Round

    round_ = db.session.scalar(sa.select(Round).where(Round.ceo_result_id == row.id)
                               .order_by(Round.opens_at.desc()).limit(1))
    if round_ is not None:
        consultant = round_.organisation.consultant
        return round_.organisation.name, (consultant.brand_contact or consultant.email
                                          if consultant else "")
    lead = db.session.scalar(sa.select(Lead).where(Lead.quick_result_id == row.id).limit(1))
    return (lead.company if lead else None), ""


def scored_result(token: str) -> tuple[QuickResult, Questionnaire, Result]:
    from scoring import Answers, score  # pandas: loaded by the first result

    row = find(token)
    q = questionnaire_store.of(row.questionnaire)
    answers = Answers.from_records([{"role": "ceo", **row.answers}], q)
    return row, q, score(answers, q)
