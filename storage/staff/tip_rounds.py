"""Tip notices waiting for their round: queued when a tip is filed or an informant answers,
taken when the round leaves. Repositories never commit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, delete, select

from messages.format import BANGKOK
from storage.staff.models import TipRoundNotice
from storage.timeutil import as_utc

NEW_TIP = "tip"
ANSWER = "answer"


def _boundaries(minutes: int, now: datetime) -> tuple[datetime, timedelta]:
    """Local midnight of `now`'s day (as UTC) and the round (`tip_round_minutes`)."""
    step = timedelta(minutes=minutes)
    local = as_utc(now).astimezone(BANGKOK)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.astimezone(UTC), step


def round_start(minutes: int, now: datetime) -> datetime:
    """The round `now` lies in: its first moment (a round boundary, Asia/Bangkok)."""
    midnight, step = _boundaries(minutes, now)
    return midnight + ((as_utc(now) - midnight) // step) * step


def next_round(minutes: int, now: datetime) -> datetime:
    """The first round boundary strictly after `now`: when a notice queued now leaves."""
    midnight, step = _boundaries(minutes, now)
    return midnight + ((as_utc(now) - midnight) // step + 1) * step


def queue(
    session: Session,
    org_id: int,
    kind: str,
    handling_id: int,
    now: datetime,
    *,
    round_minutes: int,
    staff_id: int | None = None,
) -> TipRoundNotice:
    """Queue a notice for the next round (of `round_minutes`, the organisation's setting);
    the row holds that round, never `now`."""
    row = TipRoundNotice(
        org_id=org_id, kind=kind, handling_id=handling_id, staff_id=staff_id,
        round_at=next_round(round_minutes, now),
    )  # fmt: skip
    session.add(row)
    return row


def take_due(session: Session, org_id: int, now: datetime) -> list[TipRoundNotice]:
    """The organisation's notices whose round has come, deleted (send them in this
    transaction). One indexed range: a round costs what it sends."""
    rows = list(
        session.exec(
            select(TipRoundNotice).where(
                TipRoundNotice.org_id == org_id, TipRoundNotice.round_at <= now
            )
        ).all()
    )
    if rows:
        session.exec(delete(TipRoundNotice).where(TipRoundNotice.id.in_([r.id for r in rows])))
    return rows


def orgs_due(session: Session, now: datetime) -> list[int]:
    """Organisations with a notice whose round has come: one range of the `round_at` index."""
    query = select(TipRoundNotice.org_id).where(TipRoundNotice.round_at <= now).distinct()
    return sorted(session.exec(query).all())
