"""`assess import` (all or nothing) and `assess backup` through the console script."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa

from assess.models import Response

from .test_web_commands import WEB_QUESTIONNAIRES, _dispose_all, run

HEADER = "respondent,role,team,tm_customers,tm_why_us,be_mission,so_gap,open_change\n"


@pytest.fixture(autouse=True)
def _dispose_engines():
    yield
    _dispose_all()


def _count(app, round_id):
    from assess.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Response)
                                 .where(Response.round_id == round_id))


def test_import_stores_every_row_or_none(app, make_round, cli_env, monkeypatch, tmp_path):
    monkeypatch.setenv("ASSESS_QUESTIONNAIRES_ROOT", str(WEB_QUESTIONNAIRES))
    r = make_round()
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "p1,rep,East,4,5,2,7,Paper form\np2,manager,,3,,4,,\n")
    done = run("import", str(r.id), str(good))
    assert done.exit_code == 0, done.output
    assert "imported 2 response(s)" in done.output
    from assess.extensions import db

    with app.app_context():
        stored = db.session.scalars(sa.select(Response).where(Response.round_id == r.id)).all()
        by_role = {row.role: row for row in stored}
        assert by_role["rep"].answers == {"tm_customers": 4, "tm_why_us": 5, "be_mission": 2,
                                          "so_gap": 7, "open_change": "Paper form"}
        assert by_role["manager"].team is None
        assert all(row.id not in ("p1", "p2") for row in stored)  # ids stay random
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "p3,rep,East,4,5,2,7,\np4,rep,East,9,5,2,7,\n")
    refused = run("import", str(r.id), str(bad))
    assert refused.exit_code == 2
    assert "line 3, column 'tm_customers': 9 is outside the scale" in refused.output
    assert _count(app, r.id) == 2  # the good first row of the bad file was not stored
    assert run("import", "999", str(good)).exit_code == 2
    # Terminal escapes and NUL bytes never get in, on either database.
    for cell, problem in (("East\x1b[2J", "U+001B"), ("Ea\x00st", "U+0000")):
        hostile = tmp_path / "hostile.csv"
        hostile.write_text(HEADER + f"p5,rep,{cell},4,5,2,7,\n")
        refused = run("import", str(r.id), str(hostile))
        assert refused.exit_code == 2 and "line 2, column 'team'" in refused.output
        assert problem in refused.output
    assert _count(app, r.id) == 2


def test_backup_writes_a_consistent_copy(app, make_round, complete, cli_env, monkeypatch,
                                         tmp_path, backend):
    monkeypatch.setenv("ASSESS_QUESTIONNAIRES_ROOT", str(WEB_QUESTIONNAIRES))
    r = make_round()
    complete(f"/s/{r.link}")
    out = tmp_path / ("copy.sqlite" if backend == "sqlite" else "copy.dump")
    done = run("backup", "--out", str(out))
    assert done.exit_code == 0, done.output
    assert out.exists() and out.stat().st_size > 0
    if backend == "sqlite":
        with sqlite3.connect(out) as copy:
            assert copy.execute("SELECT count(*) FROM response").fetchone() == (1,)
    else:
        assert out.read_bytes().startswith(b"PGDMP")
