"""A round's results, scored once from its latest release, for the results page, the
PDF and the JSON download alike; and the organisation's history across rounds."""

from __future__ import annotations

import functools
import hashlib
import json
import pickle
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app

from questionnaires import Questionnaire
from scoring import Answers, Result
from scoring.tally import Tally, tally

from .. import questionnaire_store
from ..errors import BelowThreshold
from ..models import Organisation, Round
from ..private_files import locked, private_dir, replacing
from .releases import latest_release, pending
from .reporting import (
    Fieldwork,
    dated_chunks,
    earlier_rounds,
    released_set,
    responses_by_id,
    spanned,
)


@dataclass(frozen=True)
class RoundResults:
    round: Round
    q: Questionnaire
    result: Result  # by role, with the trend against the previous round
    by_team: Result
    previous: tuple[tuple[str, Result], ...]  # earlier rounds, oldest first
    texts: Any  # the released free-text answers (`Tally.texts`), for `comments_view`
    fieldwork: Fieldwork  # first and last day released answers arrived
    pending: int  # answers stored but not yet released


def _ceo(round_: Round) -> Result | None:
    from scoring import score

    if round_.ceo_result is None:
        return None
    cq = questionnaire_store.of(round_.ceo_result.questionnaire)
    answers = Answers.from_records([{"role": "ceo", **round_.ceo_result.answers}], cq)
    return score(answers, cq)


def round_results(round_: Round) -> RoundResults:
    """Scored results of the latest release; BelowThreshold before the first one.

    Scoring a large round takes seconds, and every view of it (the page, the PDF, the JSON)
    shows the same release: the scored results are kept in a file per round and state
    (`results_key`) and read back until a release, a CEO result or the code changes.
    """
    q = questionnaire_store.of(round_.questionnaire)
    key = results_key(round_)
    path = _kept_folder() / f"{round_.public_id}-{key}.pickle"
    kept = _read_kept(path)
    if kept is None:
        # One scoring of a round at a time, across workers: a second view (a reload, a
        # colleague) waits for the first and reads what it kept, instead of spending the
        # same seconds and memory again beside it.
        with locked(path.with_name(f"{round_.public_id}.lock")):
            kept = _read_kept(path) or _score_and_keep(round_, q, path)
    return RoundResults(round_, q, kept.result, kept.by_team, kept.previous, kept.texts,
                        kept.fieldwork, pending(round_.id))


def _score_and_keep(round_: Round, q: Questionnaire, path: Path) -> _Kept:
    kept = _score_round(round_, q)
    for old in path.parent.glob(f"{round_.public_id}-*.pickle"):
        old.unlink(missing_ok=True)  # an older state of the same round
    with replacing(path) as handle:
        pickle.dump(kept, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return kept


@dataclass(frozen=True)
class _Kept:
    """What `round_results` keeps of a round between releases (nothing of the ORM)."""

    result: Result
    by_team: Result
    previous: tuple[tuple[str, Result], ...]
    texts: Any
    fieldwork: Fieldwork


def _score_round(round_: Round, q: Questionnaire) -> _Kept:
    from scoring import score, score_views

    counted, fieldwork = _released(round_, q)
    k = round_.min_group_size
    if len(counted) < k:
        raise BelowThreshold(f"{round_.title}", len(counted), k)
    previous: list[tuple[str, Result]] = []
    last: Tally | None = None
    for earlier in earlier_rounds(round_):
        old = released_tally(earlier, q)
        if len(old) >= earlier.min_group_size:
            previous.append((earlier.title,
                             score(old, q, min_group_size=earlier.min_group_size)))
            last = old
    views = score_views(counted, q, by=("role", "team"), previous=last, ceo=_ceo(round_),
                        min_group_size=k)
    return _Kept(views["role"], views["team"], tuple(previous), counted.texts, fieldwork)


def released_tally(round_: Round, q: Questionnaire) -> Tally:
    """The released responses of a round (`releases`) tallied in q's keys
    (`scoring.tally`), older questionnaire versions mapped through lineage: what every
    figure of its results is computed from. The round is read a chunk at a time, each
    chunk tallied and let go, so memory stays flat however large the round. Only what was
    released since the last scoring is read: the tally is kept beside the results with
    the ids it counts (a tally holds sums per role and team, and sorted free text:
    nothing tells in which order answers arrived). A release only adds responses; when
    the kept ids are not all released any more (a restored database), everything is read
    again."""
    return _released(round_, q)[0]


def _released(round_: Round, q: Questionnaire) -> tuple[Tally, Fieldwork]:
    """`released_tally`, and the first and last day they arrived (kept with it)."""
    lineage = round_.questionnaire.version != q.version
    released = released_set(round_)
    # One file per round and questionnaire read on (a trend reads an earlier round on the
    # later round's questionnaire); those of other code go.
    code = code_version()
    key = hashlib.sha256(json.dumps([q.ref, q.content_hash, lineage]).encode()).hexdigest()[:16]
    path = _kept_folder() / f"{round_.public_id}-{code}-{key}.tally"
    kept = _read_kept_tally(path)
    if kept is not None and kept[0] == released:
        return kept[1], kept[2]
    total, fieldwork = _read_since(round_, q, released, lineage, kept)
    for old in path.parent.glob(f"{round_.public_id}-*.tally"):
        if not old.name.startswith(f"{round_.public_id}-{code}-"):
            old.unlink(missing_ok=True)
    for old in path.parent.glob(f"{round_.public_id}-*.answers"):  # kept before tallies
        old.unlink(missing_ok=True)
    if released:
        with replacing(path) as handle:
            pickle.dump((released, total, fieldwork), handle, protocol=pickle.HIGHEST_PROTOCOL)
    return total, fieldwork


def _read_since(round_: Round, q: Questionnaire, released: frozenset[str], lineage: bool,
                kept: tuple[frozenset[str], Tally, Fieldwork] | None
                ) -> tuple[Tally, Fieldwork]:
    """The kept tally with what was released since added; or every released response
    tallied again when some kept ids are not released any more (a restored, older
    database). One chunk of answers is held at a time."""
    if kept is not None and kept[0] <= released:
        ids, total, fieldwork = kept
        chunks = responses_by_id(round_.id, released - ids, q, lineage=lineage)
    else:
        total, fieldwork = tally(Answers.from_records([], q), q), None
        chunks = dated_chunks(round_.id, released, q, lineage=lineage)
    for part, span in chunks:
        total, fieldwork = total + tally(part, q), spanned(fieldwork, span)
    return total, fieldwork


def _read_kept_tally(path: Path) -> tuple[frozenset[str], Tally, Fieldwork] | None:
    kept = _unpickled(path)
    if (isinstance(kept, tuple) and len(kept) == 3 and isinstance(kept[0], frozenset)
            and isinstance(kept[1], Tally)):
        return kept
    return None


def results_key(round_: Round) -> str:
    """Everything a round's scored results depend on: its questionnaire, k and release,
    the earlier rounds of its trend (title, k, release), the CEO result set against it,
    and the code that scores."""
    parts = {
        "code": code_version(),
        "questionnaire": [round_.questionnaire.key, round_.questionnaire.version,
                          round_.questionnaire.content_hash],
        "rounds": [[r.id, r.title, r.min_group_size, getattr(latest_release(r.id), "number", 0)]
                   for r in [*earlier_rounds(round_), round_]],
        "ceo": round_.ceo_result_id,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]


@functools.cache
def code_version() -> str:
    """A hash of the code that reads, scores and shows answers (this app's, the scoring
    engine's, the questionnaire loader's) and of the Python and libraries whose objects
    the kept files pickle: results kept, or PDFs rendered, by other code are never
    served, and no file is unpickled by another pandas than the one that wrote it."""
    import platform
    from importlib.metadata import version

    import assess
    import questionnaires
    import scoring

    digest = hashlib.sha256(json.dumps([platform.python_version(), version("numpy"),
                                        version("pandas")]).encode())
    for package in (assess, scoring, questionnaires):
        folder = Path(package.__file__).parent
        for path in sorted(folder.rglob("*.py")):
            digest.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def _kept_folder() -> Path:
    return private_dir(Path(current_app.instance_path) / "results-cache")


def forget_kept() -> None:
    """Every kept result goes (a restored database: its releases are not those kept)."""
    shutil.rmtree(_kept_folder(), ignore_errors=True)


def _read_kept(path: Path) -> _Kept | None:
    kept = _unpickled(path)
    return kept if isinstance(kept, _Kept) else None


def _unpickled(path: Path) -> Any:
    """A kept file's content, or None (none kept, or a file this version cannot read).
    The files are the app's own, in its private instance folder (0600 in 0700)."""
    try:
        return pickle.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError,
            ValueError):
        path.unlink(missing_ok=True)
        return None


@dataclass(frozen=True)
class Compared:
    before: Round
    after: Round
    q: Questionnaire
    result: Result  # the later round, with the trend against the earlier
    plan_dimensions: tuple[str, ...]  # the dimensions behind the earlier round's first actions


def compare(before: Round, after: Round) -> Compared:
    """Two rounds of one organisation on the later round's questionnaire (earlier versions
    mapped through lineage), and what the earlier plan aimed at."""
    from scoring import score

    if before.opens_at > after.opens_at:
        before, after = after, before
    q = questionnaire_store.of(after.questionnaire)
    now, then = released_tally(after, q), released_tally(before, q)
    for round_, counted in ((after, now), (before, then)):
        if len(counted) < round_.min_group_size:
            raise BelowThreshold(round_.title, len(counted), round_.min_group_size)
    result = score(now, q, previous=then, min_group_size=after.min_group_size)
    earlier_q = questionnaire_store.of(before.questionnaire)
    earlier = score(released_tally(before, earlier_q), earlier_q,
                    min_group_size=before.min_group_size)
    # dimension keys are the same in every version (DESIGN.md), so they compare directly
    dims = tuple(dict.fromkeys(f.dimension for f in earlier.plan[:5]
                               if f.dimension and q.dimension_or_none(f.dimension)))
    return Compared(before, after, q, result, dims)


def history(org: Organisation) -> list[tuple[Round, Result]]:
    """Every released round of the organisation, scored on the newest questionnaire any
    of them used (older versions mapped through lineage), oldest first."""
    from scoring import score

    rounds = list(org.rounds)
    if not rounds:
        return []
    newest = max(rounds, key=lambda r: (r.questionnaire.version, r.opens_at))
    q = questionnaire_store.of(newest.questionnaire)
    out = []
    for round_ in sorted(rounds, key=lambda r: r.opens_at):
        if round_.questionnaire.key != q.key:
            continue
        counted = released_tally(round_, q)
        if len(counted) >= round_.min_group_size:
            out.append((round_, score(counted, q, min_group_size=round_.min_group_size)))
    return out
