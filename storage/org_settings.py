"""Per-organisation settings: read with defaults filled in, created on first use, and
changed from typed text through one set of checks (`SETTINGS`, `apply`) that the command
line and the office's settings page share: a refused value has its Thai reason and nothing
is changed."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import time
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from messages import org_defaults
from messages import org_rules as why
from storage.staff.models import OrgSettings


class Limits(NamedTuple):
    """The intake limits (`storage.protect.intake`)."""

    filings_per_chat: int
    filings_per_org: int
    uploads_per_chat: int
    disk_quota_mb: int


_DEFAULT_LIMITS = Limits(org_defaults.FILINGS_PER_CHAT, org_defaults.FILINGS_PER_ORG,
                         org_defaults.UPLOADS_PER_CHAT, org_defaults.DISK_QUOTA_MB)  # fmt: skip
_LIMITS = sa.select(*(OrgSettings.__table__.c[name] for name in Limits._fields)).where(
    OrgSettings.__table__.c.org_id == sa.bindparam("org_id")
)


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
            tip_round_minutes=org_defaults.TIP_ROUND_MINUTES,
            **_DEFAULT_LIMITS._asdict(),
        )
        .on_conflict_do_nothing()
    )
    return session.exec(
        select(OrgSettings)
        .where(OrgSettings.org_id == org_id)
        .execution_options(populate_existing=True)
    ).one()


def limits(session: Session, org_id: int) -> Limits:
    """The organisation's intake limits, defaults where it has no settings yet. Read at a
    complaint's and a tip's first and last steps: the whole settings row, with its JSON
    columns as an ORM object, cost more than the check it is read for."""
    row = session.execute(_LIMITS, {"org_id": org_id}).first()
    return _DEFAULT_LIMITS if row is None else Limits(*row)


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


# A round divides the day evenly, so that rounds fall at the same times every day.
ROUND_MINUTES = (15, 20, 30, 60, 120, 180, 240, 360, 480, 720, 1440)


def tip_round_minutes(session: Session, org_id: int) -> int:
    row = session.get(OrgSettings, org_id)
    return row.tip_round_minutes if row else org_defaults.TIP_ROUND_MINUTES


# -- typed values ------------------------------------------------------------------------


class Refused(ValueError):
    """A typed setting that cannot be used; its text is the Thai reason."""


def days(value: str) -> int:
    number = int(value) if value.strip().isdigit() else 0
    if not 1 <= number <= 365:
        raise Refused(why.WHY_DAYS)
    return number


def hhmm(value: str) -> str:
    found = re.fullmatch(r"(\d{1,2})[:.](\d{2})", value.strip())
    if found is None or int(found[1]) > 23 or int(found[2]) > 59:
        raise Refused(why.WHY_TIME)
    return f"{int(found[1]):02d}:{found[2]}"


def round_minutes(value: str) -> int:
    minutes = int(value) if value.strip().isdigit() else 0
    if minutes not in ROUND_MINUTES:
        raise Refused(why.WHY_ROUND.format(allowed=", ".join(str(m) for m in ROUND_MINUTES)))
    return minutes


def count(value: str) -> int:
    number = int(value) if value.strip().isdigit() else 0
    if not 1 <= number <= 100_000:
        raise Refused(why.WHY_COUNT)
    return number


def unit_list(value: str) -> list[str]:
    units = [u.strip() for u in value.replace("\n", ",").split(",") if u.strip()]
    if not units:
        raise Refused(why.WHY_UNITS)
    if any(len(u) > 255 for u in units):
        raise Refused(why.WHY_LONG.format(limit=255))
    return units


def line(value: str) -> str:
    """One line of text, not empty, that fits its column (office hours)."""
    text = " ".join(value.split())
    if not text:
        raise Refused(why.WHY_EMPTY)
    if len(text) > 255:
        raise Refused(why.WHY_LONG.format(limit=255))
    return text


def text(value: str) -> str:
    """Free text of a few lines (contacts); empty is allowed where a default stands in."""
    cleaned = "\n".join(part.strip() for part in value.strip().splitlines())
    if len(cleaned) > 2000:
        raise Refused(why.WHY_LONG.format(limit=2000))
    return cleaned


# KEY (as typed on the command line) -> (the column, how the typed text becomes its value)
SETTINGS: dict[str, tuple[str, Callable[[str], object]]] = {
    "deadline-days": ("deadline_days", days),
    "office-hours": ("office_hours", line),
    "contact": ("contact_channels", text),
    "units": ("units", unit_list),
    "reminder-time": ("reminder_time", hhmm),
    "external-contacts": ("external_contacts", text),
    "tip-round-minutes": ("tip_round_minutes", round_minutes),
    "filings-per-chat": ("filings_per_chat", count),
    "filings-per-org": ("filings_per_org", count),
    "uploads-per-chat": ("uploads_per_chat", count),
    "disk-quota-mb": ("disk_quota_mb", count),
}


def parse(typed: dict[str, str]) -> tuple[dict[str, object], dict[str, str]]:
    """The values of the typed KEYs, and the Thai reason of each one refused."""
    values: dict[str, object] = {}
    problems: dict[str, str] = {}
    for key, raw in typed.items():
        field, convert = SETTINGS[key]
        try:
            values[field] = convert(raw)
        except Refused as refused:
            problems[key] = str(refused)
    return values, problems


def apply(session: Session, org_id: int, typed: dict[str, str]) -> dict[str, str]:
    """Change the typed settings, all or none: the reasons of those refused (then none)."""
    values, problems = parse(typed)
    if problems:
        return problems
    row = get(session, org_id)
    for field, value in values.items():
        setattr(row, field, value)
    session.add(row)
    return {}


def typed_value(row: OrgSettings, key: str) -> str:
    """A setting as it is typed back into a form or on the command line."""
    value = getattr(row, SETTINGS[key][0])
    return ", ".join(value) if isinstance(value, list) else str(value)
