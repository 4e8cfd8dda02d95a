"""Reading questionnaire files: finding the published versions, YAML to a document,
content hashes, and a per-process cache. Turning a document into a `Questionnaire` is
`document.parse`."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

import yaml

from .document import QuestionnaireError, parse
from .model import Questionnaire

ROOT = Path(__file__).resolve().parent
# libyaml's safe loader when PyYAML was built with it (about 10x faster), else PyYAML's own
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_REF = re.compile(r"^(?P<key>[a-z0-9][a-z0-9_-]*)@v?(?P<version>\d+)$")


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def load_file(path: str | Path) -> Questionnaire:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise QuestionnaireError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        data = yaml.load(raw.decode("utf-8"), Loader=_SAFE_LOADER)
    except UnicodeDecodeError:
        raise QuestionnaireError(f"{path}: not UTF-8 text") from None
    except yaml.YAMLError as exc:
        raise QuestionnaireError(f"{path}: invalid YAML: {exc}") from None
    q = parse(data, source=str(path))
    expected = (path.parent.name, path.stem)
    problems = []
    if expected[0] != q.key:
        problems.append(f"{path}: key: {q.key!r} does not match its folder {expected[0]!r}")
    if expected[1] != f"v{q.version}":
        problems.append(f"{path}: version: {q.version} does not match the file name "
                        f"{path.name!r}")
    if problems:
        raise QuestionnaireError("\n".join(problems))
    return replace(q, content_hash=content_hash(raw), path=str(path))


def discover(root: Path = ROOT) -> list[Path]:
    """All published files, ordered by key then version."""
    found = []
    for path in root.glob("*/v*.yaml"):
        if path.stem[1:].isdigit():
            found.append(path)
    return sorted(found, key=lambda p: (p.parent.name, int(p.stem[1:])))


_CACHE: dict[tuple[str, str, int], Questionnaire] = {}


def load(key: str, version: int | None = None, root: Path = ROOT) -> Questionnaire:
    """A published version (the newest when version is None), cached per process."""
    if version is None:
        versions = [int(p.stem[1:]) for p in discover(root) if p.parent.name == key]
        if not versions:
            raise QuestionnaireError(f"unknown questionnaire {key!r}")
        version = max(versions)
    cache_key = (str(root), key, int(version))
    if cache_key not in _CACHE:
        path = root / key / f"v{int(version)}.yaml"
        if not path.is_file():
            raise QuestionnaireError(f"unknown questionnaire {key}@{version} (no {path.name})")
        _CACHE[cache_key] = load_file(path)
    return _CACHE[cache_key]


def load_ref(ref: str, root: Path = ROOT) -> Questionnaire:
    """Parse `KEY@VERSION` (or `KEY@vN`, or plain `KEY` for the newest)."""
    if "@" not in ref:
        return load(ref, None, root)
    match = _REF.match(ref.strip())
    if not match:
        raise QuestionnaireError(f"{ref!r} is not KEY@VERSION (e.g. team-ecosystem@1)")
    return load(match["key"], int(match["version"]), root)


def load_all(root: Path = ROOT) -> list[Questionnaire]:
    return [load(p.parent.name, int(p.stem[1:]), root) for p in discover(root)]
