"""The schema: migrations match the models, and anonymity holds by construction."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from assess.models import Draft, Invitation, Response

MIGRATIONS = Path(__file__).resolve().parents[2] / "assess" / "migrations" / "versions"
TIME_TYPES = (sa.DateTime, sa.Time, sa.Interval)
TRACKING = ("ip", "addr", "agent", "browser", "user", "email", "invitation", "draft",
            "token", "created", "updated", "time", "seq")


def test_migrations_produce_the_models_schema(app):
    """`assess serve` builds the database from the migrations; they must equal the models."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from assess.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                db.metadata)
    assert diff == []


def _empty_database(backend: str, tmp_path, request, name: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / name}.sqlite"
    server = request.getfixturevalue("pg_server")
    server.admin(f"DROP DATABASE IF EXISTS {name}")
    server.admin(f"CREATE DATABASE {name}")
    return server.url(name)


def test_upgrade_from_scratch(backend, tmp_path, request):
    """An empty database (not the template) upgrades to head, and again idempotently."""
    from assess import create_app
    from assess.extensions import db
    from assess.schema import upgrade

    url = _empty_database(backend, tmp_path, request, "assess_fresh")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                      "INSTANCE_PATH": str(tmp_path / "i")})
    upgrade(app)
    upgrade(app)
    with app.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert {"response", "invitation", "draft", "round", "quick_result"} <= tables


def test_upgrade_keeps_existing_rounds_and_what_references_them(backend, tmp_path, request):
    """0002 rebuilds `round` on SQLite (batch mode) while responses, invitations and
    drafts point at it: the rows survive, and foreign keys are enforced again after."""
    from flask_migrate import downgrade, upgrade

    from assess import create_app
    from assess.extensions import db
    from assess.schema import bind

    url = _empty_database(backend, tmp_path, request, "assess_upgrade")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                      "INSTANCE_PATH": str(tmp_path / "i")})
    bind(app)  # Flask-Migrate is bound when a migration runs, not at start
    with app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as conn:
            for sql in (
                "INSERT INTO questionnaire_version (id, key, version, content_hash, "
                "recorded_at) VALUES (1, 'k', 1, 'h', '2026-01-01')",
                "INSERT INTO organisation (id, name, created_at) VALUES (1, 'o', '2026-01-01')",
                "INSERT INTO round (id, organisation_id, questionnaire_id, title, opens_at, "
                "min_group_size, access_mode, status, created_at) "
                "VALUES (7, 1, 1, 't', '2026-01-01', 3, 'link', 'closed', '2026-01-01')",
                "INSERT INTO response (id, round_id, answers, submitted_on) "
                "VALUES ('r1', 7, '{}', '2026-01-02')",
                "INSERT INTO invitation (round_id, token_hash, used) VALUES (7, 'i1', true)",
                "INSERT INTO draft (round_id, token_hash, answers, section, expires_on) "
                "VALUES (7, 'd1', '{}', 0, '2026-02-01')",
            ):
                conn.exec_driver_sql(sql)
        upgrade()
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql(
                "SELECT id, access_mode, status FROM round").all() == [(7, "link", "closed")]
            assert conn.exec_driver_sql("SELECT id, round_id FROM response").all() == [("r1", 7)]
            if backend == "sqlite":
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO response (id, round_id, answers, submitted_on) "
                                 "VALUES ('r2', 99, '{}', '2026-01-02')")  # no round 99
        with pytest.raises(sa.exc.IntegrityError, match="ck_round_status"), \
                db.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE round SET status = 'paused'")
        downgrade(revision="0001")
        upgrade()
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM invitation").scalar() == 1
        db.engine.dispose()


@pytest.mark.parametrize(("field", "value"), [("status", "paused"), ("access_mode", "email"),
                                              ("status", "OPEN"), ("access_mode", "")])
def test_round_status_and_access_mode_are_checked_by_the_database(app, make_round, field,
                                                                   value):
    with pytest.raises(sa.exc.IntegrityError, match=f"ck_round_{field}"):
        make_round(**{field: value})
    good = make_round()
    from assess.extensions import db
    from assess.models import Round

    with app.app_context():
        with pytest.raises(sa.exc.IntegrityError, match=f"ck_round_{field}"):
            db.session.execute(sa.update(Round).where(Round.id == good.id)
                               .values({field: value}))
            db.session.flush()
        db.session.rollback()


def test_round_checks_in_the_models_match_the_migration():
    """Alembic's comparison skips CHECK constraints: a value added to the models' tuples
    without a migration would pass it, so compare the SQL here."""
    import importlib.util

    from assess.models import ACCESS_MODES, INVITATION_MODES, LINK_MODES, Round

    path = MIGRATIONS / "0002_round_checks.py"
    spec = importlib.util.spec_from_file_location("migration_0002", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    checks = {c.name: str(c.sqltext.compile(compile_kwargs={"literal_binds": True}))
              for c in Round.__table__.constraints if isinstance(c, sa.CheckConstraint)}
    assert checks == {"ck_round_status": migration.STATUS,
                      "ck_round_access_mode": migration.ACCESS_MODE}
    assert set(LINK_MODES) | set(INVITATION_MODES) == set(ACCESS_MODES)
    for mode in ACCESS_MODES:
        round_ = Round(access_mode=mode)
        assert round_.accepts_link == (mode in LINK_MODES)
        assert round_.accepts_invitations == (mode in INVITATION_MODES)


@pytest.mark.parametrize("model", [Response, Invitation])
def test_no_tracking_columns(app, model):
    from assess.extensions import db

    with app.app_context():
        columns = sa.inspect(db.engine).get_columns(model.__tablename__)
    for column in columns:
        assert not isinstance(column["type"], TIME_TYPES), column
        if model is Response:
            assert not any(word in column["name"] for word in TRACKING), column["name"]
    names = {c["name"] for c in columns}
    if model is Invitation:
        # no link to a draft or a response; the email only for mailed invitations
        assert names == {"id", "public_id", "round_id", "token_hash", "salt", "email", "used",
                         "revoked", "sent_on", "reminded_on"}
    else:
        assert names == {"id", "round_id", "role", "team", "answers", "submitted_on",
                         "complete"}


def test_no_foreign_keys_into_responses_or_from_them_to_people(app):
    from assess.extensions import db

    with app.app_context():
        inspector = sa.inspect(db.engine)
        for table in inspector.get_table_names():
            for fk in inspector.get_foreign_keys(table):
                assert fk["referred_table"] != "response", table
        targets = {fk["referred_table"] for fk in inspector.get_foreign_keys("response")}
        invitation_targets = {fk["referred_table"]
                              for fk in inspector.get_foreign_keys("invitation")}
    assert targets == {"round"} and invitation_targets == {"round"}


def test_stored_rows_carry_nothing_identifying(app, client, make_round, invite, complete,
                                               rows, used):
    r = make_round()
    tokens = [invite(r.id) for _ in range(3)]
    resume_tokens = [complete(f"/i/{t}") for t in tokens]
    assert rows(Draft) == []
    responses = rows(Response)
    assert len(responses) == 3
    invitations = rows(Invitation)
    assert used(r.id) == [True] * 3
    secrets_ = {i.token_hash for i in invitations} | set(tokens) | set(resume_tokens)
    for response in responses:
        text = repr(vars(response))
        assert not any(s in text for s in secrets_)
        assert "127.0.0.1" not in text and "werkzeug" not in text.lower()
        assert not hasattr(response, "created_at")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_sqlite_is_wal_with_busy_timeout(app):
    from assess.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_concurrent_submits_all_stored(app, make_round, start, rows):
    """Many respondents submitting at once: no "database is locked", none lost."""
    r = make_round()
    count = 12
    clients = [app.test_client() for _ in range(count)]
    tokens = []
    for c in clients:
        response = c.post(f"/s/{r.link}", data={"role": "rep"})
        tokens.append(response.headers["Location"].split("/r/")[1].split("/")[0])
    errors: list[object] = []
    barrier = threading.Barrier(count)

    def work(c, token):
        try:
            barrier.wait()
            assert c.post(f"/r/{token}/section/1",
                          data={"tm_customers": "3", "tm_why_us": "4"}).status_code == 302
            sent = {"confirm_few": "yes"}  # 2 of 6 answered: sending is confirmed
            first = c.post(f"/r/{token}/review", data=sent)
            second = c.post(f"/r/{token}/review", data=sent)
            assert first.status_code == 302 and second.status_code == 302
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=pair) for pair in zip(clients, tokens,
                                                                        strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(rows(Response)) == count
    assert rows(Draft) == []


def test_json_columns_read_what_either_library_wrote():
    """JSON columns are written and read with orjson (`database.json_text`), and the
    standard library takes what orjson refuses, in both directions."""
    import json
    import math

    from assess.database import from_json_text, json_text

    answers = {"q1": 4, "q2": "dk", "free": "Straße — 営業 \u200b", "x": 2.5}
    assert json_text(answers).startswith('{"q1":4,"q2":"dk",')  # orjson's compact form
    assert json.loads(json_text(answers)) == answers == from_json_text(json_text(answers))
    beyond = {**answers, "big": 2**70}  # beyond 64 bits: the standard library writes it
    assert json.loads(json_text(beyond)) == beyond == from_json_text(json_text(beyond))
    old = from_json_text('{"a": NaN, "b": 123456789012345678901234567890}')  # older code's
    assert math.isnan(old["a"]) and old["b"] == 123456789012345678901234567890
