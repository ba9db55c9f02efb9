"""Is this process fit to take traffic? The checks behind `/readyz`.

Ready means: the database answers, its schema is at the newest migration, and the
outgoing-message backlog (the outbox's unsent messages) is below
`COMPLAINTBOT_READY_MAX_BACKLOG`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from storage.queues import outbox
from storage.schema import is_current

# How many outgoing messages are waiting to be sent (the outbox's unsent rows).
Backlog = Callable[[Connection], int]


def outgoing_backlog(conn: Connection) -> int:
    """Messages to other chats still waiting to be delivered (or retried)."""
    return outbox.pending_count(Session(bind=conn))


@dataclass(frozen=True)
class Readiness:
    database: bool
    migrations: bool
    backlog: int | None
    max_backlog: int

    @property
    def ready(self) -> bool:
        return (
            self.database
            and self.migrations
            and self.backlog is not None
            and self.backlog < self.max_backlog
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "ready": self.ready,
            "database": "ok" if self.database else "unreachable",
            "migrations": "current" if self.migrations else "behind",
            "outgoing_backlog": self.backlog,
            "max_backlog": self.max_backlog,
        }


def check(db: Engine, max_backlog: int, backlog: Backlog | None = None) -> Readiness:
    """One round of checks; a database that does not answer fails the others too."""
    count_backlog = backlog or outgoing_backlog
    try:
        with db.connect() as conn:
            conn.execute(sa.text("select 1"))
            current = is_current(conn)
            waiting = count_backlog(conn)
    except sa.exc.SQLAlchemyError:
        return Readiness(False, False, None, max_backlog)
    return Readiness(True, current, waiting, max_backlog)
