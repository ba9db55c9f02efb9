"""Conversation state and processed events. Repositories here never commit.

A conversation row is found by a keyed hash of its chat (`chat_keys`), never by the chat id
itself: a copy of the database shows that someone is writing something, not who. After
`keys rotate` a chat's row is still found under the hash of a retired key and moved to the
current one.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, delete, select, update

from storage import crypto
from storage.models import Conversation, ProcessedEvent
from storage.timeutil import utcnow

_C = Conversation.__table__
_E = ProcessedEvent.__table__
_COLUMNS = [column.name for column in _C.columns]

# Built once (see storage.queues.inbox): building a statement costs more than running it.
_KEY = (
    _C.c.org_id == sa.bindparam("org_id"),
    _C.c.channel == sa.bindparam("channel"),
    _C.c.chat_id == sa.bindparam("chat_id"),
)
_LOCK = sa.select(_C).where(*_KEY).with_for_update()
_FORGET = sa.delete(_C).where(*_KEY)
_CLAIM = {
    "postgresql": pg_insert(_E).on_conflict_do_nothing().returning(_E.c.key),
    "sqlite": sqlite_insert(_E).on_conflict_do_nothing().returning(_E.c.key),
}


def chat_keys(channel: str, chat_id: str) -> list[str]:
    """What the conversation table stores for a chat: its keyed hash, current key first."""
    return crypto.keyring().macs(f"{channel}\0{chat_id}".encode(), "chat")


def lock(session: Session, org_id: int, channel: str, chat_id: str) -> Conversation:
    """The chat's conversation row, locked for this transaction; when the chat has none (it
    is at the main menu), a new one that is stored only if the turn leaves the chat in a
    flow (`save`): most menu presses and questions then write no conversation at all.

    On PostgreSQL the row lock makes a second worker wait for this turn to finish; SQLite
    transactions here begin IMMEDIATE, which serialises writers the same way (a chat with no
    row has its turns kept in order by the inbox). One Core statement (this runs once per
    event): the row is handed to the session as if the ORM had loaded it, so the turn's
    changes are flushed as an UPDATE.
    """
    keys = chat_keys(channel, chat_id)
    if len(keys) > 1:
        _adopt_retired(session, org_id, channel, keys)
    key = {"org_id": org_id, "channel": channel, "chat_id": keys[0]}
    row = session.connection().execute(_LOCK, key).first()
    if row is None:
        return Conversation(**key, flow=None, step=None, data={}, version=0,
                            updated_at=utcnow())  # fmt: skip
    convo = Conversation(**dict(zip(_COLUMNS, row, strict=True)))
    identity = session.identity_key(Conversation, (org_id, channel, keys[0]))
    known = session.identity_map.get(identity)
    if known is not None:  # loaded earlier in this transaction (a retired key's draft)
        session.refresh(known, with_for_update=True)
        return known
    make_transient_to_detached(convo)
    session.add(convo)
    return convo


def save(
    session: Session, conversation: Conversation, flow: str, step: str | None, data: dict
) -> None:
    """Keep where the chat is: an UPDATE of its row, or an INSERT when it had none."""
    conversation.flow, conversation.step, conversation.data = flow, step, dict(data)
    conversation.version += 1
    conversation.updated_at = utcnow()
    session.add(conversation)


def _adopt_retired(session: Session, org_id: int, channel: str, keys: list[str]) -> None:
    """A draft started before `keys rotate`: file it under the current key's hash."""
    if peek(session, org_id, channel, keys=keys[:1]) is not None:
        return
    session.exec(
        update(Conversation)
        .where(
            Conversation.org_id == org_id,
            Conversation.channel == channel,
            Conversation.chat_id.in_(keys[1:]),
        )
        .values(chat_id=keys[0])
    )


def peek(
    session: Session,
    org_id: int,
    channel: str,
    chat_id: str = "",
    *,
    keys: list[str] | None = None,
) -> Conversation | None:
    keys = keys or chat_keys(channel, chat_id)
    return session.exec(
        select(Conversation).where(
            Conversation.org_id == org_id,
            Conversation.channel == channel,
            Conversation.chat_id.in_(keys),
        )
    ).first()


def forget(session: Session, conversation: Conversation) -> None:
    """Delete the row: a chat back at the main menu keeps nothing (nor did one that never
    left it)."""
    if sa.inspect(conversation).transient:
        return
    key = {
        "org_id": conversation.org_id,
        "channel": conversation.channel,
        "chat_id": conversation.chat_id,
    }
    session.connection().execute(_FORGET, key)


def event_key(channel: str, event_id: str) -> str:
    return hashlib.sha256(f"{channel}\0{event_id}".encode()).hexdigest()


def claim_event(session: Session, org_id: int, channel: str, event_id: str) -> bool:
    """Record the event as processed; False if it already was (a redelivery)."""
    key = event_key(channel, event_id)
    conn = session.connection()
    row = {"org_id": org_id, "key": key, "processed_at": utcnow()}
    return conn.execute(_CLAIM[conn.dialect.name], row).scalar_one_or_none() is not None


def prune_events(session: Session, older_than: datetime) -> int:
    """Drop old dedupe records (platforms redeliver within hours, not weeks)."""
    result = session.exec(delete(ProcessedEvent).where(ProcessedEvent.processed_at < older_than))
    return result.rowcount
