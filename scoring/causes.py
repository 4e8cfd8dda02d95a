"""Root causes: the rules of DOMAIN.md "How a diagnosis is reached", one function each.

The rule *types* live here; which dimensions they look at and their lines are data in
the questionnaire (FORMAT.md "Rule types"). Rules run kind by kind in the domain's order
-- the context (ecosystem, process, culture) before the people -- so the people rules
know which context causes exist: while any context dimension is failing, weak
competency and execution are its symptoms, never causes of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from questionnaires import Questionnaire, Rule
from questionnaires.model import displayed
from questionnaires.vocabulary import CONTEXT_KINDS, KINDS

from .model import DimensionScore, Evidence, Gap, ItemScore, RootCause

DEFAULT_CONTEXT = ("bucket", "process", "culprit")
EVIDENCE_ITEMS = 3  # statements shown per cause: the ones that weigh most against it


@dataclass(frozen=True)
class Facts:
    """What the rules may look at: only released (unsuppressed) aggregates."""

    q: Questionnaire
    k: int
    dimensions: Mapping[str, DimensionScore]
    items: Mapping[str, ItemScore]
    item_score_of: Callable[[str, float], float]
    gaps: Sequence[Gap]

    def score(self, key: str) -> float | None:
        dim = self.dimensions.get(key)
        return None if dim is None else dim.score

    def measured(self, key: str) -> bool:
        dim = self.dimensions.get(key)
        return dim is not None and dim.score is not None and dim.basis == "measure"

    def weak(self, key: str, below: float | None = None) -> bool:
        return self.measured(key) and self.q.weak(self.score(key), below)

    def split(self, key: str) -> bool:
        """The team strongly disagrees: its average hides a split."""
        dim = self.dimensions.get(key)
        return (dim is not None and dim.sd is not None and dim.n >= max(self.k, 3)
                and dim.sd > self.q.analysis.disagreement_sd)

    def healthy(self, key: str) -> bool:
        score = self.score(key)
        return score is not None and displayed(score) >= self.q.healthy_at

    def sound(self, key: str) -> bool:
        """Healthy and agreed (DOMAIN rule 2)."""
        return self.healthy(key) and not self.split(key)

    def failing(self, key: str, below: float | None = None) -> bool:
        """Weak, or a split team whose average is not healthy."""
        return self.weak(key, below) or (self.measured(key) and self.split(key)
                                         and not self.healthy(key))

    def shortfall(self, key: str, below: float | None = None) -> float:
        """Severity of a failing dimension: points below its own line (see FORMAT.md)."""
        line = self.q.analysis.weak_below if below is None else below
        score = float(self.score(key) or 0.0)
        if self.weak(key, below):
            return line - score
        sd = self.dimensions[key].sd or 0.0
        return max(self.q.healthy_at - score, sd - self.q.analysis.disagreement_sd)

    def evidence(self, key: str, note: str = "") -> Evidence:
        dim = self.dimensions[key]
        return Evidence(n=dim.n, dimension=key, score=dim.score, note=note)

    def statements(self, dimensions: Sequence[str]) -> tuple[Evidence, ...]:
        """The released statements of these dimensions that weigh most against them."""
        items = [i for i in self.items.values()
                 if i.dimension in dimensions and i.score is not None and not i.suppressed
                 and not self.q.question(i.key).perception
                 and displayed(i.score) < self.q.healthy_at]
        items.sort(key=lambda i: (round(i.score or 0.0, 9), self._order(i.key)))
        return tuple(Evidence(n=i.n, question=i.key, score=i.score, agree=i.agree,
                              disagree=i.disagree) for i in items[:EVIDENCE_ITEMS])

    def _order(self, question: str) -> int:
        return [x.key for x in self.q.questions].index(question)


@dataclass
class State:
    """What earlier rules found: dimensions they explain, and the causes themselves."""

    claimed: set[str] = field(default_factory=set)
    causes: list[RootCause] = field(default_factory=list)

    def context_causes(self) -> list[RootCause]:
        return [c for c in self.causes if c.kind in CONTEXT_KINDS]


def find_root_causes(facts: Facts) -> tuple[RootCause, ...]:
    """Every rule in the domain's order; causes most important first."""
    q = facts.q
    state = State()
    position = {rule.key: i for i, rule in enumerate(q.rules)}
    for rule in sorted(q.rules, key=lambda r: (KINDS.index(r.kind), _EVALUATE_FIRST.get(
            r.type, 1), position[r.key])):
        for cause in _RULES[rule.type](rule, facts, state):
            state.causes.append(cause)
            if cause.kind not in ("gap", "agreement"):
                state.claimed.update(cause.dimensions)
                state.claimed.update(cause.symptoms)
    dim_order = {d.key: i for i, d in enumerate(q.dimensions)}
    rule_of = {rule.key: rule for rule in q.rules}
    ordered = sorted(state.causes, key=lambda c: (
        KINDS.index(c.kind), position[c.rule], -round(c.severity, 6),
        dim_order.get(c.dimensions[0], len(dim_order)) if c.dimensions else len(dim_order)))
    return _attach_people(ordered, facts, rule_of)


_EVALUATE_FIRST = {"individuals_last": 0}  # before the ladder: it claims the people rungs


def _context_dimensions(q: Questionnaire) -> list[str]:
    groups: tuple[str, ...] = DEFAULT_CONTEXT
    for rule in q.rules:
        if rule.type == "ecosystem_before_people":
            groups = tuple(rule.params.get("context", DEFAULT_CONTEXT))
    return [d.key for d in q.dimensions if d.group in groups]


def _people(q: Questionnaire) -> list[str]:
    for rule in q.rules:
        if rule.type in ("ecosystem_before_people", "individuals_last"):
            return list(rule.params.get("people", ()))
    return []


def _line(rule: Rule) -> float | None:
    below = rule.params.get("below")
    return None if below is None else float(below)


def _short(dimension: str) -> str:
    return dimension.split(".", 1)[1]


def _dimension_cause(rule: Rule, facts: Facts, key: str, *, single: bool) -> RootCause:
    dim = facts.q.dimension(key)
    split_only = not facts.weak(key, _line(rule))
    title = rule.title if single else (
        f"{dim.title}: the team is split" if split_only else f"{dim.title} is weak")
    note = "the team is split: the average hides very different experiences" \
        if split_only else ""
    return RootCause(
        key=rule.key if single else f"{rule.key}:{_short(key)}", kind=rule.kind,
        rule=rule.key, title=title, explanation=rule.explanation, dimensions=(key,),
        severity=facts.shortfall(key, _line(rule)),
        evidence=(facts.evidence(key, note),) + facts.statements([key]))


def _ecosystem(rule: Rule, facts: Facts, state: State) -> list[RootCause]:
    group = rule.params.get("ecosystem_group", "bucket")
    return [_dimension_cause(rule, facts, d.key, single=False) for d in facts.q.dimensions
            if d.group == group and d.key not in state.claimed
            and facts.failing(d.key, _line(rule))]


def _weak_dimension(rule: Rule, facts: Facts, state: State) -> list[RootCause]:
    if "dimensions" in rule.params:
        keys = list(rule.params["dimensions"])
    else:
        keys = [d.key for d in facts.q.dimensions if d.group == rule.params["group"]]
    single = "dimensions" in rule.params and len(keys) == 1
    return [_dimension_cause(rule, facts, key, single=single) for key in keys
            if key not in state.claimed and facts.failing(key, _line(rule))]


def _item_threshold(rule: Rule, facts: Facts, state: State) -> list[RootCause]:
    key = rule.params["question"]
    item = facts.items.get(key)
    if item is None or item.suppressed or item.n == 0:
        return []
    stat = rule.params.get("stat", "median")
    value = item.median if stat == "median" else item.raw_mean
    if value is None:
        return []
    above, below = rule.params.get("above"), rule.params.get("below")
    limit = float(above if above is not None else below or 0.0)
    if not ((above is not None and value > limit) or (below is not None and value < limit)):
        return []
    dimension = facts.q.question(key).dimension
    evidence = [Evidence(n=item.n, question=key, value=value, score=item.score,
                         note=f"team {stat} {value:g} (limit {limit:g})")]
    if dimension is not None and dimension in facts.dimensions:
        evidence.append(facts.evidence(dimension))
    line_score = facts.item_score_of(key, limit)
    return [RootCause(
        key=rule.key, kind=rule.kind, rule=rule.key, title=rule.title,
        explanation=rule.explanation, dimensions=(dimension,) if dimension else (),
        severity=max(line_score - facts.item_score_of(key, value), 0.0),
        evidence=tuple(evidence))]


def _trust_first(rule: Rule, facts: Facts, state: State) -> list[RootCause]:
    trust, enforcement = rule.params["trust"], rule.params["enforcement"]
    if trust in state.claimed or not facts.failing(trust, _line(rule)):
        return []
    symptoms = (enforcement,) if facts.failing(enforcement, _line(rule)) else ()
    evidence = (facts.evidence(trust),) + tuple(
        facts.evidence(e, "not enforced either: enforce only once the process is trusted")
        for e in symptoms) + facts.statements([trust])
    return [RootCause(key=rule.key, kind=rule.kind, rule=rule.key, title=rule.title,
                      explanation=rule.explanation, dimensions=(trust,),
                      severity=facts.shortfall(trust, _line(rule)), evidence=evidence,
                      symptoms=symptoms)]


def _pair_gap(rule: Rule, facts: Facts, state: State) -> list[RootCause]:
    limit = float(rule.params.get("threshold", facts.q.analysis.gap_threshold))
    found = []
    for giving, receiving in rule.params["pairs"]:
        a, b = facts.items.get(giving), facts.items.get(receiving)
        if (a is None or b is None or a.score is None or b.score is None
                or a.suppressed or b.suppressed):
            continue
        if abs(a.score - b.score) > limit:
            found.append((abs(a.score - b.score), a, b))
    if not found:
        return []
    found.sort(key=lambda f: -f[0])
    evidence: list[Evidence] = []
    for gap, a, b in found:
        evidence.append(Evidence(n=a.n, question=a.key, score=a.score, note="one side"))
        evidence.append(Evidence(n=b.n, question=b.key, score=b.score,
                                 note=f"the other side (difference {gap:.0f} points)"))
    dims = tuple(dict.fromkeys(str(facts.q.question(a.key).dimension) for _, a, _ in found))
    return [RootCause(key=rule.key, kind=rule.kind, rule=rule.key, title=rule.title,
                      explanation=rule.explanation, dimensions=dims,
                      severity=found[0][0] - limit, evidence=tuple(evidence))]


def _ladder(rule: Rule, facts: Facts, state: State) -> list[RootCause]:
    rungs = [r for r in rule.params["dimensions"] if facts.measured(r)]
    weak = [r for r in rungs if facts.weak(r, _line(rule))]
    if not weak or weak[0] in state.claimed:
        return []
    people = set(_people(facts.q))
    context = state.context_causes()
    root = weak[0]
    if root in people and context:
        return []  # context before people: attached to the context cause later
    above = tuple(r for r in weak[1:] if not (r in people and context))
    explained_by = (rule.params.get("explained_by") or {}).get(root, ())
    linked = tuple(c.key for c in context if set(c.dimensions) & set(explained_by))
    evidence = [facts.evidence(root, "lowest weak rung of the ladder")]
    evidence += [facts.evidence(r, "weak rung above it: a symptom") for r in above]
    return [RootCause(
        key=f"{rule.key}:{_short(root)}", kind=rule.kind, rule=rule.key,
        title=f"{rule.title}: {facts.q.dimension(root).title}",
        explanation=rule.explanation, dimensions=(root,),
        severity=facts.shortfall(root, _line(rule)),
        evidence=tuple(evidence) + facts.statements([root]), symptoms=above, linked=linked)]


def _individuals_last(rule: Rule, facts: Facts, state: State) -> list[RootCause]:
    """Only when every context dimension is sound can individuals be judged fairly."""
    context = [key for key in _context_dimensions(facts.q) if facts.measured(key)]
    if not context or not all(facts.sound(key) for key in context):
        return []
    weak = [key for key in rule.params.get("people", ()) if facts.weak(key, _line(rule))
            and key not in state.claimed]
    if not weak:
        return []
    return [RootCause(
        key=rule.key, kind=rule.kind, rule=rule.key, title=rule.title,
        explanation=rule.explanation, dimensions=(weak[0],),
        severity=facts.shortfall(weak[0], _line(rule)),
        evidence=tuple(facts.evidence(key) for key in weak) + facts.statements(weak),
        symptoms=tuple(weak[1:]))]


def _blame_the_reps(rule: Rule, facts: Facts, state: State) -> list[RootCause]:
    """The classic pattern: the system rated higher and the people lower than the reps
    rate them (by leadership or the CEO), or, on the CEO's own form, the system far above
    the people."""
    limit = float(rule.params.get("threshold", facts.q.analysis.gap_threshold))
    system = {d.key for d in facts.q.dimensions if d.group in rule.params["system"]}
    people = set(rule.params["people"])
    for side in ("ceo", "leadership"):
        gaps = [g for g in facts.gaps if g.a == side and g.gap is not None and not g.suppressed]
        up = [g.gap for g in gaps if g.dimension in system]
        down = [g.gap for g in gaps if g.dimension in people]
        if not up or not down:
            continue
        rise, drop = sum(up) / len(up), sum(down) / len(down)  # type: ignore[arg-type]
        if rise > 0 > drop and rise - drop > limit:
            who = "The CEO" if side == "ceo" else "Leadership"
            return [_blame(rule, people, rise - drop - limit, (
                Evidence(n=len(up), note=f"{who} rates the system {rise:+.0f} points vs. "
                                         "the reps"),
                Evidence(n=len(down), note=f"{who} rates the people {drop:+.0f} points vs. "
                                           "the reps' own view")))]
    if facts.q.audience == "ceo":
        own = [facts.score(k) for k in system if facts.measured(k)]
        view = [facts.score(k) for k in people if facts.score(k) is not None]
        if own and view:
            rise = sum(own) / len(own) - sum(view) / len(view)  # type: ignore[arg-type]
            if rise > limit:
                return [_blame(rule, people, rise - limit, (
                    Evidence(n=len(own), score=sum(own) / len(own),  # type: ignore[arg-type]
                             note="your rating of the system"),
                    Evidence(n=len(view), score=sum(view) / len(view),  # type: ignore[arg-type]
                             note="your view of your people")))]
    return []


def _blame(rule: Rule, people: set[str], severity: float,
           evidence: tuple[Evidence, ...]) -> RootCause:
    return RootCause(key=rule.key, kind=rule.kind, rule=rule.key, title=rule.title,
                     explanation=rule.explanation, dimensions=tuple(sorted(people)),
                     severity=severity, evidence=evidence)


def _perception_gap(rule: Rule, facts: Facts, state: State) -> list[RootCause]:
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


def _disagreement(rule: Rule, facts: Facts, state: State) -> list[RootCause]:
    limit = float(rule.params.get("sd_above", facts.q.analysis.disagreement_sd))
    flagged = [d for d in facts.dimensions.values()
               if facts.split(d.key) and (d.sd or 0.0) > limit and d.key not in state.claimed]
    if not flagged:
        return []
    flagged.sort(key=lambda d: -(d.sd or 0.0))
    evidence = tuple(Evidence(n=d.n, dimension=d.key, score=d.score,
                              note=f"spread (SD) {d.sd:.1f}") for d in flagged)
    return [RootCause(
        key=rule.key, kind=rule.kind, rule=rule.key, title=rule.title,
        explanation=rule.explanation, dimensions=tuple(d.key for d in flagged),
        severity=(flagged[0].sd or 0.0) - limit, evidence=evidence,
    )]


_RULES: dict[str, Callable[[Rule, Facts, State], list[RootCause]]] = {
    "ecosystem_before_people": _ecosystem,
    "weak_dimension": _weak_dimension,
    "item_threshold": _item_threshold,
    "trust_before_enforcement": _trust_first,
    "pair_gap": _pair_gap,
    "foundation_ladder": _ladder,
    "individuals_last": _individuals_last,
    "blame_the_reps": _blame_the_reps,
    "perception_gap": _perception_gap,
    "disagreement": _disagreement,
}
RULE_TYPES = frozenset(_RULES)


def _attach_people(causes: list[RootCause], facts: Facts,
                   rules: Mapping[str, Rule]) -> tuple[RootCause, ...]:
    """Context before people: weak competency/execution nobody explained yet are symptoms
    of the first context cause (DOMAIN rule 1)."""
    explained = {d for c in causes if c.kind not in ("gap", "agreement")
                 for d in (*c.dimensions, *c.symptoms)}
    people = [p for p in _people(facts.q) if facts.weak(p) and p not in explained]
    context = next((c for c in causes if c.kind in CONTEXT_KINDS), None)
    if not people or context is None:
        return tuple(causes)
    evidence = context.evidence + tuple(
        facts.evidence(p, "the people's result follows from this context") for p in people)
    updated = replace(context, symptoms=context.symptoms + tuple(people), evidence=evidence)
    return tuple(updated if c is context else c for c in causes)
