"""The bench scripts still run against the code they measure (tiny sizes, no timing
asserted: the figures themselves live in bench/RESULTS.md)."""

from __future__ import annotations

import os
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
])
def test_bench_script_runs(script: str, args: list[str], expect: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert expect in done.stdout
