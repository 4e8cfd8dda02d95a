"""A round's scored results are kept per state and read back until the state changes
(`assess.console.results.round_results`)."""

from __future__ import annotations

import stat
from pathlib import Path

from assess.models import Round

from .conftest import at_once


def _kept(app) -> list[Path]:
    return sorted((Path(app.instance_path) / "results-cache").glob("*.pickle"))


def test_results_are_kept_per_release_and_rescored_after_the_next(app, make_round,
                                                                  complete):
    from assess.console import results as results_module
    from assess.extensions import db

    r = make_round()
    for _ in range(3):
        complete(f"/s/{r.link}")
    with app.app_context():
        first = results_module.round_results(db.session.get(Round, r.id))
        [path] = _kept(app)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert first.result.respondents == 3
        again = results_module.round_results(db.session.get(Round, r.id))
        assert again.result.to_dict() == first.result.to_dict()
        assert again.by_team.segments == first.by_team.segments
        assert _kept(app) == [path] and again.pending == 0
    for _ in range(3):
        complete(f"/s/{r.link}")  # the next release
    with app.app_context():
        later = results_module.round_results(db.session.get(Round, r.id))
        assert later.result.respondents == 6
        [newer] = _kept(app)
        assert newer != path  # the older state's file is gone


def test_a_damaged_file_is_scored_again(app, make_round, complete):
    from assess.console.results import round_results
    from assess.extensions import db

    r = make_round()
    for _ in range(3):
        complete(f"/s/{r.link}")
    with app.app_context():
        expected = round_results(db.session.get(Round, r.id)).result.to_dict()
        [path] = _kept(app)
        path.write_bytes(b"not a pickle")
        assert round_results(db.session.get(Round, r.id)).result.to_dict() == expected
        assert path.read_bytes() != b"not a pickle"


def test_two_views_at_once_score_the_round_once(app, make_round, complete, monkeypatch):
    """A reload (or a colleague) while a large round is being scored waits for that
    scoring and reads what it kept, instead of scoring the same release beside it."""
    import threading
    import time

    from assess.console import results as results_module
    from assess.extensions import db

    r = make_round()
    for _ in range(3):
        complete(f"/s/{r.link}")
    real, calls = results_module._score_round, []

    def slow(round_, q):
        calls.append(threading.get_ident())
        time.sleep(0.4)  # long enough for the second view to arrive meanwhile
        return real(round_, q)

    monkeypatch.setattr(results_module, "_score_round", slow)
    seen: list[dict] = []

    def view() -> None:
        with app.app_context():
            seen.append(results_module.round_results(db.session.get(Round, r.id))
                        .result.to_dict())

    at_once(view)
    assert len(calls) == 1 and len(seen) == 2 and seen[0] == seen[1]
    assert len(_kept(app)) == 1


def test_the_key_follows_the_code_and_k(app, make_round, complete, monkeypatch):
    from assess.console import results as results_module
    from assess.extensions import db

    r = make_round()
    for _ in range(3):
        complete(f"/s/{r.link}")
    with app.app_context():
        round_ = db.session.get(Round, r.id)
        key = results_module.results_key(round_)
        monkeypatch.setattr(results_module, "code_version", lambda: "other code")
        assert results_module.results_key(round_) != key
        monkeypatch.undo()
        round_.min_group_size = 4
        assert results_module.results_key(round_) != key


def test_kept_files_are_keyed_by_the_libraries_that_pickled_them(monkeypatch):
    """An upgraded pandas or NumPy reads no file the old one pickled."""
    import importlib.metadata

    from assess.console import results as results_module

    real = importlib.metadata.version
    results_module.code_version.cache_clear()
    before = results_module.code_version()
    for library in ("pandas", "numpy"):
        monkeypatch.setattr(importlib.metadata, "version",
                            lambda name, lib=library: "0.0" if name == lib else real(name))
        results_module.code_version.cache_clear()
        assert results_module.code_version() != before, library
    monkeypatch.undo()
    results_module.code_version.cache_clear()
    assert results_module.code_version() == before


def test_a_new_release_reads_only_the_answers_it_adds(app, make_round, complete,
                                                      monkeypatch):
    """The tally a scoring made is kept with the ids it counts; the next release reads
    only its own responses, and the tally scores as a full read does."""
    from assess.console import reporting
    from assess.console import results as results_module
    from assess.extensions import db
    from scoring import score
    from scoring.tally import tally

    r = make_round()
    for _ in range(3):
        complete(f"/s/{r.link}")
    with app.app_context():
        results_module.round_results(db.session.get(Round, r.id))
        [kept] = sorted((Path(app.instance_path) / "results-cache").glob("*.tally"))
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    for _ in range(3):
        complete(f"/s/{r.link}")
    read_by_id: list[int] = []
    by_id = reporting.responses_by_id

    def counted(*args, **kwargs):
        for part, span in by_id(*args, **kwargs):
            read_by_id.append(len(part))
            yield part, span

    def no_full_read(*args, **kwargs):
        raise AssertionError("every response read again")

    with app.app_context():
        round_ = db.session.get(Round, r.id)
        q = results_module.questionnaire_store.of(round_.questionnaire)
        [full] = reporting.response_chunks(  # everything read again
            round_.id, reporting.released_set(round_), q, lineage=False)
        monkeypatch.setattr(results_module, "responses_by_id", counted)
        monkeypatch.setattr(results_module, "dated_chunks", no_full_read)
        again = results_module.released_tally(round_, q)
        assert read_by_id == [3] and len(again) == 6
        assert again.cells == tally(full, q).cells and again.texts == tally(full, q).texts
        assert score(again, q, by="team", min_group_size=1).to_dict() == \
            score(full, q, by="team", min_group_size=1).to_dict()
        assert results_module.round_results(round_).result.respondents == 6


def test_kept_answers_that_are_not_all_released_are_read_again(app, make_round, complete):
    """A kept tally counting ids the database has not released (a restored, older
    database) is not trusted: everything is read again."""
    import pickle

    from assess.console import results as results_module
    from assess.extensions import db

    r = make_round()
    for _ in range(3):
        complete(f"/s/{r.link}")
    with app.app_context():
        round_ = db.session.get(Round, r.id)
        q = results_module.questionnaire_store.of(round_.questionnaire)
        answers = results_module.released_tally(round_, q)
        [path] = sorted((Path(app.instance_path) / "results-cache").glob("*.tally"))
        ids, kept, fieldwork = pickle.loads(path.read_bytes())
        path.write_bytes(pickle.dumps((ids | {"not-released"}, kept + kept, fieldwork)))
        again = results_module.released_tally(round_, q)
        assert len(again) == len(answers) == 3
        assert pickle.loads(path.read_bytes())[0] == ids


def test_compare_and_history_read_the_kept_tallies(app, make_round, complete, monkeypatch):
    """Comparing two rounds, and a client's history, read the tallies kept by an earlier
    view: no response is read from the database again, and the figures are the same."""
    from assess.console import results as results_module
    from assess.extensions import db

    before, after = make_round(opens_in_days=-20), make_round(opens_in_days=-1)
    for _ in range(3):
        complete(f"/s/{before.link}")
        complete(f"/s/{after.link}")
    with app.app_context():
        early, late = db.session.get(Round, before.id), db.session.get(Round, after.id)
        early.organisation_id = late.organisation_id
        db.session.commit()
        compared = results_module.compare(early, late).result.to_dict()
        history = [r.to_dict() for _, r in results_module.history(late.organisation)]
        assert len(history) == 2

        def no_reading(*_args, **_kwargs):
            raise AssertionError("the answers were read from the database again")

        monkeypatch.setattr(results_module, "dated_chunks", no_reading)
        assert results_module.compare(early, late).result.to_dict() == compared
        assert [r.to_dict() for _, r in results_module.history(late.organisation)] == history
        assert results_module.round_results(late).result.respondents == 3


def test_the_next_release_moves_the_kept_fieldwork_dates(app, make_round, complete,
                                                         monkeypatch):
    """The first and last day are kept with the answers: the next release's responses
    move them, read by id, without the round being read again."""
    from datetime import date

    import sqlalchemy as sa

    from assess.console import results as results_module
    from assess.extensions import db
    from assess.models import Response

    def set_days(days: list[date], ids: set[str]) -> set[str]:
        with app.app_context():
            new = [rid for rid in db.session.scalars(sa.select(Response.id)
                                                     .order_by(Response.id)) if rid not in ids]
            for rid, day in zip(new, days, strict=True):
                db.session.execute(sa.update(Response).where(Response.id == rid)
                                   .values(submitted_on=day))
            db.session.commit()
            return ids | set(new)

    r = make_round()
    for _ in range(3):
        complete(f"/s/{r.link}")
    first = set_days([date(2026, 3, 9), date(2026, 3, 2), date(2026, 3, 5)], set())
    with app.app_context():
        kept = results_module.round_results(db.session.get(Round, r.id))
        assert kept.fieldwork == (date(2026, 3, 2), date(2026, 3, 9))
    for _ in range(3):
        complete(f"/s/{r.link}")  # the next release
    set_days([date(2026, 3, 4), date(2026, 2, 20), date(2026, 3, 30)], first)

    def no_full_read(*_args, **_kwargs):
        raise AssertionError("every response read again")

    monkeypatch.setattr(results_module, "dated_chunks", no_full_read)
    with app.app_context():
        later = results_module.round_results(db.session.get(Round, r.id))
        assert later.result.respondents == 6
        assert later.fieldwork == (date(2026, 2, 20), date(2026, 3, 30))
