"""A round's answers out, in the answers-CSV contract, never under the threshold.

The rows pass through the one anonymity module first (`scoring.anonymity.anonymise`):
every (role, team) combination in the file is shared by at least k rows, so a file can
never hold a single `ceo` row, or a lone (manager, East). Text cells are made inert
(`answers_io.inert`) in every format: a spreadsheet must not run what a respondent typed.
"""

from __future__ import annotations

from collections.abc import Callable

from questionnaires import Questionnaire
from scoring import Answers
from scoring.anonymity import anonymise

from .. import questionnaire_store
from ..answers_io import write_answers_csv
from ..errors import BelowThreshold
from .reporting import round_answers, round_for
from .xlsx import write_answers_xlsx

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(MIMETYPES)

_WRITERS: dict[str, Callable[[Answers, Questionnaire], bytes]] = {
    "csv": lambda answers, q: write_answers_csv(answers, q).encode("utf-8"),
    "xlsx": write_answers_xlsx,
}


def round_export(round_id: int, fmt: str = "csv", consultant_id: int | None = None) -> bytes:
    """The file the CLI writes and the console offers: same rows, CSV or XLSX."""
    if fmt not in _WRITERS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    answers, q = releasable_answers(round_id, consultant_id)
    return _WRITERS[fmt](answers, q)


def releasable_answers(round_id: int, consultant_id: int | None = None
                       ) -> tuple[Answers, Questionnaire]:
    """A round's answers as they may leave the app: refused under k, k-anonymous."""
    round_ = round_for(round_id, consultant_id)
    q = questionnaire_store.of(round_.questionnaire)
    answers = round_answers(round_, q)
    k = round_.min_group_size
    if len(answers) < k:
        raise BelowThreshold(f"Round {round_id}", len(answers), k)
    return anonymise(answers, q, k), q
