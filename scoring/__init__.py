"""The pure scoring engine: answers (pandas) + questionnaire -> scores and findings.

No Flask, no SQLAlchemy, no I/O: usable from a notebook with a DataFrame and a
questionnaire.
"""

from .answers import Answers, AnswersError, parse_answers, validate_record
from .engine import score, score_views, threshold_for
from .model import (
    Agreement,
    DimensionScore,
    Evidence,
    FixPick,
    Gap,
    GroupScore,
    ItemScore,
    Overall,
    Quality,
    Reliability,
    Result,
    RootCause,
    Segment,
    Trend,
)

__all__ = [
    "Agreement",
    "Answers",
    "AnswersError",
    "DimensionScore",
    "Evidence",
    "FixPick",
    "Gap",
    "GroupScore",
    "ItemScore",
    "Overall",
    "Quality",
    "Reliability",
    "Result",
    "RootCause",
    "Segment",
    "Trend",
    "parse_answers",
    "score",
    "score_views",
    "threshold_for",
    "validate_record",
]
