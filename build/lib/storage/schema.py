"""Which migration a database is at, compared with the newest this code knows."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from storage.db import current_revisions, head_revisions

__all__ = ["current_revisions", "head_revisions", "is_current"]


def is_current(conn: Connection) -> bool:
    return current_revisions(conn) == head_revisions()
