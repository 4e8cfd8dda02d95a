"""Benchmark of the PDF reports: scoring + charts + WeasyPrint, against their targets.

    PYTHONPATH=. .venv/bin/python bench/bench_report.py [--repeat 7] [--renders 200]
        [--sizes 40,5000]

Team report: the newest team questionnaire, segmented by team, one earlier round for the
trend and two for the chart, consultant branding, fieldwork, contact and free-text
comments, PDF/UA-1 tagged, A4; one render = scoring + report. CEO report: scoring the
CEO's answers + the quick PDF. Prints the median of `--repeat` renders of each (after one
warm-up), the process's peak memory, and the memory growth over `--renders` team renders
in one process (after 10 warm-up renders; a leak shows as steady growth), each with its
target.
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

from assess.report import Branding, build_quick_report, build_team_report  # noqa: E402
from assess.report.samples import CONTACT, FIELDWORK, LEVELS, ROLES  # noqa: E402
from questionnaires import load  # noqa: E402
from scoring import parse_answers, score  # noqa: E402
from scoring.synthetic import synthetic_answers  # noqa: E402

BRAND = Branding("Northwind Advisory", None, "#2b5876")
TARGETS = {40: 1.5, 5000: 2.0}  # team report median, seconds
CEO_TARGET = 0.5
PEAK_TARGET = 300  # MB
GROWTH_TARGET = 10.0  # percent over the renders


def rss_mb() -> float:
    """Current resident memory (MB), from /proc (Linux)."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def verdict(value: float, target: float) -> str:
    return "met" if value <= target else "NOT met"


def make_inputs(n: int):
    q = load("team-ecosystem")
    now = parse_answers(synthetic_answers(q, n, seed=1, levels=LEVELS, roles=ROLES,
                                          with_text=True), q)
    before = parse_answers(synthetic_answers(q, n, seed=2, roles=ROLES), q)
    earlier = parse_answers(synthetic_answers(q, n, seed=3, roles=ROLES), q)
    previous = [("Q1", score(earlier, q)), ("Q2", score(before, q))]
    return q, now, before, previous


def render(q, now, before, previous) -> bytes:
    result = score(now, q, by="team", previous=before)
    return build_team_report(result, q, org="Acme Widgets Ltd", round_name="Q3 2025",
                             consultant=BRAND, response_rate=0.8,
                             previous_results=previous, generated_on=date(2025, 9, 30),
                             fieldwork=FIELDWORK, contact=CONTACT, comments=now.texts)


def render_ceo(cq, answers) -> bytes:
    return build_quick_report(score(answers, cq), cq, org="Acme Widgets Ltd",
                              generated_on=date(2025, 9, 30))


def timed(make, repeat: int) -> tuple[list[float], float, bytes]:
    first = time.perf_counter()
    pdf = make()  # warm-up: font, stylesheet and template caches
    first = time.perf_counter() - first
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        make()
        times.append(time.perf_counter() - start)
    return times, first, pdf


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="40,5000")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--renders", type=int, default=200)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpu, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for n in [int(s) for s in args.sizes.split(",")]:
        inputs = make_inputs(n)
        times, first, pdf = timed(lambda inputs=inputs: render(*inputs), args.repeat)
        median = statistics.median(times)
        target = TARGETS.get(n)
        goal = f"; target <= {target} s: {verdict(median, target)}" if target else ""
        print(f"team {n:>5} respondents: median {median:.2f} s of {args.repeat} "
              f"(min {min(times):.2f}, max {max(times):.2f}; first {first:.2f} s), "
              f"{len(pdf) / 2**20:.2f} MB PDF{goal}")
    cq = load("ceo-quick")
    ceo = parse_answers(synthetic_answers(cq, 1, seed=1, levels={"foundation.belief": 40}),
                        cq)
    times, first, _ = timed(lambda: render_ceo(cq, ceo), args.repeat)
    median = statistics.median(times)
    print(f"ceo report: median {median:.2f} s of {args.repeat} (min {min(times):.2f}, "
          f"max {max(times):.2f}; first {first:.2f} s); target <= {CEO_TARGET} s: "
          f"{verdict(median, CEO_TARGET)}")
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
        growth = 100 * (after - base) / base
        print(f"growth over {args.renders} team renders (40 respondents): {base:.0f} MB -> "
              f"{after:.0f} MB ({growth:+.1f}%), "
              f"{(time.perf_counter() - start) / args.renders:.2f} s per render; "
              f"target <= {GROWTH_TARGET:.0f}%: {verdict(growth, GROWTH_TARGET)}")
    peak = peak_mb()
    print(f"peak RSS {peak:.0f} MB; target <= {PEAK_TARGET} MB: {verdict(peak, PEAK_TARGET)}")


if __name__ == "__main__":
    main()
