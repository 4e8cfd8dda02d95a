"""Root causes and the fixes that follow from them.

The rule *types* live here; which dimensions they look at and their thresholds are
data in the questionnaire. Two principles from the domain shape the order:
the foundation ladder (the lowest weak rung is the cause, weak rungs above it are
symptoms) and ecosystem before people (individual competency or execution is never
named a cause while a bucket of the ecosystem is weak).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from questionnaires import Questionnaire, Rule

from .model import DimensionScore, Evidence, FixPick, Gap, ItemScore, RootCause

# Most important first: the ecosystem, then the process that runs through it, then
# the culture culprits (checked once the ecosystem is sound), then the people
# ladder, then differences of view.
KIND_ORDER = {"ecosystem": 0, "process": 1, "culprit": 2, "foundation": 3, "gap": 4,
              "agreement": 5}


@dataclass(frozen=True)
class Facts:
    """What the rules may look at; only shown (unsuppressed) aggregates are included."""

    q: Questionnaire
    dimensions: Mapping[str, DimensionScore]
    items: Mapping[str, ItemScore]
    item_score_of: Callable[[str, float], float]
    gaps: Sequence[Gap]
    disagreements: Sequence[tuple[str, float, int]]  # dimension, sd, n

    def score(self, key: str) -> float | None:
        dim = self.dimensions.get(key)
        return None if dim is None else dim.score

    def weak(self, key: str, below: float | None = None) -> bool:
        score = self.score(key)
        limit = self.q.analysis.weak_below if below is None else below
        return score is not None and score < limit

    def evidence(self, key: str, note: str = "") -> Evidence:
        dim = self.dimensions[key]
        return Evidence(n=dim.n, dimension=key, score=dim.score, note=note)


def _threshold(rule: Rule, facts: Facts) -> float:
    return float(rule.params.get("below", facts.q.analysis.weak_below))


def _short(dimension: str) -> str:
    return dimension.split(".", 1)[1]


def find_root_causes(facts: Facts) -> tuple[RootCause, ...]:
    q = facts.q
    causes: list[RootCause] = []
    people: set[str] = set()
    for rule in q.rules:
        if rule.type == "ecosystem_before_people":
            people |= set(rule.params.get("people", ()))
    # Ecosystem before people: a people rung is a symptom while a bucket is weak.
    blocked = people if _weak_buckets(facts) else set()
    claimed: set[str] = set()  # dimensions already explained by a more specific rule
    for rule in sorted(q.rules, key=_rule_order):
        found = _RULES[rule.type](rule, facts, claimed, blocked)
        causes.extend(found)
        if rule.kind not in ("gap", "agreement"):
            claimed.update(d for c in found for d in c.dimensions)
    causes.sort(key=lambda c: (KIND_ORDER.get(c.kind, 9), -round(c.severity, 9), c.key))
    return _attach_people_symptoms(causes, people, facts)


def _rule_order(rule: Rule) -> tuple[int, str]:
    order = {"foundation_ladder": 0, "ecosystem_before_people": 1, "item_threshold": 2,
             "weak_dimension": 3, "perception_gap": 5, "disagreement": 6}[rule.type]
    if rule.type == "weak_dimension" and "dimensions" not in rule.params:
        order = 4  # a whole-group rule comes after the specific ones
    return order, rule.key


def _weak_buckets(facts: Facts) -> list[str]:
    groups = {r.params.get("ecosystem_group", "bucket") for r in facts.q.rules
              if r.type == "ecosystem_before_people"}
    return [d.key for d in facts.q.dimensions if d.group in groups and facts.weak(d.key)]


def _ladder(rule: Rule, facts: Facts, claimed: set[str],
            blocked: set[str]) -> list[RootCause]:
    rungs = [r for r in rule.params["dimensions"] if facts.score(r) is not None]
    limit = _threshold(rule, facts)
    weak = [r for r in rungs if facts.weak(r, limit)]
    if not weak or weak[0] in blocked:
        return []
    lowest, above = weak[0], weak[1:]
    evidence = [facts.evidence(lowest, "lowest weak rung of the ladder")]
    evidence += [facts.evidence(r, "weak rung above: a symptom") for r in above]
    return [RootCause(
        key=f"{rule.key}:{_short(lowest)}", kind=rule.kind, rule=rule.key,
        title=f"{rule.title}: {facts.q.dimension(lowest).title}",
        explanation=rule.explanation, dimensions=(lowest,),
        severity=limit - float(facts.score(lowest) or 0.0),
        evidence=tuple(evidence), symptoms=tuple(above),
    )]


def _ecosystem(rule: Rule, facts: Facts, claimed: set[str],
               blocked: set[str]) -> list[RootCause]:
    limit = _threshold(rule, facts)
    group = rule.params.get("ecosystem_group", "bucket")
    out = []
    for dim in facts.q.dimensions:
        if dim.group != group or not facts.weak(dim.key, limit):
            continue
        out.append(RootCause(
            key=f"{rule.key}:{_short(dim.key)}", kind=rule.kind, rule=rule.key,
            title=f"{dim.title} is weak", explanation=rule.explanation,
            dimensions=(dim.key,), severity=limit - float(facts.score(dim.key) or 0.0),
            evidence=(facts.evidence(dim.key),),
        ))
    return out


def _item_threshold(rule: Rule, facts: Facts, claimed: set[str],
                    blocked: set[str]) -> list[RootCause]:
    key = rule.params["question"]
    item = facts.items.get(key)
    if item is None or item.suppressed or item.n == 0:
        return []
    value = item.median if rule.params.get("stat", "median") == "median" else item.raw_mean
    if value is None:
        return []
    above, below = rule.params.get("above"), rule.params.get("below")
    fired = (above is not None and value > above) or (below is not None and value < below)
    if not fired:
        return []
    question = facts.q.question(key)
    limit = above if above is not None else below
    stat = rule.params.get("stat", "median")
    evidence = [Evidence(n=item.n, question=key, value=value, score=item.score,
                         note=f"team {stat} {value:g} (limit {limit:g})")]
    if question.dimension in facts.dimensions:
        evidence.append(facts.evidence(question.dimension))
    return [RootCause(
        key=rule.key, kind=rule.kind, rule=rule.key, title=rule.title,
        explanation=rule.explanation, dimensions=(question.dimension,) if question.dimension
        else (), severity=100.0 - facts.item_score_of(key, value), evidence=tuple(evidence),
    )]


def _weak_dimension(rule: Rule, facts: Facts, claimed: set[str],
                    blocked: set[str]) -> list[RootCause]:
    limit = _threshold(rule, facts)
    if "dimensions" in rule.params:
        keys = list(rule.params["dimensions"])
        single = len(keys) == 1
    else:
        keys = [d.key for d in facts.q.dimensions if d.group == rule.params["group"]]
        single = False
    out = []
    for key in keys:
        if key in claimed or not facts.weak(key, limit):
            continue
        dim = facts.q.dimension(key)
        out.append(RootCause(
            key=rule.key if single else f"{rule.key}:{_short(key)}", kind=rule.kind,
            rule=rule.key, title=rule.title if single else f"{dim.title} is weak",
            explanation=rule.explanation, dimensions=(key,),
            severity=limit - float(facts.score(key) or 0.0), evidence=(facts.evidence(key),),
        ))
    return out


def _perception_gap(rule: Rule, facts: Facts, claimed: set[str],
                    blocked: set[str]) -> list[RootCause]:
    limit = float(rule.params.get("threshold", facts.q.analysis.gap_threshold))
    flagged = [g for g in facts.gaps
               if g.gap is not None and not g.suppressed and abs(g.gap) > limit]
    if not flagged:
        return []
    flagged.sort(key=lambda g: -abs(g.gap or 0.0))
    evidence = []
    for g in flagged:
        evidence.append(Evidence(n=g.a_n, dimension=g.dimension, score=g.a_score,
                                 note=f"{g.a} view"))
        evidence.append(Evidence(n=g.b_n, dimension=g.dimension, score=g.b_score,
                                 note=f"{g.b} view (gap {g.gap:+.1f})"))
    dims = tuple(dict.fromkeys(g.dimension for g in flagged))
    return [RootCause(
        key=rule.key, kind=rule.kind, rule=rule.key, title=rule.title,
        explanation=rule.explanation, dimensions=dims,
        severity=abs(flagged[0].gap or 0.0) - limit, evidence=tuple(evidence),
    )]


def _disagreement(rule: Rule, facts: Facts, claimed: set[str],
                  blocked: set[str]) -> list[RootCause]:
    limit = float(rule.params.get("sd_above", facts.q.analysis.disagreement_sd))
    flagged = sorted((d for d in facts.disagreements if d[1] > limit), key=lambda d: -d[1])
    if not flagged:
        return []
    evidence = tuple(Evidence(n=n, dimension=key, score=facts.score(key),
                              note=f"spread (SD) {sd:.1f}") for key, sd, n in flagged)
    return [RootCause(
        key=rule.key, kind=rule.kind, rule=rule.key, title=rule.title,
        explanation=rule.explanation, dimensions=tuple(d[0] for d in flagged),
        severity=flagged[0][1] - limit, evidence=evidence,
    )]


_RULES: dict[str, Callable[[Rule, Facts, set[str], set[str]], list[RootCause]]] = {
    "foundation_ladder": _ladder,
    "ecosystem_before_people": _ecosystem,
    "item_threshold": _item_threshold,
    "weak_dimension": _weak_dimension,
    "perception_gap": _perception_gap,
    "disagreement": _disagreement,
}


def _attach_people_symptoms(causes: list[RootCause], people: set[str],
                            facts: Facts) -> tuple[RootCause, ...]:
    """While buckets are weak, weak people dimensions are symptoms of the worst bucket."""
    weak_people = [p for p in sorted(people, key=_ladder_position(facts))
                   if facts.weak(p) and not any(p in c.dimensions for c in causes)]
    ecosystem = [c for c in causes if c.kind == "ecosystem"]
    if not weak_people or not ecosystem:
        return tuple(causes)
    worst = max(ecosystem, key=lambda c: c.severity)
    extra = tuple(p for p in weak_people if p not in worst.symptoms)
    evidence = worst.evidence + tuple(
        facts.evidence(p, "people result explained by the weak ecosystem") for p in extra)
    updated = replace(worst, symptoms=worst.symptoms + extra, evidence=evidence)
    return tuple(updated if c is worst else c for c in causes)


def _ladder_position(facts: Facts) -> Callable[[str], int]:
    order = [d.key for d in facts.q.dimensions]
    return lambda key: order.index(key) if key in order else len(order)


# --------------------------------------------------------------------------- fixes


def choose_fixes(q: Questionnaire, causes: Sequence[RootCause],
                 dims: Mapping[str, DimensionScore], breadth: Mapping[str, float],
                 weights: Mapping[str, float]) -> tuple[FixPick, ...]:
    """Fixes for root causes first (in cause order), then for symptoms and other weak
    dimensions; within each, by impact = weight x gap x breadth."""

    def impact(dimension: str | None) -> float:
        if dimension is None or dimensions_score(dimension) is None:
            return 0.0
        gap = 100.0 - float(dimensions_score(dimension) or 0.0)
        return weights.get(dimension, 0.0) * gap * breadth.get(dimension, 0.0)

    def dimensions_score(key: str) -> float | None:
        dim = dims.get(key)
        return None if dim is None else dim.score

    picked: list[FixPick] = []
    seen: set[str] = set()

    def take(candidates: list[tuple[object, str | None, str | None]]) -> None:
        ranked = []
        for fix, cause_key, dimension in candidates:
            ranked.append((-impact(dimension), fix, cause_key, dimension))
        ranked.sort(key=lambda r: (r[0], r[1].horizon_days, r[1].key))
        for neg_impact, fix, cause_key, dimension in ranked:
            if fix.key in seen:
                continue
            seen.add(fix.key)
            picked.append(FixPick(key=fix.key, text=fix.text, owner=fix.owner,
                                  horizon_days=fix.horizon_days, root_cause=cause_key,
                                  dimension=fix.dimension or dimension, impact=-neg_impact))

    for cause in causes:
        primary = cause.dimensions[0] if cause.dimensions else None
        candidates = [(f, cause.key, primary) for f in q.fixes if f.rule == cause.rule]
        candidates += [(f, cause.key, f.dimension) for f in q.fixes
                       if f.dimension in cause.dimensions]
        take(candidates)
    symptoms = [s for c in causes for s in c.symptoms]
    limit = q.analysis.weak_below
    other_weak = [d.key for d in dims.values() if d.score is not None and d.score < limit]
    rest = list(dict.fromkeys(symptoms + other_weak))
    owner = {s: c.key for c in causes for s in c.symptoms}
    take([(f, owner.get(f.dimension), f.dimension) for f in q.fixes if f.dimension in rest])
    return tuple(picked)


def weak_breadth(matrix_keys: Sequence[str], scores: np.ndarray,
                 limit: float) -> dict[str, float]:
    """Share of respondents (with a score) whose own dimension score is weak."""
    present = ~np.isnan(scores)
    weak = present & (np.where(present, scores, 0.0) < limit)
    counts = present.sum(axis=0)
    out = {}
    for j, key in enumerate(matrix_keys):
        out[key] = float(weak[:, j].sum() / counts[j]) if counts[j] else 0.0
    return out
