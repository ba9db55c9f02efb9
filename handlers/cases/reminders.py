"""The morning deadline reminder (the 15-day rule), run daily by `bot.jobs.scheduler`.

Each officer hears of the open cases assigned to them (unassigned ones go to every officer of
the stream) that are due within 3 days or overdue; an overdue complaint that has not been
explained comes with a button to write the explanation the complainant will receive.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlmodel import Session, select

from handlers import outbound
from handlers.cases import actions as case_ops
from handlers.cases.actions import Target
from handlers.cases.lifecycle import Stream
from handlers.types import Choice, Reply
from messages import staff as msg
from messages.format import local_date
from storage import org_settings
from storage.models import Complaint, Tip
from storage.staff import accounts as staff
from storage.staff.models import StaffMember

JOB_NAME = "deadline-reminders"
MAX_BUTTONS = 10


def _recipients(session: Session, org_id: int, target: Target) -> list[StaffMember]:
    officers = staff.with_role(session, org_id, target.role)
    assigned = [m for m in officers if m.id == target.handling.assignee_id]
    return assigned or officers


def orgs_with_cases_due(session: Session, now: datetime) -> set[int]:
    """The organisations a reminder run has something to say to: those with an open case due
    within `DUE_SOON_DAYS` or overdue (one query per stream; the scheduler runs the job for
    these only, so organisations with nothing due cost nothing)."""
    limit = local_date(now) + timedelta(days=case_ops.DUE_SOON_DAYS)
    found: set[int] = set()
    for model in (Complaint, Tip):
        found.update(
            session.exec(
                select(model.org_id)
                .where(model.status.in_(case_ops.OPEN_STATUSES), model.due_on <= limit)  # type: ignore[attr-defined]
                .distinct()
            ).all()
        )
    return found


def remind(session: Session, now: datetime, org_id: int) -> int:
    """Queue the reminders of one organisation; returns how many officers were reminded."""
    today = local_date(now)
    per_member: dict[int, list[tuple[Target, bool]]] = defaultdict(list)
    members: dict[int, StaffMember] = {}
    for stream in (Stream.COMPLAINT, Stream.TIP):
        for target in case_ops.open_cases(session, org_id, stream):
            overdue = case_ops.is_overdue(target, today)
            if not overdue and not case_ops.is_due_soon(target, today):
                continue
            for member in _recipients(session, org_id, target):
                members[member.id] = member
                per_member[member.id].append((target, overdue))
    days = org_settings.get(session, org_id).deadline_days
    for member_id, items in per_member.items():
        member = members[member_id]
        lines, buttons = [msg.reminder(days)], []
        for target, overdue in items:
            due = target.case.due_on
            explain = (
                overdue and target.stream is Stream.COMPLAINT
                and target.handling.explained_on is None
            )  # fmt: skip
            if overdue:
                lines.append(msg.overdue_line(target.key, due, explain))
            else:
                lines.append(msg.due_soon_line(target.key, due))
            if explain:
                buttons.append(
                    Choice(msg.explain_label(target.key), f"/explain {target.ascii_key}")
                )
            else:
                buttons.append(Choice(target.key, f"/open {target.ascii_key}"))
        outbound.send(
            session, org_id=org_id, channel=member.channel, chat_id=member.chat_id,
            replies=[Reply("\n".join(lines), tuple(buttons[:MAX_BUTTONS]))], now=now,
        )  # fmt: skip
    return len(per_member)
