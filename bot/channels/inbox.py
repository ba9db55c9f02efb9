"""Lose nothing: events are stored before they are acknowledged and worked off in order.

A webhook (or the Telegram poller) calls `Inbox.store`, which commits the events as inbox
rows, and only then answers the platform. Processing runs from the rows: for each chat, the
process that holds the chat's lock (`bot.channels.chat_locks`) takes the chat's oldest row, turns it
into a core event (`InboxChannel.prepare`: parsing, downloads), and runs the turn with a
hook that, in the same transaction, marks the row processed and keeps the replies sealed in
it. The replies are then delivered (`InboxChannel.deliver`) and the row deleted.

So a process killed at any point loses nothing: a row not processed is processed after the
restart (or by another worker), replies not delivered are delivered, a turn never runs twice
(the row and the engine's processed-event record commit together), and a code is shown only
once the case holding it is committed. Delivery records its progress in the row
(`bot.send_progress`), so what the platform accepted is not sent again. A turn that fails is
rolled back and run again a few times before the apology is kept: a failure for a moment
must not cost a citizen their code.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from bot import crash_points
from bot.channels.chat_locks import ChatLocks, chat_locks_for
from bot.channels.sweeper import SWEEP_SECONDS, sweeper_for
from bot.send_progress import Progress
from handlers import reply_codec
from handlers.engine import TurnRefused
from handlers.stats import drawing
from handlers.types import Event, Notice, Reply
from storage.db import READS_ONLY, URGENT, one_statement
from storage.models import ProcessedEvent
from storage.protect import residue
from storage.queues import inbox
from storage.queues.inbox_models import DONE, PENDING
from storage.timeutil import utcnow

log = logging.getLogger(__name__)

T = TypeVar("T")

MAX_PARALLEL_CHATS = 8  # chats worked at once by one process (each may hold a connection)
INTAKE_THREADS = 4  # webhook requests storing at once
DELIVERY_PAUSES = (1.0, 5.0, 15.0)  # before each retry of a failed delivery; then it is dropped
TURN_PAUSES = (0.5, 2.0, 5.0)  # before each new run of a failed turn; then the apology is sent
# A webhook runs its event's turn itself (one transaction: stored, run, answered) only while
# fewer turns than this are running: otherwise its acknowledgement would queue behind them.
DIRECT_BELOW = 2
# Pauses before trying again for a chat whose lock another process holds, where letting go
# of a lock cannot look for rows in the same breath (SQLite: `Inbox._take`); then the sweep.
CONTENDED_PAUSES = (0.02, 0.05, 0.1, 0.2, 0.5, 1.0)


@dataclass(frozen=True)
class Incoming:
    """One event to store: its chat (plain, hashed on the way in), its dedupe key, and the
    platform's JSON for it (sealed on the way in)."""

    chat: str
    event_key: str
    payload: Any


@dataclass
class Prepared:
    """What a stored event means: a core `event` to run, or `replies` to send without a turn."""

    event: Event | None = None
    replies: list[Reply] = field(default_factory=list)


class InboxChannel(Protocol):
    """What a channel gives the inbox."""

    name: str

    async def prepare(self, payload: Any) -> Prepared: ...

    async def deliver_replies(
        self, payload: Any, replies: list[Reply], *, retry: bool, progress: Progress
    ) -> None:
        """Send the replies; `retry` when an earlier attempt (perhaps by a process that died)
        may have sent some of them already, `progress` says how far it got."""

    def discard(self, prepared: Prepared) -> None: ...

    def apology(self) -> list[Reply]: ...


class Turns(Protocol):
    async def handle(self, event: Event, hook: Any = None) -> list[Reply]: ...


@dataclass
class _Row:
    id: int
    state: str
    failures: int
    payload: Any
    replies: list[Reply] | None
    attempted: int = 0
    sent: int = 0


class _RowHook:
    """Runs inside the turn's transaction: the row must still be the chat's first pending
    one (else the turn is rolled back), and it is marked processed with the replies."""

    def __init__(self, row_id: int) -> None:
        self.row_id = row_id
        self._row: Any = None
        self.scrub_after = False  # set by the engine: wipe the row's traces once delivered

    def begin(self, session: Session) -> None:
        self._row = inbox.lock_first_pending(session, self.row_id)
        if self._row is None:
            raise TurnRefused

    def finish(self, session: Session, replies: list[Reply]) -> None:
        assert self._row is not None
        crash_points.reached(crash_points.TURN_FAILS)
        inbox.finish(session, self._row, reply_codec.dump(replies))


class _StoreHook(_RowHook):
    """The webhook's own turn (`Inbox._direct`): the event is stored by the turn's
    transaction and must then be its chat's first row; the turn is refused (rolled back,
    nothing stored) otherwise, and the event is stored and queued as usual."""

    def __init__(self, org_id: int, channel: str, key: str, item: Incoming) -> None:
        super().__init__(0)
        self.org_id, self.channel, self.key, self.item = org_id, channel, key, item
        self.stored_before = False  # a redelivery: the event is stored or processed already
        self.executor: ThreadPoolExecutor | None = None  # the webhook's threads (`_intake`)

    def begin(self, session: Session) -> None:
        item = self.item
        added = inbox.add(session, self.org_id, self.channel, self.key, item.event_key,
                          item.payload)  # fmt: skip
        if added is None:
            self.stored_before = True
            raise TurnRefused
        if not added.first:
            raise TurnRefused  # the chat has rows waiting: this one goes after them
        self.row_id = added.id
        self._row = inbox.Stored(added.id, self.org_id, item.event_key)


class Inbox:
    def __init__(
        self,
        db: Engine,
        org_id: int,
        channel: InboxChannel,
        turns: Turns,
        *,
        locks: ChatLocks | None = None,
        sweep_seconds: float = SWEEP_SECONDS,
        delivery_pauses: Sequence[float] = DELIVERY_PAUSES,
        turn_pauses: Sequence[float] = TURN_PAUSES,
    ) -> None:
        self.db = db
        # Made once (each call makes a new engine view). SQLite: a reader takes no write
        # lock, a webhook's store goes first in line for it. PostgreSQL: what is a single
        # statement runs in autocommit (`one_statement`).
        self._reader = one_statement(db, **READS_ONLY)
        self._storer = db.execution_options(**URGENT)
        self._store_one = one_statement(db, **URGENT)
        self._single = one_statement(db)
        self.org_id = org_id
        self.channel = channel
        self.turns = turns
        self.locks = locks or chat_locks_for(db, channel.name)
        self.sweep_seconds = sweep_seconds
        self.delivery_pauses = tuple(delivery_pauses)
        self.turn_pauses = tuple(turn_pauses)
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._direct_keys: set[str] = set()  # chats whose webhook is running their turn
        self._again: set[str] = set()
        self._slots = asyncio.Semaphore(MAX_PARALLEL_CHATS)
        self._processed_here: set[int] = set()  # rows whose turn this process ran
        # Rows of a tip's turns: their old page versions are wiped once they are deleted.
        self._tip_rows: set[int] = set()
        self._scrubber = residue.Scrubber(db)
        # Webhooks store on threads of their own, so that an acknowledgement never queues
        # behind turns and deliveries for a free thread.
        self._intake = ThreadPoolExecutor(INTAKE_THREADS, thread_name_prefix="inbox-intake")
        self._sweeper = sweeper_for(db)  # one per process, for every account's inbox

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Take part in the process's sweep (`bot.channels.sweeper`), which begins with
        whatever a previous process left and looks again now and then."""
        self._sweeper.add(self.org_id, self.channel.name, self)

    async def stop(self, timeout: float = 10.0) -> None:
        """Leave the sweep; let chats in progress finish briefly. Whatever is left stays in
        the database for the next start: nothing is lost by stopping at any point."""
        self._sweeper.remove(self.org_id, self.channel.name, self)
        try:
            await asyncio.wait_for(self.join(), timeout)
        except TimeoutError:
            for task in list(self._tasks.values()):
                task.cancel()
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        self._intake.shutdown(wait=False)
        self.locks.close()

    async def join(self) -> None:
        """Wait until every chat this process is working on has nothing left to do."""
        while self._tasks:
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    @property
    def idle(self) -> bool:
        """No chat is being worked by this inbox right now (it may be closed and lose nothing)."""
        return not self._tasks

    def sweep_found(self, key: str) -> None:
        """The sweep found rows of chat `key`: work it, unless this process already does."""
        if key not in self._tasks:
            self.wake(key)

    # -- intake ------------------------------------------------------------------------------

    async def store(self, items: Sequence[Incoming]) -> list[Incoming]:
        """Commit `items` as inbox rows (one transaction), then start working their chats.

        Returns the items that were new (not already stored or processed: redeliveries).
        Raises if the database did not take them: the caller must not acknowledge then.
        """
        if not items:
            return []
        if len(items) == 1 and (done := await self._direct(items[0])) is not None:
            return done
        loop = asyncio.get_running_loop()
        new, keys, first = await loop.run_in_executor(self._intake, self._store_sync, items)
        crash_points.reached(crash_points.STORED)
        for key in keys:
            self.wake(key, first.pop(key, None))
        return new

    def _store_sync(
        self, items: Sequence[Incoming]
    ) -> tuple[list[Incoming], list[str], dict[str, _Row]]:
        """Store the items; returns the new ones, their chats' keys, and for each chat whose
        first row is now one of them (it had nothing waiting) that row as `_read_oldest`
        would read it, so working the chat starts without a read of its own (a thread hop
        and a transaction fewer per event)."""
        new: list[Incoming] = []
        keys: list[str] = []
        first: dict[str, _Row] = {}
        storer = self._store_one if len(items) == 1 else self._storer  # a batch commits once
        with storer.begin() as conn:
            session: Any = _Bare(conn)
            for item in items:
                key = inbox.chat_key(self.org_id, self.channel.name, item.chat)
                added = inbox.add(session, self.org_id, self.channel.name, key,
                                  item.event_key, item.payload)  # fmt: skip
                if added is None:
                    continue
                new.append(item)
                keys.append(key)
                if added.first:
                    first[key] = _Row(added.id, PENDING, 0, inbox.round_trip(item.payload), None)
        return new, keys, first

    async def _direct(self, item: Incoming) -> list[Incoming] | None:
        """Store the event and run its turn in one transaction, before the platform is
        answered, when its chat has nothing waiting, no download is needed and few turns
        run: one write transaction per event instead of two. The replies are then delivered
        after the answer, as for a queued event. None: store and queue the event instead.

        The chat's lock is taken first and kept until the replies are delivered, as the
        worker of a queued event keeps it, so no other process delivers them too."""
        prepare_now = getattr(self.channel, "prepare_now", None)
        key = inbox.chat_key(self.org_id, self.channel.name, item.chat)
        if (
            prepare_now is None
            or key in self._tasks
            or key in self._direct_keys
            or getattr(getattr(self.turns, "engine", self.turns), "running", 0) >= DIRECT_BELOW
        ):
            return None
        try:
            prepared = prepare_now(item)
        except Exception as exc:  # queued: `prepare` then meets it where failures are handled
            log.warning("inbox: preparing an event at once failed (%s)", type(exc).__name__)
            return None
        if prepared is None or prepared.event is None:
            return None
        self._direct_keys.add(key)  # before the lock's await: a second webhook then queues
        handed_on = False
        locked = False
        try:
            if not (locked := await self.locks.acquire(key)):
                return None
            hook = _StoreHook(self.org_id, self.channel.name, key, item)
            hook.executor = self._intake  # the acknowledgement waits for no delivery's hop
            try:
                replies = await self.turns.handle(prepared.event, hook)
            except TurnRefused:
                return [] if hook.stored_before else None
            except Exception as exc:  # queued: the worker runs it again, then apologises
                log.warning("inbox: a webhook's own turn failed (%s)", type(exc).__name__)
                return None
            if replies and replies[0].notice is Notice.FAILED:
                return None  # rolled back, nothing stored: queued, the turn runs again
            crash_points.reached(crash_points.STORED)
            crash_points.reached(crash_points.TURN_COMMITTED)
            self._processed_here.add(hook.row_id)
            if hook.scrub_after:
                self._tip_rows.add(hook.row_id)
            row = _Row(hook.row_id, DONE, 0, inbox.round_trip(item.payload), replies)
            self._tasks[key] = asyncio.create_task(self._work(key, row, locked=True))
            handed_on = True
            return [item]
        finally:
            self._direct_keys.discard(key)
            if not handed_on:
                if locked:
                    await self.locks.release(key)
                if key in self._again:  # stored meanwhile by another webhook of this chat
                    self._again.discard(key)
                    self.wake(key)

    def wake(self, key: str, first: _Row | None = None) -> None:
        """Make sure this process works the chat `key` (if no other process is on it).

        `first`: the chat's first row as just read in the storing transaction. It may be
        stale by the time it is worked (another worker took it): the turn then refuses it
        (`lock_first_pending`) and the row is read again, as for any row read earlier."""
        if key in self._tasks or key in self._direct_keys:
            self._again.add(key)
            return
        self._tasks[key] = asyncio.create_task(self._work(key, first))

    # -- working a chat ----------------------------------------------------------------------

    async def _work(self, key: str, first: _Row | None = None, locked: bool = False) -> None:
        """`locked`: the chat's lock is held already (`_direct`)."""
        try:
            while True:
                self._again.discard(key)
                if not locked and not await self._take(key):
                    return  # another process works this chat
                locked = False
                try:
                    await self._drain(key, first)
                    first = None
                finally:
                    waiting = await self.locks.release(key, self._waiting_query(key))
                # Rows stored while the lock was held, after the last look: go again. Those
                # of this process are in `_again`; another process's are seen by the look
                # that comes with the release (PostgreSQL), or that process tries again
                # for the lock shortly (SQLite, `_take`).
                if key not in self._again and not waiting:
                    return
        except Exception as exc:
            # Database trouble: the rows stay; the sweeper comes back to this chat.
            log.error("inbox: working a chat failed: %s", type(exc).__name__)
        finally:
            del self._tasks[key]

    async def _take(self, key: str) -> bool:
        """Take the chat's lock. Where its holder cannot look for rows as it lets go
        (SQLite), try again a few times: a row this process stored after the holder's last
        look is this process's to work once the lock is free. Every exit from `_drain`
        follows a look at the chat's rows, so such a row is either seen by the holder or
        stored after its last look."""
        if await self.locks.acquire(key):
            return True
        if self.locks.looks_on_release:
            return False  # PostgreSQL: the holder looks as it lets go
        for pause in CONTENDED_PAUSES:
            await asyncio.sleep(pause)
            if await self.locks.acquire(key):
                return True
        return False  # the sweep comes back to the chat

    def _waiting_query(self, key: str) -> Any:
        """What the chat lock asks with its release (PostgreSQL), else None."""
        if not self.locks.looks_on_release:
            return None
        return inbox.waiting_query(self.org_id, self.channel.name, key)

    async def _drain(self, key: str, first: _Row | None = None) -> None:
        """Work the chat's rows in order. A row processed here is delivered from memory, and
        deleting a delivered row reads the next one at once (in the same transaction on
        SQLite, in autocommit on PostgreSQL)."""
        row = first if first is not None else await self._next(key)
        while row is not None:
            if row.state != DONE:
                async with self._slots:
                    replies = await self._process(row)
                if replies is None:  # not kept by this process: see what the row holds now
                    row = await self._next(key)
                    continue
                row = _Row(row.id, DONE, 0, row.payload, replies)
                crash_points.reached(crash_points.TURN_COMMITTED)
            row = await self._deliver(row, key)

    async def _next(self, key: str) -> _Row | None:
        return await self._db(lambda s: self._read_oldest(s, key), on=self._reader)

    def _read_oldest(self, session: Any, key: str) -> _Row | None:
        row = inbox.oldest(session, self.org_id, self.channel.name, key)
        if row is None:
            return None
        place = {c: inbox.bind(c, self.org_id, row.event_key) for c in ("payload", "replies")}
        replies = (
            reply_codec.load(inbox.unseal(row.replies, place["replies"])) if row.replies else None
        )
        assert row.id is not None
        payload = inbox.unseal(row.payload, place["payload"])
        return _Row(row.id, row.state, row.failures, payload, replies, row.attempted, row.sent)

    async def _process(self, row: _Row) -> list[Reply] | None:
        """Run the row's turn; returns the replies committed with it by this process, or
        None when the row must be read again (another worker had it, it is unknown, or the
        turn failed and is tried again)."""
        prepared: Prepared | None = None
        try:
            prepared = await self.channel.prepare(row.payload)
            if prepared.event is None:
                notices = prepared.replies
                kept = await self._db(lambda s: self._finish_directly(s, row.id, notices))
                return notices if kept else None
            hook = _RowHook(row.id)
            try:
                replies = await self.turns.handle(prepared.event, hook)
            except TurnRefused:
                self.channel.discard(prepared)  # another worker processed this row
                return None
            self._processed_here.add(row.id)
            if hook.scrub_after:
                self._tip_rows.add(row.id)
            if replies and replies[0].notice is Notice.FAILED:
                if await self._again_later(row, prepared):
                    return None
                # Rolled back every time: the apology is the answer to keep.
                kept = await self._db(lambda s: self._finish_directly(s, row.id, replies))
                return replies if kept else None
            if not replies:
                self.channel.discard(prepared)  # processed before: its files are kept already
            return replies
        except Exception as exc:
            # Ids and text are never logged: the event may be a corruption tip.
            log.error("inbox: processing an event failed: %s", type(exc).__name__)
            if await self._again_later(row, prepared):
                return None
            if prepared is not None:
                self.channel.discard(prepared)
            apology = self.channel.apology()
            await self._db(lambda s: self._finish_directly(s, row.id, apology))
            return None

    async def _again_later(self, row: _Row, prepared: Prepared | None) -> bool:
        """After a failed turn: True when the row will be read again, either because the
        turn did commit after all (something after its commit failed) or to run it again
        after a pause. A failure is often passing (the database restarting, a connection
        cut, a lock not granted in time): a citizen's confirmation must not be consumed by
        an apology at the first one. After `turn_pauses` the apology is kept."""

        def note(session: Session) -> tuple[int, bool]:
            state = inbox.state_of(session, row.id)
            return inbox.note_failure(session, row.id), state == PENDING

        failures, pending = await self._db(note)
        if not pending:
            return True  # committed (or taken by another worker): read it again
        if failures > len(self.turn_pauses):
            return False
        if prepared is not None:
            self.channel.discard(prepared)  # rolled back: its files are fetched again
        log.warning("inbox: a turn failed; trying it again (attempt %d)", failures + 1)
        await asyncio.sleep(self.turn_pauses[failures - 1])
        return True

    def _finish_directly(self, session: Session, row_id: int, replies: list[Reply]) -> bool:
        """Mark a row processed without a turn (a notice, an apology, nothing to do); False
        when it was not this process's to mark."""
        row = inbox.lock_first_pending(session, row_id)
        if row is None:
            return False
        inbox.finish(session, row, reply_codec.dump(replies))
        seen = session.get(ProcessedEvent, (row.org_id, row.event_key))
        if seen is None:  # so a redelivery after the row is gone is not answered twice
            session.add(ProcessedEvent(org_id=row.org_id, key=row.event_key,
                                       processed_at=utcnow()))  # fmt: skip
        return True

    async def _deliver(self, row: _Row, key: str) -> _Row | None:
        """Send a processed row's replies, then delete it; returns the chat's next row. A
        failure is retried after a pause (the row stays first in its chat, so later replies
        do not overtake it)."""
        retry = row.id not in self._processed_here or row.failures > 0
        self._processed_here.discard(row.id)

        async def record(attempted: int, sent: int) -> None:
            await self._db(
                lambda s: inbox.progress(s, row.id, attempted=attempted, sent=sent), on=self._single
            )

        # A row this process did not run, or whose delivery failed, may have had its next
        # unit sent by the earlier attempt without a mark (a channel that marks none).
        progress = Progress(record, row.attempted, row.sent, maybe_attempted=retry)
        try:
            draw = getattr(getattr(self.turns, "engine", self.turns), "draw_after_commit", None)
            if draw is not None and drawing.pending(row.replies):  # kept by a process that died
                row.replies = await asyncio.to_thread(draw, row.replies)
            if row.replies:
                await self.channel.deliver_replies(
                    row.payload, row.replies, retry=retry, progress=progress
                )
            crash_points.reached(crash_points.DELIVERED)
        except Exception as exc:
            failures = await self._db(lambda s: inbox.note_failure(s, row.id))
            if failures > len(self.delivery_pauses):
                log.error("inbox: giving up delivering replies (%s)", type(exc).__name__)
            else:
                log.warning("inbox: delivery failed (%s); will retry", type(exc).__name__)
                await asyncio.sleep(self.delivery_pauses[failures - 1])
                return await self._next(key)

        def remove_then_read(session: Any) -> _Row | None:
            inbox.remove(session, row.id)
            return self._read_oldest(session, key)

        following = await self._db(remove_then_read, on=self._single)  # apart, on PostgreSQL
        if row.id in self._tip_rows:
            # The row held the chat (in its event) beside the tip's words or code (in its
            # replies): once deleted, its older versions leave the files too.
            self._tip_rows.discard(row.id)
            await asyncio.to_thread(self._scrubber.after_sensitive_turn)
        elif self._scrubber.due:  # the log was busy last time: try again, without waiting
            await asyncio.to_thread(self._scrubber.after_turn)
        return following

    async def _db(self, work: Callable[[Any], T], *, on: Engine | None = None) -> T:
        """Run `work` on a thread: in a transaction with a `Session`, or, `on` one of the
        inbox's one-statement engines (`_reader`, `_single`), on a plain connection
        (`_Bare`) for the inbox's own Core statements."""

        def run() -> T:
            if on is not None:
                with on.begin() as conn:
                    return work(_Bare(conn))
            with Session(self.db) as session, session.begin():
                return work(session)

        return await asyncio.to_thread(run)


class _Bare:
    """What the inbox's Core statements need of a session, `connection()`, on a plain
    connection: a `Session` and its transaction cost more Python than those statements."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def connection(self) -> Connection:
        return self._conn
