"""Rounds in the database -> scored results -> PDF reports.

Shared by the console download and `assess report --all-rounds`, so both produce the
same document; the PDF itself is built by `assess.report`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from questionnaires import Questionnaire
from scoring import Answers, Result

from ..database import from_json_text
from ..errors import NotFound
from ..extensions import db
from ..models import Organisation, QuestionnaireVersion, Response, Round


@dataclass(frozen=True)
class RoundReport:
    """Everything a round's PDF shows, read from the database: plain data, so the PDF can
    be rendered in a process with no app and no database (`assess report --all-rounds`)."""

    round_id: int
    organisation: str
    round_name: str
    q: Questionnaire
    result: Result
    previous: tuple[tuple[str, Result], ...]
    branding: Any  # report.Branding of the round's consultant, or None
    contact: str
    response_rate: float | None
    fieldwork: Fieldwork
    comments: Any  # the released free text (`Tally.texts`)
    comment_seed: str


def round_for(round_id: int, consultant_id: int | None = None) -> Round:
    """A round by id; NotFound when it does not exist or is not this consultant's."""
    round_ = db.session.get(Round, round_id)
    if round_ is None or (consultant_id is not None
                          and round_.organisation.consultant_id != consultant_id):
        raise NotFound(f"There is no round {round_id} in your console.")
    return round_


CHUNK = 5000  # responses read, decoded and validated at a time


def response_chunks(round_id: int, released: frozenset[str], q: Questionnaire, *,
                    lineage: bool, size: int = CHUNK,
                    connection: sa.Connection | None = None) -> Iterator[Answers]:
    """A round's responses whose ids are in `released`, in order, as Answers of `size`
    rows: an export streams them, holding one chunk of decoded answers at a time.
    `connection`: one of the caller's (a streamed download), else the session's."""
    chunks = _chunks(round_id, released, q, lineage=lineage, size=size,
                     connection=connection, dated=False)
    with closing(chunks):  # a cut download closes the query's cursor at once
        for answers, _ in chunks:
            yield answers


def dated_chunks(round_id: int, released: frozenset[str], q: Questionnaire, *,
                 lineage: bool, size: int = CHUNK) -> Iterator[tuple[Answers, Fieldwork]]:
    """`response_chunks`, each chunk with the first and last day its responses arrived."""
    return _chunks(round_id, released, q, lineage=lineage, size=size, connection=None,
                   dated=True)


# The first and last day a set of responses arrived (None: no response, or not read).
Fieldwork = tuple[date, date] | None


def spanned(*spans: Fieldwork) -> Fieldwork:
    """One fieldwork period covering several."""
    known = [span for span in spans if span is not None]
    if not known:
        return None
    return min(first for first, _ in known), max(last for _, last in known)


# Answers come as JSON text, decoded here row by row by orjson; Core rows, not ORM ones:
# nothing here is an entity.
_ANSWERS = (Response.id, Response.role, Response.team, sa.cast(Response.answers, sa.Text))
_DATED = (*_ANSWERS, Response.submitted_on)


def _chunks(round_id: int, released: frozenset[str], q: Questionnaire, *, lineage: bool,
            size: int, connection: sa.Connection | None, dated: bool
            ) -> Iterator[tuple[Answers, Fieldwork]]:
    query = (sa.select(*(_DATED if dated else _ANSWERS))
             .where(Response.round_id == round_id).order_by(Response.id)
             .execution_options(stream_results=True, yield_per=size))
    line = 1
    with (connection or db.session.connection()).execute(query) as rows:  # closed if
        for chunk in rows.partitions(size):  # the reader stops early
            kept = [row for row in chunk if row[0] in released]
            if not kept:
                continue
            yield _decoded(kept, q, lineage, line)
            line += len(kept)


def _decoded(rows: list[Any], q: Questionnaire, lineage: bool, line: int
             ) -> tuple[Answers, Fieldwork]:
    """(id, role, team, answers as JSON text[, day]) rows as Answers, and the first and
    last of their days (None when the rows have none)."""
    records = [from_json_text(row[3]) for row in rows]
    for record, row in zip(records, rows, strict=True):
        record.update(respondent=row[0], role=row[1] or "", team=row[2] or "")
    days = [row[4] for row in rows] if len(rows[0]) > len(_ANSWERS) else None
    return (Answers.from_records(records, q, apply_lineage=lineage, first_line=line),
            (min(days), max(days)) if days else None)


ID_BATCH = 500  # ids per query: well under any database's limit of bound parameters


def responses_by_id(round_id: int, ids: frozenset[str] | set[str], q: Questionnaire, *,
                    lineage: bool) -> Iterator[tuple[Answers, Fieldwork]]:
    """A few of a round's responses, read by id (those released since a scoring kept the
    rest: `results.round_results`), `ID_BATCH` at a time, with the days they arrived."""
    ordered = sorted(ids)
    for start in range(0, len(ordered), ID_BATCH):
        rows = db.session.connection().execute(
            sa.select(*_DATED).where(Response.round_id == round_id,
                                     Response.id.in_(ordered[start:start + ID_BATCH]))).all()
        if rows:
            yield _decoded(list(rows), q, lineage, start + 1)


def released_set(round_: Round) -> frozenset[str]:
    from .releases import released_ids

    return frozenset(released_ids(round_))


def response_labels(round_id: int, released: frozenset[str]) -> Iterator[tuple[str, str]]:
    """(role, team) of each response in `released`, as `Answers` reads them: what an
    export counts before it streams (`scoring.anonymity.generalise`)."""
    from scoring.answers import one_line_label

    query = (sa.select(Response.id, Response.role, Response.team)
             .where(Response.round_id == round_id)
             .execution_options(stream_results=True, yield_per=CHUNK))
    seen: dict[tuple[str | None, str | None], tuple[str, str]] = {}  # a round has few
    with db.session.connection().execute(query) as rows:
        for rid, role, team in rows:
            if rid in released:
                label = seen.get((role, team))
                if label is None:
                    label = seen[role, team] = ((role or "").strip(),
                                                one_line_label(team or ""))
                yield label


def earlier_rounds(round_: Round) -> list[Round]:
    """Closed rounds of the same organisation and questionnaire, oldest first."""
    return list(db.session.scalars(
        sa.select(Round).join(QuestionnaireVersion)
        .where(Round.organisation_id == round_.organisation_id, Round.id != round_.id,
               Round.opens_at < round_.opens_at,
               QuestionnaireVersion.key == round_.questionnaire.key)
        .order_by(Round.opens_at)).all())


def prepare(round_id: int, consultant_id: int | None = None) -> RoundReport:
    """A round's report inputs for the CLI (`assess report --all-rounds`)."""
    return report_of(round_for(round_id, consultant_id))


def report_of(round_: Round) -> RoundReport:
    """A round's report inputs: its scored results (`results.round_results`, the
    scoring the results page shows), its consultant's branding, its response rate and
    fieldwork, and the comments that may be printed."""
    from ..report import Branding
    from .progress import progress
    from .results import round_results

    results = round_results(round_)
    org: Organisation = round_.organisation
    consultant = org.consultant
    branding = Branding(name=consultant.brand_name or consultant.name,
                        colour=consultant.brand_colour or Branding().colour,
                        logo_png=consultant.brand_logo) if consultant else None
    return RoundReport(round_.id, org.name, round_.title, results.q, results.result,
                       results.previous, branding,
                       consultant.brand_contact or "" if consultant else "",
                       progress(round_).overall.rate, results.fieldwork, results.texts,
                       round_.public_id)


def team_pdf(report: RoundReport, *, page_size: str = "A4") -> bytes:
    """The round's PDF: the same document from the console and from the CLI."""
    from ..report import build_team_report

    return build_team_report(
        report.result, report.q, org=report.organisation, round_name=report.round_name,
        consultant=report.branding, previous_results=report.previous, page_size=page_size,
        response_rate=report.response_rate, fieldwork=report.fieldwork,
        contact=report.contact, comments=report.comments, comment_seed=report.comment_seed)
