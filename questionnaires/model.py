"""Typed, immutable view of one published questionnaire version.

The YAML files are the source of truth; these dataclasses are what every other
package (scoring, the web app, the report) reads. Nothing here does I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from types import MappingProxyType
from typing import Any

import numpy as np

from .vocabulary import COMPLETE_AT, DONT_KNOW

SHOWN_MAX = 40  # characters of a value a message names; a longer one is cut


def shown(value: object) -> str:
    """A value as a message names it: whole when short, else its start and its length
    (a 200,000-character cell makes a message of one line, not of 200,000 characters)."""
    text = str(value)
    if len(text) <= SHOWN_MAX:
        return text
    return f"{text[:SHOWN_MAX]}… ({len(text):,} characters)"


def quoted(value: object) -> str:
    """`shown`, in quotes (as repr quotes it, escapes included)."""
    text = str(value)
    if len(text) <= SHOWN_MAX:
        return repr(value)
    return f"{text[:SHOWN_MAX]!r}… ({len(text):,} characters)"


@dataclass(frozen=True)
class Band:
    min: float
    label: str


# What can be wrong with an answer on a scale: the one check the CSV validator, the
# per-record check and the web form parser all use, with one set of messages.
OK, NOT_A_NUMBER, OUTSIDE, NOT_WHOLE = 0, 1, 2, 3


@dataclass(frozen=True)
class Scale:
    key: str
    type: str  # likert | number | text
    min: float | None = None
    max: float | None = None
    labels: tuple[str, ...] = ()
    points: tuple[tuple[float, float], ...] = ()
    unit: str = ""
    dont_know: str = ""  # label of a "Don't know" choice (stored as DONT_KNOW); "" = none

    @property
    def scored(self) -> bool:
        return self.type != "text"

    def check(self, values: np.ndarray) -> np.ndarray:
        """Problem code per value (floats; NaN = a filled cell that is not a number)."""
        values = np.asarray(values, dtype=float)
        low = -np.inf if self.min is None else self.min
        high = np.inf if self.max is None else self.max
        with np.errstate(invalid="ignore"):
            out = np.where(np.isnan(values), NOT_A_NUMBER, OK)
            out = np.where(~np.isnan(values) & (~np.isfinite(values) | (values < low)
                                                | (values > high)), OUTSIDE, out)
            if self.type == "likert":
                out = np.where((out == OK) & (values != np.round(values)), NOT_WHOLE, out)
        return out.astype(np.int8)

    def message(self, code: int, cell: object) -> str:
        """The message for a problem code, naming the value as it was given."""
        if code == NOT_A_NUMBER:
            if is_dont_know(cell):
                return f"{quoted(cell)}: this question has no \"Don't know\" choice"
            return f"{quoted(cell)} is not a number"
        if code == OUTSIDE:
            return f"{shown(cell)} is outside the scale {self.min:g}..{self.max:g}"
        return f"{shown(cell)} is not a whole point of the scale"

    def problem(self, value: object) -> str | None:
        """The check for one answer as stored or typed: None when it is acceptable."""
        if self.dont_know and is_dont_know(value):
            return None
        number = as_number(value)
        code = int(self.check(np.array([np.nan if number is None else number]))[0])
        return None if code == OK else self.message(code, value)

    def choices(self) -> tuple[tuple[str, str], ...]:
        """(value, label) of each point of a likert scale, lowest first."""
        return _choices(self)

    def extra_choices(self) -> tuple[tuple[str, str], ...]:
        return ((DONT_KNOW, self.dont_know),) if self.dont_know else ()

    def display(self, value: object) -> str:
        """An answer as the respondent chose it (the label, not the number)."""
        if value is None or value == "":
            return ""
        if self.dont_know and is_dont_know(value):
            return self.dont_know
        if self.type == "likert":
            for point, label in self.choices():
                if as_number(point) == as_number(value):
                    return f"{label} ({point})"
        if self.type == "number" and self.unit:
            return f"{value} {self.unit}"
        return str(value)


@cache
def _choices(scale: Scale) -> tuple[tuple[str, str], ...]:
    """`Scale.choices`, worked out once per scale (every survey page asks for them)."""
    if scale.type != "likert" or scale.min is None or scale.max is None:
        return ()
    points = range(int(scale.min), int(scale.max) + 1)
    labels = scale.labels or tuple(str(p) for p in points)
    return tuple((str(p), label) for p, label in zip(points, labels, strict=True))


def displayed(score: float) -> int:
    """A 0..100 score as every page, PDF and table prints it: whole points, halves up."""
    return math.floor(score + 0.5)


def is_dont_know(value: object) -> bool:
    return isinstance(value, str) and value.strip().lower() == DONT_KNOW


def as_number(value: object) -> float | None:
    """A float from a stored or typed answer; None when it is not a number at all."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    weight: float


@dataclass(frozen=True)
class Dimension:
    key: str
    group: str
    title: str
    weight: float
    description: str = ""


@dataclass(frozen=True)
class Section:
    """One page of the respondent flow."""

    key: str
    title: str
    intro: str = ""


@dataclass(frozen=True)
class Question:
    key: str
    dimension: str | None  # None for free-text questions
    scale: str
    text: str
    weight: float = 1.0
    reverse: bool = False
    audiences: tuple[str, ...] = ("all",)
    section: str = ""
    required: bool = False
    help: str = ""
    perception: bool = False  # one group's view of another (leadership on the reps): a gap,
    #                           never part of the dimension's measure

    def asked_of(self, role: str | None) -> bool:
        """Whether a respondent with this role (None: not given) sees the question."""
        return "all" in self.audiences or (role is not None and role in self.audiences)


@dataclass(frozen=True)
class Rule:
    key: str
    type: str
    kind: str
    title: str
    explanation: str = ""
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Fix:
    key: str
    text: str
    owner: str
    horizon_days: int
    dimension: str | None = None
    rule: str | None = None


@dataclass(frozen=True)
class Analysis:
    """Thresholds the engine uses; defaults apply when a file omits them."""

    weak_below: float = 60.0
    gap_threshold: float = 15.0
    disagreement_sd: float = 25.0
    alpha_min_n: int = 10
    straightline_min_items: int = 10
    min_seconds_per_item: float = 1.5
    leadership_roles: tuple[str, ...] = ("ceo", "leader", "manager")
    team_roles: tuple[str, ...] = ("rep",)
    plan_first_30: int = 5  # most actions a plan starts in its first 30 days
    plan_max: int = 12  # most actions in a plan; the rest wait on a "later" list


@dataclass(frozen=True)
class Questionnaire:
    key: str
    version: int
    title: str
    audience: str
    roles: tuple[str, ...]
    min_group_size: int
    bands: tuple[Band, ...]
    scales: Mapping[str, Scale]
    groups: tuple[Group, ...]
    dimensions: tuple[Dimension, ...]
    questions: tuple[Question, ...]
    sections: tuple[Section, ...] = ()
    lineage: Mapping[str, str | None] = field(default_factory=lambda: MappingProxyType({}))
    rules: tuple[Rule, ...] = ()
    fixes: tuple[Fix, ...] = ()
    analysis: Analysis = field(default_factory=Analysis)
    description: str = ""
    minutes: int = 0
    content_hash: str = ""
    path: str = ""

    @property
    def ref(self) -> str:
        return f"{self.key}@{self.version}"

    def question(self, key: str) -> Question:
        return self._question_index[key]

    def dimension(self, key: str) -> Dimension:
        return self._dimension_index[key]

    def dimension_or_none(self, key: str) -> Dimension | None:
        return self._dimension_index.get(key)

    def group(self, key: str) -> Group:
        return self._group_index[key]

    def scale_of(self, question: Question) -> Scale:
        return self.scales[question.scale]

    @property
    def scored_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if self.scales[q.scale].scored)

    def answered_share(self, role: str | None, answers: Mapping[str, Any]) -> float:
        """Share of the scored questions asked of this role that have an answer ("Don't
        know" counts: the person considered it). A response under `COMPLETE_AT` is
        reported as incomplete."""
        asked = [x.key for x in self.scored_questions if x.asked_of(role)]
        if not asked:
            return 0.0
        return sum(1 for key in asked if answers.get(key) not in (None, "")) / len(asked)

    def complete(self, role: str | None, answers: Mapping[str, Any]) -> bool:
        return self.answered_share(role, answers) >= COMPLETE_AT

    def questions_in(self, section_key: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.section == section_key)

    def band(self, score: float | None) -> str | None:
        """The band of a score as displayed (whole points), so "60" never reads "weak"."""
        if score is None:
            return None
        whole = displayed(score)
        for band in self.bands:
            if band.min <= whole:
                return band.label
        return self.bands[-1].label

    def weak(self, score: float | None, below: float | None = None) -> bool:
        """Under the weak line (the analysis default, or a rule's own), as displayed."""
        line = self.analysis.weak_below if below is None else below
        return score is not None and displayed(score) < line

    @property
    def healthy_at(self) -> float:
        """The top band's line: a score as displayed at or above it is healthy."""
        return self.bands[0].min

    @cached_property
    def _question_index(self) -> dict[str, Question]:
        return {q.key: q for q in self.questions}

    @cached_property
    def _dimension_index(self) -> dict[str, Dimension]:
        return {d.key: d for d in self.dimensions}

    @cached_property
    def _group_index(self) -> dict[str, Group]:
        return {g.key: g for g in self.groups}
