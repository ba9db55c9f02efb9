"""What staff do to a case, for the chat and the command line alike: find it, take it,
change its status with public and internal notes, assign, refer, ask, explain, read history,
read a tip's content (logged). Citizens hear of public changes through the outbox.

Tips are found by their staff reference only; their tracking code is never read here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from handlers import outbound
from handlers.cases import lifecycle as cases
from handlers.cases.codes import CodeProblem, find_code, masked, pretty
from handlers.cases.lifecycle import Status, Stream
from handlers.types import Choice, Location, Reply
from messages import staff as msg
from messages.citizen import followup as citizen_msg
from messages.citizen.complaint import CATEGORY_LABELS as COMPLAINT_CATEGORIES
from messages.citizen.tip import CATEGORY_LABELS as TIP_CATEGORIES
from messages.format import fiscal_year_be, local_date, thai_date, thai_datetime
from storage import org_settings
from storage.models import (
    Complaint,
    ComplaintFile,
    ComplaintStatusChange,
    Tip,
    TipFile,
    TipStatusChange,
)
from storage.staff import case_handling
from storage.staff.accounts import Role
from storage.staff.models import CaseHandling
from storage.timeutil import as_utc

OPEN_STATUSES = (Status.RECEIVED, Status.IN_PROGRESS)
DUE_SOON_DAYS = 3
EXCERPT = 120
_REFERENCE = re.compile(
    rf"(?:{re.escape(msg.TIP_REF_PREFIX)}|T)\s*-?\s*(\d{{4}})\s*-\s*(\d{{4}})", re.IGNORECASE
)
RATE = "f:rate:"  # f:rate:<handling id>:<score>, on the rating buttons sent to a chat


@dataclass
class Target:
    stream: Stream
    case: Complaint | Tip
    handling: CaseHandling

    @property
    def key(self) -> str:
        """How staff see it: the dashed code of a complaint, the reference of a tip."""
        if self.stream is Stream.TIP:
            return self.handling.reference or ""
        return pretty(self.case.code)

    @property
    def ascii_key(self) -> str:
        """The same key for button codes (ASCII): 16 digits, or T-2567-4821."""
        if self.stream is Stream.TIP:
            return "T" + (self.handling.reference or "").removeprefix(msg.TIP_REF_PREFIX)
        return self.case.code

    @property
    def role(self) -> Role:
        return Role.INTEGRITY if self.stream is Stream.TIP else Role.COMPLAINT

    @property
    def category_label(self) -> str:
        labels = TIP_CATEGORIES if self.stream is Stream.TIP else COMPLAINT_CATEGORIES
        return labels.get(self.case.category, self.case.category)


def tip_reference_prefix(now: datetime) -> str:
    return f"{msg.TIP_REF_PREFIX}-{fiscal_year_be(local_date(now))}-"


def find_target(session: Session, org_id: int, text: str) -> Target | None:
    """A complaint by its tracking code, or a tip by its staff reference."""
    ref = _REFERENCE.search(text or "")
    if ref is not None:
        handling = case_handling.by_reference(
            session, org_id, f"{msg.TIP_REF_PREFIX}-{ref.group(1)}-{ref.group(2)}"
        )
        if handling is None:
            return None
        tip = session.get(Tip, handling.case_id)
        return Target(Stream.TIP, tip, handling) if tip else None
    found = find_code(text or "")
    if found is None or found.problem is not CodeProblem.OK:
        return None
    complaint = session.exec(
        select(Complaint).where(Complaint.org_id == org_id, Complaint.code == found.digits)
    ).first()
    if complaint is None:
        return None
    handling = case_handling.ensure(session, org_id, Stream.COMPLAINT, complaint.id)
    return Target(Stream.COMPLAINT, complaint, handling)


def target_of(session: Session, handling: CaseHandling) -> Target | None:
    model = Tip if handling.stream == Stream.TIP else Complaint
    case = session.get(model, handling.case_id)
    return Target(Stream(handling.stream), case, handling) if case else None


def open_cases(session: Session, org_id: int, stream: Stream) -> list[Target]:
    """Open cases of a stream by due date; tips of one day by reference, not arrival."""
    model = Tip if stream is Stream.TIP else Complaint
    cases = session.exec(
        select(model).where(model.org_id == org_id, model.status.in_(OPEN_STATUSES))
    ).all()
    targets = []
    for case in cases:
        handling = case_handling.ensure(session, org_id, stream, case.id)
        targets.append(Target(stream, case, handling))
    return sorted(targets, key=lambda t: (t.case.due_on, t.key))


def excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


# -- changes ------------------------------------------------------------------------------


def _record(
    session: Session, target: Target, status: Status, actor: str, now: datetime,
    public_note: str, internal_note: str,
) -> None:  # fmt: skip
    cases.record_change(
        session, target.stream, target.case, status, actor=actor, now=now,
        public_note=public_note, internal_note=internal_note,
    )  # fmt: skip


def change_status(
    session: Session, target: Target, status: Status, *, actor: str, now: datetime,
    public_note: str = "", internal_note: str = "",
) -> None:  # fmt: skip
    """Record a status change; a complainant who asked to be told hears of it in their chat."""
    _record(session, target, status, actor, now, public_note, internal_note)
    if target.stream is not Stream.COMPLAINT:
        return  # tips are never pushed to anyone
    handling, complaint = target.handling, target.case
    if handling.notify:
        _to_complainant(
            session, complaint, now, Reply(citizen_msg.progress(masked(complaint.code), status,
                                                                public_note)),
        )  # fmt: skip
    if status is Status.COMPLETED and handling.notify and not handling.rating_asked:
        _to_complainant(session, complaint, now, rating_question(handling))
        handling.rating_asked = True
        session.add(handling)


def rating_question(handling: CaseHandling) -> Reply:
    choices = tuple(
        Choice(label, f"{RATE}{handling.id}:{score}")
        for score, label in enumerate(citizen_msg.RATING_LABELS, 1)
    )
    return Reply(citizen_msg.ASK_RATING, choices)


def _to_complainant(session: Session, complaint: Complaint, now: datetime, reply: Reply) -> None:
    outbound.send(
        session, org_id=complaint.org_id, channel=complaint.channel, chat_id=complaint.chat_id,
        replies=[reply], now=now,
    )  # fmt: skip


def add_note(session: Session, target: Target, *, actor: str, now: datetime, internal: str) -> None:
    """An internal note without a status change."""
    _record(session, target, Status(target.case.status), actor, now, "", internal)


def take(session: Session, target: Target, member_id: int, *, actor: str, now: datetime) -> None:
    target.handling.assignee_id = member_id
    session.add(target.handling)
    if target.case.status == Status.RECEIVED:
        change_status(session, target, Status.IN_PROGRESS, actor=actor, now=now)


def assign(session: Session, target: Target, unit: str, *, actor: str, now: datetime) -> None:
    target.handling.unit = unit
    session.add(target.handling)
    add_note(session, target, actor=actor, now=now, internal=msg.ASSIGNED_NOTE.format(unit=unit))


def refer(session: Session, target: Target, agency: str, *, actor: str, now: datetime) -> None:
    target.handling.referred_to = agency
    session.add(target.handling)
    change_status(
        session, target, Status.REFERRED, actor=actor, now=now,
        public_note=msg.referred_note(agency),
    )  # fmt: skip


def explain(session: Session, target: Target, text: str, *, actor: str, now: datetime) -> None:
    """An explanation of a delay: a public note (status unchanged) the complainant hears of."""
    target.handling.explained_on = local_date(now)
    session.add(target.handling)
    change_status(
        session, target, Status(target.case.status), actor=actor, now=now, public_note=text
    )


def ask(session: Session, target: Target, question: str, *, member_id: int | None,
        now: datetime) -> None:  # fmt: skip
    """A question to the code holder: seen at their next look-up (and, for a complainant who
    asked to be told, in their chat; tips are never pushed)."""
    case_handling.add_message(session, target.handling, question, now, member_id)
    if target.stream is Stream.COMPLAINT and target.handling.notify:
        text = citizen_msg.question(masked(target.case.code), question)
        _to_complainant(session, target.case, now, Reply(text))


def tip_content(session: Session, target: Target, *, actor: str, now: datetime) -> str:
    """A tip's content, for an integrity officer or administrator; the view is logged."""
    tip = target.case
    assert isinstance(tip, Tip)
    case_handling.log_tip_view(session, tip.org_id, target.key, actor, now)
    files = session.exec(select(TipFile.id).where(TipFile.tip_id == tip.id)).all()
    informant = " ".join(filter(None, (tip.informant_name, tip.informant_contact)))
    text = msg.tip_content(
        target.key, tip.conduct, tip.accused, tip.when_where, len(files), informant
    )
    exchange = case_handling.messages(session, target.handling)
    lines = [msg.exchange_line(m.from_staff_id is not None, m.body, m.at) for m in exchange]
    return "\n".join([text, *lines])


def history(session: Session, target: Target) -> str:
    if target.stream is Stream.TIP:
        rows = session.exec(
            select(TipStatusChange)
            .where(TipStatusChange.tip_id == target.case.id)
            .order_by(TipStatusChange.at, TipStatusChange.id)
        ).all()
        day = thai_date  # tips: a date, never a time of day
    else:
        rows = session.exec(
            select(ComplaintStatusChange)
            .where(ComplaintStatusChange.complaint_id == target.case.id)
            .order_by(ComplaintStatusChange.at, ComplaintStatusChange.id)
        ).all()
        day = thai_datetime
    lines = [msg.HISTORY_TITLE.format(key=target.key)]
    for row in rows:
        at = as_utc(row.at)
        lines.append(msg.history_line(day(at), row.status, row.actor, row.public_note,
                                      row.internal_note))  # fmt: skip
    if target.stream is Stream.COMPLAINT:
        for m in case_handling.messages(session, target.handling):
            lines.append(msg.exchange_line(m.from_staff_id is not None, m.body, as_utc(m.at)))
    return "\n".join(lines)


def photo_keys(session: Session, target: Target) -> list[str]:
    if target.stream is not Stream.COMPLAINT:
        return []
    rows = session.exec(
        select(ComplaintFile).where(ComplaintFile.complaint_id == target.case.id)
    ).all()
    return [f.key for f in rows if f.kind == "photo"]


def location_of(target: Target) -> Location | None:
    case = target.case
    if target.stream is Stream.COMPLAINT and case.latitude is not None:
        return Location(case.latitude, case.longitude, case.location_title)
    return None


def is_overdue(target: Target, today: date) -> bool:
    return target.case.due_on < today


def is_due_soon(target: Target, today: date) -> bool:
    return today <= target.case.due_on <= today + timedelta(days=DUE_SOON_DAYS)


def deadline_days(session: Session, org_id: int) -> int:
    return org_settings.get(session, org_id).deadline_days
