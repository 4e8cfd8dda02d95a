"""One large round: the console's results page, the team report and the CSV export.

    PYTHONPATH=. .venv/bin/python bench/bench_scale.py [--sizes 10000,100000]

For each size, one round of synthetic responses (team-ecosystem, free text, four teams)
is seeded into a fresh SQLite database in bulk, then every operation runs in a process of
its own, as an operator would meet it:

- `results page`: GET /console/rounds/<id>/results, signed in as the round's consultant
  (Flask test client: scoring by role and by team, the page rendered), nothing kept;
- `results page again`: the same page with the release's scored results kept (the
  second view of a release, by anyone: `console.results.round_results`);
- `results, next release`: the page after 10 more responses made a release, the
  previous one's results and tally kept (only the new responses are read);
- `report (console)`: GET .../report.pdf with nothing kept (scoring + PDF);
- `report after page`: the PDF of a release whose results page was seen (PDF only);
- `csv (console)`: GET .../answers.csv, the streamed body read to the end;
- `two results pages at once`: two processes open the results page together, nothing
  kept (a reload, or a colleague, during a first view): the second waits for the first
  scoring and reads what it kept;
- `assess export`: the command, `--out` a file;
- `assess report`: the command, on the CSV `assess export` wrote.

Times of the commands count from before `assess.cli` is imported, so they include
start-up; the console operations count the request only.

Printed per operation: wall time, the process's CPU time, and memory: for the in-process
operations the peak RSS of the process before the operation (after start-up and imports)
and the peak during it; for the commands the peak RSS of the whole process. "Flat" is
read by comparing the sizes: a streamed export's peak does not grow with the round.
The synthetic answers are drawn from a pool of 5,000 distinct respondents (each row gets
its own id, team and day), which keeps seeding fast; scoring reads every row all the same.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TEAMS = ["East", "West", "Central", "North"]
EMAIL, PASSWORD = "bench@example.com", "bench-scale-password-long"
POOL = 5000
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _app(folder: Path):
    from assess import create_app

    return create_app({"SECRET_KEY": "bench-scale", "INSTANCE_PATH": str(folder),
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/assess.sqlite",
                       "RATELIMIT_ENABLED": False})


def seed(folder: Path, n: int) -> dict[str, str]:
    """A consultant, a client and one round of n responses (bulk insert, one release)."""
    import sqlalchemy as sa

    from assess import questionnaire_store
    from assess.auth.passwords import hash_password
    from assess.console import releases
    from assess.extensions import db
    from assess.models import Account, Organisation, Response, Round, today, utcnow
    from assess.schema import upgrade
    from scoring.synthetic import synthetic_answers

    app = _app(folder)
    upgrade(app)
    with app.app_context():
        questionnaire_store.sync()
        q = questionnaire_store.get("team-ecosystem")
        consultant = Account(email=EMAIL, name="Bench", role="consultant",
                             password_hash=hash_password(PASSWORD))
        org = Organisation(name="Bench Org", consultant=consultant)
        round_ = Round(organisation=org, questionnaire=questionnaire_store.record(q),
                       title="Bench round", opens_at=utcnow() - timedelta(days=30),
                       closes_at=None, min_group_size=q.min_group_size, access_mode="both",
                       status="open", teams=TEAMS)
        db.session.add_all([consultant, org, round_])
        db.session.flush()
        scored = {question.key for question in q.questions if q.scale_of(question).scored}
        pool = []
        frame = synthetic_answers(q, min(n, POOL), seed=3, teams=TEAMS, with_text=True)
        for record in frame.to_dict("records"):
            answers = {key: int(cell) if key in scored else cell
                       for key, cell in record.items()
                       if key not in ("respondent", "role", "team") and cell != ""}
            pool.append((record["role"] or None, json.dumps(answers)))
        rng = random.Random(3)
        rows = []
        for i in range(n):
            role, answers = pool[i % len(pool)]
            rows.append((str(uuid.UUID(int=rng.getrandbits(128), version=4)), round_.id, role,
                         rng.choice(TEAMS), answers,
                         (today() - timedelta(days=rng.randint(0, 29))).isoformat(), 1))
        db.session.connection().exec_driver_sql(
            "INSERT INTO response (id, round_id, role, team, answers, submitted_on, complete)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        releases.after_new_responses(round_.id)
        db.session.commit()
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Response))
        assert count == n, count
        info = {"round": str(round_.id), "public_id": round_.public_id}
        db.session.remove()
        db.engine.dispose()
    return info


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(folder: Path, public_id: str, operation: str) -> dict[str, float]:
    """Run one operation in this process (a fresh one) and measure it."""
    import assess.report  # noqa: F401  (imports are start-up, not the operation)
    import scoring  # noqa: F401

    app = _app(folder)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    signed = client.post("/login", data={"email": EMAIL, "password": PASSWORD,
                                         "csrf_token": CSRF.search(page)[1]})
    assert signed.status_code == 302, signed.status_code
    kept = operation.endswith(("-kept", "-next"))  # the round's scored results kept
    if operation != "results-together":  # cleared once by the parent of both
        shutil.rmtree(folder / "results-cache", ignore_errors=True)
    if kept:
        assert client.get(f"/console/rounds/{public_id}/results").status_code == 200
    if operation.endswith("-next"):
        next_release(app, public_id, 10)
    shutil.rmtree(folder / "report-cache", ignore_errors=True)
    url = {"results": "results", "report": "report.pdf", "csv": "answers.csv",
           "results-together": "results"}[operation.removesuffix("-kept").removesuffix("-next")]
    before = peak_mb()
    start, cpu = time.perf_counter(), time.process_time()
    response = client.get(f"/console/rounds/{public_id}/{url}", buffered=False)
    size = sum(len(piece) for piece in response.iter_encoded())
    response.close()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert response.status_code == 200, response.status_code
    return {"wall": wall, "cpu": cpu, "before": before, "peak": peak_mb(), "bytes": size}


def next_release(app, public_id: str, n: int) -> None:
    """n more responses (copies of the first n, new ids) and the release they make."""
    import sqlalchemy as sa

    from assess.console import releases
    from assess.extensions import db
    from assess.models import Response, Round

    with app.test_request_context(method="POST"):
        round_ = db.session.scalar(sa.select(Round).filter_by(public_id=public_id))
        rows = db.session.execute(sa.select(Response.role, Response.team, Response.answers,
                                            Response.submitted_on)
                                  .where(Response.round_id == round_.id).limit(n)).all()
        db.session.add_all(Response(id=str(uuid.uuid4()), round_id=round_.id, role=role,
                                    team=team, answers=answers, submitted_on=day)
                           for role, team, answers, day in rows)
        db.session.flush()
        releases.after_new_responses(round_.id)
        db.session.commit()


def in_child(*args: str) -> dict:
    """This script in a process of its own; its last line of output is JSON. (Linux keeps
    a parent's peak RSS in a forked child's: this parent stays small, so every child's
    peak is its own.)"""
    return together(*args, count=1)[0]


def together(*args: str, count: int = 2) -> list[dict]:
    """This script in `count` processes started at once; the figures each printed last
    (its last line of output, JSON), in the order they were started."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = [subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, env=env)
                for _ in range(count)]
    out = []
    for child in children:
        stdout, stderr = child.communicate(timeout=900)
        if child.returncode != 0:
            raise RuntimeError(stderr[-3000:])
        out.append(json.loads(stdout.strip().splitlines()[-1]))
    return out


def run_command(args: list[str], folder: Path) -> dict[str, float]:
    """An `assess` command as its own process: wall time, CPU and peak RSS of the child
    (measured by a small wrapper, so each command's figures are its own)."""
    wrapper = ("import resource, sys, time\n"
               "sys.argv = ['assess', *sys.argv[1:]]\n"
               "start = time.perf_counter()\n"
               "from assess.cli import main\n"
               "try:\n"
               "    main()\n"
               "except SystemExit as exit:\n"
               "    code = exit.code or 0\n"
               "else:\n"
               "    code = 0\n"
               "usage = resource.getrusage(resource.RUSAGE_SELF)\n"
               "print('BENCH', time.perf_counter() - start, usage.ru_utime + usage.ru_stime,"
               " usage.ru_maxrss / 1024, code, file=sys.stderr)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ASSESS_INSTANCE_PATH": str(folder),
           "ASSESS_SECRET_KEY": "bench-scale", "MPLBACKEND": "Agg"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True,
                          text=True, env=env, timeout=900)
    line = [x for x in done.stderr.splitlines() if x.startswith("BENCH ")]
    if not line or line[-1].split()[4] != "0":
        raise RuntimeError(f"assess {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    _, wall, cpu, peak, _ = line[-1].split()
    return {"wall": float(wall), "cpu": float(cpu), "peak": float(peak)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--public-id", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(Path(args.folder), args.public_id, args.one)))
        return
    if args.seed is not None:
        print(json.dumps(seed(Path(args.folder), args.seed)))
        return
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpu, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for n in [int(s) for s in args.sizes.split(",")]:
        folder = Path(tempfile.mkdtemp(prefix="bench-scale-"))
        try:
            start = time.perf_counter()
            info = in_child("--seed", str(n), "--folder", str(folder))
            print(f"{n} responses seeded in {time.perf_counter() - start:.1f} s")
            for operation, label in (("results", "results page"),
                                     ("results-kept", "results page again"),
                                     ("results-next", "results, next release"),
                                     ("report", "report (console)"),
                                     ("report-kept", "report after page"),
                                     ("csv", "csv (console)")):
                r = in_child("--one", operation, "--folder", str(folder), "--public-id",
                             info["public_id"])
                print(f"  {n:>6} {label:21} {r['wall']:6.2f} s wall, {r['cpu']:6.2f} s CPU; "
                      f"peak RSS {r['before']:5.0f} MB before -> {r['peak']:5.0f} MB "
                      f"(+{r['peak'] - r['before']:.0f}); {r['bytes'] / 2**20:.1f} MB out")
            shutil.rmtree(folder / "results-cache", ignore_errors=True)
            start = time.perf_counter()
            both = sorted(together("--one", "results-together", "--folder", str(folder),
                                   "--public-id", info["public_id"]),
                          key=lambda r: r["cpu"], reverse=True)  # the one that scored first
            print(f"  {n:>6} two results pages at once: both answered after "
                  f"{time.perf_counter() - start:.2f} s; " + "; ".join(
                      f"{r['wall']:.2f} s wall, {r['cpu']:.2f} s CPU, "
                      f"+{r['peak'] - r['before']:.0f} MB" for r in both))
            out = folder / "answers.csv"
            r = run_command(["export", info["round"], "--out", str(out)], folder)
            print(f"  {n:>6} {'assess export':17} {r['wall']:6.2f} s wall, {r['cpu']:6.2f} s "
                  f"CPU; peak RSS of the process {r['peak']:5.0f} MB; "
                  f"{out.stat().st_size / 2**20:.1f} MB out")
            pdf = folder / "report.pdf"
            r = run_command(["report", str(out), "--questionnaire", "team-ecosystem@2",
                             "--org", "Bench Org", "--by", "team", "--out", str(pdf)],
                            folder)
            print(f"  {n:>6} {'assess report':17} {r['wall']:6.2f} s wall, {r['cpu']:6.2f} s "
                  f"CPU; peak RSS of the process {r['peak']:5.0f} MB; "
                  f"{pdf.stat().st_size / 2**20:.2f} MB PDF")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
