"""A round's scored results are kept per state and read back until the state changes
(`assess.console.results.round_results`)."""

from __future__ import annotations

import stat
from pathlib import Path

from assess.models import Round


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
