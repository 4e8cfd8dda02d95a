"""Fixtures for the web app: an app on a fresh, migrated database per test.

Every test that uses `app` runs twice: on SQLite and on a real PostgreSQL server that
this file starts once per session with initdb/pg_ctl in a temporary folder. Tests of the
shared rate-limit storage get a real redis-server, and mail tests a real SMTP server
(aiosmtpd), both on free ports. The schema
comes from the Alembic migrations, built once per backend into a template and copied for
each test (a file copy for SQLite, CREATE DATABASE ... TEMPLATE for PostgreSQL).
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

WEB_QUESTIONNAIRES = Path(__file__).parent / "web" / "questionnaires"
BACKENDS = ["sqlite", "postgresql"]


# --------------------------------------------------------------------------- PostgreSQL


@dataclass(frozen=True)
class PgServer:
    socket_dir: str
    port: int
    data: str = ""  # the data directory, for pg_ctl

    def url(self, database: str) -> str:
        return (f"postgresql+psycopg://postgres@/{database}"
                f"?host={self.socket_dir}&port={self.port}")

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host=self.socket_dir, port=self.port, user="postgres",
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(sql)

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: every session is cut off; back when this returns.
        The new server logs to the file, not to pg_ctl's output, which it would hold open."""
        subprocess.run(_as_postgres([_pg_tool("pg_ctl"), "-D", self.data, "-l",
                                     os.path.join(self.socket_dir, "log"), "-m", "fast",
                                     "-w", "restart"]),
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=60)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    """initdb refuses to run as root: run the server tools as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        pytest.fail("PostgreSQL server tools (initdb, pg_ctl) are not on PATH: install "
                    "postgresql to run the web tests on PostgreSQL", pytrace=False)
    return path


@contextmanager
def running_postgres() -> Iterator[PgServer]:
    """A throwaway PostgreSQL server (initdb + pg_ctl) in a temporary folder, reached by
    its Unix socket only; stopped and deleted afterwards."""
    initdb, pg_ctl = _pg_tool("initdb"), _pg_tool("pg_ctl")
    folder = tempfile.mkdtemp(prefix="assess-pg-")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data = os.path.join(folder, "data")
    port = _free_port()
    subprocess.run(_as_postgres([initdb, "-D", data, "-A", "trust", "-U", "postgres",
                                 "-E", "UTF8", "--no-sync", "--no-instructions"]),
                   check=True, capture_output=True)
    options = f"-k {folder} -p {port} -c listen_addresses='' -c fsync=off " \
              "-c full_page_writes=off -c synchronous_commit=off"
    # The options go into postmaster.opts, so `pg_ctl restart` keeps them.
    subprocess.run(_as_postgres([pg_ctl, "-D", data, "-l", os.path.join(folder, "log"),
                                 "-o", options, "-w", "start"]),
                   check=True, capture_output=True)
    try:
        yield PgServer(folder, port, data)
    finally:
        subprocess.run(_as_postgres([pg_ctl, "-D", data, "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    with running_postgres() as server:
        yield server


@pytest.fixture
def own_pg_server() -> Iterator[PgServer]:
    """A server of this test's own, which it may restart (the shared one it may not)."""
    with running_postgres() as server:
        yield server


# --------------------------------------------------------------------------- Redis, SMTP


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """A real redis-server on a free port, in memory only; yields its URL."""
    exe = shutil.which("redis-server")
    if not exe:
        pytest.fail("redis-server is not on PATH: install it (scripts/bootstrap.sh does) to "
                    "test the shared rate-limit storage", pytrace=False)
    import redis

    folder = tempfile.mkdtemp(prefix="assess-redis-")
    port = _free_port()
    process = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1",
                                "--save", "", "--appendonly", "no", "--dir", folder],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        for _ in range(200):
            try:
                if client.ping():
                    break
            except redis.ConnectionError:
                time.sleep(0.05)
        else:
            pytest.fail("redis-server did not start", pytrace=False)
        yield url
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """The Redis server, emptied for this test."""
    import redis

    with redis.Redis.from_url(redis_server) as client:
        client.flushall()
    return redis_server


@dataclass
class Inbox:
    """What a real SMTP server (aiosmtpd) received: parsed messages and envelopes."""

    host: str
    port: int
    messages: list = field(default_factory=list)
    recipients: list = field(default_factory=list)
    authenticated: list = field(default_factory=list)  # per message: did the client AUTH?

    async def handle_DATA(self, _server, session, envelope) -> str:  # noqa: N802
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        self.authenticated.append(bool(session.authenticated))
        return "250 OK"

    def wait(self, count: int = 1, timeout: float = 10) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.messages) >= count, f"{len(self.messages)} of {count} mails arrived"
        return self.messages

    def config(self, **more: object) -> dict[str, object]:
        return {"MAIL_SERVER": self.host, "MAIL_PORT": self.port,
                "MAIL_SENDER": "assess@survey.test", "BASE_URL": "https://survey.test"} | more


def _start_smtp(credentials: tuple[str, str] | None) -> tuple[Inbox, object]:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    inbox = Inbox("127.0.0.1", _free_port())
    options: dict[str, object] = {}
    if credentials:
        def authenticate(_server, _session, _envelope, _mechanism, data) -> AuthResult:
            given = (data.login.decode(), data.password.decode())
            return AuthResult(success=given == credentials)

        # AUTH offered without TLS (aiosmtpd warns if it were also required: the tests
        # check `authenticated` instead).
        options = {"authenticator": authenticate, "auth_require_tls": False}
    controller = Controller(inbox, hostname=inbox.host, port=inbox.port, **options)
    controller.start()
    return inbox, controller


@pytest.fixture
def smtp_server() -> Iterator[Inbox]:
    inbox, controller = _start_smtp(None)
    yield inbox
    controller.stop()  # type: ignore[attr-defined]


@pytest.fixture
def smtp_server_with_login() -> Iterator[Inbox]:
    """An SMTP server that accepts AUTH as mailer / mail-secret only."""
    inbox, controller = _start_smtp(("mailer", "mail-secret"))
    yield inbox
    controller.stop()  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- databases


def _migrate(url: str, instance: Path) -> None:
    from assess import create_app
    from assess.extensions import db
    from assess.schema import upgrade

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                      "INSTANCE_PATH": str(instance), "VERIFY_QUESTIONNAIRES": False})
    upgrade(app)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.sqlite"
    _migrate(f"sqlite:///{path}", folder / "instance")
    return path


@pytest.fixture(scope="session")
def pg_template(pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory) -> str:
    pg_server.admin("CREATE DATABASE assess_template")
    _migrate(pg_server.url("assess_template"), tmp_path_factory.mktemp("pg-instance"))
    return "assess_template"


_numbers = itertools.count(1)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database for one test."""
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "assess.sqlite"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    server: PgServer = request.getfixturevalue("pg_server")
    template = request.getfixturevalue("pg_template")
    name = f"assess_test_{os.getpid()}_{next(_numbers)}"
    server.admin(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY")
    try:
        yield server.url(name)
    finally:
        server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# --------------------------------------------------------------------------- the app


def make_app(database_url: str, tmp_path: Path, **overrides: object):
    from assess import create_app

    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "QUESTIONNAIRES_ROOT": str(WEB_QUESTIONNAIRES),
        "TEAM_QUESTIONNAIRE": "web-team",
        "QUICK_QUESTIONNAIRE": "web-ceo",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": "survey.test",
    } | overrides
    return create_app(config)


@pytest.fixture
def app_factory(database_url: str, tmp_path: Path) -> Iterator[Callable]:
    from assess.extensions import db

    made = []

    def factory(**overrides: object):
        app = make_app(database_url, tmp_path, **overrides)
        with app.app_context():
            from assess.questionnaire_store import sync

            sync()
        made.append(app)
        return app

    yield factory
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(app_factory: Callable):
    return app_factory()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class RoundInfo:
    id: int
    link: str  # the shared-link token
    public_id: str = ""  # the round's id in console URLs


@pytest.fixture
def make_round(app) -> Callable[..., RoundInfo]:
    """Create a round on the web-team questionnaire; returns its id and link token."""
    from assess import questionnaire_store
    from assess.console.links import give_round_link
    from assess.extensions import db
    from assess.models import Organisation, Round, utcnow

    def factory(*, opens_in_days: float = -1, closes_in_days: float | None = 30,
                status: str = "open", access_mode: str = "both",
                teams: list[str] | None = None, min_group_size: int = 3) -> RoundInfo:
        with app.app_context():
            q = questionnaire_store.get("web-team", 1)
            org = Organisation(name="Test Org")
            now = utcnow()
            round_ = Round(organisation=org, questionnaire=questionnaire_store.record(q),
                           title="Test round", opens_at=now + timedelta(days=opens_in_days),
                           closes_at=None if closes_in_days is None
                           else now + timedelta(days=closes_in_days),
                           min_group_size=min_group_size, access_mode=access_mode,
                           status=status, teams=teams)
            token = give_round_link(round_)
            db.session.add_all([org, round_])
            db.session.commit()
            return RoundInfo(round_.id, token, round_.public_id)

    return factory


@pytest.fixture
def invite(app) -> Callable[[int], str]:
    """A personal invitation made as the console makes them; returns its token."""
    from assess.console.links import give_invitation_token
    from assess.extensions import db
    from assess.models import Invitation

    def factory(round_id: int) -> str:
        with app.app_context():
            invitation = Invitation(round_id=round_id)
            token = give_invitation_token(invitation)
            db.session.add(invitation)
            db.session.commit()
        return token

    return factory
