"""Every library the application imports is one pyproject.toml asks for.

A module installed by hand in a developer's virtualenv works on that machine and nowhere
else: the fresh machine installs only what `[project] dependencies` names (and what those
depend on). This reads every `import` in the application's packages and checks that the
distribution providing it is in that closure.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
PACKAGES = ("assess", "scoring", "questionnaires")
OURS = set(PACKAGES)


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;(]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _declared() -> set[str]:
    project = tomllib.loads((CHECKOUT / "pyproject.toml").read_text())["project"]
    return {_name(r) for r in project["dependencies"]}


def _closure(names: set[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        todo.extend(_name(r) for r in requires if "extra ==" not in r)
    return seen


def _imported_modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    files = [CHECKOUT / "wsgi.py"]
    for package in PACKAGES:
        files.extend((CHECKOUT / package).rglob("*.py"))
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                tops = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                tops = [node.module.split(".")[0]]
            else:
                continue
            for top in tops:
                found.setdefault(top, path)
    return found


def test_every_imported_library_is_a_declared_dependency():
    allowed = _closure(_declared())
    providers = metadata.packages_distributions()
    missing = []
    for module, path in sorted(_imported_modules().items()):
        if module in OURS or module in sys.stdlib_module_names:
            continue
        dists = {d.lower().replace("_", "-") for d in providers.get(module, [])}
        if not dists & allowed:
            missing.append(f"{module} (imported in {path.relative_to(CHECKOUT)}, "
                           f"provided by {sorted(dists) or 'nothing installed'})")
    assert not missing, "not required by pyproject.toml: " + "; ".join(missing)


def test_the_check_would_notice_a_missing_library():
    assert "segno" in _closure(_declared())
    assert "playwright" not in _closure(_declared())  # a test extra, not the app's
