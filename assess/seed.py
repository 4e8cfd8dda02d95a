"""The demo data set: a consultant, a client, an open and a closed team round.

Idempotent: every object is looked up by a fixed name before it is created. The shared
survey link must be printable on every run, yet the database keeps only link hashes;
so the demo's link token is derived from the app's secret key with HMAC
(`tokens.derived_token`). Same secret key, same URL; if the key changed, the round is
re-pointed to the newly derived token (the old demo link stops working). Real rounds use
random tokens that are shown once and never stored.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from scoring import parse_answers
from scoring.synthetic import synthetic_answers

from . import questionnaire_store
from .extensions import db
from .models import Account, Organisation, Response, Round, today, utcnow
from .tokens import derived_token, hash_token

EMAIL = "demo@example.com"
PASSWORD = "demo-password"
ORGANISATION = "Acme Industrial (demo)"
OPEN_TITLE = "Team survey, this quarter (demo)"
CLOSED_TITLE = "Team survey, last year (demo)"
TEAMS = ["East", "West", "Central"]

# True team levels (0-100) per dimension: belief is the weak lowest rung, the process
# is loose and sales operations lag, so the ladder and ecosystem rules both fire.
TEAM_LEVELS = {
    "foundation.belief": 42, "foundation.desire": 55, "foundation.competency": 62,
    "foundation.execution": 48, "bucket.sales_operations": 50, "bucket.target_market": 68,
    "bucket.sales_effectiveness": 58, "bucket.talent": 63, "bucket.marketing": 66,
    "culprit.non_sales_work": 45, "culprit.handoffs": 52,
}
LEADERSHIP_BONUS = 18  # leaders see a rosier picture: a perception gap to find
PREVIOUS_PENALTY = 8  # last year was a little worse: a trend to show


@dataclass(frozen=True)
class DemoInfo:
    email: str
    password: str
    round_id: int
    link_token: str
    created: bool


def _levels(q, shift: float) -> dict[str, float]:
    out = {}
    for dim in q.dimensions:
        base = TEAM_LEVELS.get(dim.key, 60 if dim.group == "process" else 64)
        out[dim.key] = max(0.0, min(100.0, base + shift))
    return out


def _responses(q, round_id: int, n: int, seed: int, shift: float,
               first_day, last_day) -> list[Response]:
    leaders = max(5, n // 5)
    frames = [
        synthetic_answers(q, leaders, seed=seed, levels=_levels(q, shift + LEADERSHIP_BONUS),
                          roles={"leader": 0.3, "manager": 0.7}, teams=TEAMS,
                          with_text=True),
        synthetic_answers(q, n - leaders, seed=seed + 1, levels=_levels(q, shift),
                          roles={"rep": 0.7, "support": 0.15, "operations": 0.15},
                          teams=TEAMS, with_text=True),
    ]
    rng = random.Random(seed)
    span = max((last_day - first_day).days, 0)
    out = []
    for frame in frames:
        answers = parse_answers(frame, q)
        for record, role, team in zip(answers.to_records(), answers.role, answers.team,
                                      strict=True):
            out.append(Response(round_id=round_id, role=role or None, team=team or None,
                                answers=record,
                                submitted_on=first_day + timedelta(days=rng.randint(0, span))))
    return out


def seed(secret_key: str, questionnaire_key: str = "team-ecosystem") -> DemoInfo:
    q = questionnaire_store.get(questionnaire_key)
    row = questionnaire_store.record(q)
    created = False

    consultant = db.session.scalar(sa.select(Account).filter_by(email=EMAIL))
    if consultant is None:
        consultant = Account(email=EMAIL, name="Demo Account")
        consultant.set_password(PASSWORD)
        db.session.add(consultant)
        created = True
    org = db.session.scalar(sa.select(Organisation).filter_by(name=ORGANISATION))
    if org is None:
        org = Organisation(name=ORGANISATION, consultant=consultant)
        db.session.add(org)
    db.session.flush()

    start_of_today = datetime.combine(today(), time(), tzinfo=UTC)
    closed = db.session.scalar(sa.select(Round).filter_by(organisation_id=org.id,
                                                          title=CLOSED_TITLE))
    if closed is None:
        closed = Round(organisation=org, questionnaire=row, title=CLOSED_TITLE,
                       opens_at=start_of_today - timedelta(days=380),
                       closes_at=start_of_today - timedelta(days=350),
                       min_group_size=q.min_group_size, access_mode="link",
                       status="closed", teams=TEAMS)
        db.session.add(closed)
        db.session.flush()
        db.session.add_all(_responses(q, closed.id, 34, seed=11, shift=-PREVIOUS_PENALTY,
                                      first_day=closed.opens_at.date(),
                                      last_day=closed.closes_at.date()))
    current = db.session.scalar(sa.select(Round).filter_by(organisation_id=org.id,
                                                           title=OPEN_TITLE))
    if current is None:
        current = Round(organisation=org, questionnaire=row, title=OPEN_TITLE,
                        opens_at=start_of_today - timedelta(days=14), closes_at=None,
                        min_group_size=q.min_group_size, access_mode="both",
                        status="open", teams=TEAMS)
        db.session.add(current)
        db.session.flush()
        db.session.add_all(_responses(q, current.id, 40, seed=7, shift=0,
                                      first_day=today() - timedelta(days=14),
                                      last_day=today()))
        created = True
    token = derived_token(secret_key, f"demo-round-link:{current.id}")
    if current.link_token_hash != hash_token(token):
        current.link_token_hash = hash_token(token)
    if current.state(utcnow()) != "open":
        current.status, current.closes_at = "open", None
    db.session.commit()
    return DemoInfo(EMAIL, PASSWORD, current.id, token, created)
