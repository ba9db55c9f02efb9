"""Managing staff accounts, one path for the chat, the command line and the office: who may
hand out which role, and what a change of role or a removal ends at once (the officer's web
sessions). Every change is written to the staff events of the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from messages import staff as msg
from storage.office import logins
from storage.staff import accounts as staff
from storage.staff.accounts import Role
from storage.staff.models import StaffInvite, StaffMember


class Refused(Exception):
    """A change the one asking may not make; the text says why, in Thai."""


def may_give(giver: frozenset[Role] | None, role: Role) -> bool:
    """Only an administrator hands out a role that reads tips (`None`: the server's own CLI);
    a host's administrator could otherwise invite themselves to the tips."""
    return giver is None or role not in staff.TIP_READING or Role.ADMIN in giver


def invite(
    session: Session, org_id: int, *, giver: frozenset[Role] | None, actor: str, role: Role,
    name: str, now: datetime,
) -> tuple[StaffInvite, str]:  # fmt: skip
    if not may_give(giver, role):
        raise Refused(msg.HOST_ADMIN_NO_TIP_ROLES)
    return staff.invite(session, org_id=org_id, roles=[role], name=name.strip()[:255], now=now,
                        actor=actor)  # fmt: skip


def change_role(
    session: Session, org_id: int, member_id: int, *, giver: frozenset[Role] | None, actor: str,
    role: Role, now: datetime,
) -> StaffMember | None:  # fmt: skip
    """The account holds `role` only from now; its web sessions end (None: no such account)."""
    if not may_give(giver, role):
        raise Refused(msg.HOST_ADMIN_NO_TIP_ROLES)
    member = staff.set_roles(session, org_id, member_id, [role], now, actor=actor)
    if member is not None:
        logins.end_all(session, member.id, now)
    return member


def remove(
    session: Session, org_id: int, member_id: int, *, actor: str, now: datetime
) -> StaffMember | None:
    """Staff rights taken away at once: the chat's next event and every web session."""
    member = staff.remove(session, org_id, member_id, now, actor=actor)
    if member is not None:
        logins.end_all(session, member.id, now)
    return member
