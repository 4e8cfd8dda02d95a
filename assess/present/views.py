"""Typed view models of a `scoring.Result`: what a page, a PDF or the CLI table states.

Every finding -- a cause, a rung's status, a band, an action and its number -- is the
engine's; this module only selects, labels and formats. The CEO result page and the CEO
PDF are built from one `QuickView`, the team report and the console from the same
`CauseView`s, `LadderView` and `PlanView`.
"""

from __future__ import annotations

from dataclasses import dataclass

from questionnaires import Questionnaire
from scoring import DimensionScore, FixPick, Gap, Result, RootCause

from .formatting import fmt, horizon, kind, owner


@dataclass(frozen=True)
class ScoreView:
    key: str
    title: str
    score: float | None
    shown: str
    band: str
    n: int
    sd: str
    hidden: bool
    perception: bool
    description: str


@dataclass(frozen=True)
class RungView:
    number: int  # 1 = the lowest rung, as in the domain ("1 Belief -> 2 Desire ...")
    key: str
    title: str
    score: float | None
    shown: str
    band: str
    status: str
    label: str  # "Start here", "a symptom of Belief", "explained by: ...", ""
    description: str


@dataclass(frozen=True)
class LadderView:
    rungs: tuple[RungView, ...]  # lowest first
    start_here: str | None  # title of the rung to start on
    perception: bool  # only a view of the team (the CEO's, leadership's), never a measure


@dataclass(frozen=True)
class StatementView:
    text: str
    shown: str  # the item's score
    n: int
    agree: str  # "40%", or "" for scales without agreement
    disagree: str


@dataclass(frozen=True)
class EvidenceView:
    what: str
    shown: str
    n: int
    note: str


@dataclass(frozen=True)
class ActionView:
    number: int | None  # None on the later list
    key: str
    text: str
    owner: str
    horizon: str
    horizon_days: int
    addresses: str
    cause_key: str | None


@dataclass(frozen=True)
class CauseView:
    number: int
    key: str
    kind: str
    title: str
    finding: str  # the cause as a finding, with its figure
    based_on: int  # statements it rests on
    why: str  # the rule's explanation; "" when an earlier cause of the rule said it
    about: str  # what the dimension covers
    symptoms: tuple[str, ...]
    linked: tuple[str, ...]
    evidence: tuple[EvidenceView, ...]
    statements: tuple[StatementView, ...]
    actions: tuple[ActionView, ...]


@dataclass(frozen=True)
class PlanView:
    actions: tuple[ActionView, ...]  # numbered 1..n, first to do first
    later: tuple[ActionView, ...]

    def within(self, days: int) -> tuple[ActionView, ...]:
        return tuple(a for a in self.actions if a.horizon_days == days)


def dimension_title(q: Questionnaire, key: str | None) -> str:
    """A dimension's title, or the key itself where the questionnaire has none."""
    if key is None:
        return ""
    try:
        return q.dimension(key).title
    except KeyError:
        return key


def score_view(q: Questionnaire, dim: DimensionScore) -> ScoreView:
    hidden = dim.suppressed or dim.score is None
    return ScoreView(
        key=dim.key, title=dim.title, score=None if hidden else dim.score,
        shown=fmt(None if hidden else dim.score), band=(dim.band or "") if not hidden else "",
        n=dim.n, sd=fmt(dim.sd, "sd"), hidden=dim.suppressed,
        perception=dim.basis == "perception", description=q.dimension(dim.key).description)


def dimension_views(q: Questionnaire, result: Result, group: str) -> tuple[ScoreView, ...]:
    return tuple(score_view(q, d) for d in result.dimensions if d.group == group)


_RUNG_LABELS = {
    "root": "Start here",
    "symptom": "a symptom of {cause}",
    "blocked": "explained by: {cause}",
    "perception": "a view of the team, not a measure",
    "hidden": "hidden: too few answers",
    "unanswered": "not answered",
    "weak": "weak",
    "watch": "",
    "sound": "",
}


@dataclass(frozen=True)
class AreaView:
    """One area (a group of dimensions) with its score and its rows."""
    key: str
    title: str
    shown: str
    band: str
    rows: tuple[ScoreView, ...]

    @property
    def perception(self) -> bool:
        """Every row is a perception (the CEO's view, not the team's)."""
        return bool(self.rows) and all(r.perception for r in self.rows)


def area_views(q: Questionnaire, result: Result) -> tuple[AreaView, ...]:
    """The areas that have rows, in the result's order."""
    out = []
    for group in result.groups:
        rows = dimension_views(q, result, group.key)
        if rows:
            out.append(AreaView(group.key, group.title, fmt(group.score), group.band or "", rows))
    return tuple(out)


def ladder_view(q: Questionnaire, result: Result) -> LadderView | None:
    ladder = result.ladder
    if ladder is None:
        return None
    rungs = []
    for rung in ladder.rungs:
        cause = result.cause(rung.cause)
        cause_title = cause.title if cause else ""
        if rung.status == "symptom" and cause and cause.dimensions:
            cause_title = dimension_title(q, cause.dimensions[0])
        rungs.append(RungView(
            number=rung.position, key=rung.key, title=rung.title, score=rung.score,
            shown=fmt(rung.score), band=rung.band or "", status=rung.status,
            label=_RUNG_LABELS[rung.status].format(cause=cause_title),
            description=q.dimension(rung.key).description))
    start = ladder.rung(ladder.start_here) if ladder.start_here else None
    return LadderView(tuple(rungs), start.title if start else None,
                      ladder.basis == "perception")


def _action(q: Questionnaire, result: Result, fix: FixPick) -> ActionView:
    cause = result.cause(fix.root_cause)
    return ActionView(number=fix.step, key=fix.key, text=fix.text, owner=owner(fix.owner),
                      horizon=horizon(fix.horizon_days), horizon_days=fix.horizon_days,
                      addresses=cause.title if cause else dimension_title(q, fix.dimension),
                      cause_key=fix.root_cause)


def plan_view(q: Questionnaire, result: Result) -> PlanView:
    return PlanView(tuple(_action(q, result, f) for f in result.plan),
                    tuple(_action(q, result, f) for f in result.later))


def _statements(q: Questionnaire, cause: RootCause) -> tuple[StatementView, ...]:
    out = []
    for ev in cause.evidence:
        if ev.question is None or ev.agree is None:
            continue
        out.append(StatementView(text=q.question(ev.question).text, shown=fmt(ev.score),
                                 n=ev.n, agree=fmt(ev.agree, "pct"),
                                 disagree=fmt(ev.disagree, "pct")))
    return tuple(out)


def _evidence(q: Questionnaire, cause: RootCause) -> tuple[EvidenceView, ...]:
    out = []
    for ev in cause.evidence:
        if ev.agree is not None:
            continue  # a statement: shown with its agreement instead
        if ev.question:
            what = q.question(ev.question).text
        elif ev.dimension:
            what = dimension_title(q, ev.dimension)
        else:
            what = ""
        shown = fmt(ev.value, "value") if ev.value is not None else fmt(ev.score)
        out.append(EvidenceView(what=what, shown=shown, n=ev.n, note=ev.note))
    return tuple(out)


def _finding(q: Questionnaire, result: Result, cause: RootCause) -> str:
    """The cause as a finding with the figure behind it: the team's score, or -- on the
    CEO's own form -- what the CEO answered to the statement that weighs most."""
    if q.audience == "ceo":
        own = _own_answers(q, result, cause)
        if own:
            question, value = own[0]
            shown = q.scale_of(question).display(value)
            return f"You answered “{shown}” to “{question.text}”"
    if cause.kind == "gap":
        gap = _largest_gap(result, cause)
        if gap is not None:
            who = "The CEO" if gap.a == "ceo" else "Leadership"
            name = dimension_title(q, gap.dimension)
            return f"{who} rates {name} {fmt(gap.a_score)}, the team " \
                   f"{fmt(gap.b_score)}: a gap of {fmt(abs(gap.gap or 0.0))} points."
    first = cause.evidence[0] if cause.evidence else None
    if first is None:
        return cause.title
    if first.question and first.value is not None:
        typical: float | int = first.value
        if float(typical).is_integer():
            typical = int(typical)  # "7 days", not "7.0 days"
        return f"{q.question(first.question).text} Typical answer: " \
               f"{q.scale_of(q.question(first.question)).display(typical)}."
    if first.dimension and first.score is not None:
        answers = "answer" if first.n == 1 else "answers"
        name = dimension_title(q, first.dimension)
        return f"{name} scores {fmt(first.score)} out of 100, from {first.n} {answers}."
    return first.note or cause.title


def _largest_gap(result: Result, cause: RootCause) -> Gap | None:
    """The widest released difference of view behind a perception-gap cause."""
    gaps = [g for g in result.gaps if g.dimension in cause.dimensions and g.flagged
            and not g.suppressed and g.gap is not None]
    return max(gaps, key=lambda g: abs(g.gap or 0.0), default=None)


def _own_answers(q: Questionnaire, result: Result, cause: RootCause) -> list[tuple]:
    """The CEO's answers behind a cause, the one that weighs most against it first."""
    items = [i for i in result.items if i.dimension in cause.dimensions
             and i.median is not None and i.score is not None]
    items.sort(key=lambda i: i.score)
    return [(q.question(i.key), i.median) for i in items]


def basis_count(q: Questionnaire, result: Result, cause: RootCause) -> int:
    """How many statements the cause rests on (answered questions of its dimensions)."""
    return sum(1 for i in result.items if i.dimension in cause.dimensions and i.n > 0
               and not q.question(i.key).perception)


def cause_views(q: Questionnaire, result: Result, limit: int | None = None
                ) -> tuple[CauseView, ...]:
    plan = plan_view(q, result)
    everything = plan.actions + plan.later
    out = []
    explained: set[str] = set()
    for number, cause in enumerate(result.root_causes[:limit], start=1):
        out.append(CauseView(
            number=number, key=cause.key, kind=kind(cause.kind), title=cause.title,
            finding=_finding(q, result, cause), based_on=basis_count(q, result, cause),
            why="" if cause.rule in explained else cause.explanation,
            about=q.dimension(cause.dimensions[0]).description if cause.dimensions else "",
            symptoms=tuple(dimension_title(q, d) for d in cause.symptoms),
            linked=tuple(c.title for c in result.root_causes if c.key in cause.linked),
            evidence=_evidence(q, cause), statements=_statements(q, cause),
            actions=tuple(a for a in everything if a.cause_key == cause.key)))
        explained.add(cause.rule)
    return tuple(out)
