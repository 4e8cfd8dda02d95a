"""Backups you can restore, files nobody else reads, drafts that do not outlive their use.

`assess backup` is taken while respondents keep sending answers; `assess restore` puts it
into a fresh database (SQLite and PostgreSQL), which then holds every response
acknowledged before the backup began and serves the round's export. Restore refuses a
database that holds data (unless --force) and any file that is not a backup of this app,
changing nothing.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import stat
import threading
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from .conftest import FULL, RESUME
from .test_web_commands import WEB_QUESTIONNAIRES, _dispose_all, run

_names = itertools.count()


@pytest.fixture(autouse=True)
def _dispose_engines():
    yield
    _dispose_all()


@pytest.fixture
def fresh_url(backend, request, tmp_path):
    """A second, empty database on the same kind of server (no schema at all)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite'}"
        return
    server = request.getfixturevalue("pg_server")
    name = f"assess_restore_{os.getpid()}_{next(_names)}"
    server.admin(f"CREATE DATABASE {name}")
    try:
        yield server.url(name)
    finally:
        server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _respond(app, link: str) -> None:
    """One respondent, start to thank-you, on a client of their own."""
    client = app.test_client()
    entered = client.post(f"/s/{link}", data={"role": "rep", "team": "East"})
    token = RESUME.search(entered.headers["Location"]).group(1)
    for number, data in FULL.items():
        assert client.post(f"/r/{token}/section/{number}",
                           data=data | {"action": "next"}).status_code == 302
    sent = client.post(f"/r/{token}/review")
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/thanks")


def _responses(url: str) -> int:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT count(*) FROM response")).scalar_one()
    finally:
        engine.dispose()


def test_a_backup_under_load_restores_every_acknowledged_response(
        app, make_round, cli_env, monkeypatch, tmp_path, backend, database_url, fresh_url):
    monkeypatch.setenv("ASSESS_QUESTIONNAIRES_ROOT", str(WEB_QUESTIONNAIRES))
    r = make_round()
    acknowledged = 0
    stop = threading.Event()
    errors: list[BaseException] = []

    def respondents() -> None:
        nonlocal acknowledged
        try:
            while not stop.is_set():
                _respond(app, r.link)
                acknowledged += 1
        except BaseException as exc:  # reported by the test below
            errors.append(exc)

    writer = threading.Thread(target=respondents)
    writer.start()
    try:
        while acknowledged < 3 and writer.is_alive():
            stop.wait(0.05)
        before = acknowledged
        out = tmp_path / ("copy.sqlite" if backend == "sqlite" else "copy.dump")
        done = run("backup", "--out", str(out))
        during = acknowledged
        while acknowledged < during + 2 and writer.is_alive():
            stop.wait(0.05)  # still answering after the backup
    finally:
        stop.set()
        writer.join(timeout=60)
    assert not errors, errors
    assert done.exit_code == 0, done.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600

    monkeypatch.setenv("DATABASE_URL", fresh_url)
    restored = run("restore", str(out))
    assert restored.exit_code == 0, restored.output
    count = _responses(fresh_url)
    assert before <= count <= acknowledged, (before, count, acknowledged)
    assert acknowledged > count  # the answers sent after the backup are not in it
    exported = run("export", str(r.id))
    assert exported.exit_code == 0, exported.output
    assert exported.output.startswith("respondent,role,team")

    # The database holds data now: nothing replaced without --force.
    refused = run("restore", str(out))
    assert refused.exit_code == 2 and "--force" in refused.output
    assert _responses(fresh_url) == count
    kept = [Path(os.environ["ASSESS_INSTANCE_PATH"]) / folder / f"round-old.{kind}"
            for folder, kind in (("results-cache", "pickle"), ("report-cache", "pdf"))]
    for path in kept:  # what the replaced database showed
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"from the database before")
    assert run("restore", "--force", str(out)).exit_code == 0
    assert _responses(fresh_url) == count
    assert not any(path.exists() for path in kept)


def test_restore_refuses_what_is_not_a_backup(app, cli_env, tmp_path, backend, database_url,
                                              monkeypatch, make_round, complete):
    monkeypatch.setenv("ASSESS_QUESTIONNAIRES_ROOT", str(WEB_QUESTIONNAIRES))
    r = make_round()
    complete(f"/s/{r.link}")
    text = tmp_path / "notes.txt"
    text.write_text("not a backup\n")
    good = tmp_path / ("copy.sqlite" if backend == "sqlite" else "copy.dump")
    assert run("backup", "--out", str(good)).exit_code == 0
    cut = tmp_path / "cut"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (x)")
    for bad in (text, cut, other):
        done = run("restore", "--force", str(bad))
        assert done.exit_code == 2, (bad.name, done.output)
        assert "Traceback" not in done.output
        assert _responses(database_url) == 1  # nothing changed
    assert run("restore", str(tmp_path / "missing")).exit_code == 2


def test_database_and_backup_files_are_private_whatever_the_umask(tmp_path, monkeypatch):
    from assess import create_app
    from assess.commands.database import prepare

    monkeypatch.delenv("DATABASE_URL", raising=False)
    instance = tmp_path / "instance"
    old = os.umask(0o022)
    try:
        app = create_app({"INSTANCE_PATH": str(instance), "DEV_SECRET_FILE": True,
                          "SQLALCHEMY_DATABASE_URI": "sqlite:///assess.sqlite",
                          "QUESTIONNAIRES_ROOT": str(WEB_QUESTIONNAIRES),
                          "TEAM_QUESTIONNAIRE": "web-team", "QUICK_QUESTIONNAIRE": "web-ceo"})
        prepare(app)
        with app.app_context():
            from limits.storage import storage_from_string

            from assess.extensions import db

            db.session.execute(sa.text("SELECT 1"))
            db.session.remove()
            db.engine.dispose()
        storage_from_string(app.config["RATELIMIT_STORAGE_URI"]).incr("probe", 60)
    finally:
        os.umask(old)
    files = [p for p in instance.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"assess.sqlite", "secret_key", "ratelimits.sqlite"}
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700


def test_expired_drafts_are_purged_when_a_draft_starts(app, client, make_round, start):
    from assess.extensions import db
    from assess.models import Draft, today

    r = make_round()
    first, second = start(f"/s/{r.link}"), start(f"/s/{r.link}")
    with app.app_context():
        drafts = db.session.scalars(sa.select(Draft)).all()
        drafts[0].expires_on = today() - timedelta(days=1)
        db.session.commit()
    stale = [t for t in (first, second)
             if client.get(f"/r/{t}/section/1").status_code != 200]
    assert len(stale) == 1  # an expired draft is never resumed
    start(f"/s/{r.link}")  # any new draft sweeps the expired ones away
    with app.app_context():
        left = db.session.scalars(sa.select(Draft)).all()
        assert len(left) == 2
        assert all(draft.expires_on >= today() for draft in left)
    assert client.get(f"/r/{({first, second} - set(stale)).pop()}/section/1").status_code == 200


def test_backup_purges_expired_drafts(app, cli_env, monkeypatch, make_round, start, tmp_path,
                                      backend):
    from assess.extensions import db
    from assess.models import Draft, today

    monkeypatch.setenv("ASSESS_QUESTIONNAIRES_ROOT", str(WEB_QUESTIONNAIRES))
    r = make_round()
    start(f"/s/{r.link}")
    with app.app_context():
        db.session.execute(sa.update(Draft).values(expires_on=today() - timedelta(days=2)))
        db.session.commit()
    out = tmp_path / ("b.sqlite" if backend == "sqlite" else "b.dump")
    assert run("backup", "--out", str(out)).exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Draft)) == 0
    if backend == "sqlite":
        with sqlite3.connect(out) as copy:
            assert copy.execute("SELECT count(*) FROM draft").fetchone() == (0,)


def test_private_files_are_0600_in_0700_folders(tmp_path):
    from assess.private_files import private_file, write_private

    target = Path(tmp_path, "deep", "er", "file")
    private_file(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    write_private(target, b"data")
    assert target.read_bytes() == b"data" and stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_private_file_written_in_a_failed_block_leaves_the_old_one(tmp_path):
    """`replacing` writes a new file beside the old and renames it over at the end: a
    block that fails (a pickle that cannot be made) leaves the old file and no litter."""
    from assess.private_files import replacing, write_private

    target = tmp_path / "kept" / "file"
    write_private(target, b"old")
    with pytest.raises(RuntimeError), replacing(target) as handle:
        handle.write(b"half of the new")
        raise RuntimeError("the pickle failed")
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["file"]
    with replacing(target) as handle:
        handle.write(b"new")
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o600
