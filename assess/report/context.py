"""From a scoring `Result` to what the report templates show, and its charts.

Only selection and labelling happen here: every number is taken from the Result (or the
few inputs the caller passes, like the response rate) and formatted later by the one
`fmt` filter. Templates then only loop and branch.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from questionnaires import Questionnaire
from scoring import DimensionScore, Gap, Result

from .. import charts
from ..present import cause_views, fmt, ladder_view, plan_view, quick_view, role

DEFAULT_COLOUR = "#1f5f8b"
TEAM_SURVEY_ADDS = (
    "How the whole sales team, not only you, sees each part of the ecosystem, with how "
    "many answered and how much they disagree.",
    "Blind spots: where your view and leadership's differ from the team's.",
    "The full sales-process check (buyer alignment, ownership, stage outcomes, toolkit "
    "and payoffs) and the real time between contacts with a prospect.",
    "Results by role and team, shown only for groups large enough to stay anonymous.",
    "A baseline to re-run each quarter, with a test of whether changes are real or noise.",
)


@dataclass(frozen=True)
class Branding:
    """Who delivers the report: name on the cover, optional logo, accent colour."""

    name: str = ""
    logo_path: str | Path | None = None
    colour: str = DEFAULT_COLOUR

    def safe_colour(self) -> str:
        """Only a #rrggbb colour reaches the CSS."""
        return self.colour if re.fullmatch(r"#[0-9a-fA-F]{6}", self.colour or "") else \
            DEFAULT_COLOUR


@dataclass
class Charts:
    """PNG bytes by name; templates refer to them as `chart:<name>`."""

    images: dict[str, bytes] = field(default_factory=dict)

    def add(self, name: str, data: bytes) -> str:
        self.images[name] = data
        return f"chart:{name}"


def _title(q: Questionnaire, key: str | None) -> str:
    if key is None:
        return ""
    try:
        return q.dimension(key).title
    except KeyError:
        return key


def _question_text(q: Questionnaire, key: str) -> str:
    try:
        return q.question(key).text
    except KeyError:
        return key


def _dimension_rows(result: Result, q: Questionnaire, group: str) -> list[dict[str, Any]]:
    rows = []
    for dim in result.dimensions:
        if dim.group != group:
            continue
        hidden = dim.suppressed or dim.score is None
        rows.append({"key": dim.key, "title": dim.title, "score": None if hidden else dim.score,
                     "n": dim.n, "sd": None if hidden else dim.sd, "band": dim.band,
                     "hidden": hidden, "description": q.dimension(dim.key).description})
    return rows


def _bars(out: Charts, name: str, rows: list[dict[str, Any]], k: int) -> str:
    """The chart's image name; empty when the questionnaire has no such dimensions."""
    if not rows:
        return ""
    return out.add(name, charts.bars_png(
        [r["title"] for r in rows], [r["score"] for r in rows],
        ns=[r["n"] for r in rows], sds=[r["sd"] for r in rows],
        bands=[r["band"] for r in rows], hidden_note=f"fewer than {k} answers"))


def _groups(result: Result) -> list[dict[str, Any]]:
    return [{"key": g.key, "title": g.title, "score": g.score, "band": g.band}
            for g in result.groups]


def _plan(q: Questionnaire, result: Result) -> list[dict[str, Any]]:
    """The plan's numbered actions by horizon, then the later list."""
    plan = plan_view(q, result)
    blocks: list[dict[str, Any]] = [{"title": f"Within {days} days", "actions": actions}
                                    for days in (30, 60, 90)
                                    if (actions := plan.within(days))]
    if plan.later:
        blocks.append({"title": "Later, once the first actions have landed",
                       "actions": plan.later})
    return blocks


def _cadence(result: Result, q: Questionnaire) -> list[dict[str, Any]]:
    """Numeric day-count items (time between contacts) with the limit the scale rewards."""
    rows = []
    for question in q.scored_questions:
        scale = q.scale_of(question)
        if scale.type != "number" or scale.unit != "days":
            continue
        item = result.item(question.key)
        if item is None:
            continue
        best = max(p[1] for p in scale.points)
        limit = max(p[0] for p in scale.points if p[1] == best)
        rows.append({"text": question.text, "median": item.median, "mean": item.raw_mean,
                     "score": item.score, "n": item.n, "limit": limit,
                     "hidden": item.suppressed or item.median is None,
                     "over": item.median is not None and item.median > limit})
    return rows


def _gap_block(out: Charts, name: str, gaps: Sequence[Gap], q: Questionnaire,
               a_label: str, b_label: str) -> dict[str, Any] | None:
    if not gaps:
        return None
    shown = [g for g in gaps if not g.suppressed]
    rows = [{"title": _title(q, g.dimension), "a": g.a_score, "b": g.b_score, "gap": g.gap,
             "a_n": g.a_n, "b_n": g.b_n, "flagged": g.flagged} for g in shown]
    block: dict[str, Any] = {
        "a_label": a_label, "b_label": b_label, "rows": rows,
        "flagged": [r for r in rows if r["flagged"]],
        "hidden": len(gaps) - len(shown), "total": len(gaps),
        "a_n": max((g.a_n for g in gaps), default=0),
        "b_n": max((g.b_n for g in gaps), default=0), "chart": None,
    }
    if rows:
        block["chart"] = out.add(name, charts.gap_png(
            [r["title"] for r in rows], [r["a"] for r in rows], [r["b"] for r in rows],
            a_label=a_label, b_label=b_label, flagged=[r["flagged"] for r in rows]))
    return block


def _segments(out: Charts, result: Result) -> dict[str, Any] | None:
    if not result.segments:
        return None
    k = result.min_group_size
    columns = []
    def label(key: str) -> str:
        return role(key, short=True) if result.segment_by == "role" else key

    for seg in result.segments:
        columns.append(label(seg.key) if seg.suppressed else f"{label(seg.key)} (n={seg.n})")
    rows, values, bands = [], [], []
    for dim in result.dimensions:
        rows.append(dim.title)
        line, line_bands = [], []
        for seg in result.segments:
            cell: DimensionScore | None = None
            if not seg.suppressed:
                cell = next((d for d in seg.dimensions if d.key == dim.key), None)
            ok = cell is not None and not cell.suppressed and cell.score is not None
            line.append(cell.score if ok and cell else None)
            line_bands.append(cell.band if ok and cell else None)
        values.append(line)
        bands.append(line_bands)
    table = []
    for seg in result.segments:
        if seg.suppressed or seg.overall is None:
            table.append({"key": label(seg.key), "hidden": True})
        else:
            table.append({"key": label(seg.key), "hidden": False, "n": seg.n,
                          "score": seg.overall.score, "band": seg.overall.band})
    chart = out.add("segments", charts.heatmap_png(rows, columns, values, k=k, bands=bands))
    return {"by": result.segment_by, "chart": chart, "table": table,
            "hidden": sum(1 for s in result.segments if s.suppressed)}


def _trend(out: Charts, result: Result, q: Questionnaire, round_name: str,
           previous_results: Sequence[tuple[str, Result]]) -> dict[str, Any] | None:
    if not result.trend and not previous_results:
        return None
    rows = [{"title": _title(q, t.dimension), "previous": t.previous, "current": t.current,
             "change": t.change, "p": t.p_value, "n_previous": t.n_previous,
             "n_current": t.n_current,
             "verdict": "not testable" if t.real is None else
             ("real change" if t.real else "noise")} for t in result.trend]
    block: dict[str, Any] = {"rows": rows, "real": [r for r in rows if r["verdict"] ==
                                                    "real change"],
                             "line_chart": None}
    if previous_results:
        rounds = [name for name, _ in previous_results] + [round_name]
        results = [r for _, r in previous_results] + [result]
        series: list[tuple[str, list[float | None]]] = [
            ("Overall", [r.overall.score for r in results])]
        for group in result.groups:
            series.append((group.title, [
                (r.group(group.key).score if r.group(group.key) else None)  # type: ignore[union-attr]
                for r in results]))
        block["line_chart"] = out.add("trend_rounds", charts.trend_png(rounds, series))
        block["rounds"] = [{"name": name, "overall": r.overall.score, "band": r.overall.band,
                            "respondents": r.respondents}
                           for name, r in zip(rounds, results, strict=True)]
    return block


def team_context(result: Result, q: Questionnaire, *, org: str, round_name: str,
                 consultant: Branding, response_rate: float | None,
                 previous_results: Sequence[tuple[str, Result]], generated_on: date,
                 ceo_gaps: bool = True) -> tuple[dict[str, Any], Charts]:
    """Everything the team report shows, in the order it shows it."""
    out = Charts()
    k = result.min_group_size
    ctx: dict[str, Any] = {
        "org": org, "round_name": round_name, "consultant": consultant,
        "colour": consultant.safe_colour(), "generated_on": generated_on.isoformat(),
        "questionnaire": {"title": q.title, "ref": q.ref, "key": q.key, "version": q.version,
                          "hash": q.content_hash[:12]},
        "respondents": result.respondents, "k": k, "response_rate": response_rate,
        "hidden": result.below_threshold, "overall": result.overall,
        "groups": _groups(result),
    }
    ctx["causes"] = cause_views(q, result)
    ctx["top_causes"] = ctx["causes"][:3]
    ctx["first_fixes"] = plan_view(q, result).actions[:5]
    ctx["plan"] = _plan(q, result)
    quality = result.quality
    ctx["quality"] = quality
    if result.below_threshold:
        return ctx, out

    buckets = _dimension_rows(result, q, "bucket")
    if len(buckets) >= 3:
        ctx["radar"] = out.add("radar", charts.radar_png(
            [r["title"] for r in buckets], [r["score"] for r in buckets], size_px=380,
            colour=ctx["colour"]))
    ctx["buckets"] = {"rows": buckets, "chart": _bars(out, "buckets", buckets, k)}

    ladder = ladder_view(q, result)
    if ladder is not None:
        top_down = list(reversed(ladder.rungs))
        root = next((i for i, r in enumerate(top_down) if r.status == "root"), None)
        ctx["ladder"] = {
            "rungs": ladder.rungs, "start_here": ladder.start_here,
            "rows": _dimension_rows(result, q, "foundation"),
            "chart": out.add("ladder", charts.ladder_png(
                [f"{r.number}. {r.title}" for r in top_down], [r.score for r in top_down],
                bands=[r.band or None for r in top_down], root=root)),
        }
    else:
        ctx["ladder"] = None
    culprits = _dimension_rows(result, q, "culprit")
    ctx["culprits"] = {"rows": culprits, "chart": _bars(out, "culprits", culprits, k)}
    process = _dimension_rows(result, q, "process")
    ctx["process"] = {"rows": process, "chart": _bars(out, "process", process, k),
                      "cadence": _cadence(result, q)}

    leadership = [g for g in result.gaps if g.a == "leadership"]
    ceo = [g for g in result.gaps if g.a == "ceo"] if ceo_gaps else []
    roles = q.analysis
    ctx["gaps"] = {
        "leadership": _gap_block(out, "gap_leadership", leadership, q, "Leadership", "Team"),
        "ceo": _gap_block(out, "gap_ceo", ceo, q, "CEO", "Team"),
        "leadership_roles": ", ".join(roles.leadership_roles),
        "team_roles": ", ".join(roles.team_roles),
    }
    ctx["segments"] = _segments(out, result)
    ctx["trend"] = _trend(out, result, q, round_name, previous_results)
    ctx["agreement"] = [{"title": _title(q, a.dimension), "sd": a.sd, "n": a.n}
                        for a in result.agreement if a.flagged]
    ctx["reliability"] = [{"title": _title(q, r.dimension), "item_count": r.items, "n": r.n,
                           "alpha": r.alpha} for r in result.reliability]
    ctx["analysis"] = q.analysis
    ctx["hidden_gaps"] = sum(1 for g in result.gaps if g.suppressed)
    ctx["hidden_items"] = sum(1 for i in result.items if i.suppressed)
    return ctx, out


def quick_context(result: Result, q: Questionnaire, *, org: str | None,
                  generated_on: date) -> tuple[dict[str, Any], Charts]:
    """The CEO self-assessment: the same view model as the result page, plus what the
    team survey adds."""
    view = quick_view(q, result)
    ctx: dict[str, Any] = {
        "org": org or "", "round_name": "CEO self-assessment",
        "colour": DEFAULT_COLOUR, "generated_on": generated_on.isoformat(),
        "questionnaire": {"title": q.title, "ref": q.ref, "questions": len(q.questions)},
        "v": view, "team_adds": TEAM_SURVEY_ADDS, "weak": q.analysis.weak_below,
        "healthy": q.healthy_at,
    }
    return ctx, Charts()


__all__ = ["Branding", "Charts", "fmt", "quick_context", "team_context"]
