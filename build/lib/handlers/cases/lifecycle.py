"""The shared lifecycle of complaints and tips: statuses, filing, status changes, lookup.

Both streams follow one lifecycle but stay in their own tables; this module is the only
place that knows how to reach either by tracking code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, select

from handlers.cases.codes import new_code
from messages.format import local_date
from storage.models import (
    Complaint,
    ComplaintFile,
    ComplaintStatusChange,
    Tip,
    TipFile,
    TipStatusChange,
)
from storage.org_settings import peek_deadline_days
from storage.protect import tip_privacy
from storage.stats.events import record_filed, record_status
from storage.timeutil import as_utc

# The plans: resolve within 15 days or tell the complainant why not. The default only: each
# organisation's own number is its `deadline_days` setting.
RESOLUTION_DAYS = 15
SYSTEM_ACTOR = "system"


class Status(StrEnum):
    RECEIVED = "received"  # รับเรื่องแล้ว
    IN_PROGRESS = "in_progress"  # อยู่ระหว่างดำเนินการ
    COMPLETED = "completed"  # ดำเนินการแล้วเสร็จ
    REFERRED = "referred"  # ส่งต่อหน่วยงานอื่น
    CLOSED = "closed"  # ยุติเรื่อง/ไม่รับพิจารณา


class Stream(StrEnum):
    COMPLAINT = "complaint"
    TIP = "tip"


class ComplaintCategory(StrEnum):
    ROAD = "road"
    WATER = "water"
    WASTE = "waste"
    NUISANCE = "nuisance"
    SERVICE = "service"
    OTHER = "other"


class TipCategory(StrEnum):
    BRIBE = "bribe"
    PROCUREMENT = "procurement"
    ABUSE = "abuse"
    ASSETS = "assets"
    PERSONNEL = "personnel"
    OTHER = "other"


def due_on(received_at: datetime, days: int = RESOLUTION_DAYS) -> date:
    return local_date(received_at) + timedelta(days=days)


def _unused_code(session: Session) -> str:
    """A code used by neither stream (a clash is astronomically rare; check anyway)."""
    while True:
        code = new_code()
        taken = session.exec(select(Complaint.id).where(Complaint.code == code)).first()
        taken = taken or tip_privacy.code_taken(session, code)
        if not taken:
            return code


@dataclass(frozen=True)
class EvidenceDraft:
    kind: str
    key: str
    mime: str
    size: int
    name: str = ""


def file_complaint(
    session: Session,
    *,
    org_id: int,
    now: datetime,
    category: str,
    description: str,
    channel: str,
    chat_id: str,
    user_id: str,
    evidence: list[EvidenceDraft],
    location: tuple[float | None, float | None, str] | None,
    name: str,
    phone: str,
) -> Complaint:
    complaint = Complaint(
        org_id=org_id,
        code=_unused_code(session),
        category=category,
        description=description,
        latitude=location[0] if location else None,
        longitude=location[1] if location else None,
        location_title=location[2] if location else "",
        complainant_name=name,
        complainant_phone=phone,
        channel=channel,
        chat_id=chat_id,
        user_id=user_id,
        status=Status.RECEIVED,
        received_at=now,
        due_on=due_on(now, peek_deadline_days(session, org_id)),
        updated_at=now,
    )
    session.add(complaint)
    session.flush()
    for item in evidence:
        session.add(
            ComplaintFile(
                org_id=org_id,
                complaint_id=complaint.id,
                kind=item.kind,
                key=item.key,
                mime=item.mime,
                size=item.size,
                name=item.name,
            )
        )
    session.add(
        ComplaintStatusChange(
            org_id=org_id,
            complaint_id=complaint.id,
            status=Status.RECEIVED,
            at=now,
            actor=SYSTEM_ACTOR,
        )
    )
    record_filed(session, org_id=org_id, stream=Stream.COMPLAINT, case_id=complaint.id,
                 category=category, channel=channel, at=now)  # fmt: skip
    return complaint


def file_tip(
    session: Session,
    *,
    org_id: int,
    now: datetime,
    category: str,
    conduct: str,
    accused: str,
    when_where: str,
    evidence: list[EvidenceDraft],
    informant_name: str,
    informant_contact: str,
    channel: str = "chat",
) -> tuple[Tip, str]:
    """File a tip; returns it and its code, which is stored only as a keyed hash.

    Takes no chat or user: there is nowhere to put them. Only the channel's kind (`line`,
    `walk-in`, …) goes to the content-free statistics record. Its times are the day only
    (`tip_privacy.received_day`), so staff cannot tell the hour it arrived.
    """
    code = _unused_code(session)
    now = tip_privacy.received_day(now)
    tip = Tip(
        id=tip_privacy.new_tip_id(session),
        org_id=org_id,
        code_hash=tip_privacy.code_hash(code),
        category=category,
        conduct=conduct,
        accused=accused,
        when_where=when_where,
        informant_name=informant_name,
        informant_contact=informant_contact,
        status=Status.RECEIVED,
        received_at=now,
        due_on=due_on(now, peek_deadline_days(session, org_id)),
        updated_at=now,
    )
    session.add(tip)
    session.flush()
    for item in evidence:
        session.add(
            TipFile(
                org_id=org_id, tip_id=tip.id, kind=item.kind, key=item.key,
                mime=item.mime, size=item.size,
            )
        )  # fmt: skip
    session.add(
        TipStatusChange(
            org_id=org_id, tip_id=tip.id, status=Status.RECEIVED, at=now, actor=SYSTEM_ACTOR
        )
    )
    record_filed(session, org_id=org_id, stream=Stream.TIP, case_id=tip.id, category=category,
                 channel=channel, at=now)  # fmt: skip
    return tip, code


@dataclass(frozen=True)
class PublicChange:
    at: datetime
    status: Status
    public_note: str


@dataclass(frozen=True)
class CaseView:
    """What the holder of a code may see: no internal notes, no names, no chat."""

    stream: Stream
    code: str
    category: str
    status: Status
    received_at: datetime
    due_on: date
    history: tuple[PublicChange, ...]


@dataclass(frozen=True)
class _Tables:
    """Where one stream keeps its cases and their status history."""

    case: type[Complaint] | type[Tip]
    change: type[ComplaintStatusChange] | type[TipStatusChange]
    case_column: str  # the change table's column naming its case


_STREAM_TABLES = {
    Stream.COMPLAINT: _Tables(Complaint, ComplaintStatusChange, "complaint_id"),
    Stream.TIP: _Tables(Tip, TipStatusChange, "tip_id"),
}


def _find(session: Session, org_id: int, code: str) -> tuple[Stream, Complaint | Tip] | None:
    case = session.exec(
        select(Complaint).where(Complaint.org_id == org_id, Complaint.code == code)
    ).first()
    if case is not None:
        return Stream.COMPLAINT, case
    tip = tip_privacy.find_tip(session, org_id, code)  # tips keep only a hash of the code
    return (Stream.TIP, tip) if tip is not None else None


def find_by_code(session: Session, org_id: int, code: str) -> tuple[Stream, Complaint | Tip] | None:
    """The case a code holder's tracking code names (the code holder's side only)."""
    return _find(session, org_id, code)


def find_case(session: Session, org_id: int, code: str) -> CaseView | None:
    """The public view of the case with this code, in either stream."""
    found = _find(session, org_id, code)
    if found is None:
        return None
    stream, case = found
    change = _STREAM_TABLES[stream].change
    changes = session.exec(
        select(change)
        .where(getattr(change, _STREAM_TABLES[stream].case_column) == case.id)
        .order_by(change.at, change.id)
    ).all()
    return CaseView(
        stream=stream,
        code=code,
        category=case.category,
        status=Status(case.status),
        received_at=as_utc(case.received_at),
        due_on=case.due_on,
        history=tuple(PublicChange(as_utc(c.at), Status(c.status), c.public_note) for c in changes),
    )


def last_change_at(session: Session, stream: Stream, case: Complaint | Tip) -> datetime | None:
    """When the case's history was last written (a back-dated change may not go before it)."""
    tables = _STREAM_TABLES[stream]
    column = getattr(tables.change, tables.case_column)
    last = session.exec(
        select(tables.change.at).where(column == case.id).order_by(tables.change.at.desc())
    ).first()
    return as_utc(last) if last is not None else None


class UnknownCode(LookupError):
    pass


def change_status(
    session: Session,
    *,
    org_id: int,
    code: str,
    status: Status,
    actor: str,
    now: datetime,
    public_note: str = "",
    internal_note: str = "",
) -> Stream:
    """Record a status change by a staff member; the history keeps every change."""
    found = _find(session, org_id, code)
    if found is None:
        raise UnknownCode(code)
    stream, case = found
    record_change(
        session, stream, case, status, actor=actor, now=now, public_note=public_note,
        internal_note=internal_note,
    )  # fmt: skip
    return stream


def record_change(
    session: Session,
    stream: Stream,
    case: Complaint | Tip,
    status: Status,
    *,
    actor: str,
    now: datetime,
    public_note: str = "",
    internal_note: str = "",
) -> None:
    """Set the case's status and add it to the history (a note keeps the status as it is);
    the statistics record follows a change of status in the same transaction."""
    tables = _STREAM_TABLES[stream]
    changed = case.status != status
    case.status, case.updated_at = status, now
    session.add(case)
    session.add(
        tables.change(
            org_id=case.org_id, status=status, at=now, actor=actor, public_note=public_note,
            internal_note=internal_note, **{tables.case_column: case.id},
        )
    )  # fmt: skip
    if changed:
        record_status(
            session, org_id=case.org_id, stream=stream, case_id=case.id, status=status, at=now
        )
