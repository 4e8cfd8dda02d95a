"""Start-up cost of the `assess` command line, as whole processes.

Measures `assess --help` (which builds the app, to list its database commands) and
`assess score` of a synthetic answers CSV, against bare baselines timed in the same run:
an interpreter that does nothing, one that only imports the Flask extensions the app is
built on (the floor of any start that builds the app), and `pandas.read_csv` of the same
file (the least any offline scorer must do). Runs are interleaved (one of each command
per round), so a neighbour's load falls on all of them alike; figures are medians.

The instance folder is a fresh one with the demo seeded (`assess demo`), like a machine
where `make run` was used: starting the app then checks stored questionnaire hashes.
Bytecode caches are written by the warm-up round unless --no-bytecode-cache is given
(PYTHONDONTWRITEBYTECODE=1, as some sandboxes set, compiles our modules on every start).

    .venv/bin/python bench/bench_cli.py [--runs 11] [--rows 10000] [--questionnaire KEY@VERSION]
                                          [--assess PATH]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HELP_TARGET = 0.5  # seconds, whole process
SCORE_TARGET = 0.5  # seconds more than a bare read_csv of the same file


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--questionnaire", default="team-ecosystem@1", metavar="KEY@VERSION")
    parser.add_argument("--assess", default=str(Path(sys.executable).parent / "assess"),
                        help="the console script to time (default: this venv's)")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="keep PYTHONDONTWRITEBYTECODE=1 for the timed processes")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    try:
        run(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace, folder: Path) -> None:
    env = dict(os.environ, ASSESS_INSTANCE_PATH=str(folder / "instance"))
    env.pop("ASSESS_SECRET_KEY", None)
    env.pop("DATABASE_URL", None)
    if args.no_bytecode_cache:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    answers = folder / "answers.csv"
    subprocess.run([args.assess, "sample", "-n", str(args.rows), "--questionnaire",
                    args.questionnaire, "--out", str(answers)], env=env, check=True)
    subprocess.run([args.assess, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)

    py = sys.executable
    commands = {
        "python -c pass": [py, "-c", "pass"],
        "bare extensions": [py, "-c", "import flask_sqlalchemy, flask_limiter, flask_wtf, "
                                      "flask_login"],
        "bare read_csv": [py, "-c", f"import pandas; pandas.read_csv({str(answers)!r})"],
        "assess --help": [args.assess, "--help"],
        "assess score": [args.assess, "score", str(answers), "--questionnaire",
                         args.questionnaire],
    }
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpu, load average {load()}; "
          f"{args.rows} rows ({answers.stat().st_size / 2**20:.1f} MB); bytecode cache "
          f"{'off' if args.no_bytecode_cache else 'on'}; {args.assess}")
    for command in commands.values():  # warm-up: caches, page cache
        timed(command, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            times[name].append(timed(command, env))
    median = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        print(f"  {name:<16} median {median[name]:.3f} s  (min {min(values):.3f}, "
              f"max {max(values):.3f}; {len(values)} runs)")

    help_s = median["assess --help"]
    extra = [s - r for s, r in zip(times["assess score"], times["bare read_csv"], strict=True)]
    extra_s = statistics.median(extra)
    help_ok = "met" if help_s < HELP_TARGET else "NOT met"
    score_ok = "met" if extra_s <= SCORE_TARGET else "NOT met"
    print(f"assess --help: {help_s:.3f} s = bare extensions + "
          f"{help_s - median['bare extensions']:.3f} s; target < {HELP_TARGET} s: {help_ok}")
    print(f"assess score: {median['assess score']:.3f} s = bare read_csv + {extra_s:.3f} s "
          f"(median of the per-round differences), "
          f"{median['assess score'] / median['bare read_csv']:.1f}x the bare read_csv; "
          f"target <= +{SCORE_TARGET} s: {score_ok}")
    print(f"load average at the end {load()}")


if __name__ == "__main__":
    main()
