"""Delivers outbox messages after commit, for every channel, with retries and backoff.

Each channel gives a `Deliverer`. A message is claimed (leased) in one transaction, sent, and
marked sent in another; a crash before the mark sends it again after the lease, from where
it got: each part (a Telegram message, the map pin, a LINE call) is recorded as attempted
before it leaves and as accepted after (`bot.send_progress`), and accepted parts are not sent
again. LINE pushes carry the outbox id as their retry key, so LINE drops a repeat of the part
that was on its way; Telegram has no such key, so a crash in that one instant may repeat that
one part (never lose it). Content is never logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot import crash_points
from bot.send_progress import Progress
from handlers.outbound import Delivery, decode
from handlers.stats import drawing
from storage.db import READS_ONLY
from storage.files import FileStore
from storage.queues import outbox
from storage.timeutil import utcnow

log = logging.getLogger(__name__)

IDLE_SECONDS = 5.0


class Deliverer(Protocol):
    async def send_out(
        self, chat_id: str, delivery: Delivery, key: str, *, progress: Progress | None = None
    ) -> None:
        """Send `delivery` to `chat_id`; `key` is stable across retries of one message, and
        `progress` keeps how far sending got (parts accepted are not sent again)."""


class Unreachable(Exception):
    """The chat can never be reached (blocked the bot, left): do not retry."""


class OutboxSender:
    def __init__(
        self,
        db: Engine,
        deliverers: dict[str, Deliverer],
        clock: Callable[[], datetime] = utcnow,
        batch: int = 50,
        files: FileStore | None = None,
    ) -> None:
        self.db = db
        self.files = files
        self._reader = db.execution_options(**READS_ONLY)  # made once: each call makes one
        self.batch = batch
        self.deliverers = deliverers
        self.clock = clock
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self.routes: list = []
        # Told of each attempt as (channel, delivered): the metrics count them.
        self.observers: list[Callable[..., None]] = []

    def _tell(self, channel: str, ok: bool) -> None:
        for observe in self.observers:
            observe(channel, ok=ok)

    def wake(self) -> None:
        """A turn committed messages: deliver now rather than at the next idle tick."""
        self._wake.set()

    async def run_once(self) -> int:
        """Deliver every due message of the channels this sender serves; returns how many."""
        sent = 0
        while True:
            batch = await asyncio.to_thread(self._claim)
            if not batch:
                return sent
            for item in batch:
                sent += await self._deliver(item)

    def _claim(self) -> list[outbox.Claimed]:
        channels, now = tuple(self.deliverers), self.clock()
        with Session(self._reader) as session, session.begin():
            if not outbox.any_due(session, now, channels=channels):
                return []
        with Session(self.db) as session, session.begin():
            return outbox.claim(
                session, self.clock(), channels=tuple(self.deliverers), limit=self.batch
            )

    async def _deliver(self, item: outbox.Claimed) -> int:
        try:
            deliverer = self.deliverers[item.channel]
            key = f"outbox-{item.id}"

            async def record(attempted: int, sent: int) -> None:
                def write() -> None:
                    with Session(self.db) as session, session.begin():
                        outbox.progress(session, item.id, attempted=attempted, sent=sent)

                await asyncio.to_thread(write)

            progress = Progress(record, item.attempted_parts, item.sent_parts)
            delivery = decode(item.payload)
            if drawing.pending(delivery.replies):  # statistics files: drawn here, off any lock
                replies = await asyncio.to_thread(
                    drawing.resolve, self.db, self._files(deliverer), delivery.replies
                )
                delivery = Delivery(replies, delivery.location)
            if getattr(deliverer, "routes_by_org", False):  # many accounts: pick the org's
                await deliverer.send_out(  # type: ignore[call-arg]
                    item.chat_id, delivery, key, org_id=item.org_id,
                    progress=progress,
                )  # fmt: skip
            else:
                await deliverer.send_out(item.chat_id, delivery, key, progress=progress)
        except Exception as exc:
            permanent = isinstance(exc, Unreachable)
            with Session(self.db) as session, session.begin():
                gave_up = outbox.mark_failed(session, item.id, self.clock(), permanent=permanent)
            log.warning(
                "outbox message %s to %s failed (%s, attempt %s%s)", item.id, item.channel,
                type(exc).__name__, item.attempts, ", given up" if gave_up else "",
            )  # fmt: skip
            self._tell(item.channel, False)
            return 0
        crash_points.reached(crash_points.OUTBOX_SENT)
        with Session(self.db) as session, session.begin():
            outbox.mark_sent(session, item.id, self.clock())
        self._tell(item.channel, True)
        return 1

    def _files(self, deliverer: Deliverer) -> FileStore:
        """Where drawn files go: the sender's store, else the channel's (its core's)."""
        files = self.files or getattr(deliverer, "files", None) or deliverer.core.files  # type: ignore[attr-defined]
        assert isinstance(files, FileStore)
        return files

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:
                log.exception("outbox sender pass failed; trying again shortly")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), IDLE_SECONDS)
