"""State changes of clients and rounds, one transaction each.

A round is created from a published team questionnaire with its dates, threshold k
(never below the questionnaire's), teams with expected headcounts, and access mode;
then opened, closed, extended or reopened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from questionnaires.model import quoted
from scoring.text import text_problem

from .. import questionnaire_store
from ..errors import BadForm
from ..extensions import db
from ..models import ACCESS_MODES, Account, Organisation, QuickResult, Round, utcnow
from ..tokens import hash_token, plausible
from . import links

TEAM_MAX = 80
MAX_TEAMS = 200
NAME_MAX = 200


def clean_name(text: str, what: str, limit: int = NAME_MAX) -> str:
    """A name as typed, trimmed; empty, too long or breaking the text rule (one line, no
    control characters: `scoring.text`) is refused."""
    text = (text or "").strip()
    if not text:
        raise BadForm(f"Please give the {what} a name.")
    if len(text) > limit:
        raise BadForm(f"The {what}'s name is too long ({len(text)} characters; at most "
                      f"{limit}).")
    problem = text_problem(text, multiline=False)
    if problem:
        raise BadForm(f"The {what}'s name contains {problem}.")
    return text


# ------------------------------------------------------------------------- clients


def create_client(consultant: Account, name: str) -> Organisation:
    org = Organisation(name=clean_name(name, "client"), consultant_id=consultant.id)
    db.session.add(org)
    db.session.commit()
    return org


def rename_client(org: Organisation, name: str) -> None:
    org.name = clean_name(name, "client")
    db.session.commit()


def archive_client(org: Organisation, archived: bool) -> None:
    org.archived_at = utcnow() if archived else None
    db.session.commit()


# --------------------------------------------------------------------------- rounds


@dataclass(frozen=True)
class RoundSpec:
    """What a consultant asks for when creating a round (already parsed from the form)."""

    title: str
    questionnaire: str  # KEY@VERSION of a published team questionnaire
    opens_on: date
    closes_on: date | None
    min_group_size: int
    teams: str  # one per line: "East: 12" (expected headcount) or "East"
    access_mode: str
    ceo_link: str = ""  # a CEO quick-check result link or token to set against the team


def parse_teams(text: str) -> dict[str, int | None]:
    """'East: 12' lines -> {team: expected headcount or None}, in the order given."""
    out: dict[str, int | None] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = re.fullmatch(r"(.+?)\s*(?:[:=,;\t]\s*|\s+)(\d{1,6})", line)
        name, count = (match.group(1), int(match.group(2))) if match else (line, None)
        name = clean_name(name, f"team on line {number}", TEAM_MAX)
        if count is not None and count < 1:
            raise BadForm(f"Line {number}: a team's expected headcount must be at least 1.")
        if name in out:
            raise BadForm(f"Line {number}: the team {name!r} is listed twice.")
        out[name] = count
        if len(out) > MAX_TEAMS:
            raise BadForm(f"At most {MAX_TEAMS} teams per round.")
    return out


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def ceo_result_from(link: str) -> QuickResult | None:
    """A CEO quick-check result from its link (or bare token); BadForm if unknown."""
    link = (link or "").strip()
    if not link:
        return None
    token = link.rstrip("/").rsplit("/", 1)[-1]
    row = db.session.get(QuickResult, hash_token(token)) if plausible(token) else None
    if row is None:
        raise BadForm("That CEO result link was not recognised. Paste the whole link of "
                      "the result page.")
    return row


def create_round(org: Organisation, spec: RoundSpec) -> tuple[Round, str]:
    """The new round and its shared link's token."""
    from questionnaires import QuestionnaireError, load_ref

    try:
        q = load_ref(spec.questionnaire, questionnaire_store.root())
    except QuestionnaireError:
        raise BadForm("Please choose one of the published questionnaires.") from None
    if q.audience != "team":
        raise BadForm("A team round needs a team questionnaire.")
    if spec.min_group_size < q.min_group_size:
        raise BadForm(f"The anonymity threshold cannot be below {q.min_group_size}, the "
                      f"questionnaire's own.")
    if spec.access_mode not in ACCESS_MODES:
        raise BadForm("Please choose how people reach the survey.")
    if spec.closes_on is not None and spec.closes_on <= spec.opens_on:
        raise BadForm("The closing date must be after the opening date.")
    teams = parse_teams(spec.teams)
    round_ = Round(
        organisation=org, questionnaire=questionnaire_store.record(q),
        title=clean_name(spec.title, "round"), opens_at=_moment(spec.opens_on),
        closes_at=None if spec.closes_on is None else _moment(spec.closes_on),
        min_group_size=spec.min_group_size, access_mode=spec.access_mode, status="open",
        teams=list(teams) or None,
        headcounts={t: n for t, n in teams.items() if n is not None} or None,
        ceo_result=ceo_result_from(spec.ceo_link))
    token = links.give_round_link(round_)
    db.session.add(round_)
    db.session.commit()
    return round_, token


def change_state(round_: Round, action: str, until: date | None = None) -> None:
    """open (now), close (now), extend (to a later closing day) or reopen (a closed round,
    optionally until a day). Then the round's newest responses are shuffled in with the
    rest (`shuffling`), so a closed round keeps no arrival order."""
    from .shuffling import shuffle_now

    now = utcnow()
    if action == "open":
        round_.status = "open"
        if round_.state(now) == "not_open":
            round_.opens_at = now
    elif action == "close":
        round_.status = "closed"
        round_.closes_at = now
    elif action in ("extend", "reopen"):
        if until is not None and _moment(until) <= now:
            raise BadForm("The new closing date must be in the future.")
        if action == "extend" and until is None:
            raise BadForm("Please give the new closing date.")
        round_.status = "open"
        round_.closes_at = None if until is None else _moment(until)
    else:
        raise BadForm(f"Unknown action {quoted(action)}.")
    db.session.commit()
    shuffle_now(round_.id)


def attach_ceo_result(round_: Round, link: str) -> None:
    round_.ceo_result = ceo_result_from(link)
    db.session.commit()


def earlier_rounds_of(org: Organisation) -> list[Round]:
    return list(db.session.scalars(sa.select(Round).where(Round.organisation_id == org.id)
                                   .order_by(Round.opens_at)))


def default_opens_on() -> date:
    return utcnow().date()


def default_closes_on() -> date:
    return utcnow().date() + timedelta(days=14)


def start_from_lead(account: Account, lead_public_id: str) -> Round:
    """A CEO's request becomes a client and a first round (open for two weeks), with the
    CEO's quick result set against the team."""
    from flask import current_app

    from ..errors import NotFound
    from ..models import Lead

    query = sa.select(Lead).where(Lead.public_id == lead_public_id[:16],
                                  Lead.handled_at.is_(None))
    if account.role != "admin":
        query = query.where(Lead.consultant_id == account.id)
    lead = db.session.scalar(query)
    if lead is None:
        raise NotFound("There is no such request waiting in your console.")
    org = Organisation(name=clean_name(lead.company, "client"), consultant_id=account.id)
    q = questionnaire_store.get(current_app.config["TEAM_QUESTIONNAIRE"])
    now = utcnow()
    round_ = Round(organisation=org, questionnaire=questionnaire_store.record(q),
                   title="Team survey", opens_at=now, closes_at=now + timedelta(days=14),
                   min_group_size=q.min_group_size, access_mode="both", status="open",
                   ceo_result_id=lead.quick_result_id)
    links.give_round_link(round_)
    lead.handled_at = now
    db.session.add_all([org, round_])
    db.session.commit()
    return round_
