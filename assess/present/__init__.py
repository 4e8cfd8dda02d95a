"""View models: what pages, PDFs and the CLI table show, formatted from `scoring.Result`."""

from __future__ import annotations

from dataclasses import dataclass

from questionnaires import Questionnaire
from scoring import Result

OWNER_LABELS = {"ceo": "CEO", "sales_leader": "Sales leader", "sales_ops": "Sales operations",
                "hr": "HR / people", "marketing": "Marketing"}


@dataclass(frozen=True)
class Rung:
    number: int
    title: str
    score: str
    band: str
    weak: bool
    root: bool  # the lowest weak rung: fix this first


@dataclass(frozen=True)
class Cause:
    title: str
    explanation: str  # the rule's "why a cause", shown once per rule
    kind: str
    symptoms: tuple[str, ...]
    detail: str = ""  # what the weak dimension covers, in the questionnaire's words


@dataclass(frozen=True)
class FixView:
    text: str
    owner: str
    horizon_days: int


@dataclass(frozen=True)
class BucketScore:
    title: str
    score: float | None
    shown: str


@dataclass(frozen=True)
class QuickSummary:
    score: str
    band: str
    buckets: tuple[BucketScore, ...]  # the radar's axes
    rungs: tuple[Rung, ...]  # top rung first, as drawn
    root_rung: str | None
    causes: tuple[Cause, ...]
    fixes: tuple[FixView, ...]


def _fmt(score: float | None) -> str:
    return "–" if score is None else f"{score:.0f}"


def ladder_keys(q: Questionnaire) -> list[str]:
    for rule in q.rules:
        if rule.type == "foundation_ladder":
            return list(rule.params.get("dimensions", []))
    return [d.key for d in q.dimensions if d.group == "foundation"]


def quick_view(q: Questionnaire, result: Result, *, causes: int = 3,
              fixes: int = 5) -> QuickSummary:
    buckets = []
    for d in q.dimensions:
        if d.group == "bucket":
            value = getattr(result.dimension(d.key), "score", None)
            buckets.append(BucketScore(d.title, value, _fmt(value)))
    weak_below = q.analysis.weak_below
    rungs = []
    root_rung = None
    for i, key in enumerate(ladder_keys(q), start=1):
        dim = result.dimension(key)
        value = dim.score if dim else None
        weak = value is not None and value < weak_below
        is_root = weak and root_rung is None
        if is_root:
            root_rung = q.dimension(key).title
        rungs.append(Rung(i, q.dimension(key).title, _fmt(value), (dim.band or "") if dim else "",
                          weak, is_root))
    title_of = {d.key: d.title for d in q.dimensions}
    return QuickSummary(
        score=_fmt(result.overall.score),
        band=result.overall.band or "",
        buckets=tuple(buckets),
        rungs=tuple(reversed(rungs)),
        root_rung=root_rung,
        causes=_causes(q, result, causes, title_of),
        fixes=tuple(FixView(f.text, OWNER_LABELS.get(f.owner, f.owner), f.horizon_days)
                    for f in result.fixes[:fixes]),
    )


def _causes(q: Questionnaire, result: Result, count: int,
            title_of: dict[str, str]) -> tuple[Cause, ...]:
    """The top causes; a rule's explanation is shown with its first cause only, so three
    weak buckets do not repeat the same paragraph."""
    out = []
    explained: set[str] = set()
    for c in result.root_causes[:count]:
        detail = ""
        if c.dimensions:
            dim = q.dimension(c.dimensions[0])
            detail = dim.description
        explanation = "" if c.rule in explained else c.explanation
        explained.add(c.rule)
        out.append(Cause(c.title, explanation, c.kind,
                         tuple(title_of.get(s, s) for s in c.symptoms), detail))
    return tuple(out)
