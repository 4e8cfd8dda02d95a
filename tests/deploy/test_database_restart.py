"""Database faults (issue 11): a PostgreSQL restart costs no 500 and no response."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.pg


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_connection_cut_after_the_page_was_made_is_no_500(app, pg_server):
    """The server ends the session between a page and the end of its request (where a
    restart under load sometimes falls, made certain here): the page is served all the
    same, and the next request gets a new connection."""
    import sqlalchemy as sa

    from assess.extensions import db

    @app.get("/made-then-cut")
    def made_then_cut():
        pid = db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        pg_server.admin(f"SELECT pg_terminate_backend({pid}, 5000)")  # waits until gone
        return "made"

    client = app.test_client()
    response = client.get("/made-then-cut")
    assert (response.status_code, response.text) == (200, "made")
    assert client.get("/healthz").status_code == 200
