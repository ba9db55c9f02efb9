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

from sqlalchemy.engine import Engine

from storage.db import is_sqlite

log = logging.getLogger(__name__)

CHECKPOINT_WAIT_MS = 2000
CONNECTION_WAIT_MS = 30000  # what storage.db sets on every connection


def scrub(engine: Engine) -> bool:
    """Leave no old page versions behind; True when the log was emptied (SQLite)."""
    if is_sqlite(engine):
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()  # autocommit (storage.db): a checkpoint runs outside BEGIN
            # Wait for other turns' readers only briefly: an informant is waiting for the
            # code, and the next scrub (or retention run) finishes what this one could not.
            cur.execute(f"PRAGMA busy_timeout={CHECKPOINT_WAIT_MS}")
            busy, _frames, _done = cur.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            cur.execute(f"PRAGMA busy_timeout={CONNECTION_WAIT_MS}")
            cur.close()
        finally:
            raw.close()
        if busy:
            log.warning("write-ahead log still in use; it will be truncated by a later scrub")
        return not busy
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM conversation")
    return False
