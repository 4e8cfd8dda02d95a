"""The demo data set: a consultant, a client with three past rounds and an open one.

The past rounds tell a story a consultant can read in the console's trend: sales
operations and the sales process improve round after round (the plan worked), belief
recovers late, while target-market strategy and non-sales work do not move. The open
round has answers too, so results, progress and the report all have something to show.

Idempotent: every object is looked up by a fixed name before it is created. The open
round's shared link is derived from the app's secret key and a fixed salt, so the same
secret key prints the same URL on every run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from scoring import parse_answers
from scoring.synthetic import synthetic_answers

from . import questionnaire_store
from .console import links
from .console.releases import after_new_responses
from .extensions import db
from .models import Account, Organisation, Response, Round, today, utcnow

EMAIL = "demo@example.com"
PASSWORD = "demo-password"
ORGANISATION = "Acme Industrial (demo)"
TEAMS = {"East": 22, "West": 16, "Central": 14}

# True team levels (0-100) of the open round; earlier rounds add the shifts below.
TEAM_LEVELS = {
    "foundation.belief": 52, "foundation.desire": 58, "foundation.competency": 62,
    "foundation.execution": 55, "bucket.sales_operations": 66, "bucket.target_market": 56,
    "bucket.sales_effectiveness": 63, "bucket.talent": 60, "bucket.marketing": 66,
    "culprit.non_sales_work": 48, "culprit.handoffs": 57, "process.enforcement": 64,
    "process.trust": 61, "process.evidence": 58,
}
IMPROVING = ("bucket.sales_operations", "bucket.sales_effectiveness", "process.enforcement",
             "process.trust", "process.evidence", "process.cadence", "process.stage_outcomes",
             "process.buyer_alignment", "culprit.handoffs")
LATE = ("foundation.belief", "foundation.desire")
LEADERSHIP_BONUS = 16  # leaders see a rosier picture: a perception gap to find

# (title, days ago it opened, length in days, responses, step back from today's levels)
ROUNDS = (
    ("Baseline, spring (demo)", 420, 21, 38, 3),
    ("Follow-up, autumn (demo)", 240, 21, 41, 2),
    ("Follow-up, spring (demo)", 90, 21, 44, 1),
)
OPEN_TITLE = "Team survey, this quarter (demo)"


@dataclass(frozen=True)
class DemoInfo:
    email: str
    password: str
    round_id: int
    link_token: str
    created: bool


def _levels(q, steps_back: int) -> dict[str, float]:
    out = {}
    for dim in q.dimensions:
        level = TEAM_LEVELS.get(dim.key, 62 if dim.group == "process" else 64)
        if dim.key in IMPROVING:
            level -= 9 * steps_back
        elif dim.key in LATE:
            level -= 8 if steps_back else 0
        out[dim.key] = max(0.0, min(100.0, level))
    return out


def _responses(q, round_id: int, n: int, seed: int, steps_back: int, first_day: date,
               last_day: date) -> list[Response]:
    leaders = max(6, n // 5)
    frames = [
        synthetic_answers(q, leaders, seed=seed, levels={
            k: min(100.0, v + LEADERSHIP_BONUS) for k, v in _levels(q, steps_back).items()},
            roles={"leader": 0.3, "manager": 0.7}, teams=list(TEAMS), with_text=True),
        synthetic_answers(q, n - leaders, seed=seed + 1, levels=_levels(q, steps_back),
                          roles={"rep": 0.7, "support": 0.15, "operations": 0.15},
                          teams=list(TEAMS), with_text=True),
    ]
    rng = random.Random(seed)
    span = max((last_day - first_day).days, 0)
    out: list[Response] = []
    for frame in frames:
        answers = parse_answers(frame, q)
        for record, role, team in zip(answers.to_records(), answers.role, answers.team,
                                      strict=True):
            out.append(Response(round_id=round_id, role=role or None, team=team or None,
                                answers=record, complete=q.complete(role or None, record),
                                submitted_on=first_day + timedelta(days=rng.randint(0, span))))
    return out


def _round(org: Organisation, row, q, title: str, opened: datetime, closes: datetime | None,
           status: str, n: int, seed: int, steps_back: int) -> tuple[Round, bool]:
    found = db.session.scalar(sa.select(Round).filter_by(organisation_id=org.id, title=title))
    if found is not None:
        return found, False
    round_ = Round(organisation=org, questionnaire=row, title=title, opens_at=opened,
                   closes_at=closes, min_group_size=q.min_group_size, access_mode="both",
                   status=status, teams=list(TEAMS), headcounts=dict(TEAMS))
    db.session.add(round_)
    db.session.flush()
    last = min((closes or utcnow()).date(), today())
    db.session.add_all(_responses(q, round_.id, n, seed, steps_back, opened.date(), last))
    after_new_responses(round_.id)
    return round_, True


def seed(questionnaire_key: str = "team-ecosystem") -> DemoInfo:
    """The demo consultant, client and rounds; the open round's link is derived from the
    current app's secret key (`console.links`)."""
    q = questionnaire_store.get(questionnaire_key)
    row = questionnaire_store.record(q)
    created = False

    consultant = db.session.scalar(sa.select(Account).filter_by(email=EMAIL))
    if consultant is None:
        consultant = Account(email=EMAIL, name="Demo Consultant", role="consultant",
                             brand_name="Northwind Advisory (demo)",
                             brand_contact="Demo Consultant · demo@example.com")
        consultant.set_password(PASSWORD)
        db.session.add(consultant)
        created = True
    org = db.session.scalar(sa.select(Organisation).filter_by(name=ORGANISATION))
    if org is None:
        org = Organisation(name=ORGANISATION, consultant=consultant)
        db.session.add(org)
    db.session.flush()

    midnight = datetime.combine(today(), time(), tzinfo=UTC)
    for i, (title, ago, length, n, back) in enumerate(ROUNDS):
        opened = midnight - timedelta(days=ago)
        _, made = _round(org, row, q, title, opened, opened + timedelta(days=length),
                         "closed", n, seed=11 + 10 * i, steps_back=back)
        created = created or made
    current, made = _round(org, row, q, OPEN_TITLE, midnight - timedelta(days=14), None,
                           "open", 40, seed=7, steps_back=0)
    created = created or made
    current.link_salt = f"demo-{current.public_id}"
    token = links.round_token(current)
    current.link_token_hash = links.hash_token(token)
    if current.state(utcnow()) != "open":
        current.status, current.closes_at = "open", None
    db.session.commit()
    return DemoInfo(EMAIL, PASSWORD, current.id, token, created)
