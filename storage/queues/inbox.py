"""The inbox repository: store an event before acknowledging it, then work it off in order.

Repositories never commit. A row's payload and replies are sealed with the process keyring
(purpose "inbox"), each bound to its column and to the row's event (`bind`); the chat is
named only by a keyed hash. The per-event statements (`add`,
`oldest`, `lock_first_pending`, `finish`, `remove`) are Core statements on the session's
connection: no identity map and no flush on the hot path (bench/README.md).
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from psycopg import sql as psycopg_sql
from sqlalchemy import Row, bindparam, delete, exists, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from storage import crypto
from storage.models import ProcessedEvent
from storage.queues.inbox_models import DONE, PENDING, InboxEvent
from storage.timeutil import utcnow

PURPOSE = "inbox"
_T = InboxEvent.__table__
_P = ProcessedEvent.__table__

# The per-event statements are built once: building one costs ~0.2 ms of Python (the
# cache key is made from the whole tree), executing a built one with parameters ~0.05 ms.
_CHAT = (
    _T.c.org_id == bindparam("org_id"),
    _T.c.channel == bindparam("channel"),
    _T.c.chat_key == bindparam("key"),
)
_STORED = ("org_id", "channel", "chat_key", "event_key", "payload", "replies", "state",
           "failures", "attempted", "sent", "received_at")  # fmt: skip
# One statement stores an event: nothing when it was processed before (a redelivery after
# its row was deleted) or is stored already (the unique event key), else its id and whether
# an earlier row of its chat is waiting. The earlier row is looked up by id, so what the
# statement sees of its own row does not matter (PostgreSQL's subquery sees the table as
# before the insert, SQLite's as after).
_NEW_ROW = select(*(bindparam(name, type_=_T.c[name].type) for name in _STORED)).where(
    ~exists().where(_P.c.org_id == bindparam("org_id"), _P.c.key == bindparam("event_key"))
)
# An earlier row of the row's chat, if any: by the store's RETURNING and by the row lock.
# Written out: SQLAlchemy does not correlate a subquery in RETURNING with the inserted row.
_EARLIER = literal_column(
    "(SELECT e.id FROM inbox_event AS e WHERE e.org_id = inbox_event.org_id"
    " AND e.channel = inbox_event.channel AND e.chat_key = inbox_event.chat_key"
    " AND e.id < inbox_event.id LIMIT 1)"
)
_INSERT = {
    dialect: insert(_T)
    .from_select(_STORED, _NEW_ROW)
    .on_conflict_do_nothing()
    .returning(_T.c.id, _EARLIER)
    for dialect, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}
_OLDEST = (
    select(
        _T.c.id,
        _T.c.state,
        _T.c.failures,
        _T.c.payload,
        _T.c.replies,
        _T.c.event_key,
        _T.c.attempted,
        _T.c.sent,
    )
    .where(*_CHAT)
    .order_by(_T.c.id)
    .limit(1)
)
_LOCK = (
    select(
        _T.c.id,
        _T.c.org_id,
        _T.c.channel,
        _T.c.chat_key,
        _T.c.event_key,
        _T.c.state,
        _EARLIER.label("earlier"),
    )
    .where(_T.c.id == bindparam("id"))
    .with_for_update(of=_T)
)
_FINISH = (
    update(_T)
    .where(_T.c.id == bindparam("row_id"))
    .values(state=bindparam("new_state"), replies=bindparam("new_replies"), failures=0)
)
_PROGRESS = (
    update(_T)
    .where(_T.c.id == bindparam("row_id"))
    .values(attempted=bindparam("new_attempted"), sent=bindparam("new_sent"))
)
_REMOVE = delete(_T).where(_T.c.id == bindparam("id"))


class Stored(NamedTuple):
    """What `finish` needs of a row: its id, and what its replies are bound to."""

    id: int
    org_id: int
    event_key: str


def chat_key(org_id: int, channel: str, chat: str) -> str:
    """The keyed hash that stands for a chat in the inbox (a plain hash of a Telegram chat
    id could be reversed by trying every number)."""
    return crypto.keyring().mac(f"{org_id}\0{channel}\0{chat}".encode(), "inbox-chat")


def bind(column: str, org_id: int, event_key: str) -> str:
    """What a sealed payload or replies value is bound to: its column and its row's event."""
    return crypto.binding(f"inbox_event.{column}", [org_id, event_key])


def seal(value: Any, place: str) -> bytes:
    return crypto.keyring().seal(json.dumps(value, ensure_ascii=False).encode(), PURPOSE, place)


def unseal(blob: bytes, place: str) -> Any:
    return json.loads(crypto.keyring().open(bytes(blob), PURPOSE, place))


def round_trip(value: Any) -> Any:
    """`value` as `unseal(seal(value))` gives it back, without the sealing."""
    return json.loads(json.dumps(value, ensure_ascii=False))


class Added(NamedTuple):
    """A newly stored event's row id, and whether it is its chat's first row (nothing of
    the chat was waiting when it was stored)."""

    id: int
    first: bool


def add(
    session: Session, org_id: int, channel: str, key: str, event_key: str, payload: Any
) -> Added | None:
    """Store one event of the chat `key` (`chat_key`); None when it is already stored or
    was processed (a redelivery). One statement: it runs for every webhook."""
    conn = session.connection()
    row = {
        "org_id": org_id,
        "channel": channel,
        "chat_key": key,
        "event_key": event_key,
        "payload": seal(payload, bind("payload", org_id, event_key)),
        "replies": None,
        "state": PENDING,
        "failures": 0,
        "attempted": 0,
        "sent": 0,
        "received_at": utcnow(),
    }
    stored = conn.execute(_INSERT[conn.dialect.name], row).first()
    return None if stored is None else Added(stored[0], stored[1] is None)


def oldest(session: Session, org_id: int, channel: str, key: str) -> Row | None:
    """The chat's first row in arrival order, processed or not (id, state, failures,
    payload, replies, attempted, sent)."""
    params = {"org_id": org_id, "channel": channel, "key": key}
    return session.connection().execute(_OLDEST, params).first()


_WAITING = psycopg_sql.SQL(
    "select exists (select 1 from inbox_event where org_id = {} and channel = {} and chat_key = {})"
)


def waiting_query(org_id: int, channel: str, key: str) -> psycopg_sql.Composed:
    """Whether the chat has rows, as PostgreSQL text with its values in it: the chat lock
    sends it with the lock's release (`bot.channels.chat_locks`), one round trip for both."""
    return _WAITING.format(
        psycopg_sql.Literal(org_id), psycopg_sql.Literal(channel), psycopg_sql.Literal(key)
    )


def lock_first_pending(session: Session, row_id: int) -> Row | None:
    """Lock row `row_id` for this transaction; None unless it is still pending and no earlier
    row of its chat is left (another worker got there first, or order would break).

    One statement. On PostgreSQL, when it waited for another worker's lock on the row, the
    row's state is read as that worker committed it (a processed row is refused), while
    the look for earlier rows keeps the statement's first view. What that view can hold
    beyond a fresh one is an earlier row deleted meanwhile: the row is then refused and
    read again, as when another worker had it."""
    row = session.connection().execute(_LOCK, {"id": row_id}).first()
    if row is None or row.state != PENDING or row.earlier is not None:
        return None
    return row


def finish(session: Session, row: Row, replies: Any) -> None:
    """Mark the row (as `lock_first_pending` gave it) processed and keep its replies (sealed)
    until they are delivered; failed turns before it do not count against its delivery."""
    sealed = seal(replies, bind("replies", row.org_id, row.event_key))
    params = {"row_id": row.id, "new_state": DONE, "new_replies": sealed}
    session.connection().execute(_FINISH, params)


def progress(session: Session, row_id: int, *, attempted: int, sent: int) -> None:
    """Record how far delivering the row's replies got: `sent` sending units accepted by the
    platform, and `attempted` (`sent + 1`) while the next one is on its way."""
    params = {"row_id": row_id, "new_attempted": attempted, "new_sent": sent}
    session.connection().execute(_PROGRESS, params)


def remove(session: Session, row_id: int) -> None:
    session.connection().execute(_REMOVE, {"id": row_id})


def state_of(session: Session, row_id: int) -> str | None:
    """The row's state (PENDING, DONE), None when it is gone."""
    return session.connection().execute(select(_T.c.state).where(_T.c.id == row_id)).scalar()


def note_failure(session: Session, row_id: int) -> int:
    """Count one failed attempt at the row; returns the count so far (0: row gone)."""
    row = session.get(InboxEvent, row_id)
    if row is None:
        return 0
    row.failures += 1
    session.add(row)
    return row.failures


def waiting_everywhere(session: Session) -> list[tuple[int, str, str]]:
    """(org_id, channel, chat key) of every chat with rows left, across all accounts: one
    query, so a process's safety sweep costs the same however many accounts it serves."""
    stmt = select(_T.c.org_id, _T.c.channel, _T.c.chat_key).distinct()
    return [(int(o), str(c), str(k)) for o, c, k in session.connection().execute(stmt)]


def count(session: Session, org_id: int | None = None) -> int:
    stmt = select(_T.c.id)
    if org_id is not None:
        stmt = stmt.where(_T.c.org_id == org_id)
    return len(session.connection().execute(stmt).all())


__all__ = ["DONE", "PENDING", "Added", "InboxEvent", "add", "chat_key", "finish",
           "lock_first_pending", "note_failure", "oldest", "progress", "remove", "seal",
           "state_of", "unseal", "waiting_everywhere", "waiting_query"]  # fmt: skip
