"""A round's answers out, in the answers-CSV contract, never under the threshold.

Role and team values that fewer than k respondents share are blanked in the export:
a file with a single `ceo` row would otherwise name its author's answers.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

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
    return write_answers_csv(replace(answers, role=_blank_rare(answers.role, k),
                                     team=_blank_rare(answers.team, k)), q)


def _blank_rare(values: pd.Series, k: int) -> pd.Series:
    """Values shared by fewer than k respondents become blank."""
    counts = values.map(values.value_counts())
    return values.where((values == "") | (counts >= k), "")
