"""Personal invitations: generated for download, or sent by mail to a list of addresses;
reminders only to unused ones; unused ones can be revoked.

An invitation knows whether it was used, never by which response. Its link is derived
from the app's secret key (`links`), so a reminder carries the same link as the first
mail and the consultant can download the links again. Whether it was used is read from
the sent marks of the round, whose keys only the secret key derives from the link
(`respondent.operations`): sending answers never writes the invitation's row.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import sqlalchemy as sa

from questionnaires.model import quoted

from ..errors import BadForm, NotFound
from ..extensions import db
from ..models import Invitation, Round, SentMark, today
from . import links

MAX_AT_ONCE = 2000
_EMAIL = re.compile(r"^[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[^@\s,;<>\"']+$")


@dataclass(frozen=True)
class InvitationRow:
    public_id: str
    link: str | None
    email: str | None
    used: bool
    revoked: bool
    sent_on: object
    reminded_on: object


def generate(round_: Round, count: int) -> list[Invitation]:
    """`count` new invitations without addresses (for the consultant to hand out)."""
    if not 1 <= count <= MAX_AT_ONCE:
        raise BadForm(f"Ask for between 1 and {MAX_AT_ONCE} invitations at a time.")
    made = [Invitation(round_id=round_.id) for _ in range(count)]
    for invitation in made:
        links.give_invitation_token(invitation)
    db.session.add_all(made)
    db.session.commit()
    return made


def parse_addresses(text: str) -> list[str]:
    """Addresses separated by lines, commas or semicolons; duplicates dropped."""
    found: list[str] = []
    for number, raw in enumerate(re.split(r"[\n,;]+", text or ""), start=1):
        address = raw.strip().strip("<>").lower()
        if not address:
            continue
        if len(address) > 254 or not _EMAIL.match(address):
            raise BadForm(f"Entry {number}: {quoted(raw.strip())} is not an email address.")
        if address not in found:
            found.append(address)
    if not found:
        raise BadForm("Please give at least one email address.")
    if len(found) > MAX_AT_ONCE:
        raise BadForm(f"At most {MAX_AT_ONCE} addresses at a time.")
    return found


def mail_configured() -> bool:
    from .. import mail

    return mail.configured()


def invite_addresses(round_: Round, text: str) -> int:
    """One invitation per new address, each sent by mail. Addresses already invited to
    this round are skipped. Returns how many were sent."""
    if not mail_configured():
        raise BadForm("Sending needs a mail server (ASSESS_MAIL_SERVER). Generate links to "
                      "hand out instead.")
    addresses = parse_addresses(text)
    known = set(db.session.scalars(sa.select(Invitation.email)
                                   .where(Invitation.round_id == round_.id)))
    made = [Invitation(round_id=round_.id, email=a) for a in addresses if a not in known]
    for invitation in made:
        links.give_invitation_token(invitation)
    db.session.add_all(made)
    db.session.commit()  # the invitations exist even if the mail server fails midway
    return _send(round_, made, reminder=False)


def used_ids(round_: Round, invitations: list[Invitation]) -> set[int]:
    """The ids of those of a round's invitations whose answers were sent."""
    from ..respondent.operations import sent_mark

    marks = set(db.session.scalars(sa.select(SentMark.token_hash)
                                   .where(SentMark.round_id == round_.id)))
    used = set()
    for invitation in invitations:
        token = links.invitation_token(invitation)
        if invitation.used or (token is not None and sent_mark(token) in marks):
            used.add(invitation.id)
    return used


def remind(round_: Round) -> int:
    """Mail again every invitation with an address that is neither used nor revoked."""
    if not mail_configured():
        raise BadForm("Reminders need a mail server (ASSESS_MAIL_SERVER).")
    addressed = db.session.scalars(sa.select(Invitation).where(
        Invitation.round_id == round_.id, Invitation.email.is_not(None),
        Invitation.revoked.is_(False))).all()
    used = used_ids(round_, list(addressed))
    return _send(round_, [i for i in addressed if i.id not in used], reminder=True)


def revoke(round_: Round, public_id: str) -> None:
    invitation = db.session.scalar(sa.select(Invitation).where(
        Invitation.round_id == round_.id, Invitation.public_id == public_id[:16]))
    if invitation is None:
        raise NotFound("There is no such invitation in this round.")
    if used_ids(round_, [invitation]):
        raise BadForm("This invitation was already used; it cannot be revoked.")
    invitation.revoked = True
    db.session.commit()


def rows(round_: Round) -> list[InvitationRow]:
    found = list(db.session.scalars(sa.select(Invitation)
                                    .where(Invitation.round_id == round_.id)
                                    .order_by(Invitation.id)))
    used = used_ids(round_, found)
    return [InvitationRow(i.public_id, None if i.id in used or i.revoked else
                          links.invitation_link(i), i.email, i.id in used, i.revoked,
                          i.sent_on, i.reminded_on) for i in found]


def counts(round_: Round) -> dict[str, int]:
    """Invitations: all, used, waiting (neither used nor revoked), revoked."""
    found = rows(round_)
    return {"all": len(found), "used": sum(r.used for r in found),
            "revoked": sum(r.revoked for r in found),
            "waiting": sum(not r.used and not r.revoked for r in found)}


def links_csv(round_: Round) -> str:
    """Every unused, unrevoked invitation's link, one per row, to hand out."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["invitation", "email", "link"])
    for row in rows(round_):
        if row.link:
            writer.writerow([row.public_id, row.email or "", row.link])
    return buffer.getvalue()


def _send(round_: Round, invitations: list[Invitation], *, reminder: bool) -> int:
    """Mail each invitation; the day is recorded for each one the server accepted. A
    failure is reported once; the others are still sent (a reminder resends them)."""
    from ..mail import MailError

    sent, failed = 0, 0
    for invitation in invitations:
        try:
            _mail(round_, invitation, reminder=reminder)
        except MailError:
            failed += 1
            continue
        sent += 1
        if reminder:
            invitation.reminded_on = today()
        else:
            invitation.sent_on = today()
    db.session.commit()
    if failed:
        raise BadForm(f"The mail server refused {failed} of {len(invitations)} messages "
                      f"({sent} sent). Try again later, or hand out the links.")
    return sent


def _mail(round_: Round, invitation: Invitation, *, reminder: bool) -> None:
    from ..mail import external_url, send

    link = external_url("respondent.invitation_link", token=links.invitation_token(invitation))
    organisation = round_.organisation.name
    subject = (f"Reminder: {organisation}'s sales team survey" if reminder
               else f"{organisation}'s sales team survey")
    body = (f"You are invited to {organisation}'s anonymous sales team survey "
            f"({round_.title}).\n\nIt takes about 12 minutes, one topic per page; you can "
            f"stop and come back. Nobody sees your own answers: results are shown only "
            f"for groups of at least {round_.min_group_size} people.\n\nYour personal "
            f"link (it works once you send your answers):\n{link}\n")
    send(str(invitation.email), subject, body)
