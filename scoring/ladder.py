"""The foundation ladder as the engine judged it: one status per rung, from the causes.

Pages, PDFs and the CLI table draw the ladder from this, so none of them decides which
rung to start on (DOMAIN rule 3: the ladder, from the people on it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from questionnaires import Questionnaire
from questionnaires.model import displayed
from questionnaires.vocabulary import CONTEXT_KINDS

from .model import DimensionScore, Ladder, RootCause, Rung


def build_ladder(q: Questionnaire, dims: Mapping[str, DimensionScore],
                 causes: Sequence[RootCause], split: Mapping[str, bool]) -> Ladder | None:
    rule = next((r for r in q.rules if r.type == "foundation_ladder"), None)
    if rule is None:
        return None
    rungs = []
    for position, key in enumerate(rule.params["dimensions"], start=1):
        dim = dims.get(key)
        status, cause = _status(q, key, dim, causes, split.get(key, False))
        rungs.append(Rung(key=key, title=q.dimension(key).title, position=position,
                          score=None if dim is None else dim.score,
                          n=0 if dim is None else dim.n,
                          band=None if dim is None else dim.band, status=status, cause=cause))
    root = next((r.key for r in rungs if r.status == "root"), None)
    perception = dims and all(dims[r.key].basis == "perception" for r in rungs if r.key in dims)
    return Ladder(tuple(rungs), root, "perception" if perception else "measure")


def _status(q: Questionnaire, key: str, dim: DimensionScore | None,
            causes: Sequence[RootCause], split: bool) -> tuple[str, str | None]:
    if dim is None or dim.score is None:
        return ("hidden" if dim is not None and dim.suppressed else "unanswered"), None
    if dim.basis == "perception":
        return "perception", None
    for cause in causes:
        if cause.kind == "foundation" and cause.dimensions[:1] == (key,):
            return "root", cause.key
    for cause in causes:
        if key in cause.symptoms:
            return ("blocked" if cause.kind in CONTEXT_KINDS else "symptom"), cause.key
    if q.weak(dim.score):
        return "weak", None
    if displayed(dim.score) >= q.healthy_at and not split:
        return "sound", None
    return "watch", None
