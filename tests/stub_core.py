"""A core with a scripted engine, for adapter tests that pin down what a channel does.

The database is real (SQLite, migrated): the inbox stores events there before a channel
acknowledges them. Only the conversation engine is a stand-in that answers from a script.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from handlers.types import Event, Reply
from storage import orgs
from storage.db import make_engine, migrate
from storage.files import FileStore


@dataclass
class ScriptedEngine:
    """Stands in for ConversationEngine: records events, answers from a script (or from
    `respond`), and commits the inbox's hook like a real turn."""

    db: Engine
    answer: list[Reply] = field(default_factory=lambda: [Reply("รับทราบ")])
    events: list[Event] = field(default_factory=list)
    fail: bool = False
    respond: Callable[[Event], Awaitable[list[Reply]]] | None = None

    async def handle(self, event: Event, hook=None) -> list[Reply]:
        self.events.append(event)
        if self.fail:
            raise RuntimeError(f"boom in chat {event.chat_id}: {event.text}")
        replies = await self.respond(event) if self.respond else list(self.answer)
        if hook is not None:
            with Session(self.db) as session, session.begin():
                hook.begin(session)
                hook.finish(session, replies)
        return replies


@dataclass
class StubCore:
    db: Engine
    org_id: int
    engine: ScriptedEngine
    files: FileStore


def stub_core(tmp_path: Path) -> StubCore:
    db = make_engine(f"sqlite:///{tmp_path / 'stub.db'}")
    migrate(db)
    with Session(db) as session, session.begin():
        org_id = orgs.ensure(session, slug="khaothong", name="อบต.เขาทอง").id
    assert org_id is not None
    return StubCore(db, org_id, ScriptedEngine(db), FileStore(tmp_path / "files"))
