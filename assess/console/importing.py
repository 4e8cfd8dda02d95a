"""Answers CSV in: paper or offline responses added to a round, all or nothing."""

from __future__ import annotations

import secrets

from .. import questionnaire_store
from ..answers_io import read_answers_csv
from ..errors import BadForm
from ..extensions import db
from ..models import Response
from .releases import after_new_responses
from .reporting import round_for


def import_csv(round_id: int, source: str | bytes) -> int:
    """Validate the whole file against the round's questionnaire, then store every row in
    one transaction. Respondent ids in the file are not kept: stored ids are random, and
    rows are stored in a random order, not the file's (then shuffled in when due)."""
    from .shuffling import shuffle_if_due

    round_ = round_for(round_id)
    q = questionnaire_store.of(round_.questionnaire)
    answers = read_answers_csv(source, q)  # raises AnswersError naming line and column
    records = answers.to_records()
    empty = [i for i, r in enumerate(records) if not r]
    if empty:
        raise BadForm(f"line {empty[0] + 2}: the row has no answers.")
    rows = list(zip(records, answers.role.tolist(), answers.team.tolist(), strict=True))
    secrets.SystemRandom().shuffle(rows)
    db.session.add_all(Response(round_id=round_.id, role=role or None, team=team or None,
                                answers=record, complete=q.complete(role or None, record))
                       for record, role, team in rows)
    counts = after_new_responses(round_.id)
    db.session.commit()
    shuffle_if_due(round_.id, counts)
    return len(records)
