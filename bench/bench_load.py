"""Load: many concurrent respondents against gunicorn on PostgreSQL, for a fixed time.

    DATABASE_URL=postgresql://... .venv/bin/python bench/bench_load.py \
        [--clients 200] [--seconds 60] [--ramp 10] [--workers 2*cores+1] [--processes N]

Seeds the database named by `--database-url` (or `DATABASE_URL`) with `assess demo`,
serves it with `gunicorn -w WORKERS wsgi:app` (sync workers, 127.0.0.1 only) and starts
CLIENTS respondents, spread over PROCESSES client processes of threads. Each respondent
does what a browser would (`bench_submit.survey_flow`: shared link, intro, every section
GET + POST, review, submit, thank-you page), then starts again as the next respondent,
until the time is up; a respondent under way then stops at its next request. On a 503
the respondent waits what `Retry-After` says and sends the same request again, as a
person reloading would. Every respondent writes its own marker into the free-text
answers, so the database can be checked afterwards: each acknowledged response (the
submit answered with the redirect to the thank-you page) must be stored exactly once.

The entry rate limit (300 per minute per address) is raised for the run: every client
here is 127.0.0.1. The limiter still counts every entry in its storage.

Prints requests/s, p50/p95/p99 latency per request type, answers by status, responses
acknowledged and found in the database, and what the clients and the workers cost in
CPU. Exit status 1 when a request answered a 5xx other than 503, a respondent failed,
or an acknowledged response is missing or stored twice.

`tests/deploy/test_database_restart.py` drives the same respondents while it restarts
PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import bench_submit as bs

REPO = bs.REPO
LABELS = [  # request types, in the order a respondent meets them
    ("GET", re.compile(r"^/s/[^/]+$"), "link GET"),
    ("POST", re.compile(r"^/s/[^/]+$"), "intro POST"),
    ("GET", re.compile(r"^/r/[^/]+/section/\d+$"), "section GET"),
    ("POST", re.compile(r"^/r/[^/]+/section/\d+$"), "section POST"),
    ("GET", re.compile(r"^/r/[^/]+/review$"), "review GET"),
    ("POST", re.compile(r"^/r/[^/]+/review$"), "submit POST"),
    ("GET", re.compile(r"^/thanks$"), "thanks GET"),
]


def label_of(method: str, path: str) -> str:
    path = path.split("?", 1)[0]
    for m, pattern, label in LABELS:
        if m == method and pattern.match(path):
            return label
    return f"{method} other"


# --------------------------------------------------------------------------- respondents


@dataclass(frozen=True)
class Hit:
    """One request as sent: its type, the status answered (0: no answer), how long it
    took, and when it was sent (time.time(), comparable across processes)."""

    label: str
    status: int
    seconds: float
    sent_at: float


class Abandoned(RuntimeError):
    """The run is over: this respondent stops before its next request."""


class Browser(bs.Client):
    """A respondent's browser and the person at it: on a 503 they wait as long as
    `Retry-After` says and send the same request again."""

    def __init__(self, port: int, hits: list[Hit], abandon: Callable[[], bool]) -> None:
        super().__init__(port)
        self.hits, self.abandon = hits, abandon
        self.acknowledged = False

    def request(self, method: str, path: str, form: list[tuple[str, str]] | None = None
                ) -> bs.Reply:
        label = label_of(method, path)
        while True:
            if self.abandon():
                raise Abandoned(label)
            sent, start = time.time(), time.perf_counter()
            try:
                reply = super().request(method, path, form)
            except OSError:
                self.hits.append(Hit(label, 0, time.perf_counter() - start, sent))
                raise
            self.hits.append(Hit(label, reply.status, time.perf_counter() - start, sent))
            if reply.status != 503:
                if label == "submit POST" and reply.status == 302 \
                        and bs.location_path(reply) == "/thanks":
                    self.acknowledged = True
                return reply
            wait = reply.headers.get("retry-after", "")
            if not wait.isdigit():
                raise RuntimeError(f"{label}: 503 without a Retry-After in seconds")
            time.sleep(int(wait))


@dataclass
class Tally:
    """What a set of respondents did."""

    hits: list[Hit] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)  # their markers
    failures: list[str] = field(default_factory=list)
    abandoned: int = 0  # stopped by the end of the run before their submit was answered
    started: int = 0
    cpu_s: float = 0.0  # CPU time of the client process(es) while they ran

    def add(self, other: Tally) -> None:
        self.hits += other.hits
        self.acknowledged += other.acknowledged
        self.failures += other.failures
        self.abandoned += other.abandoned
        self.started += other.started
        self.cpu_s += other.cpu_s


def respondents(port: int, link_path: str, clients: int, prefix: str,
                over: Callable[[], bool], abandon: bool = True, ramp: float = 0) -> Tally:
    """`clients` threads, each one respondent after another until `over()`; with
    `abandon`, a respondent under way then stops at its next request, otherwise it
    finishes. The threads start evenly over `ramp` seconds, so that respondents are not
    all on the same page at once. A respondent's marker is `prefix thread number`."""
    tally, lock = Tally(), threading.Lock()
    stop_now: Callable[[], bool] = over if abandon else (lambda: False)

    def one_client(thread: int) -> None:
        time.sleep(ramp * thread / clients)
        number = 0
        while not over():
            marker = f"{prefix} {thread} {number}"
            browser = Browser(port, tally.hits, stop_now)
            outcome = bs.survey_flow(port, link_path, thread * 1000 + number, browser,
                                     text=marker)
            with lock:
                tally.started += 1
                if browser.acknowledged:
                    tally.acknowledged.append(marker)
                if outcome.error.startswith("Abandoned"):
                    tally.abandoned += not browser.acknowledged
                elif not outcome.ok:
                    tally.failures.append(f"{marker}: {outcome.error}")
            number += 1

    cpu = time.process_time()
    threads = [threading.Thread(target=one_client, args=(i,), daemon=True)
               for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    tally.cpu_s = time.process_time() - cpu
    return tally


def _client_process(job: tuple[int, str, int, str, float, float]) -> Tally:
    port, link_path, clients, prefix, deadline, ramp = job
    return respondents(port, link_path, clients, prefix, lambda: time.time() >= deadline,
                       ramp=ramp)


def run_load(port: int, link_path: str, clients: int, seconds: float, processes: int,
             prefix: str, ramp: float = 0) -> Tally:
    """`clients` respondents for `seconds`, in `processes` client processes."""
    deadline = time.time() + seconds
    if processes <= 1:
        return respondents(port, link_path, clients, prefix, lambda: time.time() >= deadline,
                           ramp=ramp)
    shares = [clients // processes + (i < clients % processes) for i in range(processes)]
    jobs = [(port, link_path, n, f"{prefix} p{i}", deadline, ramp)
            for i, n in enumerate(shares)]
    total = Tally()
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        for part in pool.map(_client_process, jobs):
            total.add(part)
    return total


# --------------------------------------------------------------------------- the site


@dataclass(frozen=True)
class Site:
    """gunicorn serving the app on a seeded database."""

    port: int
    link_path: str  # the open demo round's shared link
    round_id: int
    database_url: str
    master_pid: int
    access_log: Path | None

    def workers(self) -> list[int]:
        """The worker processes' ids (children of gunicorn's master)."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.master_pid:
                    found.append(int(entry.name))
        return sorted(found)

    def workers_cpu_s(self) -> float:
        """CPU seconds (user + system) the workers have used so far."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.workers():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks


ACCESS_FORMAT = "%(p)s %(s)s %(m)s %(U)s"  # <worker pid>, status, method, path: no address


@contextmanager
def serve(database_url: str, folder: Path, workers: int = 2,
          access_log: Path | None = None) -> Iterator[Site]:
    """Seed `database_url` with `assess demo` and serve it with gunicorn until the end
    of the block. With `access_log`, each request is logged as ACCESS_FORMAT."""
    port = bs.free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSESS_")}
    env |= {"DATABASE_URL": database_url, "ASSESS_SECRET_KEY": secrets.token_hex(32),
            "ASSESS_INSTANCE_PATH": str(folder / "instance"),
            "ASSESS_RATELIMIT_ENTRY": "100000 per minute",
            "PYTHONDONTWRITEBYTECODE": "1"}
    link_path, round_id = bs.seed_demo(env, folder, port)
    more: tuple[str, ...] = ()
    if access_log is not None:
        more = ("--access-logfile", str(access_log), "--access-logformat", ACCESS_FORMAT)
    proc = bs.start_gunicorn("wsgi:app", port, env, REPO, folder / "gunicorn.log",
                             workers=workers, more=more)
    try:
        yield Site(port, link_path, round_id, database_url, proc.pid, access_log)
    finally:
        bs.stop(proc)


def stored_markers(database_url: str, round_id: int, prefix: str) -> Counter[str]:
    """How many stored responses of the round carry each marker starting with `prefix`."""
    import sqlalchemy as sa

    if str(REPO) not in sys.path:  # run as a script: the app's package beside bench/
        sys.path.insert(0, str(REPO))
    from assess.database import normalise_url

    engine = sa.create_engine(normalise_url(database_url))
    found: Counter[str] = Counter()
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT answers FROM response WHERE round_id = :r"),
                                {"r": round_id}).scalars()
            for answers in rows:
                if isinstance(answers, str):
                    answers = json.loads(answers)
                marks = {v for v in answers.values()
                         if isinstance(v, str) and v.startswith(prefix + " ")}
                found.update(marks)
    finally:
        engine.dispose()
    return found


@dataclass(frozen=True)
class Check:
    """Acknowledged responses against the database."""

    acknowledged: int
    stored_once: int
    lost: list[str]
    duplicated: list[str]
    not_acknowledged: int  # stored, though the respondent never saw the submit answered


def check_stored(tally: Tally, found: Counter[str]) -> Check:
    acked = set(tally.acknowledged)
    return Check(len(acked), sum(1 for m in acked if found[m] == 1),
                 sorted(m for m in acked if found[m] == 0),
                 sorted(m for m, n in found.items() if n > 1),
                 sum(1 for m in found if m not in acked))


def server_errors(hits: list[Hit]) -> list[Hit]:
    """Answers that must never happen: a 5xx other than 503 (or no answer at all)."""
    return [h for h in hits if h.status >= 500 and h.status != 503 or h.status == 0]


# --------------------------------------------------------------------------- report


def report(tally: Tally, check: Check, wall_s: float) -> str:
    lines = []
    n = len(tally.hits)
    lines.append(f"requests: {n} in {wall_s:.1f} s = {n / wall_s:.1f}/s; respondents "
                 f"started {tally.started}, acknowledged {check.acknowledged} "
                 f"({check.acknowledged / wall_s:.2f}/s), stopped at the end "
                 f"{tally.abandoned}, failed {len(tally.failures)}")
    head = f"{'request':14} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    lines += ["", head, "-" * len(head)]
    order = [label for _, _, label in LABELS]
    labels = sorted({h.label for h in tally.hits},
                    key=lambda x: order.index(x) if x in order else len(order))
    for label in [*labels, "all"]:
        times = [h.seconds for h in tally.hits if label in ("all", h.label) and h.status]
        lines.append(f"{label:14} {len(times):6d} {bs.ms(bs.pct(times, 50))} "
                     f"{bs.ms(bs.pct(times, 95))} {bs.ms(bs.pct(times, 99))}")
    statuses = Counter(h.status for h in tally.hits)
    lines.append("")
    lines.append("answers by status: " + ", ".join(
        f"{'no answer' if s == 0 else s} x {c}" for s, c in sorted(statuses.items())))
    errors = {s: c for s, c in statuses.items() if s == 0 or s >= 400}
    lines.append(f"errors by status: {errors or 'none'}")
    lines.append(f"database: {check.stored_once} of {check.acknowledged} acknowledged "
                 f"responses stored exactly once; lost {len(check.lost)}, stored twice "
                 f"{len(check.duplicated)}, stored but not acknowledged "
                 f"{check.not_acknowledged}")
    if tally.failures:
        lines.append(f"failures ({len(tally.failures)}), first 5: {tally.failures[:5]}")
    return "\n".join(lines)


def main() -> int:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="the PostgreSQL database to seed and serve "
                             "(default: $DATABASE_URL)")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--ramp", type=float, default=10,
                        help="seconds over which the clients start (default 10)")
    parser.add_argument("--workers", type=int, default=2 * cores + 1)
    parser.add_argument("--processes", type=int, default=0,
                        help="client processes (default: one per 50 clients, at most "
                             "the number of cores)")
    args = parser.parse_args()
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL")
    processes = args.processes or max(1, min(cores, -(-args.clients // 50)))

    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    try:
        with serve(args.database_url, folder, workers=args.workers) as site:
            prefix = f"load-{secrets.token_hex(4)}"
            print(f"python {sys.version.split()[0]}, {cores} cpu, load average "
                  f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            print(f"{args.clients} respondents in {processes} client process(es) for "
                  f"{args.seconds:g} s (started over {args.ramp:g} s) against gunicorn "
                  f"-w {args.workers} (sync) on {args.database_url.split(':', 1)[0]}",
                  flush=True)
            workers_cpu = site.workers_cpu_s()
            start = time.perf_counter()
            tally = run_load(site.port, site.link_path, args.clients, args.seconds,
                             processes, prefix, args.ramp)
            wall = time.perf_counter() - start
            workers_cpu = site.workers_cpu_s() - workers_cpu
            check = check_stored(tally, stored_markers(site.database_url, site.round_id,
                                                       prefix))
        print()
        print(report(tally, check, wall))
        print(f"cost: clients {tally.cpu_s:.1f} CPU s = {tally.cpu_s / wall:.2f} cores; "
              f"gunicorn workers {workers_cpu:.1f} CPU s = {workers_cpu / wall:.2f} cores "
              f"(of {cores}); the rest is PostgreSQL and the machine's other load")
        mean = statistics.fmean(h.seconds for h in tally.hits) if tally.hits else 0
        print(f"mean request {mean * 1000:.1f} ms")
        bad = server_errors(tally.hits)
        return 0 if not bad and not tally.failures and not check.lost \
            and not check.duplicated else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
