"""A round's answers out, in the answers-CSV contract, never under the threshold.

The rows pass through the one anonymity module first (`scoring.anonymity.anonymise`):
every (role, team) combination in the file is shared by at least k rows, so a file can
never hold a single `ceo` row, or a lone (manager, East).
"""

from __future__ import annotations

from scoring.anonymity import anonymise

from .. import questionnaire_store
from ..answers_io import write_answers_csv
from ..errors import BelowThreshold
from .reporting import round_answers, round_for


def round_csv(round_id: int) -> str:
    round_ = round_for(round_id)
    q = questionnaire_store.of(round_.questionnaire)
    answers = round_answers(round_, q)
    k = round_.min_group_size
    if len(answers) < k:
        raise BelowThreshold(f"Round {round_id}", len(answers), k)
    return write_answers_csv(anonymise(answers, q, k), q)
