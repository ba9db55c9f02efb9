"""Chat locks: one holder per database for every account of a process (one lock file beside
a SQLite database, one connection to PostgreSQL), held against other processes until the
last account using it closes."""

from __future__ import annotations

import asyncio
import hashlib
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.channels.chat_locks import chat_locks_for
from storage.db import make_engine
from storage.queues import inbox

ROOT = Path(__file__).resolve().parent.parent
OTHER_PROCESS = """
import asyncio, sys
from bot.channels.chat_locks import chat_locks_for
from storage.db import make_engine
locks = chat_locks_for(make_engine(sys.argv[1]), "line-9")
print("taken" if asyncio.run(locks.acquire(sys.argv[2])) else "refused")
"""


def key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def other_process_takes(url: str, chat: str) -> str:
    done = subprocess.run([sys.executable, "-c", OTHER_PROCESS, url, chat], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=True)  # fmt: skip
    return done.stdout.strip()


def test_every_account_shares_one_holder_and_closing_one_keeps_the_others_locks(
    engine: Engine,
) -> None:
    if engine.dialect.name == "postgresql":
        # A database of its own for the process's registry of holders: an earlier test's
        # inbox left open would otherwise share the holder and keep its locks.
        engine = make_engine(str(engine.url.update_query_dict({"application_name": key(
            "chat-locks")[:16]}).render_as_string(hide_password=False)))  # fmt: skip
    url = engine.url.render_as_string(hide_password=False)
    first, second = chat_locks_for(engine, "line-1"), chat_locks_for(engine, "telegram-2")
    chat = key("a chat of the first account")
    assert asyncio.run(first.acquire(chat))
    assert not asyncio.run(second.acquire(chat))  # the process holds it already
    first.close()  # the first account closes (evicted, say): its chat stays locked
    assert other_process_takes(url, chat) == "refused"
    if engine.dialect.name == "sqlite":
        database = Path(str(engine.url.database))
        beside = sorted(p.name for p in database.parent.iterdir() if "chat-locks" in p.name)
        assert beside == [f"{database.name}.chat-locks"]  # one file, not one per account
    second.close()  # the last user lets go: every lock of the process goes with it
    assert other_process_takes(url, chat) == "taken"


def test_letting_go_of_a_chat_on_postgresql_says_whether_its_rows_wait(make_core) -> None:
    """The worker's last look at a chat rides on the lock's release (one round trip): it
    must see a row stored while the lock was held, and nothing once the chat is empty."""
    core = make_core()
    locks = chat_locks_for(core.db, "line-1")
    chat = inbox.chat_key(core.org_id, "line-1", "U-a-citizen")
    look = inbox.waiting_query(core.org_id, "line-1", chat)
    try:
        assert asyncio.run(locks.acquire(chat))
        with Session(core.db) as session, session.begin():
            added = inbox.add(session, core.org_id, "line-1", chat, "event-1", {"text": "x"})
        assert added is not None
        waiting = asyncio.run(locks.release(chat, look))
        if core.db.dialect.name != "postgresql":
            assert waiting is None  # the caller asks the database itself
            return
        assert waiting is True
        with Session(core.db) as session, session.begin():
            inbox.remove(session, added.id)
        assert asyncio.run(locks.acquire(chat))
        assert asyncio.run(locks.release(chat, look)) is False
    finally:
        locks.close()
