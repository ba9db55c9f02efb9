"""How many wrong tracking codes a chat, and everyone together, may type in a while.

A tip's code is its informant's only key, so codes must not be guessable by trying many:
after `PER_CHAT` codes that match nothing within one window of `WINDOW`, the chat waits for
the next window; after `OVERALL` misses from all chats together (many accounts guessing at
once), everyone does. A typo caught by the check digit never reaches here: it is not a
guess. Counters live in the database, so every worker sees the same ones; they hold a keyed
hash of the chat and a number, never the codes that were tried.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, delete, select

from storage import crypto
from storage.protect.models import CodeGuessWindow
from storage.timeutil import as_utc

WINDOW = timedelta(minutes=10)
PER_CHAT = 10
OVERALL = 500
EVERYONE = "all"


@dataclass(frozen=True)
class Limit:
    """Why look-ups are refused now, and for how many more minutes."""

    everyone: bool
    minutes: int


def window_start(now: datetime) -> datetime:
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    elapsed = as_utc(now) - epoch
    return epoch + (elapsed // WINDOW) * WINDOW


def _chat_scope(channel: str, chat_id: str) -> str:
    return "chat:" + crypto.keyring().mac(f"{channel}\0{chat_id}".encode(), "guess")[:48]


def _everyone(org_id: int | None) -> str:
    """Everyone's counter: per organisation, so that a flood of guesses at one organisation's
    codes does not stop the citizens of another; deployment-wide for the shared channel,
    whose look-ups reach every organisation (None)."""
    return EVERYONE if org_id is None else f"{EVERYONE}:{org_id}"


def refused(
    session: Session, channel: str, chat_id: str, now: datetime, *, org_id: int | None = None
) -> Limit | None:
    """The limit this chat has reached, or None if it may look a code up."""
    start = window_start(now)
    everyone = _everyone(org_id)
    rows = session.exec(
        select(CodeGuessWindow).where(
            CodeGuessWindow.scope.in_([_chat_scope(channel, chat_id), everyone]),
            CodeGuessWindow.window_start == start,
        )
    ).all()
    misses = {row.scope: row.misses for row in rows}
    minutes = max(1, -(-int((start + WINDOW - as_utc(now)).total_seconds()) // 60))
    if misses.get(everyone, 0) >= OVERALL:
        return Limit(everyone=True, minutes=minutes)
    if misses.get(_chat_scope(channel, chat_id), 0) >= PER_CHAT:
        return Limit(everyone=False, minutes=minutes)
    return None


def record_miss(
    session: Session, channel: str, chat_id: str, now: datetime, *, org_id: int | None = None
) -> None:
    """Count one code that matched nothing, for the chat and for everyone."""
    start = window_start(now)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for scope in (_chat_scope(channel, chat_id), _everyone(org_id)):
        stmt = insert(CodeGuessWindow).values(scope=scope, window_start=start, misses=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=["scope", "window_start"],
            set_={"misses": CodeGuessWindow.misses + 1},
        )
        session.execute(stmt)


def prune(session: Session, now: datetime, files: object = None) -> int:
    """Drop counters of windows that are over (a job: `(session, now, files)`)."""
    result = session.exec(
        delete(CodeGuessWindow).where(CodeGuessWindow.window_start < window_start(now))
    )
    return result.rowcount
