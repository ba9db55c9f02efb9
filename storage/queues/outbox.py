"""The outbox: messages to chats other than the sender's, written in the same transaction as
the change that caused them and delivered after commit (`bot.jobs.outbox_sender`).

A crash between commit and delivery only delays a message. Payloads are channel-neutral: a list
of `Reply` as JSON, plus an optional map pin. Nothing here is ever logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, delete, select

from storage.staff.models import OutboxMessage

# Set in a session's `info` by `enqueue`: its transaction queued a message, so whoever
# commits it wakes the sender (a turn that queued nothing does not make it look).
QUEUED = "outbox_queued"

MAX_ATTEMPTS = 8
KEEP_DONE = timedelta(days=7)  # sent or given-up messages are deleted after this
LEASE = timedelta(minutes=2)  # a claimed row is retried after this if its sender died


@dataclass(frozen=True)
class Claimed:
    """One message to deliver: where to, and its payload (see `handlers.outbound`)."""

    id: int
    channel: str
    chat_id: str
    payload: dict
    attempts: int
    org_id: int = 0
    attempted_parts: int = 0  # sending progress of earlier attempts (bot.send_progress)
    sent_parts: int = 0


def enqueue(
    session: Session,
    *,
    org_id: int,
    channel: str,
    chat_id: str,
    payload: dict,
    now: datetime,
    not_before: datetime | None = None,
) -> OutboxMessage:
    """Queue `payload` for `chat_id`; it is delivered once this transaction commits (or at
    `not_before`, e.g. to send tip notices in rounds that hide the time a tip arrived)."""
    row = OutboxMessage(
        org_id=org_id, channel=channel, chat_id=chat_id, payload=payload, created_at=now,
        next_attempt_at=not_before or now,
    )  # fmt: skip
    session.add(row)
    session.info[QUEUED] = True
    return row


def any_due(session: Session, now: datetime, *, channels: tuple[str, ...]) -> bool:
    """Whether `claim` would find anything: a read, so that a sender woken after every turn
    takes the write lock only when a turn queued a message."""
    query = select(OutboxMessage.id).where(
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.gave_up_at.is_(None),
        OutboxMessage.next_attempt_at <= now,
        OutboxMessage.channel.in_(channels),
    )
    return session.exec(query.limit(1)).first() is not None


def claim(
    session: Session,
    now: datetime,
    *,
    channels: tuple[str, ...] | None = None,
    chat_id: str | None = None,
    limit: int = 50,
) -> list[Claimed]:
    """Take up to `limit` due messages, oldest first, leasing them for `LEASE`.

    Several senders may run: PostgreSQL skips rows another sender holds; SQLite serialises
    writers (BEGIN IMMEDIATE). Commit right after, then deliver, then `mark_sent`.
    """
    query = select(OutboxMessage).where(
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.gave_up_at.is_(None),
        OutboxMessage.next_attempt_at <= now,
    )
    if channels is not None:
        query = query.where(OutboxMessage.channel.in_(channels))
    if chat_id is not None:
        query = query.where(OutboxMessage.chat_id == chat_id)
    query = query.order_by(OutboxMessage.id).limit(limit).with_for_update(skip_locked=True)
    rows = list(session.exec(query).all())
    for row in rows:
        row.next_attempt_at = now + LEASE
        row.attempts += 1
        session.add(row)
    return [
        Claimed(r.id, r.channel, r.chat_id, r.payload, r.attempts, r.org_id,
                r.attempted_parts, r.sent_parts)
        for r in rows
    ]  # fmt: skip


def progress(session: Session, message_id: int, *, attempted: int, sent: int) -> None:
    """Record how far sending the message got: `sent` units accepted by the platform, and
    `attempted` (`sent + 1`) while the next one is on its way."""
    session.exec(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(attempted_parts=attempted, sent_parts=sent)
    )


def mark_sent(session: Session, message_id: int, now: datetime) -> None:
    row = session.get(OutboxMessage, message_id)
    if row is not None:
        row.sent_at = now
        session.add(row)


def mark_failed(session: Session, message_id: int, now: datetime, *, permanent: bool) -> bool:
    """Back off exponentially (30 s, 1 min, 2 min, ...); give up after MAX_ATTEMPTS.

    Returns True if the message was given up.
    """
    row = session.get(OutboxMessage, message_id)
    if row is None:
        return True
    if permanent or row.attempts >= MAX_ATTEMPTS:
        row.gave_up_at = now
    else:
        row.next_attempt_at = now + timedelta(seconds=30 * 2 ** (row.attempts - 1))
    session.add(row)
    return row.gave_up_at is not None


def pending_count(session: Session) -> int:
    """Messages neither sent nor given up on (readiness and the metrics watch this)."""
    return session.exec(
        select(sa.func.count()).where(
            OutboxMessage.sent_at.is_(None), OutboxMessage.gave_up_at.is_(None)
        )
    ).one()


def prune(session: Session, now: datetime) -> int:
    """Delete messages delivered (or given up) more than KEEP_DONE ago: they hold excerpts of
    complaints and notes, which have no business lingering in a queue."""
    cutoff = now - KEEP_DONE
    result = session.exec(
        delete(OutboxMessage).where(
            ((OutboxMessage.sent_at.is_not(None)) & (OutboxMessage.sent_at < cutoff))
            | ((OutboxMessage.gave_up_at.is_not(None)) & (OutboxMessage.gave_up_at < cutoff))
        )
    )
    return result.rowcount
