"""Which responses a round's results are computed from.

Results are released in steps of at least k new responses: the first release when k
people have answered, the next only once k more have. Every page, PDF and export of a
round reads the same latest release, so two views of the round taken a response apart
can never be subtracted to recover that one person's answers. Responses not yet in a
release are counted on the progress page only.

Only the latest release is kept: a new one replaces it in the same transaction. Kept side
by side, successive releases would tell in which batch of k every response arrived, an
order the shuffled storage of responses (`shuffling`) otherwise hides.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import Release, Response, Round


@dataclass(frozen=True)
class Tally:
    """A round's counts as one transaction saw them."""

    responses: int  # stored
    shuffled: int  # held by the round's last rewrite (`shuffling`)
    k: int
    release: int  # the latest release's number (0: none yet)
    released: int  # how many responses it holds


def _latest(column: sa.ColumnElement[int]) -> sa.ScalarSelect[int]:
    return (sa.select(sa.func.coalesce(sa.func.max(column), 0))
            .where(Release.round_id == Round.id).scalar_subquery())


# Every submit asks: one statement, built once (it runs in the response's transaction).
_TALLY = sa.select(
    sa.select(sa.func.count()).select_from(Response).where(Response.round_id == Round.id)
    .scalar_subquery(),
    Round.responses_shuffled, Round.min_group_size, _latest(Release.number),
    _latest(Release.size)).where(Round.id == sa.bindparam("round_id"))


def tally(round_id: int) -> Tally:
    return Tally(*db.session.execute(_TALLY, {"round_id": round_id}).one())


def after_new_responses(round_id: int) -> Tally:
    """Called in the transaction that stored new responses: release them once at least k
    arrived since the last release (the caller commits). Returns the round's counts with
    these responses, for the rewrite that may follow the commit (`shuffling`)."""
    db.session.flush()
    counts = tally(round_id)
    if counts.responses - counts.released < counts.k:
        return counts
    ids = list(db.session.scalars(sa.select(Response.id).where(Response.round_id == round_id)
                                  .order_by(Response.id)))
    # A concurrent submit may release the same number first: then this response waits for
    # the next release, and is stored all the same.
    with suppress(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(Release(round_id=round_id, number=counts.release + 1, size=len(ids),
                               response_ids=ids))
        db.session.flush()
        db.session.execute(sa.delete(Release).where(Release.round_id == round_id,
                                                    Release.number <= counts.release))
    return counts


def latest_release(round_id: int) -> Release | None:
    return db.session.scalar(sa.select(Release).where(Release.round_id == round_id)
                             .order_by(Release.number.desc()).limit(1))


def pending(round_id: int) -> int:
    """Responses stored but not yet in a release."""
    counts = tally(round_id)
    return counts.responses - counts.released


def released_ids(round_: Round) -> list[str]:
    latest = latest_release(round_.id)
    return list(latest.response_ids) if latest else []
