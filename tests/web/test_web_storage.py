"""The schema: migrations match the models, and anonymity holds by construction."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from assess.models import Draft, Invitation, Response

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


def test_upgrade_from_scratch(backend, tmp_path, request):
    """An empty database (not the template) upgrades to head, and again idempotently."""
    from assess import create_app
    from assess.extensions import db
    from assess.schema import upgrade

    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    else:
        server = request.getfixturevalue("pg_server")
        server.admin("DROP DATABASE IF EXISTS assess_fresh")
        server.admin("CREATE DATABASE assess_fresh")
        url = server.url("assess_fresh")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                      "INSTANCE_PATH": str(tmp_path / "i")})
    upgrade(app)
    upgrade(app)
    with app.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert {"response", "invitation", "draft", "round", "quick_result"} <= tables


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
        assert names == {"id", "round_id", "token_hash", "used"}
    else:
        assert names == {"id", "round_id", "role", "team", "answers", "submitted_on"}


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
                                               rows):
    r = make_round()
    tokens = [invite(r.id) for _ in range(3)]
    resume_tokens = [complete(f"/i/{t}") for t in tokens]
    assert rows(Draft) == []
    responses = rows(Response)
    assert len(responses) == 3
    invitations = rows(Invitation)
    assert all(i.used for i in invitations)
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
