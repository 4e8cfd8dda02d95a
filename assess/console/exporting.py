"""A round's answers out, in the answers-CSV contract, never under the threshold.

The rows pass through the one anonymity module first (`scoring.anonymity`): every
(role, team) combination in the file is shared by at least k rows, so a file can never
hold a single `ceo` row, or a lone (manager, East). Text cells are made inert
(`answers_io.inert`) in every format: a spreadsheet must not run what a respondent typed.

Exports stream: one pass counts the (role, team) combinations of the released responses
(the anonymity rule needs the counts of the whole file), then the responses are read,
generalised and written a chunk at a time, so a round of 100,000 costs the memory of one
chunk, not of the file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from questionnaires import Questionnaire
from scoring import Answers
from scoring.anonymity import Combination, Generalised, anonymise, generalise

from .. import questionnaire_store
from ..answers_io import csv_chunks
from ..errors import BelowThreshold
from .reporting import released_set, response_chunks, response_labels, round_for
from .xlsx import write_answers_xlsx

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(MIMETYPES)


@dataclass(frozen=True)
class Export:
    """A round's export, checked and counted, ready to be written: plain data, so the
    file can be written in a later session (a streamed download) from the very
    responses that were counted."""

    round_id: int
    q: Questionnaire
    lineage: bool  # the round used an older version of q
    k: int
    released: frozenset[str]  # the ids of the release the counts were made on
    rule: dict[Combination, Generalised]  # the anonymity rule over the whole file

    def chunks(self, connection: sa.Connection | None = None) -> Iterator[Answers]:
        """The releasable answers, a chunk at a time, in the order of the file."""
        for chunk in response_chunks(self.round_id, self.released, self.q,
                                     lineage=self.lineage, connection=connection):
            yield anonymise(chunk, self.q, self.k, self.rule)

    def stream(self, fmt: str, connection: sa.Connection | None = None) -> Iterator[bytes]:
        """The file in pieces: CSV a chunk of rows at a time (UTF-8, the header first);
        an XLSX is a zip, one piece at the end."""
        if fmt == "xlsx":
            yield write_answers_xlsx(self.chunks(connection), self.q)
        else:
            for text in csv_chunks(self.chunks(connection), self.q):
                yield text.encode("utf-8")


def prepare(round_id: int, consultant_id: int | None = None) -> Export:
    """Check and count before anything is written: BelowThreshold under k, NotFound for
    someone else's round; a streamed response can no longer turn into an error page."""
    round_ = round_for(round_id, consultant_id)
    q = questionnaire_store.of(round_.questionnaire)
    released = released_set(round_)
    counts = Counter(response_labels(round_.id, released))
    rows = sum(counts.values())
    k = round_.min_group_size
    if rows < k:
        raise BelowThreshold(f"Round {round_id}", rows, k)
    return Export(round_.id, q, round_.questionnaire.version != q.version, k, released,
                  generalise(counts, k))


def round_export(round_id: int, fmt: str = "csv", consultant_id: int | None = None) -> bytes:
    """The whole file at once (tests, small rounds); the CLI and the console stream."""
    if fmt not in MIMETYPES:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    return b"".join(prepare(round_id, consultant_id).stream(fmt))


def releasable_answers(round_id: int, consultant_id: int | None = None
                       ) -> tuple[Answers, Questionnaire]:
    """A round's answers as they may leave the app, all at once: refused under k,
    k-anonymous."""
    export = prepare(round_id, consultant_id)
    parts = list(export.chunks())
    return Answers.concat(parts), export.q
