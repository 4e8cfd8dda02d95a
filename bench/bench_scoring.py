"""Scoring speed: CSV -> JSON for team-ecosystem at 1k, 10k and 100k respondents.

Prints, per size: CSV parse+validate time, scoring time (excluding parsing; wall and the
process's CPU, which counts any threads BLAS starts), JSON time, and the growth ratio
against the previous size (10x more respondents: linear ~10x). Every scoring starts with
the anonymity module's cache empty, as a new round's first view does. `--teams N` spreads
the respondents over N teams (more cells for the anonymity module to check together).
Baseline in the same process: a bare pandas `read_csv` of the same file (default
options) and a bare `DataFrame.mean()` over the answers, the least any scorer must do;
`parse/read` is parse+validate over that bare read (target: at most 3x).

    .venv/bin/python bench/bench_scoring.py [--sizes 1000,10000,100000] [--repeat 3]
                                            [--teams 3]
"""

from __future__ import annotations

import argparse
import io
import json
import time

import pandas as pd

from assess.answers_io import read_answers_csv
from questionnaires import load
from scoring import score
from scoring.anonymity import _suppress
from scoring.synthetic import synthetic_answers

CPU: list[float] = []  # the process's CPU time of each run of the last `best`


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    CPU.clear()
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - start)
        CPU.append(time.process_time() - cpu)
    return min(times), out


def scored(answers, q):
    _suppress.cache_clear()  # a new round's first scoring: nothing decided yet
    return score(answers, q, by="team")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--teams", type=int, default=3)
    args = parser.parse_args()
    q = load("team-ecosystem", 1)
    teams = ("East", "West", "Central") if args.teams == 3 else tuple(
        f"Team {i + 1}" for i in range(args.teams))
    print(f"{'n':>7} {'read_csv':>9} {'parse':>8} {'parse/read':>10} {'score':>8} "
          f"{'cpu':>7} {'json':>7} {'baseline mean':>14} {'score/base':>10} {'growth':>7}")
    previous = None
    for n in (int(s) for s in args.sizes.split(",")):
        levels = {"foundation.belief": 45, "bucket.talent": 52}
        data = synthetic_answers(q, n, seed=7, levels=levels, teams=teams
                                 ).to_csv(index=False).encode()
        t_read, frame = best(lambda data=data: pd.read_csv(io.BytesIO(data)), args.repeat)
        t_parse, answers = best(lambda data=data: read_answers_csv(data, q), args.repeat)
        t_score, result = best(lambda answers=answers: scored(answers, q), args.repeat)
        cpu = min(CPU)
        t_json, _ = best(lambda result=result: json.dumps(result.to_dict()), args.repeat)
        t_base, _ = best(lambda answers=answers: answers.values.mean(), args.repeat)
        growth = f"{t_score / previous:.1f}x" if previous else "-"
        previous = t_score
        print(f"{n:>7} {t_read:>8.3f}s {t_parse:>7.3f}s {t_parse / t_read:>9.1f}x "
              f"{t_score:>7.3f}s {cpu:>6.3f}s {t_json:>6.3f}s "
              f"{t_base:>13.4f}s {t_score / t_base:>9.0f}x {growth:>7}")
    print(f"each figure is the best of {args.repeat} runs; "
          "growth = score time vs the previous size")


if __name__ == "__main__":
    main()
