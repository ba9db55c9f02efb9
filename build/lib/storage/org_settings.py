"""Per-organisation settings: read with defaults filled in, created on first use."""

from __future__ import annotations

from datetime import time

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from messages import org_defaults
from storage.staff.models import OrgSettings


def get(session: Session, org_id: int) -> OrgSettings:
    """The organisation's settings row, created from the seed defaults if missing.

    Created with INSERT ... ON CONFLICT DO NOTHING: two first turns at once (two workers on
    PostgreSQL) must not both try to create it.
    """
    row = session.get(OrgSettings, org_id)
    if row is not None:
        return row
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(OrgSettings)
        .values(
            org_id=org_id,
            deadline_days=org_defaults.DEADLINE_DAYS,
            office_hours=org_defaults.OFFICE_HOURS,
            contact_channels=org_defaults.CONTACT_CHANNELS,
            units=list(org_defaults.UNITS),
            reminder_time=org_defaults.REMINDER_TIME,
            staff_groups={},
            external_contacts="",
        )
        .on_conflict_do_nothing()
    )
    return session.exec(
        select(OrgSettings)
        .where(OrgSettings.org_id == org_id)
        .execution_options(populate_existing=True)
    ).one()


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


def external_contacts(session: Session, org_id: int) -> str:
    """Where else a tip about the organisation's executives can go (the default when unset)."""
    row = session.get(OrgSettings, org_id)
    text = row.external_contacts.strip() if row else ""
    return text or org_defaults.EXTERNAL_CONTACTS
