"""`assess score --format table`: the same findings as the pages, for a terminal."""

from __future__ import annotations

from questionnaires import Questionnaire
from scoring import Result

from .formatting import fmt, role
from .views import cause_views, ladder_view, plan_view


def score_table(result: Result, q: Questionnaire) -> str:
    lines = [f"{q.title} ({q.ref}) - {result.respondents} respondents, "
             f"anonymity threshold {result.min_group_size}"]
    if result.below_threshold:
        lines.append(f"Fewer than {result.min_group_size} respondents: results are hidden "
                     "to protect anonymity.")
        return "\n".join(lines)
    lines.append(f"Overall: {fmt(result.overall.score)} ({result.overall.band})")
    lines += ["", f"{'dimension':<34}{'score':>7}{'n':>7}{'sd':>7}  band"]
    for group in result.groups:
        lines.append(f"{group.title.upper():<34}{fmt(group.score):>7}{'':>7}{'':>7}  "
                     f"{group.band or '-'}")
        for dim in result.dimensions:
            if dim.group != group.key:
                continue
            shown = "hidden" if dim.suppressed else fmt(dim.score)
            view = " (a view, not a measure)" if dim.basis == "perception" else ""
            lines.append(f"  {dim.title[:32]:<32}{shown:>7}{dim.n:>7}{fmt(dim.sd, 'sd'):>7}  "
                         f"{dim.band or '-'}{view}")
    if result.segments:
        lines += ["", f"By {result.segment_by}:"]
        for seg in result.segments:
            name = role(seg.key, short=True) if result.segment_by == "role" else seg.key
            if seg.suppressed or seg.overall is None:
                lines.append(f"  {name:<24} n={seg.n:<5} hidden (fewer than "
                             f"{result.min_group_size}, or to protect a hidden group)")
            else:
                lines.append(f"  {name:<24} n={seg.n:<5} overall "
                             f"{fmt(seg.overall.score)} ({seg.overall.band})")
    ladder = ladder_view(q, result)
    if ladder is not None:
        lines += ["", "Foundation ladder (1 = lowest rung):"]
        for rung in ladder.rungs:
            lines.append(f"  {rung.number}. {rung.title:<20}{rung.shown:>5}  {rung.label}")
    lines += ["", "Root causes (most important first):"]
    causes = cause_views(q, result)
    if not causes:
        lines.append("  none found")
    for cause in causes:
        lines.append(f"  {cause.number}. [{cause.kind}] {cause.title}")
        lines.append(f"       {cause.finding}")
        for ev in cause.evidence:
            note = f" - {ev.note}" if ev.note else ""
            lines.append(f"       evidence: {ev.what}: {ev.shown}, n={ev.n}{note}")
        for st in cause.statements:
            lines.append(f"       statement: {st.text} ({st.agree} agree, {st.disagree} "
                         f"disagree, n={st.n})")
        if cause.symptoms:
            lines.append(f"       explains: {', '.join(cause.symptoms)}")
    plan = plan_view(q, result)
    lines += ["", "Plan (first to do first):"]
    for action in plan.actions:
        lines.append(f"  {action.number}. [{action.owner}, {action.horizon}] {action.text}")
    if plan.later:
        lines += ["", "Later:"]
        lines += [f"  - [{a.owner}] {a.text}" for a in plan.later]
    if result.trend:
        lines += ["", "Since the previous round (Welch's t-test, real when p < 0.05):"]
        for t in result.trend:
            verdict = "n/a" if t.real is None else ("real change" if t.real else "not yet clear")
            lines.append(f"  {q.dimension(t.dimension).title:<32}{fmt(t.previous):>5} -> "
                         f"{fmt(t.current):<5}{fmt(t.change, 'delta'):>5}  "
                         f"p={fmt(t.p_value, 'p')}  {verdict}")
    if result.quality is not None:
        lines += ["", f"Response quality: {result.quality.straight_lining} straight-lining, "
                      f"{result.quality.too_fast} implausibly fast (kept, not dropped)"]
    return "\n".join(lines)
