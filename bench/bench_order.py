"""What the stored responses tell of their arrival order, and what hiding it costs.

1. **order**: N respondents (default 1,000) sent one by one through the survey's pages
   (Flask's test client, shared link, the web tests' small questionnaire), with the
   shuffled rewrite on as in production; Spearman's rho between arrival and the physical
   order (PostgreSQL: ctid; SQLite: byte offset in the file), xmin, primary key, date and
   release membership: once while the round is open (the newest responses since the last
   rewrite keep their order) and once after it was closed (`change_state`).
2. **cost**: one rewrite (`shuffling.shuffle_round`: DELETE ... RETURNING + INSERT in a
   random order, then VACUUM on PostgreSQL) of a round of 1,000 and of 10,000 responses
   with answers the size of team-ecosystem@2's (60 numbers and a comment).

Both on a temporary SQLite file and on a throwaway PostgreSQL server (initdb/pg_ctl on
PATH, fsync on, as a real server: the test fixtures' server runs with fsync off).

    .venv/bin/python bench/bench_order.py [--responses 1000] [--sizes 1000,10000]
        [--repeat 3] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.web import order  # noqa: E402  (the measurement the tests use)

QUESTIONNAIRES = REPO / "tests" / "web" / "questionnaires"


@contextmanager
def postgres() -> Iterator[str]:
    """A throwaway PostgreSQL server in a temporary folder; yields a database URL."""
    folder = tempfile.mkdtemp(prefix="bench-order-pg-")
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_pg:
        shutil.chown(folder, "postgres", "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = os.path.join(folder, "data")
    initdb, pg_ctl = shutil.which("initdb") or "initdb", shutil.which("pg_ctl") or "pg_ctl"
    subprocess.run([*as_pg, initdb, "-D", data, "-A", "trust", "-U", "postgres", "-E",
                    "UTF8", "--no-instructions"], check=True, capture_output=True)
    subprocess.run([*as_pg, pg_ctl, "-D", data, "-l", os.path.join(folder, "log"), "-o",
                    f"-k {folder} -p {port} -c listen_addresses=''", "-w", "start"],
                   check=True, capture_output=True)
    try:
        import psycopg

        with psycopg.connect(host=folder, port=port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            conn.execute("CREATE DATABASE bench")
        yield f"postgresql+psycopg://postgres@/bench?host={folder}&port={port}"
    finally:
        subprocess.run([*as_pg, pg_ctl, "-D", data, "-m", "fast", "stop"],
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def make_app(url: str, instance: Path):
    from assess import create_app
    from assess.schema import upgrade

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "INSTANCE_PATH": str(instance), "QUESTIONNAIRES_ROOT": str(QUESTIONNAIRES),
                      "TEAM_QUESTIONNAIRE": "web-team", "QUICK_QUESTIONNAIRE": "web-ceo",
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                      "SERVER_NAME": "survey.test"})
    upgrade(app)
    with app.app_context():
        from assess.questionnaire_store import sync

        sync()
    return app


def new_round(app, k: int = 3) -> tuple[int, str]:
    from assess import questionnaire_store
    from assess.console.links import give_round_link
    from assess.extensions import db
    from assess.models import Organisation, Round, utcnow

    with app.app_context():
        q = questionnaire_store.get("web-team", 1)
        round_ = Round(organisation=Organisation(name="Bench"), title="Bench",
                       questionnaire=questionnaire_store.record(q),
                       opens_at=utcnow() - timedelta(days=1), min_group_size=k)
        token = give_round_link(round_)
        db.session.add(round_)
        db.session.commit()
        return round_.id, token


def measure_order(app, n: int) -> None:
    from assess.console.rounds import change_state
    from assess.extensions import db
    from assess.models import Round

    round_id, link = new_round(app)
    client = app.test_client()
    started = time.perf_counter()
    for number in range(n):
        order.submit(client, link, number)
    took = time.perf_counter() - started
    with app.app_context():
        open_figures = order.figures(db, round_id)
        change_state(db.session.get(Round, round_id), "close")
        closed = order.figures(db, round_id)
    print(f"  {n} submitted one by one in {took:.1f} s ({n / took:.0f}/s)")
    for label, figures in (("open", open_figures), ("closed", closed)):
        shown = ", ".join(f"{k} {v:.0f}" if k == "xmins" else f"{k} {v:+.3f}"
                          for k, v in figures.items())
        print(f"  {label:>6}: {shown}")


def measure_cost(app, size: int, repeat: int) -> None:
    from assess.console import shuffling
    from assess.extensions import db
    from assess.models import Response, today

    round_id, _ = new_round(app, k=5)
    with app.app_context():
        table = Response.__table__
        for start in range(0, size, 2000):
            db.session.execute(table.insert(), [
                {"id": str(uuid.uuid4()), "round_id": round_id, "role": "rep", "team": "East",
                 "answers": {f"q{i:02d}": (i * 7 + j) % 5 + 1 for i in range(60)}
                 | {"comment": "More time with customers, fewer internal meetings."},
                 "submitted_on": today(), "complete": True}
                for j in range(start, min(size, start + 2000))])
        db.session.commit()
        postgres = db.engine.dialect.name == "postgresql"
        times, vacuums = [], []
        for _ in range(repeat):
            vacuum = shuffling._vacuum
            spent: list[float] = []

            def timed_vacuum(vacuum=vacuum, spent=spent) -> None:
                began = time.perf_counter()
                vacuum()
                spent.append(time.perf_counter() - began)

            shuffling._vacuum = timed_vacuum  # type: ignore[assignment]
            began = time.perf_counter()
            assert shuffling.shuffle_round(round_id) == size
            times.append(time.perf_counter() - began)
            vacuums.append(sum(spent))
            shuffling._vacuum = vacuum  # type: ignore[assignment]
    best = min(range(repeat), key=lambda i: times[i])
    extra = f" (of which VACUUM {vacuums[best]:.3f} s)" if postgres else ""
    print(f"  rewrite of {size:>6} responses: best {times[best]:.3f} s of {repeat}{extra}; "
          f"all {', '.join(f'{t:.3f}' for t in times)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1000)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpu, load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as folder:
            if backend == "sqlite":
                app = make_app(f"sqlite:///{folder}/bench.sqlite", Path(folder))
                run(backend, app, args)
            else:
                with postgres() as url:
                    app = make_app(url, Path(folder))
                    run(backend, app, args)


def run(backend: str, app, args: argparse.Namespace) -> None:
    from assess.extensions import db

    print(f"{backend}:")
    if args.responses:
        measure_order(app, args.responses)
    for size in (int(s) for s in args.sizes.split(",") if s):
        measure_cost(app, size, args.repeat)
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
