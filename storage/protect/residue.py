"""Wiping what a deleted tip draft leaves behind in the database files.

On SQLite every connection runs with `secure_delete=ON` (storage.db), so a deleted row is
overwritten with zeros in its page; but earlier versions of the page still sit in the
write-ahead log until a checkpoint. `scrub` checkpoints the log into the database and
truncates it to nothing. The engine calls it after a tip is filed or its draft dropped.

PostgreSQL cannot be made to forget this way: its WAL and the dead versions of updated or
deleted rows are outside an application's reach (see SECURITY.md). There `scrub` vacuums
the conversation table so the dead rows' space is reused soon; what protects the informant
there is that the rows never held a chat id (only a keyed hash) nor a readable draft.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy.engine import Engine

from storage.db import is_sqlite

log = logging.getLogger(__name__)

CHECKPOINT_WAIT_MS = 2000
# PostgreSQL: the tables whose deleted rows held a draft or a chat beside a tip's words.
# file_blob: a dropped draft's photo, when files are kept in the database (storage.blobs).
VACUUMED = ("conversation", "inbox_event", "file_blob")
CONNECTION_WAIT_MS = 30000  # what storage.db sets on every connection


def scrub(engine: Engine, wait_ms: int = CHECKPOINT_WAIT_MS) -> bool:
    """Leave no old page versions behind; True when the log was emptied (SQLite)."""
    if is_sqlite(engine):
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()  # autocommit (storage.db): a checkpoint runs outside BEGIN
            # Wait for other turns' readers only briefly: an informant is waiting for the
            # code, and the next scrub (or retention run) finishes what this one could not.
            cur.execute(f"PRAGMA busy_timeout={int(wait_ms)}")
            busy, _frames, _done = cur.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            cur.execute(f"PRAGMA busy_timeout={CONNECTION_WAIT_MS}")
            cur.close()
        finally:
            raw.close()
        if busy:
            log.info("write-ahead log still in use; a later scrub truncates it")
        return not busy
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # Without TRUNCATE the vacuum skips giving empty trailing pages back to the system,
        # which waits up to 5 s for every other session's lock on the table to go.
        for table in VACUUMED:
            conn.exec_driver_sql(f"VACUUM (TRUNCATE FALSE) {table}")
    return False


class Scrubber:
    """When to scrub, for the conversation engine.

    After a tip is filed or dropped: on SQLite at once (the informant's reply waits at most
    `CHECKPOINT_WAIT_MS`); if other turns kept the log busy, it is tried again, without
    waiting, after each later turn until it succeeds. On PostgreSQL the vacuum runs in the
    background: it cannot make the rows' old versions go away sooner, only their space.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.due = False
        self._lock = threading.Lock()
        self._vacuuming = False

    def after_sensitive_turn(self) -> None:
        if is_sqlite(self.engine):
            self.due = not scrub(self.engine)
            return
        with self._lock:  # one vacuum at a time (each holds a pooled connection)
            self.due = True
            if self._vacuuming:
                return  # the running one goes round again
            self._vacuuming = True
        threading.Thread(target=self._vacuum, daemon=True).start()

    def after_jobs(self) -> None:
        """After scheduled jobs: scrub if one of them deleted what must not linger."""
        if self.due:
            self.after_sensitive_turn()

    def after_turn(self) -> None:
        if self.due and is_sqlite(self.engine):
            self.due = not scrub(self.engine, wait_ms=0)

    def _vacuum(self) -> None:
        while True:
            with self._lock:
                if not self.due:
                    self._vacuuming = False
                    return
                self.due = False
            try:
                scrub(self.engine)
            except Exception:
                log.exception("vacuum after a tip failed")
