"""The CEO's path from the quick check to a team survey.

On a self-serve installation the CEO opens an account (a client user of a new
organisation with no consultant, so they run its rounds themselves) and gets a first
team round with its link; otherwise the request reaches the installation's consultant
as a lead. Either way the CEO's quick result is attached, so the team report sets the
CEO's view against the team's.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from .. import questionnaire_store
from ..console import links
from ..console.rounds import clean_name
from ..errors import BadForm
from ..extensions import db
from ..models import Account, Lead, Organisation, QuickResult, Round, utcnow


def lead_consultant() -> Account | None:
    """Who receives requests: LEAD_CONSULTANT, else the only consultant, else nobody
    (admins see unassigned leads)."""
    email = (current_app.config.get("LEAD_CONSULTANT") or "").strip().lower()
    query = sa.select(Account).where(Account.role == "consultant", Account.active.is_(True))
    if email:
        return db.session.scalar(query.where(Account.email == email))
    found = db.session.scalars(query.limit(2)).all()
    return found[0] if len(found) == 1 else None


def request_team_survey(row: QuickResult, name: str, email: str, company: str,
                        team_size: int | None) -> Lead:
    consultant = lead_consultant()
    lead = Lead(consultant_id=consultant.id if consultant else None,
                name=clean_name(name, "person", 120), email=_email(email),
                company=clean_name(company, "company"), team_size=team_size,
                quick_result_id=row.id)
    db.session.add(lead)
    db.session.commit()
    return lead


def start_self_serve(row: QuickResult, name: str, email: str, company: str,
                     password: str) -> tuple[Account, Round]:
    """A new organisation, its CEO's account and a first round, in one transaction."""
    from ..auth.operations import check_password_policy

    address = _email(email)
    if db.session.scalar(sa.select(Account.id).where(Account.email == address)):
        raise BadForm("There is already an account with that email: sign in instead.")
    check_password_policy(password, address)
    org = Organisation(name=clean_name(company, "company"))
    account = Account(email=address, name=clean_name(name, "person", 120), role="client",
                      organisation=org)
    account.set_password(password)
    q = questionnaire_store.get(current_app.config["TEAM_QUESTIONNAIRE"])
    now = utcnow()
    round_ = Round(organisation=org, questionnaire=questionnaire_store.record(q),
                   title="Team survey", opens_at=now, closes_at=now + timedelta(days=14),
                   min_group_size=q.min_group_size, access_mode="both", status="open",
                   ceo_result=row)
    links.give_round_link(round_)
    db.session.add_all([org, account, round_])
    db.session.commit()
    return account, round_


def _email(text: str) -> str:
    from ..console.invitations import parse_addresses

    found = parse_addresses(text or "")
    if len(found) != 1:
        raise BadForm("Please give one email address.")
    return found[0]
