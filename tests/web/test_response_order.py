"""Neither the responses' place on disk nor their transaction ids tell the order they
arrived in (`assess/console/shuffling.py`), measured on SQLite and PostgreSQL over 1,000
submissions sent one by one through the survey's pages."""

from __future__ import annotations

import math
import random
import uuid

import pytest
import sqlalchemy as sa

from . import order

N = 1000
LIMIT = 0.1  # |rho| at most this once the rewrite has run


def _report(label: str, figures: dict[str, float]) -> None:
    shown = ", ".join(f"{k} {v:+.3f}" if k != "xmins" else f"{k} {v:.0f}"
                      for k, v in figures.items())
    print(f"\n{label}: {shown}")


def _assert_hidden(figures: dict[str, float]) -> None:
    for name, rho in figures.items():
        if name == "xmins":
            assert rho == 1, figures  # one transaction id for every row
        elif name in ("xmin", "submitted_on"):
            assert math.isnan(rho), (name, figures)  # one value: nothing to order by
        else:
            assert abs(rho) < LIMIT, (name, figures)


def test_rewrite_hides_arrival_order(app, client, make_round, runner, monkeypatch, backend):
    """Before any rewrite the measurement sees the order (PostgreSQL: rho ~ 1 for ctid and
    xmin; SQLite's rows sit in the order of their random keys, so a copy in a table with
    rowids stands in to show that the file offset measure sees order when there is some).
    The first submit after the rewrite is due rewrites the round; closing it rewrites
    what came since. Results stay the same throughout."""
    from assess import models
    from assess.console import shuffling
    from assess.console.releases import released_ids
    from assess.extensions import db
    from assess.models import Response, Round

    # The shuffle's salts and the responses' random ids come from seeded generators, so
    # that the figures are the same every run: with true randomness each figure has a 1
    # in 600 chance of |rho| >= 0.1 over 1,000 rows, and CI would fail now and then.
    salts, ids = random.Random(5), random.Random(12)
    shuffle_if_due = shuffling.shuffle_if_due
    monkeypatch.setattr(shuffling, "new_salt", lambda: f"{salts.getrandbits(64):x}")
    monkeypatch.setattr(models.uuid, "uuid4",
                        lambda: uuid.UUID(int=ids.getrandbits(128), version=4))
    monkeypatch.setattr(shuffling, "shuffle_if_due", lambda _round_id, _counts=None: False)
    r = make_round(min_group_size=3)
    for number in range(N):
        order.submit(client, r.link, number)
    with app.app_context():
        before = order.figures(db, r.id)
        released_before = sorted(released_ids(db.session.get(Round, r.id)))
        db.session.rollback()
        if backend == "sqlite":
            copy = _sqlite_rowid_copy(db, r.id)
    _report(f"{backend}, {N} submitted, no rewrite", before)
    if backend == "postgresql":
        assert before["physical (ctid)"] > 0.99 and before["xmin"] > 0.99
        assert before["xmins"] == N
    else:
        assert copy > 0.9, copy  # pages reused from the free list make it below 1
        assert abs(before["physical (file offset)"]) < LIMIT  # random keys already
    assert abs(before["primary key"]) < LIMIT and math.isnan(before["submitted_on"])

    monkeypatch.setattr(shuffling, "shuffle_if_due", shuffle_if_due)
    order.submit(client, r.link, N)  # due long ago: this submit's request rewrites
    with app.app_context():
        after = order.figures(db, r.id)
        shuffled = db.session.get(Round, r.id).responses_shuffled
        db.session.rollback()
    _report(f"{backend}, {N + 1} submitted, rewritten", after)
    assert shuffled == N + 1
    _assert_hidden({k: v for k, v in after.items() if k != "in release"})

    for number in range(N + 1, N + 4):  # three more: the newest wait for the next rewrite
        order.submit(client, r.link, number)
    done = runner.invoke(args=["rounds", "close", r.public_id])
    assert done.exit_code == 0, done.output
    with app.app_context():
        closed = order.figures(db, r.id)
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Response))
        released_after = released_ids(db.session.get(Round, r.id))
        db.session.rollback()
    _report(f"{backend}, {N + 4} submitted, round closed", closed)
    assert count == N + 4
    _assert_hidden(closed)
    # every response released before is still there, under the same id
    assert set(released_before) <= set(released_after)


def _sqlite_rowid_copy(db, round_id: int) -> float:
    """rho of arrival and file offset for the same rows copied, in arrival order, into a
    table with rowids (what SQLite does with a table that has them)."""
    conn = db.session.connection()
    rows = conn.execute(sa.text("SELECT id, answers FROM response WHERE round_id = :r"),
                        {"r": round_id}).all()
    rows.sort(key=lambda row: order._arrival(row.answers))
    conn.exec_driver_sql("CREATE TABLE rowid_copy (id VARCHAR(36), answers JSON)")
    conn.execute(sa.text("INSERT INTO rowid_copy VALUES (:id, :answers)"),
                 [{"id": row.id, "answers": row.answers} for row in rows])
    db.session.commit()
    offsets = order._sqlite_offsets(db, [row.id for row in rows], table="rowid_copy")
    arrival = [float(order._arrival(row.answers)) for row in rows]
    rho = order.spearman(arrival, [offsets[row.id] for row in rows])
    db.session.connection().exec_driver_sql("DROP TABLE rowid_copy")
    db.session.commit()
    return rho


@pytest.mark.parametrize("count, shuffled, k, due", [
    (3, 0, 3, True), (2, 0, 3, False), (100, 91, 5, True), (100, 92, 5, False),
    (1100, 1000, 5, True), (1099, 1000, 5, False), (10, 10, 3, False)])
def test_a_rewrite_is_due_once_a_tenth_or_k_are_new(count, shuffled, k, due):
    from assess.console.shuffling import is_due

    assert is_due(count, shuffled, k) is due
