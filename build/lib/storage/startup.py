"""One process at a time through migrations and seed data, however many start at once.

`complaintbot serve --workers N`, or several servers started together on one fresh
database, would otherwise race to create the same tables and the same organisation row.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

# pg_advisory_lock key for "schema and seed data": an arbitrary constant of our own.
STARTUP_LOCK = 0x636F6D706C61696E  # "complain"


@contextlib.contextmanager
def exclusive(engine: Engine) -> Iterator[None]:
    """Hold the deployment-wide start-up lock: a PostgreSQL advisory lock, or for SQLite an
    exclusive `flock` on a file beside the database. Both are released if the holder dies."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.execute(sa.text("select pg_advisory_lock(:k)"), {"k": STARTUP_LOCK})
            try:
                yield
            finally:
                conn.execute(sa.text("select pg_advisory_unlock(:k)"), {"k": STARTUP_LOCK})
        return
    path = engine.url.database
    if not path or path == ":memory:":
        yield
        return
    lock_path = Path(path).with_name(Path(path).name + ".startup-lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
