"""Which process works a chat's inbox right now: a lock that dies with its process.

A chat's events must run one at a time and in order, whichever process or worker took them
in. A process works a chat only while it holds the chat's lock. The lock is one that the
operating system or the database drops the moment its holder dies (SIGKILL included), so a
restarted or surviving worker takes over at once, with no lease to wait out:

- PostgreSQL: a session advisory lock on one connection kept for the purpose;
- SQLite: a byte-range `fcntl` lock in one file beside the database (one machine, as SQLite).

Every account of a process shares one holder per database (`chat_locks_for` counts its users):
one connection or one open file however many accounts are served. A chat's key is a hash that
already holds its organisation and account (`storage.queues.inbox.chat_key`), so chats of
different accounts never share a lock.

The database stays the judge of order: a turn commits only for the chat's oldest pending
event (`storage.queues.inbox.lock_first_pending`), so even a lost lock cannot reorder or double a
turn; the lock keeps workers from wasting work and from delivering one reply twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import logging
import os
import threading
from pathlib import Path
from typing import Any, Protocol

import psycopg
import sqlalchemy as sa
from psycopg import sql as psycopg_sql
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

_FILE_SLOTS = 2**30
_TAKE, _LET_GO = "pg_try_advisory_lock", "pg_advisory_unlock"
_CALLS = {function: f"select {function}(%s)" for function in (_TAKE, _LET_GO)}  # built once


class ChatLocks(Protocol):
    # Whether `release` can look for the chat's rows in the same breath (it answers a `look`).
    looks_on_release: bool

    async def acquire(self, key: str) -> bool: ...

    async def release(self, key: str, look: Any = None) -> bool | None:
        """Let go of the chat; with `look` (`storage.queues.inbox.waiting_query`), also say
        whether the chat has rows now, where the holder can ask in the same breath (None:
        it cannot; `bot.channels.inbox.Inbox._take` says how rows stored meanwhile are then
        not left behind)."""

    def close(self) -> None: ...


class AdvisoryLocks:
    """PostgreSQL session advisory locks, all held on one dedicated connection. Advisory
    locks are re-entrant within a session, so the keys this process holds are tracked too
    (two accounts' workers of one process never both take a key)."""

    looks_on_release = True

    def __init__(self, db: Engine) -> None:
        self._engine = sa.create_engine(db.url, poolclass=sa.pool.NullPool)
        # Lock numbers are database-wide: the URL (schema included) keeps two deployments
        # or test schemas on one server apart.
        self._salt = db.url.render_as_string(hide_password=True).encode()
        self._raw: Any = None  # the pool's handle on the connection (it closes it when freed)
        self._mutex = threading.Lock()
        self._held: set[str] = set()

    def _connection(self) -> Any:
        """The driver's own connection, in autocommit: a lock call is one statement, run
        thousands of times a minute, without SQLAlchemy's statement handling around it."""
        if self._raw is None or self._raw.driver_connection.closed:
            self._raw = self._engine.raw_connection()
            self._raw.driver_connection.autocommit = True
        return self._raw.driver_connection

    def _call(self, function: str, key: str, look: Any = None) -> bool:
        """Run the lock `function` on the key's number; with `look`, that query too in the
        same round trip, and return its answer instead."""
        digest = hashlib.sha256(self._salt + b"\0" + key.encode()).digest()
        number = int.from_bytes(digest[:8], "big", signed=True)
        with self._mutex:
            try:
                return self._run(function, number, look)
            except (psycopg.OperationalError, psycopg.InterfaceError):
                # The connection is gone and with it every lock it held; start afresh.
                log.warning("chat lock connection lost; reconnecting")
                if self._raw is not None:
                    self._raw.invalidate()
                self._raw = None
                return self._run(function, number, look)

    def _run(self, function: str, number: int, look: Any) -> bool:
        conn = self._connection()
        if look is None:
            return bool(conn.execute(_CALLS[function], (number,)).fetchone()[0])
        # Two statements in one simple query: the look runs after the release, with a view
        # of its own. Values are in the text (`psycopg.sql.Literal`), so it is never prepared.
        both = psycopg_sql.SQL("select {}({}); {}").format(
            psycopg_sql.SQL(function), psycopg_sql.Literal(number), look
        )
        cursor = conn.execute(both, prepare=False)
        cursor.nextset()
        return bool(cursor.fetchone()[0])

    async def acquire(self, key: str) -> bool:
        if key in self._held:
            return False
        self._held.add(key)  # claimed before the call: no other task of ours takes it meanwhile
        try:
            taken = await asyncio.to_thread(self._call, _TAKE, key)
        except BaseException:
            self._held.discard(key)
            raise
        if not taken:
            self._held.discard(key)
        return taken

    async def release(self, key: str, look: Any = None) -> bool | None:
        if key not in self._held:
            return None
        try:
            found = await asyncio.to_thread(self._call, _LET_GO, key, look)
        finally:
            self._held.discard(key)
        return found if look is not None else None

    def close(self) -> None:
        with self._mutex:
            if self._raw is not None:
                # Let go of the locks before closing: the server drops a closed session's
                # locks only once its backend has exited, a moment later, so another process
                # asking at once could still be refused.
                with contextlib.suppress(psycopg.Error):
                    self._raw.driver_connection.execute("select pg_advisory_unlock_all()")
                self._raw.close()
            self._raw = None
        self._engine.dispose()


class FileLocks:
    """Byte-range locks in one file. `fcntl` locks belong to the process, so slots held by
    this process are tracked here too (two chats of one process never share a slot)."""

    looks_on_release = False

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        self._held: dict[int, str] = {}

    async def acquire(self, key: str) -> bool:
        slot = int(key[:16], 16) % _FILE_SLOTS
        if slot in self._held:
            return False
        try:
            fcntl.lockf(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, slot)
        except OSError:
            return False
        self._held[slot] = key
        return True

    async def release(self, key: str, look: Any = None) -> bool | None:
        slot = int(key[:16], 16) % _FILE_SLOTS
        if self._held.get(slot) == key:
            del self._held[slot]
            fcntl.lockf(self._fd, fcntl.LOCK_UN, 1, slot)
        return None

    def close(self) -> None:
        os.close(self._fd)


class ProcessLocks:
    """For an in-memory database, which no other process can see."""

    looks_on_release = False

    def __init__(self) -> None:
        self._held: set[str] = set()

    async def acquire(self, key: str) -> bool:
        if key in self._held:
            return False
        self._held.add(key)
        return True

    async def release(self, key: str, look: Any = None) -> bool | None:
        self._held.discard(key)
        return None

    def close(self) -> None:
        self._held.clear()


class SharedLocks:
    """One user's handle on the process's holder for a database: `close` lets go of the
    holder only when its last user closes (closing an `fcntl` file drops every lock the
    process holds in it, whichever account took them)."""

    def __init__(self, place: str, holder: ChatLocks) -> None:
        self._place = place
        self._holder = holder
        self._closed = False
        self.looks_on_release = holder.looks_on_release

    async def acquire(self, key: str) -> bool:
        return await self._holder.acquire(key)

    async def release(self, key: str, look: Any = None) -> bool | None:
        return await self._holder.release(key, look)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with _REGISTRY_LOCK:
            holder, users = _HOLDERS[self._place]
            if users > 1:
                _HOLDERS[self._place] = (holder, users - 1)
                return
            del _HOLDERS[self._place]
        holder.close()


_HOLDERS: dict[str, tuple[ChatLocks, int]] = {}  # place -> (holder, users)
_REGISTRY_LOCK = threading.Lock()


def chat_locks_for(db: Engine, channel: str = "") -> ChatLocks:
    """The locks for chats of `db`: the process's one holder for that database, shared by
    every account and channel (`channel` is kept for callers; keys tell accounts apart)."""
    path = db.url.database
    if db.dialect.name != "postgresql" and (not path or path == ":memory:"):
        return ProcessLocks()  # an in-memory database belongs to its engine alone
    place = db.url.render_as_string(hide_password=True)
    with _REGISTRY_LOCK:
        found = _HOLDERS.get(place)
        if found is None:
            holder: ChatLocks
            if db.dialect.name == "postgresql":
                holder = AdvisoryLocks(db)
            else:
                assert path is not None
                holder = FileLocks(Path(path).with_name(f"{Path(path).name}.chat-locks"))
            found = (holder, 0)
        _HOLDERS[place] = (found[0], found[1] + 1)
        return SharedLocks(place, found[0])
