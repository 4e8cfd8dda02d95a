"""Who may see and change what: the one place the console checks ownership.

An admin sees every organisation; a consultant their own clients; a client user their
own organisation, read-only. Objects are found by their random public id, and an object
the account may not see is "not found" -- the same answer as one that does not exist.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..errors import Forbidden, NotFound
from ..extensions import db
from ..models import Account, Organisation, Round

MANAGERS = ("admin", "consultant")


def can_manage(account: Account, org: Organisation | None = None) -> bool:
    """Admins and consultants run rounds; a client user runs their own organisation's
    only when it has no consultant (a CEO who signed up on a self-serve installation)."""
    if account.role in MANAGERS:
        return True
    return (org is not None and org.consultant_id is None
            and org.id == account.organisation_id)


def require_manager(account: Account, org: Organisation | None = None) -> None:
    if not can_manage(account, org):
        raise Forbidden("Your account can read this organisation's results; its consultant "
                        "runs the rounds.")


def visible(account: Account) -> sa.ColumnElement[bool]:
    """The organisations this account may see, as a condition on Organisation."""
    if account.role == "admin":
        return sa.true()
    if account.role == "consultant":
        return Organisation.consultant_id == account.id
    return Organisation.id == (account.organisation_id or -1)


def organisation_for(account: Account, public_id: str, *, manage: bool = False
                     ) -> Organisation:
    org = db.session.scalar(sa.select(Organisation).where(
        Organisation.public_id == public_id[:16], visible(account)))
    if org is None:
        raise NotFound("There is no such client in your console.")
    if manage:
        require_manager(account, org)
    return org


def round_for(account: Account, public_id: str, *, manage: bool = False) -> Round:
    round_ = db.session.scalar(sa.select(Round).join(Organisation).where(
        Round.public_id == public_id[:16], visible(account)))
    if round_ is None:
        raise NotFound("There is no such round in your console.")
    if manage:
        require_manager(account, round_.organisation)
    return round_


def round_for_organisation(org: Organisation, public_id: str) -> Round:
    """A round of an organisation the caller already may see."""
    round_ = db.session.scalar(sa.select(Round).where(Round.organisation_id == org.id,
                                                      Round.public_id == public_id[:16]))
    if round_ is None:
        raise NotFound("There is no such round for this client.")
    return round_
