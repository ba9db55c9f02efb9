"""Staff accounts: invites, binding a chat, roles, removal, each written to the staff events
of the audit log (who did it, to whom, when). Repositories never commit."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, func, select

from storage import crypto
from storage.staff.models import BindAttempt, StaffEvent, StaffInvite, StaffMember
from storage.timeutil import as_utc

INVITE_LIFETIME = timedelta(hours=48)
GUESS_WINDOW = timedelta(hours=1)
MAX_GUESSES = 5  # failed codes per chat per hour; after that every code is refused
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on phones


class Role(StrEnum):
    COMPLAINT = "complaint"  # complaint officer
    INTEGRITY = "integrity"  # integrity officer: corruption tips
    PLAN = "plan"  # plan officer
    ADMIN = "admin"  # administrator: everything, and manages staff
    # The host's administrator: manages staff accounts, never reads tips, and
    # cannot hand out a role that reads them.
    HOST_ADMIN = "host-admin"


# Roles that open tips' content, directly or by implying integrity.
TIP_READING = frozenset({Role.INTEGRITY, Role.ADMIN})


def roles_of(member: StaffMember) -> frozenset[Role]:
    roles = frozenset(Role(r) for r in member.roles.split(",") if r)
    if Role.ADMIN in roles:
        return frozenset(Role) - {Role.HOST_ADMIN} | (roles & {Role.HOST_ADMIN})
    return roles


def _code_hash(code: str) -> str:
    return crypto.keyring().mac(code.strip().upper().encode(), "staff-invite")


def _chat_key(channel: str, chat_id: str) -> str:
    """A keyed hash: a plain hash of a numeric Telegram id is reversed by trying them all."""
    return crypto.keyring().mac(f"{channel}\0{chat_id}".encode(), "staff-bind")


def describe(member: StaffMember) -> str:
    """How the audit log names a staff account (as `handlers.staff.auth.actor` does)."""
    return f"staff:{member.id} {member.name}".strip()


def record(
    session: Session, org_id: int, kind: str, *, actor: str, subject: str, now: datetime,
    detail: str = "",
) -> None:  # fmt: skip
    session.add(StaffEvent(org_id=org_id, kind=kind, actor=actor[:255], subject=subject[:255],
                           detail=detail[:255], at=now))  # fmt: skip


def invite(
    session: Session, *, org_id: int, roles: list[Role], name: str, now: datetime,
    actor: str = "",
) -> tuple[StaffInvite, str]:  # fmt: skip
    """A new one-time invite; the code is returned once and only its keyed hash is stored."""
    code = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    row = StaffInvite(
        org_id=org_id, code_hash=_code_hash(code), roles=",".join(sorted(roles)), name=name,
        created_at=now, expires_at=now + INVITE_LIFETIME,
    )  # fmt: skip
    session.add(row)
    session.flush()
    record(session, org_id, "invite", actor=actor, subject=name, detail=row.roles, now=now)
    return row, code


def active(session: Session, org_id: int, channel: str, chat_id: str) -> StaffMember | None:
    """The staff account bound to this chat, if it is still staff."""
    return session.exec(
        select(StaffMember).where(
            StaffMember.org_id == org_id,
            StaffMember.channel == channel,
            StaffMember.chat_id == chat_id,
            StaffMember.removed_at.is_(None),
        )
    ).first()


def by_user(session: Session, org_id: int, channel: str, user_id: str) -> StaffMember | None:
    """The staff account of a user speaking in a group (groups have their own chat id)."""
    return session.exec(
        select(StaffMember).where(
            StaffMember.org_id == org_id,
            StaffMember.channel == channel,
            StaffMember.user_id == user_id,
            StaffMember.removed_at.is_(None),
        )
    ).first()


def guesses_left(session: Session, org_id: int, channel: str, chat_id: str, now: datetime) -> bool:
    count = session.exec(
        select(func.count(BindAttempt.id)).where(
            BindAttempt.org_id == org_id,
            BindAttempt.chat_key == _chat_key(channel, chat_id),
            BindAttempt.at > now - GUESS_WINDOW,
        )
    ).one()
    return count < MAX_GUESSES


def bind(
    session: Session, *, org_id: int, code: str, channel: str, chat_id: str, user_id: str,
    now: datetime,
) -> StaffMember | None:  # fmt: skip
    """Redeem an invite for this chat; None (and a recorded failed guess) if it is no good."""
    if not guesses_left(session, org_id, channel, chat_id, now):
        return None
    row = session.exec(
        select(StaffInvite)
        .where(StaffInvite.org_id == org_id, StaffInvite.code_hash == _code_hash(code))
        .with_for_update()
    ).first()
    if row is None or row.used_at is not None or as_utc(row.expires_at) <= now:
        session.add(BindAttempt(org_id=org_id, chat_key=_chat_key(channel, chat_id), at=now))
        return None
    row.used_at = now
    session.add(row)
    member = session.exec(
        select(StaffMember).where(
            StaffMember.org_id == org_id,
            StaffMember.channel == channel,
            StaffMember.chat_id == chat_id,
        )
    ).first()
    if member is None:
        member = StaffMember(org_id=org_id, channel=channel, chat_id=chat_id, roles="")
    old = set() if member.removed_at else set(filter(None, member.roles.split(",")))
    member.roles = ",".join(sorted(old | set(row.roles.split(","))))
    member.name = row.name or member.name
    member.user_id, member.removed_at, member.bound_at = user_id, None, now
    session.add(member)
    session.flush()
    record(session, org_id, "bind", actor=describe(member), subject=describe(member),
           detail=member.roles, now=now)  # fmt: skip
    return member


def listing(session: Session, org_id: int) -> list[StaffMember]:
    return list(
        session.exec(
            select(StaffMember)
            .where(StaffMember.org_id == org_id, StaffMember.removed_at.is_(None))
            .order_by(StaffMember.id)
        ).all()
    )


def everyone(session: Session, org_id: int) -> list[StaffMember]:
    """Every account the organisation ever had, removed ones too (the audit log's officers)."""
    return list(
        session.exec(
            select(StaffMember).where(StaffMember.org_id == org_id).order_by(StaffMember.id)
        ).all()
    )


def with_role(session: Session, org_id: int, role: Role) -> list[StaffMember]:
    return [m for m in listing(session, org_id) if role in roles_of(m)]


def member_of(session: Session, org_id: int, member_id: int) -> StaffMember | None:
    """A current staff account of the organisation."""
    member = session.get(StaffMember, member_id)
    if member is None or member.org_id != org_id or member.removed_at is not None:
        return None
    return member


def remove(
    session: Session, org_id: int, member_id: int, now: datetime, actor: str = ""
) -> StaffMember | None:
    member = member_of(session, org_id, member_id)
    if member is None:
        return None
    member.removed_at = now
    session.add(member)
    record(session, org_id, "remove", actor=actor, subject=describe(member), now=now)
    return member


def set_roles(
    session: Session, org_id: int, member_id: int, roles: list[Role], now: datetime,
    actor: str = "",
) -> StaffMember | None:  # fmt: skip
    """Give the account exactly `roles` (its web sessions end at their next request)."""
    member = member_of(session, org_id, member_id)
    if member is None or not roles:
        return None
    member.roles = ",".join(sorted(set(roles)))
    session.add(member)
    record(session, org_id, "roles", actor=actor, subject=describe(member), detail=member.roles,
           now=now)  # fmt: skip
    return member
