"""The inbox repository: store an event before acknowledging it, then work it off in order.

Repositories never commit. A row's payload and replies are sealed with the process keyring
(purpose "inbox"); the chat is named only by a keyed hash.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, delete, select

from storage import crypto
from storage.inbox_models import DONE, PENDING, InboxEvent
from storage.models import ProcessedEvent
from storage.timeutil import utcnow

PURPOSE = "inbox"


def chat_key(org_id: int, channel: str, chat: str) -> str:
    """The keyed hash that stands for a chat in the inbox (a plain hash of a Telegram chat
    id could be reversed by trying every number)."""
    return crypto.keyring().mac(f"{org_id}\0{channel}\0{chat}".encode(), "inbox-chat")


def seal(value: Any) -> bytes:
    return crypto.keyring().seal(json.dumps(value, ensure_ascii=False).encode(), PURPOSE)


def unseal(blob: bytes) -> Any:
    return json.loads(crypto.keyring().open(bytes(blob), PURPOSE))


def add(
    session: Session, org_id: int, channel: str, chat: str, event_key: str, payload: Any
) -> bool:
    """Store one event; False when it is already stored or was processed (a redelivery)."""
    seen = session.exec(
        select(ProcessedEvent.key).where(
            ProcessedEvent.org_id == org_id, ProcessedEvent.key == event_key
        )
    ).first()
    if seen is not None:
        return False
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = (
        insert(InboxEvent)
        .values(
            org_id=org_id,
            channel=channel,
            chat_key=chat_key(org_id, channel, chat),
            event_key=event_key,
            payload=seal(payload),
            state=PENDING,
            failures=0,
            received_at=utcnow(),
        )
        .on_conflict_do_nothing()
        .returning(InboxEvent.id)
    )
    return session.execute(stmt).scalar_one_or_none() is not None


def oldest(session: Session, org_id: int, channel: str, key: str) -> InboxEvent | None:
    """The chat's first row in arrival order, processed or not."""
    return session.exec(
        select(InboxEvent)
        .where(InboxEvent.org_id == org_id, InboxEvent.channel == channel,
               InboxEvent.chat_key == key)
        .order_by(InboxEvent.id)
        .limit(1)
        .execution_options(populate_existing=True)
    ).first()  # fmt: skip


def lock_first_pending(session: Session, row_id: int) -> InboxEvent | None:
    """Lock row `row_id` for this transaction; None unless it is still pending and no earlier
    row of its chat is left (another worker got there first, or order would break)."""
    row = session.exec(
        select(InboxEvent)
        .where(InboxEvent.id == row_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if row is None or row.state != PENDING:
        return None
    earlier = session.exec(
        select(InboxEvent.id).where(
            InboxEvent.org_id == row.org_id,
            InboxEvent.channel == row.channel,
            InboxEvent.chat_key == row.chat_key,
            InboxEvent.id < row.id,
        )
    ).first()
    return None if earlier is not None else row


def finish(session: Session, row: InboxEvent, replies: Any) -> None:
    """Mark the row processed and keep its replies (sealed) until they are delivered."""
    row.state = DONE
    row.replies = seal(replies)
    session.add(row)


def remove(session: Session, row_id: int) -> None:
    session.exec(delete(InboxEvent).where(InboxEvent.id == row_id))


def note_failure(session: Session, row_id: int) -> int:
    """Count one failed attempt at the row; returns the count so far (0: row gone)."""
    row = session.get(InboxEvent, row_id)
    if row is None:
        return 0
    row.failures += 1
    session.add(row)
    return row.failures


def waiting_chats(session: Session, org_id: int, channel: str) -> list[str]:
    """Chats with rows left: unprocessed events, or replies not yet delivered."""
    return list(
        session.exec(
            select(InboxEvent.chat_key)
            .where(InboxEvent.org_id == org_id, InboxEvent.channel == channel)
            .distinct()
        ).all()
    )


def count(session: Session, org_id: int | None = None) -> int:
    stmt = select(InboxEvent.id)
    if org_id is not None:
        stmt = stmt.where(InboxEvent.org_id == org_id)
    return len(session.exec(stmt).all())


__all__ = ["DONE", "PENDING", "InboxEvent", "add", "chat_key", "finish", "lock_first_pending",
           "note_failure", "oldest", "remove", "seal", "unseal", "waiting_chats"]  # fmt: skip
