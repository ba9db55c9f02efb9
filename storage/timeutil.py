"""UTC timestamps that survive SQLite, which forgets time zones."""

from __future__ import annotations

from datetime import UTC, datetime, time

from messages.format import BANGKOK


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Timestamps read back from SQLite are naive; they were written as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def day_start(now: datetime) -> datetime:
    """Midnight (Bangkok) of the day `now` falls on, as UTC: a date without a time of day."""
    local_day = as_utc(now).astimezone(BANGKOK).date()
    return datetime.combine(local_day, time(0), tzinfo=BANGKOK).astimezone(UTC)
