"""A plan, not a list (DOMAIN rule 8): a handful of first actions, system before people.

Fixes are taken cause by cause in the causes' order (the context before the people), a
couple per cause first so every top cause gets an action, then the rest; each fix once.
At most `plan_first_30` start within 30 days and `plan_max` are planned in all; the rest
wait on the "later" list. Planned actions are numbered 1..n in the order to do them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from questionnaires import Fix, Questionnaire

from .model import DimensionScore, FixPick, RootCause

FIRST_PASS = 2  # fixes per cause before any cause gets a third


def choose_fixes(q: Questionnaire, causes: Sequence[RootCause],
                 dims: Mapping[str, DimensionScore], breadth: Mapping[str, float],
                 weights: Mapping[str, float]) -> tuple[FixPick, ...]:
    """The plan's actions (numbered) followed by the later list."""
    position = {fix.key: i for i, fix in enumerate(q.fixes)}

    def impact(dimension: str | None) -> float:
        dim = dims.get(dimension or "")
        if dim is None or dim.score is None:
            return 0.0
        return weights.get(dim.key, 0.0) * (100.0 - dim.score) * breadth.get(dim.key, 0.0)

    Candidate = tuple[Fix, RootCause | None, str | None]
    per_cause: list[list[Candidate]] = []
    for cause in causes:
        primary = cause.dimensions[0] if cause.dimensions else None
        own: list[Candidate] = [(f, cause, primary) for f in q.fixes if f.rule == cause.rule]
        own += [(f, cause, f.dimension) for d in cause.dimensions for f in q.fixes
                if f.dimension == d]
        own.sort(key=lambda c: (c[0].rule is None, c[0].horizon_days, -impact(c[2]),
                                position[c[0].key]))
        symptoms: list[Candidate] = [(f, cause, f.dimension) for d in cause.symptoms
                                     for f in q.fixes if f.dimension == d]
        symptoms.sort(key=lambda c: (-impact(c[2]), position[c[0].key]))
        per_cause.append(own + symptoms)
    explained = {d for c in causes for d in (*c.dimensions, *c.symptoms)}
    weak = [d for d in dims.values() if d.basis == "measure" and q.weak(d.score)
            and d.key not in explained]
    weak.sort(key=lambda d: -impact(d.key))
    rest: list[Candidate] = [(f, None, d.key) for d in weak for f in q.fixes
                             if f.dimension == d.key]

    ordered = [c[:FIRST_PASS] for c in per_cause]
    ordered += [c[FIRST_PASS:] for c in per_cause]
    sweep = [candidate for batch in ordered for candidate in batch] + rest
    seen: set[str] = set()
    planned: list[tuple[int, FixPick]] = []
    later: list[FixPick] = []
    first_30 = 0
    for index, (fix, source, dimension) in enumerate(sweep):
        if fix.key in seen:
            continue
        seen.add(fix.key)
        # Coaching the people on a symptom while its cause stands wastes effort: those
        # fixes wait until the cause is fixed.
        people_symptom = (source is not None and dimension in source.symptoms
                          and q.dimension(dimension).group == "foundation")
        pick = FixPick(key=fix.key, text=_text(q, fix, source, dimension), owner=fix.owner,
                       horizon_days=fix.horizon_days, root_cause=source.key if source else None,
                       dimension=fix.dimension or dimension, impact=impact(dimension))
        fits = not people_symptom and len(planned) < q.analysis.plan_max and (
            fix.horizon_days > 30 or first_30 < q.analysis.plan_first_30)
        if fits:
            first_30 += fix.horizon_days <= 30
            planned.append((index, pick))
        else:
            later.append(pick)
    planned.sort(key=lambda p: (p[1].horizon_days, p[0]))
    steps = [FixPick(**{**pick.__dict__, "step": n}) for n, (_, pick) in
             enumerate(planned, start=1)]
    return tuple(steps) + tuple(later)


def _text(q: Questionnaire, fix: Fix, cause: RootCause | None, dimension: str | None) -> str:
    """A fix names its real subject: `{subject}` is the cause's dimension (the rung)."""
    if "{subject}" not in fix.text:
        return fix.text
    key = (cause.dimensions[0] if cause and cause.dimensions else None) or dimension
    subject = q.dimension(key).title.lower() if key else "the weakest area"
    return fix.text.replace("{subject}", subject)
