"""Benchmark of the team report: scoring + charts + PDF, per round size.

    .venv/bin/python bench/bench_report.py [--renders 200] [--sizes 40,5000]

Prints the median of 5 renders for each size, the process's peak memory, and the
memory growth over many renders in one process (a leak shows as steady growth).
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assess.report import Branding, build_team_report  # noqa: E402
from assess.report.samples import LEVELS, ROLES  # noqa: E402
from questionnaires import load  # noqa: E402
from scoring import parse_answers, score  # noqa: E402
from scoring.synthetic import synthetic_answers  # noqa: E402

BRAND = Branding("Northwind Advisory", None, "#2b5876")


def rss_mb() -> float:
    """Current resident memory (MB), from /proc (Linux)."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_inputs(n: int):
    q = load("team-ecosystem", 1)
    now = parse_answers(synthetic_answers(q, n, seed=1, levels=LEVELS, roles=ROLES), q)
    before = parse_answers(synthetic_answers(q, n, seed=2, roles=ROLES), q)
    previous = [("Q1", score(before, q))]
    return q, now, before, previous


def render(q, now, before, previous) -> bytes:
    result = score(now, q, by="team", previous=before)
    return build_team_report(result, q, org="Acme Widgets Ltd", round_name="Q3 2025",
                             consultant=BRAND, response_rate=0.8,
                             previous_results=previous, generated_on=date(2025, 9, 30))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="40,5000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--renders", type=int, default=200)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpu, "
          f"load average {os.getloadavg()[0]:.2f}")
    for n in [int(s) for s in args.sizes.split(",")]:
        inputs = make_inputs(n)
        first = time.perf_counter()
        pdf = render(*inputs)  # warm-up: font and template caches
        first = time.perf_counter() - first
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            render(*inputs)
            times.append(time.perf_counter() - start)
        print(f"{n:>6} respondents: median {statistics.median(times):.2f} s of {args.repeat} "
              f"(min {min(times):.2f}, max {max(times):.2f}; first {first:.2f} s), "
              f"{len(pdf) / 2**20:.2f} MB PDF, peak RSS so far {peak_mb():.0f} MB")
    if args.renders:
        inputs = make_inputs(40)
        for _ in range(10):  # let caches fill before the baseline
            render(*inputs)
        gc.collect()
        base = rss_mb()
        start = time.perf_counter()
        for _ in range(args.renders):
            render(*inputs)
        gc.collect()
        after = rss_mb()
        print(f"growth over {args.renders} renders (40 respondents): {base:.0f} MB -> "
              f"{after:.0f} MB ({100 * (after - base) / base:+.1f}%), "
              f"{(time.perf_counter() - start) / args.renders:.2f} s per render")
    print(f"peak RSS {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
