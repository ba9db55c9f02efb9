"""Logging in to the office: one-time links from `/web`, codes confirmed in the chat, web
sessions and the limit on login attempts. Repositories never commit.

Sessions end on logout, after 30 idle minutes or 12 hours, from the chat, and as soon as the
officer is removed or their roles change (checked on every request).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, func, select, update

from storage import crypto
from storage.office.models import (
    OfficeLoginAttempt,
    OfficeLoginCode,
    OfficeLoginLink,
    OfficeSession,
)
from storage.staff.models import StaffMember
from storage.timeutil import as_utc

LINK_LIFETIME = timedelta(minutes=10)
CODE_LIFETIME = timedelta(minutes=5)
IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
ATTEMPT_WINDOW = timedelta(minutes=15)
MAX_ATTEMPTS = 20  # login attempts per client address per window
CODE_LENGTH = 6
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def _hash(value: str, purpose: str) -> str:
    return crypto.keyring().mac(value.encode(), f"office-{purpose}")


def _alive(member: StaffMember | None) -> bool:
    return member is not None and member.removed_at is None and bool(member.roles)


# -- one-time links ------------------------------------------------------------------------


def issue_link(session: Session, member: StaffMember, now: datetime) -> str:
    """A new one-time link token for `member`; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    session.add(
        OfficeLoginLink(
            token_hash=_hash(token, "link"), org_id=member.org_id, member_id=member.id,
            created_at=now, expires_at=now + LINK_LIFETIME,
        )
    )  # fmt: skip
    return token


def _link(session: Session, token: str, now: datetime, *, lock: bool) -> OfficeLoginLink | None:
    query = select(OfficeLoginLink).where(OfficeLoginLink.token_hash == _hash(token, "link"))
    row = session.exec(query.with_for_update() if lock else query).first()
    if row is None or row.used_at is not None or as_utc(row.expires_at) <= now:
        return None
    return row


def link_member(session: Session, token: str, now: datetime) -> StaffMember | None:
    """Whom a link would log in, without spending it (a preview or the confirm page)."""
    row = _link(session, token, now, lock=False)
    member = session.get(StaffMember, row.member_id) if row else None
    return member if _alive(member) else None


def spend_link(session: Session, token: str, now: datetime, browser: str) -> str | None:
    """Spend the link and start a session; the session id for the cookie, or None."""
    row = _link(session, token, now, lock=True)
    if row is None:
        return None
    member = session.get(StaffMember, row.member_id)
    if not _alive(member):
        return None
    row.used_at = now
    session.add(row)
    return start(session, member, now, browser)


# -- codes for a computer without the chat app ---------------------------------------------


def new_code(session: Session, browser_secret: str, browser: str, now: datetime) -> str:
    """A fresh code for the browser holding `browser_secret` (its earlier code is dropped)."""
    browser_hash = _hash(browser_secret, "browser")
    old = session.exec(
        select(OfficeLoginCode).where(OfficeLoginCode.browser_hash == browser_hash)
    ).first()
    if old is not None:
        session.delete(old)
        session.flush()
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH))
    session.add(
        OfficeLoginCode(
            code_hash=_hash(code, "code"), browser_hash=browser_hash, browser=browser[:128],
            created_at=now, expires_at=now + CODE_LIFETIME,
        )
    )  # fmt: skip
    return code


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def pending_code(session: Session, code: str, now: datetime) -> OfficeLoginCode | None:
    """A code waiting for an officer to confirm it in the chat."""
    row = session.exec(
        select(OfficeLoginCode)
        .where(OfficeLoginCode.code_hash == _hash(normalise_code(code), "code"))
        .with_for_update()
    ).first()
    if row is None or row.confirmed_at is not None or as_utc(row.expires_at) <= now:
        return None
    return row


def confirm_code(session: Session, code: str, member: StaffMember, now: datetime) -> bool:
    """The officer confirmed the code in their chat: the browser may log in as them."""
    row = pending_code(session, code, now)
    if row is None:
        return False
    row.member_id, row.org_id, row.confirmed_at = member.id, member.org_id, now
    session.add(row)
    return True


@dataclass(frozen=True)
class CodeState:
    code_expired: bool
    session_id: str | None = None


def poll_code(session: Session, browser_secret: str, now: datetime, browser: str) -> CodeState:
    """What the waiting page hears: still waiting, expired, or logged in (a session id)."""
    row = session.exec(
        select(OfficeLoginCode)
        .where(OfficeLoginCode.browser_hash == _hash(browser_secret, "browser"))
        .with_for_update()
    ).first()
    if row is None or row.used_at is not None:
        return CodeState(code_expired=True)
    if row.confirmed_at is None:
        return CodeState(code_expired=as_utc(row.expires_at) <= now)
    member = session.get(StaffMember, row.member_id)
    if not _alive(member):
        return CodeState(code_expired=True)
    row.used_at = now
    session.add(row)
    return CodeState(code_expired=False, session_id=start(session, member, now, browser))


# -- sessions ------------------------------------------------------------------------------


def start(session: Session, member: StaffMember, now: datetime, browser: str) -> str:
    sid = secrets.token_urlsafe(32)
    session.add(
        OfficeSession(
            id_hash=_hash(sid, "session"), org_id=member.org_id, member_id=member.id,
            roles=member.roles, browser=browser[:128], created_at=now, seen_at=now,
        )
    )  # fmt: skip
    session.flush()
    return sid


def current(session: Session, sid: str, now: datetime) -> StaffMember | None:
    """The officer a session cookie belongs to, if the session is still good (and touch it)."""
    if not sid:
        return None
    row = session.exec(
        select(OfficeSession).where(OfficeSession.id_hash == _hash(sid, "session"))
    ).first()
    if row is None or row.ended_at is not None:
        return None
    member = session.get(StaffMember, row.member_id)
    expired = (
        as_utc(row.seen_at) + IDLE_TIMEOUT <= now
        or as_utc(row.created_at) + ABSOLUTE_TIMEOUT <= now
    )
    if expired or not _alive(member) or member.roles != row.roles:
        row.ended_at = now
        session.add(row)
        return None
    row.seen_at = now
    session.add(row)
    return member


def end(session: Session, sid: str, now: datetime) -> None:
    session.exec(
        update(OfficeSession)
        .where(OfficeSession.id_hash == _hash(sid, "session"), OfficeSession.ended_at.is_(None))
        .values(ended_at=now)
    )


def end_all(session: Session, member_id: int, now: datetime) -> int:
    """End every web session of an officer; how many were open."""
    result = session.exec(
        update(OfficeSession)
        .where(OfficeSession.member_id == member_id, OfficeSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    return result.rowcount or 0


# -- rate limit ----------------------------------------------------------------------------


def client_key(address: str) -> str:
    return _hash(address, "client")


def attempts_left(session: Session, key: str, now: datetime) -> bool:
    count = session.exec(
        select(func.count(OfficeLoginAttempt.id)).where(
            OfficeLoginAttempt.client_key == key, OfficeLoginAttempt.at > now - ATTEMPT_WINDOW
        )
    ).one()
    return count < MAX_ATTEMPTS


def count_attempt(session: Session, key: str, now: datetime) -> None:
    session.add(OfficeLoginAttempt(client_key=key, at=now))
