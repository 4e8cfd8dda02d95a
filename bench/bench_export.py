"""Benchmark of a round's answers export (CSV and XLSX), in-process, beyond start-up.

    .venv/bin/python bench/bench_export.py [--responses 10000] [--repeat 5] [--profile]

Seeds one round of synthetic responses (team-ecosystem, free text included) on a
temporary SQLite database, then times `exporting.round_export` for each format: the
database read, validation, blanking of rare roles/teams, neutralising and writing.
Prints the best and median of the runs, the read and the writing alone, the output size,
and the peak Python memory of one more run under tracemalloc (not timed). `--profile`
prints a cProfile listing of one CSV and one XLSX export.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

from assess import create_app, questionnaire_store  # noqa: E402
from assess.answers_io import write_answers_csv  # noqa: E402
from assess.console import exporting, releases  # noqa: E402
from assess.console.xlsx import write_answers_xlsx  # noqa: E402
from assess.extensions import db  # noqa: E402
from assess.models import Organisation, Response, Round, today, utcnow  # noqa: E402
from assess.schema import upgrade  # noqa: E402
from scoring.synthetic import synthetic_answers  # noqa: E402

TEAMS = ["East", "West", "Central", "North"]


def seed_round(n: int) -> int:
    """A round with n synthetic responses, inserted in bulk; returns its id."""
    q = questionnaire_store.get("team-ecosystem")
    org = Organisation(name="Bench Org")
    round_ = Round(organisation=org, questionnaire=questionnaire_store.record(q),
                   title="Bench round", opens_at=utcnow() - timedelta(days=30),
                   closes_at=None, min_group_size=q.min_group_size, access_mode="both",
                   status="open", teams=TEAMS)
    db.session.add_all([org, round_])
    db.session.flush()
    scored = {question.key for question in q.questions if q.scale_of(question).scored}
    frame = synthetic_answers(q, n, seed=3, teams=TEAMS, with_text=True)
    rng = random.Random(3)
    rows = []
    for record in frame.to_dict("records"):
        answers = {key: int(cell) if key in scored else cell
                   for key, cell in record.items()
                   if key not in ("respondent", "role", "team") and cell != ""}
        rows.append({"round_id": round_.id, "role": record["role"] or None,
                     "team": record["team"] or None, "answers": answers,
                     "submitted_on": today() - timedelta(days=rng.randint(0, 29))})
    db.session.execute(sa.insert(Response), rows)
    releases.after_new_responses(round_.id)  # results and exports read the latest release
    db.session.commit()
    return round_.id


def timed(fn, repeat: int) -> tuple[list[float], object]:
    """Wall-clock seconds of each run; CPU seconds go to CPU_TIMES (a shared machine's
    other load lengthens the first, hardly the second)."""
    times, out = [], None
    CPU_TIMES.clear()
    for _ in range(repeat):
        db.session.expunge_all()  # each run reads from the database, as a command would
        start, cpu = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - start)
        CPU_TIMES.append(time.process_time() - cpu)
    return times, out


CPU_TIMES: list[float] = []


def peak_traced_mb(fn) -> float:
    db.session.expunge_all()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
        app = create_app({"SECRET_KEY": "bench", "INSTANCE_PATH": folder,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite"})
        upgrade(app)
        with app.app_context():
            questionnaire_store.sync()
            start = time.perf_counter()
            round_id = seed_round(args.responses)
            seeded = time.perf_counter() - start
            print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpu, "
                  f"load average {os.getloadavg()[0]:.2f}")
            print(f"seeded {args.responses} responses in {seeded:.1f} s "
                  f"(team-ecosystem, SQLite)")
            times, (answers, q) = timed(
                lambda: exporting.releasable_answers(round_id), args.repeat)
            print(f"read: best {min(times):.3f} s, median {statistics.median(times):.3f} s, "
                  f"best CPU {min(CPU_TIMES):.3f} s (releasable_answers: reading + "
                  f"blanking, shared by both formats)")
            writers = {"csv": write_answers_csv, "xlsx": write_answers_xlsx}
            for fmt, target in (("csv", 1.0), ("xlsx", 3.0)):
                def run(fmt=fmt):
                    return exporting.round_export(round_id, fmt)

                written, _ = timed(lambda fmt=fmt: writers[fmt](answers, q), args.repeat)
                times, data = timed(run, args.repeat)
                cpu = min(CPU_TIMES)
                peak = peak_traced_mb(run)
                verdict = "met" if min(times) <= target else "NOT met"
                print(f"{fmt:>4}: best {min(times):.3f} s, median "
                      f"{statistics.median(times):.3f} s of {args.repeat} (first "
                      f"{times[0]:.3f} s), best CPU {cpu:.3f} s; writing alone best "
                      f"{min(written):.3f} s; {len(data) / 2**20:.1f} MB; peak traced "
                      f"{peak:.0f} MB; target <= {target:g} s {verdict}")
                if args.profile:
                    db.session.expunge_all()
                    profile = cProfile.Profile()
                    profile.runcall(run)
                    pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
            peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"peak RSS of the process {peak_rss:.0f} MB")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
