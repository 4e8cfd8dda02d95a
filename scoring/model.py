"""What the engine returns: frozen dataclasses, floats at full precision.

`Result.to_dict()` is the JSON of the `assess score` contract; the web pages and the
PDF read the same object, so every number a person sees comes from here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Overall:
    score: float | None
    band: str | None


@dataclass(frozen=True)
class GroupScore:
    key: str
    title: str
    score: float | None
    band: str | None


@dataclass(frozen=True)
class DimensionScore:
    key: str
    group: str
    title: str
    score: float | None
    n: int
    sd: float | None
    band: str | None
    suppressed: bool = False
    basis: str = "measure"  # measure | perception (only a view of the group, see FORMAT.md)


@dataclass(frozen=True)
class ItemScore:
    """One question across the team: mean item score (0-100), median and mean raw answer,
    and the shares that agree and disagree (likert scales; "Don't know" not counted)."""

    key: str
    dimension: str | None
    score: float | None
    median: float | None
    raw_mean: float | None
    n: int
    suppressed: bool = False
    agree: float | None = None
    disagree: float | None = None
    dont_know: int = 0


@dataclass(frozen=True)
class Segment:
    key: str
    n: int
    suppressed: bool
    overall: Overall | None = None
    dimensions: tuple[DimensionScore, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """A fact behind a finding: a dimension score or an item statistic, with its n."""

    n: int
    dimension: str | None = None
    question: str | None = None
    score: float | None = None
    value: float | None = None
    note: str = ""
    agree: float | None = None  # a statement's share of agreement (0..1)
    disagree: float | None = None


@dataclass(frozen=True)
class RootCause:
    key: str
    kind: str  # foundation | ecosystem | culprit | process | gap | agreement
    rule: str
    title: str
    explanation: str
    dimensions: tuple[str, ...]
    severity: float
    evidence: tuple[Evidence, ...]
    symptoms: tuple[str, ...] = ()
    linked: tuple[str, ...] = ()  # keys of the context causes that explain this one


@dataclass(frozen=True)
class Rung:
    """One rung of the foundation ladder as the engine judged it.

    status: root (the cause: fix first), symptom (weak, explained by the root rung below),
    blocked (weak, but explained by the context cause `cause`: not the people's fault),
    sound, watch, perception (only leadership's or the CEO's view: never a verdict),
    hidden (fewer than k answers) or unanswered.
    """

    key: str
    title: str
    position: int  # 1 = the lowest rung (belief)
    score: float | None
    n: int
    band: str | None
    status: str
    cause: str | None = None


@dataclass(frozen=True)
class Ladder:
    rungs: tuple[Rung, ...]  # lowest rung first
    start_here: str | None  # the root rung's key, when the people's own rung is the cause
    basis: str = "measure"

    def rung(self, key: str) -> Rung | None:
        return next((r for r in self.rungs if r.key == key), None)


@dataclass(frozen=True)
class FixPick:
    """A fix in the plan: `step` numbers the plan's actions 1..n; None = the later list."""

    key: str
    text: str
    owner: str
    horizon_days: int
    root_cause: str | None
    dimension: str | None
    impact: float
    step: int | None = None


@dataclass(frozen=True)
class Gap:
    """How two views of the same dimension differ (a minus b)."""

    dimension: str
    a: str  # "leadership" or "ceo"
    b: str  # "team"
    a_score: float | None
    b_score: float | None
    a_n: int
    b_n: int
    gap: float | None
    flagged: bool
    suppressed: bool = False


@dataclass(frozen=True)
class Agreement:
    dimension: str
    sd: float | None
    n: int
    flagged: bool


@dataclass(frozen=True)
class Trend:
    """Change of a dimension since the previous round, with Welch's t-test."""

    dimension: str
    previous: float | None
    current: float | None
    change: float | None
    n_previous: int
    n_current: int
    t: float | None
    p_value: float | None
    real: bool | None  # None: not testable (n < 2 on a side)
    method: str = "welch_t"


@dataclass(frozen=True)
class Quality:
    respondents: int
    straight_lining: int
    too_fast: int
    flagged: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reliability:
    dimension: str
    items: int
    n: int
    alpha: float | None


@dataclass(frozen=True)
class Result:
    questionnaire_key: str
    questionnaire_version: int
    respondents: int
    min_group_size: int
    overall: Overall
    groups: tuple[GroupScore, ...]
    dimensions: tuple[DimensionScore, ...]
    items: tuple[ItemScore, ...] = ()
    segment_by: str | None = None
    segments: tuple[Segment, ...] = ()
    root_causes: tuple[RootCause, ...] = ()
    fixes: tuple[FixPick, ...] = ()
    gaps: tuple[Gap, ...] = ()
    agreement: tuple[Agreement, ...] = ()
    trend: tuple[Trend, ...] = ()
    quality: Quality | None = None
    reliability: tuple[Reliability, ...] = ()
    below_threshold: bool = False
    ladder: Ladder | None = None

    @property
    def plan(self) -> tuple[FixPick, ...]:
        """The numbered actions, first to do first."""
        return tuple(f for f in self.fixes if f.step is not None)

    @property
    def later(self) -> tuple[FixPick, ...]:
        return tuple(f for f in self.fixes if f.step is None)

    def cause(self, key: str | None) -> RootCause | None:
        return next((c for c in self.root_causes if c.key == key), None)

    def dimension(self, key: str) -> DimensionScore | None:
        return next((d for d in self.dimensions if d.key == key), None)

    def group(self, key: str) -> GroupScore | None:
        return next((g for g in self.groups if g.key == key), None)

    def item(self, key: str) -> ItemScore | None:
        return next((i for i in self.items if i.key == key), None)

    def to_dict(self) -> dict[str, Any]:
        """The `assess score --format json` document."""

        def dim(d: DimensionScore) -> dict[str, Any]:
            out = {"key": d.key, "group": d.group, "score": d.score, "n": d.n, "sd": d.sd,
                   "band": d.band, "basis": d.basis}
            if d.suppressed:
                out["suppressed"] = True
            return out

        def segment(s: Segment) -> dict[str, Any]:
            if s.suppressed:
                return {"key": s.key, "n": s.n, "suppressed": True}
            assert s.overall is not None
            return {"key": s.key, "n": s.n, "overall": asdict(s.overall),
                    "dimensions": [dim(d) for d in s.dimensions]}

        def cause(c: RootCause) -> dict[str, Any]:
            return {"key": c.key, "kind": c.kind, "rule": c.rule, "title": c.title,
                    "dimensions": list(c.dimensions), "severity": c.severity,
                    "evidence": [{k: v for k, v in asdict(e).items() if v not in (None, "")}
                                 for e in c.evidence],
                    "symptoms": list(c.symptoms), "linked": list(c.linked),
                    "explanation": c.explanation}

        def fix(f: FixPick) -> dict[str, Any]:
            return {"key": f.key, "text": f.text, "owner": f.owner,
                    "horizon_days": f.horizon_days, "root_cause": f.root_cause,
                    "dimension": f.dimension, "impact": f.impact, "step": f.step}

        ladder = None if self.ladder is None else {
            "start_here": self.ladder.start_here, "basis": self.ladder.basis,
            "rungs": [asdict(r) for r in self.ladder.rungs]}

        return {
            "questionnaire": {"key": self.questionnaire_key,
                              "version": self.questionnaire_version},
            "respondents": self.respondents,
            "min_group_size": self.min_group_size,
            "below_threshold": self.below_threshold,
            "overall": asdict(self.overall),
            "groups": [{"key": g.key, "score": g.score, "band": g.band} for g in self.groups],
            "dimensions": [dim(d) for d in self.dimensions],
            "segment_by": self.segment_by,
            "segments": [segment(s) for s in self.segments],
            "root_causes": [cause(c) for c in self.root_causes],
            "fixes": [fix(f) for f in self.fixes],
            "plan": {"actions": [fix(f) for f in self.plan],
                     "later": [fix(f) for f in self.later]},
            "ladder": ladder,
            "gaps": [asdict(g) for g in self.gaps],
            "agreement": [asdict(a) for a in self.agreement],
            "trend": [asdict(t) for t in self.trend],
            "quality": asdict(self.quality) if self.quality else None,
            "reliability": [asdict(r) for r in self.reliability],
            "items": [asdict(i) for i in self.items],
        }
