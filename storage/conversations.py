"""Conversation state and processed events. Repositories here never commit.

A conversation row is found by a keyed hash of its chat (`chat_keys`), never by the chat id
itself: a copy of the database shows that someone is writing something, not who. After
`keys rotate` a chat's row is still found under the hash of a retired key and moved to the
current one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, delete, select, update

from storage import crypto
from storage.models import Conversation, ProcessedEvent
from storage.timeutil import utcnow

_C = Conversation.__table__
_E = ProcessedEvent.__table__

# Built once (see storage.queues.inbox): building a statement costs more than running it.
_KEY = (
    _C.c.org_id == sa.bindparam("org_id"),
    _C.c.channel == sa.bindparam("channel"),
    _C.c.chat_id == sa.bindparam("chat_id"),
)
_LOCK = sa.select(_C.c.flow, _C.c.step, _C.c.data).where(*_KEY).with_for_update()
_FORGET = sa.delete(_C).where(*_KEY)
_CREATE = sa.insert(_C)
_SAVE = (  # an UPDATE's parameters may not be named after its columns
    sa.update(_C)
    .where(
        _C.c.org_id == sa.bindparam("at_org_id"),
        _C.c.channel == sa.bindparam("at_channel"),
        _C.c.chat_id == sa.bindparam("at_chat_id"),
    )
    .values(
        flow=sa.bindparam("new_flow"),
        step=sa.bindparam("new_step"),
        data=sa.bindparam("new_data", type_=_C.c.data.type),
        version=_C.c.version + 1,
        updated_at=sa.bindparam("now", type_=_C.c.updated_at.type),
    )
)
_CLAIM = {
    "postgresql": pg_insert(_E).on_conflict_do_nothing().returning(_E.c.key),
    "sqlite": sqlite_insert(_E).on_conflict_do_nothing().returning(_E.c.key),
}


def chat_keys(channel: str, chat_id: str) -> list[str]:
    """What the conversation table stores for a chat: its keyed hash, current key first."""
    return crypto.keyring().macs(f"{channel}\0{chat_id}".encode(), "chat")


@dataclass
class Held:
    """A chat's conversation as its turn holds it: its row, locked, or none yet (`stored`
    False: the chat is at the main menu)."""

    org_id: int
    channel: str
    chat_id: str  # the keyed hash the row is stored under
    flow: str | None = None
    step: str | None = None
    data: dict = field(default_factory=dict)
    stored: bool = False

    def key(self) -> dict[str, object]:
        return {"org_id": self.org_id, "channel": self.channel, "chat_id": self.chat_id}


def lock(session: Session, org_id: int, channel: str, chat_id: str) -> Held:
    """The chat's conversation, its row locked for this transaction. A chat with no row
    (at the main menu) gets one only if its turn leaves it in a flow (`save`): most menu
    presses and questions write no conversation at all.

    On PostgreSQL the row lock makes a second worker wait for this turn to finish; SQLite
    transactions here begin IMMEDIATE, which serialises writers the same way (a chat with no
    row has its turns kept in order by the inbox). Core statements, one per event for the
    look and one for the save: no ORM object, identity map or flush on this path.
    """
    keys = chat_keys(channel, chat_id)
    if len(keys) > 1:
        _adopt_retired(session, org_id, channel, keys)
    held = Held(org_id, channel, keys[0])
    row = session.connection().execute(_LOCK, held.key()).first()
    if row is not None:
        held.flow, held.step, held.data = row.flow, row.step, row.data
        held.stored = True
    return held


def save(session: Session, held: Held, flow: str, step: str | None, data: dict) -> None:
    """Keep where the chat is: an UPDATE of its row, or an INSERT when it had none (two
    first turns of one chat at once cannot both insert: the second is rolled back and run
    again, as any failed turn)."""
    conn = session.connection()
    if not held.stored:
        row = {**held.key(), "flow": flow, "step": step, "data": dict(data), "version": 1,
               "updated_at": utcnow()}  # fmt: skip
        conn.execute(_CREATE, row)
        return
    at = {f"at_{name}": value for name, value in held.key().items()}
    params = {**at, "new_flow": flow, "new_step": step, "new_data": dict(data), "now": utcnow()}
    if conn.execute(_SAVE, params).rowcount != 1:
        raise RuntimeError("the conversation row went away during its turn")


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


def forget(session: Session, held: Held) -> None:
    """Delete the row: a chat back at the main menu keeps nothing (nor did one that never
    left it)."""
    if held.stored:
        session.connection().execute(_FORGET, held.key())


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
