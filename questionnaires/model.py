"""Typed, immutable view of one published questionnaire version.

The YAML files are the source of truth; these dataclasses are what every other
package (scoring, the web app, the report) reads. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

ROLES: tuple[str, ...] = (
    "ceo",
    "leader",
    "manager",
    "rep",
    "support",
    "marketing",
    "operations",
    "other",
)
GROUP_KEYS: tuple[str, ...] = ("bucket", "culprit", "foundation", "process")
FIXED_DIMENSIONS: tuple[str, ...] = (
    "bucket.target_market",
    "bucket.sales_effectiveness",
    "bucket.sales_operations",
    "bucket.talent",
    "bucket.marketing",
    "culprit.culture",
    "culprit.vision_values",
    "culprit.sales_leadership",
    "culprit.non_sales_work",
    "culprit.handoffs",
    "foundation.belief",
    "foundation.desire",
    "foundation.competency",
    "foundation.execution",
)
OWNERS: tuple[str, ...] = ("ceo", "sales_leader", "sales_ops", "hr", "marketing")
HORIZONS: tuple[int, ...] = (30, 60, 90)
AUDIENCES: tuple[str, ...] = ("team", "ceo")


@dataclass(frozen=True)
class Band:
    min: float
    label: str


@dataclass(frozen=True)
class Scale:
    key: str
    type: str  # likert | number | text
    min: float | None = None
    max: float | None = None
    labels: tuple[str, ...] = ()
    points: tuple[tuple[float, float], ...] = ()
    unit: str = ""

    @property
    def scored(self) -> bool:
        return self.type != "text"


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

    def group(self, key: str) -> Group:
        return self._group_index[key]

    def scale_of(self, question: Question) -> Scale:
        return self.scales[question.scale]

    @property
    def scored_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if self.scales[q.scale].scored)

    def questions_in(self, section_key: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.section == section_key)

    def band(self, score: float | None) -> str | None:
        if score is None:
            return None
        for band in self.bands:
            if band.min <= score:
                return band.label
        return self.bands[-1].label

    @cached_property
    def _question_index(self) -> dict[str, Question]:
        return {q.key: q for q in self.questions}

    @cached_property
    def _dimension_index(self) -> dict[str, Dimension]:
        return {d.key: d for d in self.dimensions}

    @cached_property
    def _group_index(self) -> dict[str, Group]:
        return {g.key: g for g in self.groups}
