"""scoring/ stays pure: no Flask, SQLAlchemy or app imports (DESIGN.md, arrows point down)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import scoring

ALLOWED_TOP = {"numpy", "pandas", "questionnaires", "scoring", "__future__", "collections",
               "hashlib", "random", "contextlib", "re",
               "dataclasses", "functools", "math", "types", "typing", "itertools",
               "threadpoolctl"}  # how many threads NumPy's BLAS may start


def test_scoring_imports_only_the_scientific_stack():
    root = Path(scoring.__file__).parent
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in ALLOWED_TOP, f"{path.name} imports {name}"


def test_importing_scoring_loads_no_web_framework():
    code = ("import sys, scoring, questionnaires; "
            "bad = [m for m in ('flask', 'sqlalchemy', 'assess', 'matplotlib') "
            "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_engine_implements_exactly_the_rule_types_the_loader_accepts():
    from questionnaires.vocabulary import RULE_TYPES
    from scoring.causes import RULE_TYPES as IMPLEMENTED

    assert set(RULE_TYPES) == set(IMPLEMENTED)
