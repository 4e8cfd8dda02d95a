"""A PostgreSQL restart under load costs no 500 and no response, and the app recovers by
itself (issue 11, database faults).

gunicorn (2 sync workers, as the README runs it) serves the demo round on a PostgreSQL
server of this test's own; respondents go through the real survey as browsers would
(`bench/bench_load.py`: on a 503 the person waits what Retry-After says and sends the
same request again). Mid-load the server is restarted with `pg_ctl restart -m fast`,
which cuts every session; then, with the workers idle and each holding a pooled
connection to the old server, it is restarted once more.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
CLIENTS = 12

pytestmark = pytest.mark.pg


@pytest.fixture
def load(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(BENCH))
    import bench_load

    return bench_load


def first_status_per_worker(log: Path, skip: int) -> dict[int, int]:
    """From the access log (`bench_load.ACCESS_FORMAT`), after its first `skip` lines: the
    status of each worker's first request."""
    first: dict[int, int] = {}
    for line in log.read_text().splitlines()[skip:]:
        pid, status = line.split()[:2]
        first.setdefault(int(pid.strip("<>")), int(status))
    return first


def test_a_postgresql_restart_under_load_costs_no_500_and_no_response(own_pg_server, load,
                                                                      tmp_path):
    own_pg_server.admin("CREATE DATABASE assess")
    access_log = tmp_path / "access.log"
    with load.serve(own_pg_server.url("assess"), tmp_path, workers=2,
                    access_log=access_log) as site:
        # Under load: respondents run until told to stop, and finish the one under way.
        stop, done = threading.Event(), {}
        runner = threading.Thread(target=lambda: done.setdefault("tally", load.respondents(
            site.port, site.link_path, CLIENTS, "under-load", stop.is_set, abandon=False)))
        runner.start()
        time.sleep(4)
        own_pg_server.restart()
        back_at = time.time()
        time.sleep(8)  # longer than Retry-After: every respondent who got a 503 sent again
        stop.set()
        runner.join(120)
        assert not runner.is_alive()
        tally = done["tally"]

        # Idle: every worker holds a connection to the server that is about to go.
        workers = site.workers()
        assert len(workers) == 2
        skip = len(access_log.read_text().splitlines())
        own_pg_server.restart()
        budget = iter(range(4))
        after_idle = load.respondents(site.port, site.link_path, 2, "after-idle",
                                      lambda: next(budget, None) is None, abandon=False)
        first = first_status_per_worker(access_log, skip)

        stored = load.stored_markers(site.database_url, site.round_id, "under-load")
        stored_after_idle = load.stored_markers(site.database_url, site.round_id,
                                                "after-idle")

    hits = tally.hits + after_idle.hits
    assert load.server_errors(hits) == []
    assert tally.failures == [] and after_idle.failures == []

    # The restart met requests under way: they answered 503 and were sent again. It
    # needed no action: everything sent once the server was back succeeded.
    assert any(h.status == 503 for h in tally.hits), "no request met the restart"
    later = [h for h in tally.hits if h.sent_at >= back_at]
    assert len(later) > 50
    assert [h for h in later if h.status not in (200, 302)] == []

    # Every acknowledged response is stored exactly once; every respondent finished.
    check = load.check_stored(tally, stored)
    assert check.lost == [] and check.duplicated == [] and check.not_acknowledged == 0
    assert check.stored_once == check.acknowledged == tally.started >= CLIENTS

    # After the idle restart each worker's first request is served (its stale pooled
    # connection is tested before use), and so is everything after it.
    assert sorted(first) == workers
    assert set(first.values()) <= {200, 302}, first
    assert all(h.status in (200, 302) for h in after_idle.hits)
    assert load.check_stored(after_idle, stored_after_idle).stored_once == 4


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
