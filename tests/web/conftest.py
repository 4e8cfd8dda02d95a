"""Helpers for driving the survey with the test client."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa

RESUME = re.compile(r"/r/([A-Za-z0-9_-]+)/section/1$")

FULL = {
    1: {"tm_customers": "4", "tm_why_us": "5"},
    2: {"be_mission": "2", "ex_process": "4"},
    3: {"so_crm": "3", "so_gap": "7"},
    4: {"open_change": "More time with customers."},
}


@pytest.fixture
def start(client) -> Callable[..., str]:
    """Open a shared or invitation link and start; returns the resume token."""

    def go(path: str, role: str = "rep", team: str = "East") -> str:
        response = client.post(path, data={"role": role, "team": team})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        match = RESUME.search(response.headers["Location"])
        assert match, response.headers["Location"]
        return match.group(1)

    return go


@pytest.fixture
def complete(client, start) -> Callable[..., str]:
    """Answer every page of the web-team survey as a rep and submit; returns the token."""

    def go(link: str, pages: dict | None = None, role: str = "rep", team: str = "East") -> str:
        token = start(link, role=role, team=team)
        for number, data in (pages or FULL).items():
            response = client.post(f"/r/{token}/section/{number}",
                                   data=data | {"action": "next"})
            assert response.status_code == 302, response.get_data(as_text=True)[:800]
        response = client.post(f"/r/{token}/review")
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/thanks")
        return token

    return go


@pytest.fixture
def rows(app) -> Callable:
    """All rows of a model, read in a fresh session."""
    from assess.extensions import db

    def read(model) -> list:
        with app.app_context():
            result = db.session.scalars(sa.select(model)).all()
            db.session.expunge_all()
            return result

    return read


@pytest.fixture
def cli_env(database_url, tmp_path, monkeypatch):
    """The environment a user's shell would give the commands (no test config)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("ASSESS_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("ASSESS_SECRET_KEY", raising=False)
    yield


@pytest.fixture
def used(app) -> Callable[[int], list[bool]]:
    """Whether each of a round's invitations was used, as the console tells it."""
    from assess.console import invitations
    from assess.extensions import db
    from assess.models import Round

    def read(round_id: int) -> list[bool]:
        with app.app_context():
            found = [row.used for row in invitations.rows(db.session.get(Round, round_id))]
            db.session.rollback()
            return found

    return read


@pytest.fixture
def clock(monkeypatch):
    """Move the accounts' clock: `clock.advance(minutes=16)`."""
    from assess.auth import operations
    from assess.models import utcnow

    class Clock:
        moment = utcnow()

        def advance(self, **delta: float) -> None:
            self.moment += timedelta(**delta)

    fake = Clock()
    monkeypatch.setattr(operations, "now", lambda: fake.moment)
    return fake


def at_once(target: Callable[[], None], count: int = 2, timeout: float = 60) -> None:
    """`target` in `count` threads started together (two requests at once); returns when
    all have ended."""
    threads = [threading.Thread(target=target) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
