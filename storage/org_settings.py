"""Per-organisation settings: read with defaults filled in, created on first use."""

from __future__ import annotations

from datetime import time

from sqlmodel import Session

from messages import org_defaults
from storage.staff_models import OrgSettings


def get(session: Session, org_id: int) -> OrgSettings:
    """The organisation's settings row, created from the seed defaults if missing."""
    row = session.get(OrgSettings, org_id)
    if row is None:
        row = OrgSettings(
            org_id=org_id,
            deadline_days=org_defaults.DEADLINE_DAYS,
            office_hours=org_defaults.OFFICE_HOURS,
            contact_channels=org_defaults.CONTACT_CHANNELS,
            units=list(org_defaults.UNITS),
            reminder_time=org_defaults.REMINDER_TIME,
            staff_groups={},
        )
        session.add(row)
        session.flush()
    return row


def peek_deadline_days(session: Session, org_id: int) -> int:
    row = session.get(OrgSettings, org_id)
    return row.deadline_days if row else org_defaults.DEADLINE_DAYS


def reminder_time(session: Session, org_id: int) -> time:
    row = session.get(OrgSettings, org_id)
    text = row.reminder_time if row else org_defaults.REMINDER_TIME
    hours, minutes = (int(part) for part in text.split(":"))
    return time(hours, minutes)


def set_staff_group(session: Session, org_id: int, channel: str, chat_id: str | None) -> None:
    row = get(session, org_id)
    groups = dict(row.staff_groups or {})
    if chat_id is None:
        groups.pop(channel, None)
    else:
        groups[channel] = chat_id
    row.staff_groups = groups
    session.add(row)
