"""Which migration a database is at, compared with the newest this code knows."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

from storage.db import newest_revisions


def head_revisions() -> tuple[str, ...]:
    """The newest migration(s) shipped with this code."""
    return newest_revisions()


def current_revisions(conn: Connection) -> tuple[str, ...]:
    """The migration(s) the database says it is at; () for an empty database."""
    return tuple(sorted(MigrationContext.configure(conn).get_current_heads()))


def is_current(conn: Connection) -> bool:
    return current_revisions(conn) == head_revisions()
