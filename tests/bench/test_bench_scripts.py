"""The bench scripts still run against the code they measure (tiny sizes, no timing
asserted: the figures themselves live in bench/RESULTS.md)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("script, args, expect", [
    ("bench_scoring.py", ["--sizes", "200,400", "--repeat", "1"], "growth"),
    ("bench_export.py", ["--responses", "60", "--repeat", "1"], "xlsx: best"),
    ("bench_report.py", ["--sizes", "12", "--repeat", "1", "--renders", "2"], "peak RSS"),
    ("bench_order.py", ["--responses", "20", "--sizes", "50", "--repeat", "1"],
     "(of which VACUUM"),
    ("bench_submit.py", ["--responses", "4", "--clients", "2", "--ceiling-posts", "20"],
     "app 4/4 (lost 0, extra 0)"),
    ("bench_scale.py", ["--sizes", "120"], "assess report"),
])
def test_bench_script_runs(script: str, args: list[str], expect: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert expect in done.stdout


@pytest.mark.pg
def test_bench_load_runs(pg_server) -> None:
    """The load bench against a database of the test PostgreSQL server, with two client
    processes (the path a real run takes)."""
    name = f"bench_load_{os.getpid()}"
    pg_server.admin(f"CREATE DATABASE {name}")
    try:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        done = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_load.py"),
                               "--database-url", pg_server.url(name), "--clients", "4",
                               "--seconds", "4", "--ramp", "1", "--workers", "2",
                               "--processes", "2"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    finally:
        pg_server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "errors by status: none" in done.stdout
    stored, acknowledged = re.search(r"database: (\d+) of (\d+)", done.stdout).groups()
    assert stored == acknowledged != "0"
