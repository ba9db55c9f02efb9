"""Engine creation and schema migration for SQLite (default) and PostgreSQL (scale-out)."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
WRITE_WAIT_SECONDS = 30.0  # as long as SQLite's own busy timeout, below
# Connections kept open for reuse: as many as threads of serve use at once (the webhook's
# intake, the turns and deliveries on asyncio's default threads, jobs). Beyond these,
# connections are opened and closed for each use, which on PostgreSQL is a new server
# process each time: under load the default of 5 did that for every other transaction.
POOL_SIZE = 16
POOL_OVERFLOW = 16
PING_AFTER_IDLE_SECONDS = 30.0  # a pooled connection idle this long is checked before use
READS_ONLY = {"sqlite_reads_only": True}  # execution options: a read that needs no write lock
# Execution options of a write that goes before the others waiting for SQLite's write lock: a
# webhook storing its events, whose platform waits for the answer (and redelivers after 2 s).
URGENT = {"sqlite_urgent": True}


def one_statement(engine: Engine, **options: object) -> Engine:
    """`engine` for work that is one statement, or several that need not commit together:
    on PostgreSQL in autocommit, which saves the BEGIN and the COMMIT, two round trips of
    the three such a transaction costs (the inbox runs several per event). SQLite keeps its
    transactions: they are how a writer takes the write lock (`make_engine`)."""
    if engine.dialect.name == "postgresql":
        options = {**options, "isolation_level": "AUTOCOMMIT"}
    return engine.execution_options(**options) if options else engine


class WriterLock:
    """The process's queue for SQLite's write lock: first come, first served, except that an
    urgent writer (`URGENT`) goes before every ordinary one waiting. Under load a webhook's
    store would otherwise wait behind every queued turn, delivery mark and deletion."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._urgent = threading.Condition(self._mutex)
        self._ordinary = threading.Condition(self._mutex)
        self._held = False
        self._urgent_waiting = 0
        self._ordinary_waiting = 0

    def acquire(self, timeout: float, *, urgent: bool = False) -> bool:
        with self._mutex:
            if urgent:
                self._urgent_waiting += 1
                try:
                    return self._urgent.wait_for(lambda: not self._held and self._take(), timeout)
                finally:
                    self._urgent_waiting -= 1
            self._ordinary_waiting += 1
            try:
                return self._ordinary.wait_for(
                    lambda: not self._held and not self._urgent_waiting and self._take(), timeout
                )
            finally:
                self._ordinary_waiting -= 1

    def waiting(self) -> tuple[int, int]:
        """Writers waiting now: (urgent, ordinary)."""
        with self._mutex:
            return self._urgent_waiting, self._ordinary_waiting

    def _take(self) -> bool:
        self._held = True
        return True

    def release(self) -> None:
        with self._mutex:
            self._held = False
            (self._urgent if self._urgent_waiting else self._ordinary).notify()


class _WriterConnection(sqlite3.Connection):
    """A SQLite connection that gives the engine's writer lock back when its transaction ends.

    SQLite lets one writer in at a time and makes the others poll (sleeping 1, 2, 5 ... 100
    ms between tries), which under load left most turns asleep while the database was free.
    The threads of one process therefore queue on a Python lock instead, taken at BEGIN and
    released here, right after COMMIT or ROLLBACK; other processes still meet SQLite's own
    lock, as before.
    """

    writer_lock: WriterLock | None = None
    holding = False

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.release_writer()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.release_writer()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.release_writer()

    def release_writer(self) -> None:
        if self.holding and self.writer_lock is not None:
            self.holding = False
            self.writer_lock.release()


def _synchronous() -> str:
    value = os.environ.get("COMPLAINTBOT_SQLITE_SYNCHRONOUS", "NORMAL").upper()
    return value if value in ("NORMAL", "FULL", "EXTRA") else "NORMAL"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str, **kwargs) -> Engine:
    """An engine tuned for many short turns from several threads."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        in_file = sa.engine.make_url(url).database not in (None, "", ":memory:")
        if in_file and "poolclass" not in kwargs:
            kwargs = {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW, **kwargs}
        engine = sa.create_engine(
            url,
            connect_args={
                "check_same_thread": False,
                "timeout": 30,
                "factory": _WriterConnection,
            },
            **kwargs,
        )
        writer_lock = WriterLock()

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:
            dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
            dbapi_conn.writer_lock = writer_lock
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            # With WAL, NORMAL syncs at checkpoints rather than at every commit: a commit
            # survives the process being killed (SIGKILL, OOM: the tests kill serve) but the
            # last commits before a power cut or kernel crash may be lost. COMPLAINTBOT_SQLITE_
            # SYNCHRONOUS=FULL restores a sync per commit (bench/README.md measures both).
            cur.execute(f"PRAGMA synchronous={_synchronous()}")
            cur.execute("PRAGMA busy_timeout=30000")
            # Deleted rows (a filed tip's draft) are overwritten with zeros, not left in
            # free space for anyone with a copy of the file (see storage.protect.residue).
            cur.execute("PRAGMA secure_delete=ON")
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def _begin_immediate(conn) -> None:
            if conn.get_execution_options().get("sqlite_reads_only"):
                conn.exec_driver_sql("BEGIN")  # a snapshot (WAL): writers go on meanwhile
                return
            # Take the write lock up front, so two workers' turns on one chat serialise
            # instead of both reading the same state (SQLite has no SELECT ... FOR UPDATE).
            raw = conn.connection.dbapi_connection
            if not raw.holding:
                urgent = bool(conn.get_execution_options().get("sqlite_urgent"))
                if not writer_lock.acquire(WRITE_WAIT_SECONDS, urgent=urgent):
                    raise sa.exc.OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError(
                        "database is locked (by another thread of this process)"))  # fmt: skip
                raw.holding = True
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                raw.release_writer()
                raise

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if "poolclass" not in kwargs:
        kwargs = {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW, **kwargs}
    engine = sa.create_engine(url, **kwargs)
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled PostgreSQL connection before use only when it sat idle for a while.

    A connection idle for long may have been closed by the server or a proxy in between;
    one given back a moment ago was alive then. `pool_pre_ping` pinged every checkout: a round
    trip before each of the several transactions of every event. After a server restart the
    first use of a connection that had been busy fails instead, and its transaction is run
    again (turns and stores are retried; a webhook's platform redelivers on the 500).
    """

    @sa.event.listens_for(engine, "checkin")
    def _returned(_dbapi_conn, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_conn, record, _proxy) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            dbapi_conn.execute("select 1")
        except Exception as exc:
            # The pool throws this connection away and checks out another one.
            raise sa.exc.DisconnectionError() from exc


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


@cache
def head_revisions() -> tuple[str, ...]:
    """The newest migration(s) shipped with this code (read from the scripts once)."""
    return tuple(sorted(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads()))


def current_revisions(conn: sa.Connection) -> tuple[str, ...]:
    """The migration(s) the database says it is at; () for an empty database."""
    return tuple(sorted(MigrationContext.configure(conn).get_current_heads()))


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration; safe to call on every start. A database
    already there costs one read, not a load of every migration script."""
    with engine.connect() as conn:
        conn.execution_options(**READS_ONLY)  # SQLite: no write lock for this read
        current = current_revisions(conn)
    if current == head_revisions():
        return
    command.upgrade(alembic_config(engine), "head")
