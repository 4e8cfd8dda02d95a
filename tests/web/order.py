"""How much of the order in which responses arrived the stored rows still tell: Spearman
rank correlations between arrival and each thing a copy of the database shows. Used by
tests/web/test_response_order.py and bench/bench_order.py."""

from __future__ import annotations

import math
import re
from pathlib import Path

import sqlalchemy as sa

ARRIVAL = re.compile(r"respondent (\d+)$")


def answers_for(number: int) -> dict[str, dict[str, str]]:
    """The pages one respondent sends: enough to count, and their arrival number in the
    free text (so each stored row tells the test when it arrived)."""
    return {"1": {"tm_customers": "4", "tm_why_us": str(1 + number % 5),
                  "action": "next"},
            "3": {"so_crm": "3", "action": "next"},
            "4": {"open_change": f"respondent {number}", "action": "next"}}


def submit(client, link: str, number: int) -> None:
    """One respondent through the real pages: intro, three pages, review and send."""
    started = client.post(f"/s/{link}", data={"role": "rep", "team": "East"})
    assert started.status_code == 302, started.get_data(as_text=True)[:300]
    token = started.headers["Location"].split("/r/", 1)[1].split("/", 1)[0]
    for page, data in answers_for(number).items():
        assert client.post(f"/r/{token}/section/{page}", data=data).status_code == 302
    sent = client.post(f"/r/{token}/review")
    assert sent.headers["Location"].endswith("/thanks"), sent.status_code


def spearman(a: list[float], b: list[float]) -> float:
    """rho, or NaN when one side has a single value (no order to correlate)."""
    from scipy.stats import spearmanr

    if len(set(a)) < 2 or len(set(b)) < 2:
        return math.nan
    return float(spearmanr(a, b).statistic)


def figures(db, round_id: int) -> dict[str, float]:
    """rho between arrival and: physical order (PostgreSQL: ctid; SQLite: the row's byte
    offset in the database file), xmin (PostgreSQL), primary key, the submission date,
    and membership of the released results. Also `xmins`: distinct xmin values."""
    from assess.console.releases import released_ids

    postgres = db.engine.dialect.name == "postgresql"
    extra = ", ctid::text, xmin::text" if postgres else ""
    found = db.session.execute(sa.text(
        f"SELECT id, answers, submitted_on{extra} FROM response WHERE round_id = :r"),
        {"r": round_id}).all()
    arrival = [float(_arrival(row.answers)) for row in found]
    ids = [row.id for row in found]
    ranks = {key: float(rank) for rank, key in enumerate(sorted(ids))}
    from assess.models import Round

    released = set(released_ids(db.session.get(Round, round_id)))
    out = {
        "primary key": spearman(arrival, [ranks[i] for i in ids]),
        "submitted_on": spearman(arrival, [float(str(r.submitted_on).replace("-", ""))
                                           for r in found]),
        "in release": spearman(arrival, [float(i in released) for i in ids]),
    }
    if postgres:
        blocks = [tuple(int(x) for x in row.ctid.strip("()").split(",")) for row in found]
        out["physical (ctid)"] = spearman(arrival, [b * 10_000 + o for b, o in blocks])
        xmins = [float(row.xmin) for row in found]
        out["xmin"] = spearman(arrival, xmins)
        out["xmins"] = float(len(set(xmins)))
    else:
        offsets = _sqlite_offsets(db, ids)
        out["physical (file offset)"] = spearman(arrival, [offsets[i] for i in ids])
    db.session.rollback()
    return out


def _arrival(answers: object) -> int:
    import json

    text = (json.loads(answers) if isinstance(answers, str) else answers)["open_change"]
    match = ARRIVAL.match(text)
    assert match, text
    return int(match.group(1))


def _sqlite_offsets(db, ids: list[str], table: str = "response") -> dict[str, float]:
    """Where each row lies in the database file: the offset of its id within the
    b-tree pages of `table`: leaves, and interior pages, which hold whole rows in a
    WITHOUT ROWID table (after a checkpoint, so the file holds every page)."""
    import sqlite3

    db.session.commit()
    path = db.engine.url.database
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = [p for (p,) in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype != 'overflow'", (table,))]
    finally:
        conn.close()
    data = Path(path).read_bytes()
    offsets: dict[str, float] = {}
    for page in pages:
        start = (page - 1) * size
        chunk = data[start:start + size]
        for key in ids:
            at = chunk.find(key.encode())
            if at >= 0 and key not in offsets:
                offsets[key] = float(start + at)
    missing = [i for i in ids if i not in offsets]
    assert not missing, f"{len(missing)} rows not found in the pages of {table}"
    return offsets
