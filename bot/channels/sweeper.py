"""One safety sweep per process for every account's inbox: rows nobody is working on.

A webhook that stores an event wakes its chat at once (`Inbox.store`). What that misses (rows
a dead process left, a chat another worker let go of after our wake-up found it locked, a
wake-up lost to a failure) is found here: one query across every account every
`SWEEP_SECONDS`, so an idle process costs the same for ten accounts as for ten thousand.

An account whose inbox this process has not loaded is loaded through a resolver (the hosting
runner, `bot.web.hosting`, which loads accounts on first use), so the sweep reaches every
account, including those whose rows a previous process left.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage.db import READS_ONLY
from storage.queues import inbox

log = logging.getLogger(__name__)

SWEEP_SECONDS = 2.0  # how often rows left by a dead process (or a lost wake-up) are looked for


class Swept(Protocol):
    """What the sweeper needs of an inbox."""

    sweep_seconds: float

    def sweep_found(self, key: str) -> None: ...


# (org_id, channel) -> the inbox of that account, loaded now; None when no account answers
Resolver = Callable[[int, str], Awaitable[Swept | None]]


class Sweeper:
    """The sweep of one database, shared by every inbox of the process (`sweeper_for`)."""

    def __init__(self, db: Engine) -> None:
        self.db = db
        self._reader = db.execution_options(**READS_ONLY)
        self.inboxes: dict[tuple[int, str], Swept] = {}
        self.resolvers: list[Resolver] = []
        self._task: asyncio.Task[None] | None = None

    # -- who takes part ------------------------------------------------------------------

    def add(self, org_id: int, channel: str, box: Swept) -> None:
        """Sweep for the account (`org_id`, `channel`: its inbox rows' columns)."""
        self.inboxes[(org_id, channel)] = box
        self._running()

    def remove(self, org_id: int, channel: str, box: Swept) -> None:
        if self.inboxes.get((org_id, channel)) is box:
            del self.inboxes[(org_id, channel)]
        self._maybe_done()

    def add_resolver(self, resolver: Resolver) -> None:
        self.resolvers.append(resolver)
        self._running()

    def remove_resolver(self, resolver: Resolver) -> None:
        with contextlib.suppress(ValueError):
            self.resolvers.remove(resolver)
        self._maybe_done()

    @property
    def interval(self) -> float:
        return min((b.sweep_seconds for b in self.inboxes.values()), default=SWEEP_SECONDS)

    # -- the sweep -----------------------------------------------------------------------

    async def sweep_once(self) -> int:
        """Wake every chat with rows left that this process is not working on; returns how
        many chats were found waiting (across all accounts)."""
        waiting = await asyncio.to_thread(self._read)
        for org_id, channel, key in waiting:
            box = self.inboxes.get((org_id, channel))
            if box is None:
                box = await self._resolve(org_id, channel)
            if box is not None:
                box.sweep_found(key)
        return len(waiting)

    def _read(self) -> list[tuple[int, str, str]]:
        with Session(self._reader) as session, session.begin():
            return inbox.waiting_everywhere(session)

    async def _resolve(self, org_id: int, channel: str) -> Swept | None:
        for resolve in list(self.resolvers):
            try:
                box = await resolve(org_id, channel)
            except Exception as exc:  # one account failing to load stops no other
                log.warning("inbox sweep: an account failed to load (%s)", type(exc).__name__)
                continue
            if box is not None:
                return box
        return None

    async def _forever(self) -> None:
        while True:
            try:
                await self.sweep_once()
            except Exception as exc:
                log.warning("inbox sweep failed: %s", type(exc).__name__)
            await asyncio.sleep(self.interval)

    # -- lifecycle -----------------------------------------------------------------------

    def _running(self) -> None:
        loop = asyncio.get_running_loop()
        task = self._task
        if task is not None and not task.done() and task.get_loop() is loop:
            return
        self._task = loop.create_task(self._forever())

    def _maybe_done(self) -> None:
        if self.inboxes or self.resolvers:
            return
        if self._task is not None:
            self._task.cancel()
            self._task = None
        _SWEEPERS.pop(self.db, None)


_SWEEPERS: dict[Engine, Sweeper] = {}


def sweeper_for(db: Engine) -> Sweeper:
    """The process's sweeper for `db` (made on first use, gone when its last user leaves)."""
    found = _SWEEPERS.get(db)
    if found is None:
        found = _SWEEPERS[db] = Sweeper(db)
    return found
