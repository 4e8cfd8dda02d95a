"""A round's results, scored once from its latest release, for the results page, the
PDF and the JSON download alike; and the organisation's history across rounds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from questionnaires import Questionnaire
from scoring import Answers, Result

from .. import questionnaire_store
from ..errors import BelowThreshold
from ..models import Organisation, Round
from .releases import pending
from .reporting import earlier_rounds, round_answers


@dataclass(frozen=True)
class RoundResults:
    round: Round
    q: Questionnaire
    result: Result  # by role, with the trend against the previous round
    by_team: Result
    previous: tuple[tuple[str, Result], ...]  # earlier rounds, oldest first
    texts: Any  # the released free-text answers (Answers.texts), for `comments_view`
    fieldwork: tuple[date, date] | None  # first and last day released answers arrived
    pending: int  # answers stored but not yet released


def _ceo(round_: Round) -> Result | None:
    from scoring import score

    if round_.ceo_result is None:
        return None
    cq = questionnaire_store.of(round_.ceo_result.questionnaire)
    answers = Answers.from_records([{"role": "ceo", **round_.ceo_result.answers}], cq)
    return score(answers, cq)


def _fieldwork(round_: Round) -> tuple[date, date] | None:
    """The first and last day the released answers arrived: read from each end of the
    round's responses by day, up to the first released one (what is not released yet is
    fewer than k responses), not the whole round."""
    import sqlalchemy as sa

    from ..extensions import db
    from ..models import Response
    from .reporting import released_set

    ids = released_set(round_)
    if not ids:
        return None

    def first(order: Any) -> date:
        query = (sa.select(Response.id, Response.submitted_on)
                 .where(Response.round_id == round_.id).order_by(order)
                 .execution_options(yield_per=256))
        with db.session.connection().execute(query) as rows:
            return next(day for rid, day in rows if rid in ids)

    return first(Response.submitted_on.asc()), first(Response.submitted_on.desc())


def round_results(round_: Round) -> RoundResults:
    """Scored results of the latest release; BelowThreshold before the first one."""
    from scoring import score, score_views

    q = questionnaire_store.of(round_.questionnaire)
    answers = round_answers(round_, q)
    k = round_.min_group_size
    if len(answers) < k:
        raise BelowThreshold(f"{round_.title}", len(answers), k)
    previous: list[tuple[str, Result]] = []
    last: Answers | None = None
    for earlier in earlier_rounds(round_):
        old = round_answers(earlier, q)
        if len(old) >= earlier.min_group_size:
            previous.append((earlier.title,
                             score(old, q, min_group_size=earlier.min_group_size)))
            last = old
    views = score_views(answers, q, by=("role", "team"), previous=last, ceo=_ceo(round_),
                        min_group_size=k)
    return RoundResults(round_, q, views["role"], views["team"], tuple(previous), answers.texts,
                        _fieldwork(round_), pending(round_.id))


@dataclass(frozen=True)
class Compared:
    before: Round
    after: Round
    q: Questionnaire
    result: Result  # the later round, with the trend against the earlier
    plan_dimensions: tuple[str, ...]  # the dimensions behind the earlier round's first actions


def compare(before: Round, after: Round) -> Compared:
    """Two rounds of one organisation on the later round's questionnaire (earlier versions
    mapped through lineage), and what the earlier plan aimed at."""
    from scoring import score

    if before.opens_at > after.opens_at:
        before, after = after, before
    q = questionnaire_store.of(after.questionnaire)
    now, then = round_answers(after, q), round_answers(before, q)
    for round_, answers in ((after, now), (before, then)):
        if len(answers) < round_.min_group_size:
            raise BelowThreshold(round_.title, len(answers), round_.min_group_size)
    result = score(now, q, previous=then, min_group_size=after.min_group_size)
    earlier_q = questionnaire_store.of(before.questionnaire)
    earlier = score(round_answers(before, earlier_q), earlier_q,
                    min_group_size=before.min_group_size)
    # dimension keys are the same in every version (DESIGN.md), so they compare directly
    dims = tuple(dict.fromkeys(f.dimension for f in earlier.plan[:5]
                               if f.dimension and q.dimension_or_none(f.dimension)))
    return Compared(before, after, q, result, dims)


def history(org: Organisation) -> list[tuple[Round, Result]]:
    """Every released round of the organisation, scored on the newest questionnaire any
    of them used (older versions mapped through lineage), oldest first."""
    from scoring import score

    rounds = list(org.rounds)
    if not rounds:
        return []
    newest = max(rounds, key=lambda r: (r.questionnaire.version, r.opens_at))
    q = questionnaire_store.of(newest.questionnaire)
    out = []
    for round_ in sorted(rounds, key=lambda r: r.opens_at):
        if round_.questionnaire.key != q.key:
            continue
        answers = round_answers(round_, q)
        if len(answers) >= round_.min_group_size:
            out.append((round_, score(answers, q, min_group_size=round_.min_group_size)))
    return out
