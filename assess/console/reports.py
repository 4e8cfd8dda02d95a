"""A round's PDF, rendered once per state of the round and then served from a file.

The state is everything the PDF shows: its results' state (`results.results_key`: the
release of this round and of the earlier rounds in its trend, the CEO result set against
it, the code), the consultant's branding, the page size and the report's version.
A second download of an unchanged round costs a file read.
Files live in the instance folder, readable by the app's user only.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from flask import current_app

from ..models import Round
from ..private_files import locked, private_dir, write_private
from .results import results_key

VERSION = "report-2"  # bump when the report's layout or content changes


def state(round_: Round, page_size: str = "A4") -> str:
    consultant = round_.organisation.consultant
    parts = {
        "version": VERSION, "page_size": page_size,
        "results": results_key(round_),  # releases, trend, CEO result, the code
        "round": [round_.title, round_.organisation.name],
        "brand": [consultant.brand_name, consultant.brand_colour, consultant.brand_contact,
                  hashlib.sha256(consultant.brand_logo or b"").hexdigest(), consultant.name]
        if consultant else None,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]


def _folder() -> Path:
    return private_dir(Path(current_app.instance_path) / "report-cache")


def forget_cached() -> None:
    """Every cached PDF goes (a restored database: its rounds are not those rendered)."""
    shutil.rmtree(_folder(), ignore_errors=True)


def cached_pdf(round_: Round, page_size: str = "A4") -> bytes:
    """The round's report PDF, from the cache when its state is unchanged. One rendering
    of a round at a time, across workers: a second download meanwhile (a double click)
    waits for it and reads the file."""
    name = f"{round_.public_id}-{page_size}"
    path = _folder() / f"{name}-{state(round_, page_size)}.pdf"
    if path.exists():
        return path.read_bytes()
    with locked(path.with_name(f"{round_.public_id}.lock")):
        if path.exists():
            return path.read_bytes()
        pdf = render(round_, page_size)
        for old in path.parent.glob(f"{name}-*.pdf"):
            old.unlink(missing_ok=True)  # an older state in the same page size
        write_private(path, pdf)
    return pdf


def render(round_: Round, page_size: str = "A4") -> bytes:
    from .reporting import report_of, team_pdf

    return team_pdf(report_of(round_), page_size=page_size)
