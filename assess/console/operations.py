"""What the console home shows about a consultant's rounds."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import Account, Organisation, Response, Round


@dataclass(frozen=True)
class RoundRow:
    id: int
    organisation: str
    title: str
    questionnaire: str
    state: str
    responses: int
    min_group_size: int


def rounds_of(consultant: Account) -> list[RoundRow]:
    """The consultant's rounds with response counts, in one query."""
    counts = (sa.select(Response.round_id, sa.func.count().label("n"))
              .group_by(Response.round_id).subquery())
    rows = db.session.execute(
        sa.select(Round, Organisation.name, sa.func.coalesce(counts.c.n, 0))
        .join(Organisation, Round.organisation_id == Organisation.id)
        .outerjoin(counts, counts.c.round_id == Round.id)
        .where(Organisation.consultant_id == consultant.id)
        .order_by(Organisation.name, Round.opens_at.desc())).all()
    return [RoundRow(r.id, org, r.title, r.questionnaire.ref, r.state(), n, r.min_group_size)
            for r, org, n in rows]
