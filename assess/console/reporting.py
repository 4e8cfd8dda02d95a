"""Rounds in the database -> scored results -> PDF reports.

Shared by the console download and `assess report --all-rounds`, so both produce the
same document; the PDF itself is built by `assess.report`.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from questionnaires import Questionnaire
from scoring import Answers, Result

from ..errors import NotFound
from ..extensions import db
from ..models import Organisation, QuestionnaireVersion, Response, Round


@dataclass(frozen=True)
class RoundReport:
    round_id: int
    organisation: str
    round_name: str
    q: Questionnaire
    result: Result
    previous: tuple[tuple[str, Result], ...]
    consultant: str


def round_for(round_id: int, consultant_id: int | None = None) -> Round:
    """A round by id; NotFound when it does not exist or is not this consultant's."""
    round_ = db.session.get(Round, round_id)
    if round_ is None or (consultant_id is not None
                          and round_.organisation.consultant_id != consultant_id):
        raise NotFound(f"There is no round {round_id} in your console.")
    return round_


def round_answers(round_: Round, q: Questionnaire) -> Answers:
    """The released responses of a round (`releases`) as Answers in q's keys, older
    questionnaire versions mapped through lineage."""
    from .releases import released_ids

    released = set(released_ids(round_))
    rows = db.session.execute(sa.select(Response.id, Response.role, Response.team,
                                        Response.answers)
                              .where(Response.round_id == round_.id)
                              .order_by(Response.id)).all()
    records = [{**answers, "respondent": rid, "role": role or "", "team": team or ""}
               for rid, role, team, answers in rows if rid in released]
    return Answers.from_records(records, q,
                                apply_lineage=round_.questionnaire.version != q.version)


def earlier_rounds(round_: Round) -> list[Round]:
    """Closed rounds of the same organisation and questionnaire, oldest first."""
    return list(db.session.scalars(
        sa.select(Round).join(QuestionnaireVersion)
        .where(Round.organisation_id == round_.organisation_id, Round.id != round_.id,
               Round.opens_at < round_.opens_at,
               QuestionnaireVersion.key == round_.questionnaire.key)
        .order_by(Round.opens_at)).all())


def prepare(round_id: int, consultant_id: int | None = None) -> RoundReport:
    """A round's report inputs for the CLI (`assess report --all-rounds`): the same
    scoring as the console's results (`results.round_results`)."""
    from .results import round_results

    round_ = round_for(round_id, consultant_id)
    r = round_results(round_)
    org: Organisation = round_.organisation
    consultant = org.consultant.brand_name or org.consultant.name if org.consultant else ""
    return RoundReport(round_.id, org.name, round_.title, r.q, r.result, r.previous,
                       consultant)


def team_pdf(report: RoundReport, *, page_size: str = "A4") -> bytes:
    from ..report import Branding, build_team_report

    return build_team_report(report.result, report.q, org=report.organisation,
                             round_name=report.round_name,
                             consultant=Branding(name=report.consultant) if report.consultant
                             else None,
                             previous_results=report.previous, page_size=page_size)
