"""The audit log as one list, gathered from where each thing is already recorded: web logins
(the office's sessions), tips opened (the tip access log), status changes (the cases'
histories) and changes to staff accounts (the staff events).

Every entry is something staff did; nothing here names a chat or an informant. A tip's status
change is dated by its day only, as the tip's own history is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, func, select

from handlers.cases.codes import pretty
from handlers.cases.lifecycle import SYSTEM_ACTOR
from storage.models import Complaint, ComplaintStatusChange, TipStatusChange
from storage.office.models import OfficeSession
from storage.staff import accounts as staff
from storage.staff.models import CaseHandling, StaffEvent, StaffMember, TipAccessLog
from storage.timeutil import as_utc

KINDS = ("web_login", "tip_opened", "status", "invite", "bind", "roles", "remove")
MOST = 5000  # entries of one kind read at most per request


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str
    actor: str  # staff:ID NAME, cli:USER
    subject: str  # the case (code or ทจ- reference) or the staff account
    detail: str = ""  # a status, roles given, the browser
    day_only: bool = False


@dataclass(frozen=True)
class Filter:
    kind: str = ""
    member_id: int | None = None
    since: datetime | None = None  # UTC bounds of the Bangkok days asked for
    until: datetime | None = None


def _within(query, column, flt: Filter):
    if flt.since is not None:
        query = query.where(column >= flt.since)
    if flt.until is not None:
        query = query.where(column < flt.until)
    return query.order_by(column.desc()).limit(MOST)


def _by(actor: str, member_id: int | None) -> bool:
    return member_id is None or actor.split(" ", 1)[0] == f"staff:{member_id}"


def entries(session: Session, org_id: int, flt: Filter) -> list[Entry]:
    """The entries the filter asks for, newest first."""
    wanted = {flt.kind} if flt.kind in KINDS else set(KINDS)
    found: list[Entry] = []
    if "web_login" in wanted:
        query = select(OfficeSession, StaffMember).join(
            StaffMember, StaffMember.id == OfficeSession.member_id
        )
        query = query.where(OfficeSession.org_id == org_id)
        if flt.member_id is not None:
            query = query.where(OfficeSession.member_id == flt.member_id)
        for row, member in session.exec(_within(query, OfficeSession.created_at, flt)).all():
            who = staff.describe(member)
            found.append(Entry(as_utc(row.created_at), "web_login", who, who, row.browser))
    if "tip_opened" in wanted:
        query = select(TipAccessLog).where(TipAccessLog.org_id == org_id)
        for row in session.exec(_within(query, TipAccessLog.at, flt)).all():
            if _by(row.actor, flt.member_id):
                found.append(Entry(as_utc(row.at), "tip_opened", row.actor, row.reference))
    if "status" in wanted:
        found += _status_changes(session, org_id, flt)
    staff_kinds = wanted & {"invite", "bind", "roles", "remove"}
    if staff_kinds:
        query = select(StaffEvent).where(
            StaffEvent.org_id == org_id, StaffEvent.kind.in_(sorted(staff_kinds))
        )
        for row in session.exec(_within(query, StaffEvent.at, flt)).all():
            mine = _by(row.actor, flt.member_id) or _by(row.subject, flt.member_id)
            if mine:
                found.append(Entry(as_utc(row.at), row.kind, row.actor, row.subject, row.detail))
    return sorted(found, key=lambda e: e.at, reverse=True)


def _status_changes(session: Session, org_id: int, flt: Filter) -> list[Entry]:
    found = []
    query = (
        select(ComplaintStatusChange, Complaint.code)
        .join(Complaint, Complaint.id == ComplaintStatusChange.complaint_id)
        .where(ComplaintStatusChange.org_id == org_id, ComplaintStatusChange.actor != SYSTEM_ACTOR)
    )
    for row, code in session.exec(_within(query, ComplaintStatusChange.at, flt)).all():
        if _by(row.actor, flt.member_id):
            found.append(Entry(as_utc(row.at), "status", row.actor, pretty(code), row.status))
    query = (
        select(TipStatusChange, CaseHandling.reference)
        .join(
            CaseHandling,
            (CaseHandling.case_id == TipStatusChange.tip_id) & (CaseHandling.stream == "tip"),
        )
        .where(TipStatusChange.org_id == org_id, TipStatusChange.actor != SYSTEM_ACTOR)
    )
    for row, reference in session.exec(_within(query, TipStatusChange.at, flt)).all():
        if _by(row.actor, flt.member_id):
            found.append(Entry(as_utc(row.at), "status", row.actor, reference or "", row.status,
                               day_only=True))  # fmt: skip
    return found


def last_activity(session: Session, org_id: int) -> dict[int, datetime]:
    """Each staff account's latest web request, tip opened or status changed (by its id);
    shown by the day only."""
    latest: dict[int, datetime] = {}

    def seen(member_id: int | None, at: datetime | None) -> None:
        if member_id is not None and at is not None:
            at = as_utc(at)
            if member_id not in latest or at > latest[member_id]:
                latest[member_id] = at

    rows = session.exec(
        select(OfficeSession.member_id, func.max(OfficeSession.seen_at))
        .where(OfficeSession.org_id == org_id)
        .group_by(OfficeSession.member_id)
    ).all()
    for member_id, at in rows:
        seen(member_id, at)
    for model in (TipAccessLog, ComplaintStatusChange, TipStatusChange):
        rows = session.exec(
            select(model.actor, func.max(model.at))
            .where(model.org_id == org_id, model.actor.startswith("staff:"))
            .group_by(model.actor)
        ).all()
        for actor, at in rows:
            head = actor.split(" ", 1)[0].removeprefix("staff:")
            seen(int(head) if head.isdigit() else None, at)
    return latest
