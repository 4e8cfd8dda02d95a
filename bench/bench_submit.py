"""Team-survey submit throughput under gunicorn, against a bare-insert ceiling.

Two runs in one invocation, same machine, same gunicorn settings (`-w 2`, sync workers,
127.0.0.1 only), same concurrent driver (threads with http.client, one connection per
request as gunicorn's sync worker closes them anyway):

1. **app**: a fresh instance folder (SQLite, WAL) seeded by `assess demo`, served as
   `gunicorn -w 2 wsgi:app`. Every client does the real respondent flow as a browser
   would: GET the shared link, POST the intro (role, team, CSRF token), then per section
   GET the page and POST every question on it, GET + POST the review page (submit) and
   GET the thank-you page. A response is *acknowledged* when the thank-you page was seen;
   *stored* is the number of new rows in `response` counted in the database afterwards.
2. **ceiling**: a tiny Flask app in this file whose one endpoint inserts one row of 60
   integers into SQLite (WAL, synchronous=NORMAL, busy_timeout, like the app) per POST.

Both servers run side by side and the two runs alternate in `--phases` phases (app, then
ceiling, then app...), so that a machine whose speed drifts from one minute to the next (a
shared host: the ceiling's few seconds alone swing by a third) slows both alike. The
server CPU of each phase is read from /proc (start-up excluded), and so is the driver's
own CPU, which it takes from the same two cores.

The target (issue 3) compares complete responses/s with ceiling inserts/s (>= 50%) and
wants stored == acknowledged. Since a response is ~23 requests, requests/s and the
latency of the final submit POST vs. one bare insert POST are printed too.

The app's rate limiter stays on, counting in its real storage (the SQLite file beside
the database): only the entry limit is raised (ASSESS_RATELIMIT_ENTRY), since every
client here is 127.0.0.1. CSRF, sessions and the release step run as in production.

    .venv/bin/python bench/bench_submit.py [--responses 400] [--clients 16]
        [--ceiling-posts 4000] [--phases 4] [--workers 2] [--max-seconds 240] [--profile]

`bench_requests.py` counts the app's own work per request exactly (valgrind), for
comparing two code bases on a machine whose speed drifts.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
CEILING_COLUMNS = 60
ENTRY_LIMIT = "1000000 per minute"  # counted like any other, never reached
PROFILED = 40  # whole responses under cProfile (--profile): 920 requests

# --------------------------------------------------------------------------- ceiling app


def ceiling_app():
    """The bare endpoint gunicorn serves for the ceiling run (`bench_submit:ceiling_app()`)."""
    from flask import Flask, abort, request

    path = os.environ["BENCH_CEILING_DB"]
    app = Flask("ceiling")
    local: dict[str, sqlite3.Connection] = {}
    columns = ", ".join(f"c{i}" for i in range(CEILING_COLUMNS))
    marks = ", ".join("?" for _ in range(CEILING_COLUMNS))
    sql = f"INSERT INTO answers ({columns}) VALUES ({marks})"

    def connection() -> sqlite3.Connection:
        if "c" not in local:  # one per worker process (sync workers: one request at a time)
            conn = sqlite3.connect(path, isolation_level=None)
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            local["c"] = conn
        return local["c"]

    @app.post("/insert")
    def insert():
        try:
            values = [int(request.form[f"c{i}"]) for i in range(CEILING_COLUMNS)]
        except (KeyError, ValueError):
            abort(400)
        conn = connection()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(sql, values)
        conn.execute("COMMIT")
        return "stored\n"

    @app.get("/healthz")
    def healthz():
        return "ok\n"

    return app


def create_ceiling_db(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    cols = ", ".join(f"c{i} INTEGER NOT NULL" for i in range(CEILING_COLUMNS))
    conn.execute(f"CREATE TABLE answers (id INTEGER PRIMARY KEY, {cols})")
    conn.commit()
    conn.close()


# --------------------------------------------------------------------------- HTTP


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str


class Client:
    """A browser-ish client: one cookie jar, one request per connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.requests = 0

    def request(self, method: str, path: str, form: list[tuple[str, str]] | None = None
                ) -> Reply:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        headers = {"Host": f"{HOST}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read().decode("utf-8", "replace")
            for name, value in resp.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            self.requests += 1
            return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
        finally:
            conn.close()


def location_path(reply: Reply) -> str:
    loc = reply.headers.get("location", "")
    parsed = urllib.parse.urlsplit(loc)
    return parsed.path + (f"?{parsed.query}" if parsed.query else "")


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
RADIO = re.compile(r'<input type="radio"[^>]*\bname="([^"]+)" value="([^"]+)"')
NUMBER = re.compile(r'<input class="input" type="number"[^>]*\bname="([^"]+)"[^>]*'
                    r'min="([^"]*)" max="([^"]*)"', re.S)
TEXTAREA = re.compile(r'<textarea[^>]*\bname="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise RuntimeError("no csrf_token in the page")
    return match.group(1)


TEXT_ANSWER = "Benchmark answer: fewer internal meetings."


def answers_of(html: str, rng_seed: int, text: str = TEXT_ANSWER) -> list[tuple[str, str]]:
    """A value for every question on a section page: a radio value, a number, a text."""
    choices: dict[str, list[str]] = {}
    for name, value in RADIO.findall(html):
        choices.setdefault(name, []).append(value)
    out = [(name, values[(rng_seed + i) % len(values)])
           for i, (name, values) in enumerate(choices.items())]
    for name, low, high in NUMBER.findall(html):
        lo, hi = int(float(low or 0)), int(float(high or 10))
        out.append((name, str(lo + (rng_seed % (hi - lo + 1)))))
    for name in TEXTAREA.findall(html):
        out.append((name, text))
    return out


# --------------------------------------------------------------------------- flows


@dataclass
class Outcome:
    ok: bool
    total_s: float = 0.0
    final_s: float = 0.0  # the one POST that stores (submit / insert)
    requests: int = 0
    error: str = ""


def survey_flow(port: int, link_path: str, n: int, client: Client | None = None,
                text: str = TEXT_ANSWER) -> Outcome:
    """One respondent, start to thank-you page; `text` goes into every free-text box."""
    client = client or Client(port)
    start = time.perf_counter()
    try:
        page = client.request("GET", link_path)
        if page.status != 200:
            return Outcome(False, error=f"intro GET {page.status}")
        reply = client.request("POST", link_path, [("csrf_token", csrf_of(page.body)),
                                                   ("role", "rep"), ("team", "East")])
        if reply.status != 302:
            return Outcome(False, error=f"intro POST {reply.status}")
        path = location_path(reply)
        while "/section/" in path:
            page = client.request("GET", path)
            if page.status != 200:
                return Outcome(False, error=f"section GET {page.status}")
            form = [("csrf_token", csrf_of(page.body)), *answers_of(page.body, n, text),
                    ("action", "next")]
            reply = client.request("POST", path, form)
            if reply.status != 302:
                return Outcome(False, error=f"section POST {reply.status}: {path}")
            path = location_path(reply)
        if not path.endswith("/review"):
            return Outcome(False, error=f"expected the review page, got {path}")
        page = client.request("GET", path)
        if page.status != 200:
            return Outcome(False, error=f"review GET {page.status}")
        final_start = time.perf_counter()
        reply = client.request("POST", path, [("csrf_token", csrf_of(page.body))])
        final = time.perf_counter() - final_start
        if reply.status != 302:
            return Outcome(False, error=f"submit POST {reply.status}")
        thanks = client.request("GET", location_path(reply))
        if thanks.status != 200 or "Thank you" not in thanks.body:
            return Outcome(False, error=f"thank-you GET {thanks.status}")
        return Outcome(True, time.perf_counter() - start, final, client.requests)
    except (OSError, http.client.HTTPException, RuntimeError) as exc:
        return Outcome(False, error=f"{type(exc).__name__}: {exc}", requests=client.requests)


def insert_flow(port: int, n: int) -> Outcome:
    client = Client(port)
    form = [(f"c{i}", str((n * 7 + i) % 6)) for i in range(CEILING_COLUMNS)]
    start = time.perf_counter()
    try:
        reply = client.request("POST", "/insert", form)
    except (OSError, http.client.HTTPException) as exc:
        return Outcome(False, error=f"{type(exc).__name__}: {exc}")
    took = time.perf_counter() - start
    if reply.status != 200 or reply.body != "stored\n":
        return Outcome(False, error=f"insert POST {reply.status}")
    return Outcome(True, took, took, 1)


@dataclass
class Run:
    name: str
    unit: str
    outcomes: list[Outcome] = field(default_factory=list)
    wall_s: float = 0.0
    stored: int = 0
    not_started: int = 0
    server_cpu_s: float = 0.0  # the gunicorn master and workers, user + system
    driver_cpu_s: float = 0.0  # this process's client threads, user + system

    @property
    def acknowledged(self) -> int:
        return sum(o.ok for o in self.outcomes)

    @property
    def requests(self) -> int:
        return sum(o.requests for o in self.outcomes)


def drive(flow: Callable[[int], Outcome], total: int, clients: int, deadline: float,
          run: Run) -> None:
    """`clients` threads take job numbers until `total` are done or the deadline passes."""
    lock = threading.Lock()
    counter = iter(range(total))

    def worker() -> None:
        while time.monotonic() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            outcome = flow(n)
            with lock:
                run.outcomes.append(outcome)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    done_before = len(run.outcomes)
    driver_start = time.process_time()
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(deadline - time.monotonic(), 0) + 70)
    run.wall_s += time.perf_counter() - start
    run.driver_cpu_s += time.process_time() - driver_start
    run.not_started += total - (len(run.outcomes) - done_before)


def split(total: int, parts: int, part: int) -> int:
    """The share of `total` for phase `part` of `parts` (the first phases take the rest)."""
    return total // parts + (1 if part < total % parts else 0)


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its children (a gunicorn
    master and its workers), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, stack = 0.0, [pid]
    while stack:
        current = stack.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:  # gone meanwhile
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        stack += [int(child) for child in children]
    return total


# --------------------------------------------------------------------------- servers


def healthy(port: int, timeout: float) -> bool:
    """`/healthz` answers 200 (the connection is closed whatever happens)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def start_gunicorn(app_spec: str, port: int, env: dict[str, str], chdir: Path,
                   log: Path, workers: int = 2, more: tuple[str, ...] = ()
                   ) -> subprocess.Popen:
    cmd = [str(VENV_BIN / "gunicorn"), "-w", str(workers), "-b", f"{HOST}:{port}",
           "--chdir", str(chdir), "--log-level", "warning", *more, app_spec]
    handle = open(log, "w")  # closed in stop()
    proc = subprocess.Popen(cmd, env=env, stdout=handle, stderr=subprocess.STDOUT,
                            start_new_session=True)
    proc.log_handle = handle  # type: ignore[attr-defined]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({proc.returncode}):\n{log.read_text()}")
        if healthy(port, timeout=2):
            # make sure both workers are up: a few more probes
            if all(healthy(port, timeout=10) for _ in range(4)):
                return proc
        time.sleep(0.2)
    stop(proc)
    raise RuntimeError(f"gunicorn did not answer on {HOST}:{port}:\n{log.read_text()}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
    handle = getattr(proc, "log_handle", None)
    if handle:
        handle.close()


# --------------------------------------------------------------------------- report


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def ms(value: float) -> str:
    return f"{value * 1000:8.1f}"


def table(runs: list[Run]) -> str:
    head = (f"{'run':8} {'done':>5} {'stored':>6} {'lost':>4} {'err':>4} {'wall s':>7} "
            f"{'units/s':>8} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} "
            f"{'POST p50':>8} {'POST p99':>8}")
    lines = [head, "-" * len(head)]
    for r in runs:
        good = [o for o in r.outcomes if o.ok]
        total = [o.total_s for o in good]
        final = [o.final_s for o in good]
        lost = max(r.acknowledged - r.stored, 0)
        errors = len(r.outcomes) - r.acknowledged
        lines.append(
            f"{r.name:8} {r.acknowledged:5d} {r.stored:6d} {lost:4d} {errors:4d} "
            f"{r.wall_s:7.2f} {r.acknowledged / r.wall_s:8.1f} {r.requests / r.wall_s:7.0f} "
            f"{ms(pct(total, 50))} {ms(pct(total, 99))} {ms(pct(final, 50))} "
            f"{ms(pct(final, 99))}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def count_responses(db: Path, round_id: int) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM response WHERE round_id = ?",
                            (round_id,)).fetchone()[0]
    finally:
        conn.close()


def profile_one_submit(instance: Path, secret: str, link_path: str) -> None:
    """cProfile one whole response in-process (Flask test client, same database)."""
    import cProfile
    import pstats

    os.environ["ASSESS_INSTANCE_PATH"] = str(instance)
    os.environ["ASSESS_SECRET_KEY"] = secret
    os.environ["ASSESS_RATELIMIT_ENTRY"] = ENTRY_LIMIT
    sys.path.insert(0, str(REPO))
    from werkzeug.datastructures import MultiDict

    from assess import create_app

    app = create_app()
    client = app.test_client()

    def one(n: int) -> None:
        page = client.get(link_path)
        reply = client.post(link_path, data={"csrf_token": csrf_of(page.text),
                                             "role": "rep", "team": "East"})
        path = location_path(Reply(reply.status_code, {"location": reply.location}, ""))
        while "/section/" in path:
            page = client.get(path)
            form = [("csrf_token", csrf_of(page.text)), *answers_of(page.text, n),
                    ("action", "next")]
            reply = client.post(path, data=MultiDict(form))
            path = location_path(Reply(reply.status_code, {"location": reply.location}, ""))
        page = client.get(path)
        reply = client.post(path, data={"csrf_token": csrf_of(page.text)})
        assert client.get(reply.location).status_code == 200

    one(0)  # warm up
    prof = cProfile.Profile()
    prof.enable()
    for n in range(1, PROFILED + 1):
        one(n)
    prof.disable()
    print(f"\ncProfile: {PROFILED} whole responses in-process (Flask test client), top 30 "
          "by cumulative and by own time")
    stats = pstats.Stats(prof)
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)


def seed_demo(env: dict[str, str], folder: Path, port: int) -> tuple[str, int]:
    """`assess demo` on the database `env` names: the open round's link path and id."""
    seeded = subprocess.run([str(VENV_BIN / "assess"), "demo", "--base-url",
                             f"http://{HOST}:{port}"], env=env, cwd=folder,
                            capture_output=True, text=True, timeout=120)
    if seeded.returncode != 0:
        raise RuntimeError(f"assess demo failed:\n{seeded.stdout}{seeded.stderr}")
    printed = dict(line.split(": ", 1) for line in seeded.stdout.splitlines()
                   if ": " in line)
    return urllib.parse.urlsplit(printed["survey"]).path, int(printed["round"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=400)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--ceiling-posts", type=int, default=4000)
    parser.add_argument("--max-seconds", type=float, default=240,
                        help="per phase: no new response is started after this")
    parser.add_argument("--phases", type=int, default=4,
                        help="app and ceiling runs alternate this many times each")
    parser.add_argument("--workers", type=int, default=2,
                        help="sync workers of each server (production: 2 x cores + 1)")
    parser.add_argument("--profile", action="store_true",
                        help="afterwards, cProfile whole responses in-process")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-submit-"))
    instance = folder / "instance"
    secret = secrets.token_hex(32)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"ASSESS_INSTANCE_PATH": str(instance), "ASSESS_SECRET_KEY": secret,
            "ASSESS_RATELIMIT_ENTRY": ENTRY_LIMIT, "PYTHONDONTWRITEBYTECODE": "1"}
    procs: list[subprocess.Popen] = []
    runs: list[Run] = []
    try:
        port = free_port()
        try:
            link_path, round_id = seed_demo(env, folder, port)
        except RuntimeError as exc:
            print(exc, file=sys.stderr)
            return 2
        db = instance / "assess.sqlite"
        before = count_responses(db, round_id)

        cport = free_port()
        ceiling_db = folder / "ceiling.sqlite"
        create_ceiling_db(ceiling_db)
        cenv = env | {"BENCH_CEILING_DB": str(ceiling_db)}
        print(f"app: gunicorn -w {args.workers} wsgi:app on {HOST}:{port}, "
              f"{args.responses} responses; ceiling: gunicorn -w {args.workers} "
              f"'bench_submit:ceiling_app()' on {HOST}:{cport}, "
              f"{args.ceiling_posts} inserts; {args.clients} clients; in {args.phases} "
              f"alternating phases each", flush=True)
        proc = start_gunicorn("wsgi:app", port, env, REPO, folder / "app.log", args.workers)
        procs.append(proc)
        cproc = start_gunicorn("bench_submit:ceiling_app()", cport, cenv, REPO / "bench",
                               folder / "ceiling.log", args.workers)
        procs.append(cproc)
        app_run, ceiling = Run("app", "responses"), Run("ceiling", "inserts")
        # The two runs alternate, so that a machine whose speed drifts (a shared host)
        # slows both alike; server CPU is counted per phase, start-up excluded.
        for phase in range(args.phases):
            share, cshare = (split(args.responses, args.phases, phase),
                             split(args.ceiling_posts, args.phases, phase))
            cpu = tree_cpu(proc.pid)
            drive(lambda n: survey_flow(port, link_path, n), share, args.clients,
                  time.monotonic() + args.max_seconds, app_run)
            app_run.server_cpu_s += tree_cpu(proc.pid) - cpu
            cpu = tree_cpu(cproc.pid)
            drive(lambda n: insert_flow(cport, n), cshare, args.clients,
                  time.monotonic() + args.max_seconds, ceiling)
            ceiling.server_cpu_s += tree_cpu(cproc.pid) - cpu
        stop(proc)
        stop(cproc)
        app_run.stored = count_responses(db, round_id) - before
        conn = sqlite3.connect(ceiling_db)
        ceiling.stored = conn.execute("SELECT count(*) FROM answers").fetchone()[0]
        conn.close()
        runs += [app_run, ceiling]

        print()
        print(table(runs))
        per_response = app_run.requests / max(app_run.acknowledged, 1)
        app_rate = app_run.acknowledged / app_run.wall_s
        ceil_rate = ceiling.acknowledged / ceiling.wall_s
        app_req = app_run.requests / app_run.wall_s
        good = [o.final_s for o in app_run.outcomes if o.ok]
        cgood = [o.final_s for o in ceiling.outcomes if o.ok]
        print()
        print(f"units: app = complete responses ({per_response:.1f} requests each: intro, "
              f"every section GET+POST, review GET+POST, thank-you); ceiling = inserts "
              f"(1 POST each). p50/p99 = one whole unit; POST p50/p99 = the storing POST.")
        print(f"responses/s vs ceiling inserts/s:        {app_rate:8.1f} / {ceil_rate:7.1f}"
              f" = {app_rate / ceil_rate:6.1%}   (target >= 50%)")
        print(f"app requests/s vs ceiling requests/s:    {app_req:8.1f} / {ceil_rate:7.1f}"
              f" = {app_req / ceil_rate:6.1%}")
        print(f"submit POST p50 vs bare insert POST p50: {pct(good, 50) * 1000:8.1f} / "
              f"{pct(cgood, 50) * 1000:7.1f} ms = {pct(good, 50) / pct(cgood, 50):5.1f}x")
        app_cpu = app_run.server_cpu_s / max(app_run.requests, 1)
        ceil_cpu = ceiling.server_cpu_s / max(ceiling.requests, 1)
        print(f"server CPU per request (start-up excluded), app vs ceiling: "
              f"{app_cpu * 1000:5.2f} / {ceil_cpu * 1000:5.2f} ms = {ceil_cpu / app_cpu:6.1%} "
              f"of the ceiling's capacity per core")
        for r in runs:
            print(f"driver CPU during {r.name}: {r.driver_cpu_s:6.2f} s of {r.wall_s:6.2f} s "
                  f"wall ({r.driver_cpu_s / r.wall_s:.2f} of a core taken from the server)")
        lost = app_run.acknowledged - app_run.stored
        print(f"stored vs acknowledged: app {app_run.stored}/{app_run.acknowledged} "
              f"(lost {max(lost, 0)}, extra {max(-lost, 0)}), ceiling "
              f"{ceiling.stored}/{ceiling.acknowledged}")
        errors = [o.error for r in runs for o in r.outcomes if not o.ok]
        if errors:
            print(f"errors ({len(errors)}), first 5: {errors[:5]}")
        for r in runs:
            if r.not_started:
                print(f"{r.name}: {r.not_started} not started before --max-seconds")
        if args.profile:
            profile_one_submit(instance, secret, link_path)
        return 0 if not errors and lost == 0 else 1
    finally:
        for proc in procs:
            stop(proc)
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
