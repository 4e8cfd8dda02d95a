"""A round's answers out, in the answers-CSV contract, never under the threshold.

Role and team values that fewer than k respondents share are blanked in the export:
a file with a single `ceo` row would otherwise name its author's answers.
"""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from scoring import answers_from_records

from . import questionnaire_store
from .answers_io import write_answers_csv
from .extensions import db
from .models import Response, Round


class ExportRefused(Exception):
    pass


def round_csv(round_id: int) -> str:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise ExportRefused(f"no round with id {round_id}")
    q = questionnaire_store.of(round_.questionnaire)
    responses = db.session.scalars(
        sa.select(Response).where(Response.round_id == round_id).order_by(Response.id)).all()
    k = round_.min_group_size
    if len(responses) < k:
        raise ExportRefused(
            f"round {round_id} has {len(responses)} response(s); exports need at least "
            f"{k} (the round's anonymity threshold)")
    roles = Counter(r.role for r in responses if r.role)
    teams = Counter(r.team for r in responses if r.team)
    records = []
    for r in responses:
        record = {question.key: "" for question in q.questions} | dict(r.answers)
        record["respondent"] = r.id
        record["role"] = r.role if r.role and roles[r.role] >= k else ""
        record["team"] = r.team if r.team and teams[r.team] >= k else ""
        records.append(record)
    return write_answers_csv(answers_from_records(records, q), q)
