"""Whose session a request carries, and what they may see: every query of the office is
scoped to the officer's organisation and to the streams their roles open.

Complaint officers see complaints, integrity officers tips, administrators both; a case of
another organisation, or of a stream the officer may not see, is answered as not found.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.requests import Request

from bot.web.office.security import session_cookie
from handlers.cases.actions import Target, find_target
from handlers.cases.lifecycle import Stream
from handlers.engine import ConversationEngine
from handlers.staff.auth import actor
from storage.models import Organisation
from storage.office import logins
from storage.staff import accounts as staff
from storage.staff.accounts import Role
from storage.staff.models import StaffMember


@dataclass
class Officer:
    member: StaffMember
    org: Organisation
    roles: frozenset[Role]

    @property
    def streams(self) -> tuple[Stream, ...]:
        found = []
        if Role.COMPLAINT in self.roles:
            found.append(Stream.COMPLAINT)
        if Role.INTEGRITY in self.roles:
            found.append(Stream.TIP)
        return tuple(found)

    @property
    def actor(self) -> str:
        return actor(self.member)

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    def may_see(self, stream: Stream) -> bool:
        return stream in self.streams


def officer(session: Session, request: Request, now: datetime) -> Officer | None:
    """The officer of the request's session cookie, if the session is still good."""
    sid = request.cookies.get(session_cookie(request), "")
    member = logins.current(session, sid, now)
    if member is None:
        return None
    org = session.get(Organisation, member.org_id)
    if org is None:
        return None
    return Officer(member, org, staff.roles_of(member))


def case_for(session: Session, who: Officer, key: str) -> Target | None:
    """The case `key` names (a code, or a tip's ASCII reference), if `who` may see it."""
    target = find_target(session, who.org.id, key)
    if target is None or not who.may_see(target.stream):
        return None
    return target


@dataclass
class Clocked:
    """The database and the clock every route of the office uses (tests inject a clock)."""

    db: Engine
    clock: Callable[[], datetime]
    engine: ConversationEngine | None = None

    def sent(self) -> None:
        """After a commit that queued messages: wake the outbox sender, as a chat turn does."""
        wake = self.engine.after_commit if self.engine is not None else None
        if wake is not None:
            wake()

    def session(self) -> Session:
        """A session whose rows stay readable after commit: pages render after it."""
        return Session(self.db, expire_on_commit=False)
