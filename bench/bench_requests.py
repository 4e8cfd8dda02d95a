"""The survey's work per request, in process: CPU time, or instructions counted by
valgrind, which a shared machine's drifting speed does not change.

`bench_submit.py` measures the survey under gunicorn against a bare-insert ceiling; on a
host whose speed drifts by a third from one minute to the next, a change of 10% in the
app's work hides in its noise. This runs the same respondent flow as that bench (intro,
every section GET + POST, review GET + POST, thank-you page) through Flask's test client
on a database seeded by `assess demo`, and prints per request:

- by default, CPU time per kind of request (the least of `--reps` runs);
- with `--valgrind`, the instructions the process executes per request, counted by
  callgrind: the whole run with `--responses` responses minus the same run with none
  (start-up, seeding and three warm-up responses cancel out). Deterministic to ~0.1%
  (PYTHONHASHSEED is fixed), so two code bases compare exactly; run it with `--repo`
  pointing at a worktree of the other one. Takes a few minutes (callgrind is ~50x slower).

    .venv/bin/python bench/bench_requests.py [--responses 20] [--reps 5]
    .venv/bin/python bench/bench_requests.py --valgrind [--responses 10] [--repo PATH]

Needs valgrind for `--valgrind` (Debian package `valgrind`).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent
WARM_UP = 3


def run_flow(repo: Path, responses: int, reps: int) -> dict[str, list[float]]:
    """Seed a demo instance, warm up, then `reps` runs of `responses` whole responses;
    returns the CPU seconds of each request by kind (last run) and prints a summary."""
    sys.path[:0] = [str(repo), str(BENCH)]
    import bench_submit as bs

    folder = Path(tempfile.mkdtemp(prefix="bench-requests-"))
    try:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env |= {"ASSESS_INSTANCE_PATH": str(folder / "instance"),
                "ASSESS_SECRET_KEY": secrets.token_hex(32),
                "ASSESS_RATELIMIT_ENTRY": bs.ENTRY_LIMIT,
                "PYTHONPATH": str(repo)}  # `assess demo` of the code base measured
        link, _round_id = bs.seed_demo(env, folder, 5000)
        os.environ.update(env)
        os.environ.pop("DATABASE_URL", None)
        from werkzeug.datastructures import MultiDict

        from assess import create_app

        client = create_app().test_client()
        times: dict[str, list[float]] = defaultdict(list)

        def timed(kind: str, call, *args, **kwargs):  # noqa: ANN001, ANN202
            start = time.process_time()
            reply = call(*args, **kwargs)
            times[kind].append(time.process_time() - start)
            return reply

        def path_of(reply) -> str:  # noqa: ANN001
            return bs.location_path(bs.Reply(reply.status_code, {"location": reply.location},
                                              ""))

        def one(n: int) -> None:
            page = timed("intro GET", client.get, link)
            reply = timed("intro POST", client.post, link, data={
                "csrf_token": bs.csrf_of(page.text), "role": "rep", "team": "East"})
            path = path_of(reply)
            while "/section/" in path:
                page = timed("section GET", client.get, path)
                form = [("csrf_token", bs.csrf_of(page.text)), *bs.answers_of(page.text, n),
                        ("action", "next")]
                path = path_of(timed("section POST", client.post, path,
                                     data=MultiDict(form)))
            page = timed("review GET", client.get, path)
            reply = timed("review POST", client.post, path,
                          data={"csrf_token": bs.csrf_of(page.text)})
            if timed("thanks GET", client.get, reply.location).status_code != 200:
                raise RuntimeError("no thank-you page")

        for n in range(WARM_UP):
            one(n)
        per_request, count = [], 0
        for rep in range(reps):
            times.clear()
            for n in range(responses):
                one(1000 * (rep + 1) + n)
            count = sum(len(v) for v in times.values())
            per_request.append(sum(sum(v) for v in times.values()) / count if count else 0)
        print(f"requests={count}")
        if responses and reps:
            print(f"{responses} responses x {reps} runs, {count} requests a run; CPU per "
                  f"request, least of the runs: {min(per_request) * 1000:.3f} ms (all: "
                  + " ".join(f"{p * 1000:.2f}" for p in per_request) + ")")
            for kind, values in times.items():
                median = statistics.median(values) * 1000
                print(f"  {kind:13s} n={len(values):4d}  median {median:6.2f} ms")
        return times
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def instructions(repo: Path, responses: int) -> tuple[int, int]:
    """Instructions callgrind counts for a whole run with `responses` responses, and the
    number of requests they made."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder, "callgrind.out")
        env = os.environ | {"PYTHONHASHSEED": "0"}
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                   sys.executable, __file__, "--repo", str(repo), "--responses",
                   str(responses), "--reps", "1"]
        done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
        match = re.search(r"^summary: (\d+)", out.read_text(), re.M)
        requests = re.search(r"^requests=(\d+)", done.stdout, re.M)
        if not match or not requests:
            raise RuntimeError(f"no count in callgrind's output:\n{done.stdout}{done.stderr}")
        return int(match.group(1)), int(requests.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=None,
                        help="whole responses per run (default 20; 10 with --valgrind)")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--repo", type=Path, default=BENCH.parent,
                        help="the code base to measure (default: this one)")
    parser.add_argument("--valgrind", action="store_true")
    args = parser.parse_args()
    repo = args.repo.resolve()
    if args.valgrind:
        if shutil.which("valgrind") is None:
            print("valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
            return 2
        responses = args.responses or 10
        (base, _), (full, requests) = instructions(repo, 0), instructions(repo, responses)
        print(f"{repo}: {full - base:,} instructions for {responses} responses "
              f"({requests} requests): {(full - base) / requests / 1e6:.2f} M per request")
        return 0
    run_flow(repo, args.responses if args.responses is not None else 20, args.reps)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
