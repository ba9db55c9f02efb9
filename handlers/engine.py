"""The conversation engine: one committed turn per incoming event, for every channel.

A turn locks the chat's conversation, skips an event id it has already processed, loads the
state, runs the router, saves, and commits once. Only then are the replies returned for the
adapter to deliver, so what a user is told always describes something committed.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session

from handlers.flow import SCRUB_MARK, Ctx, Deps
from handlers.router import FLOWS, position, route
from handlers.stats import drawing
from handlers.telemetry import Outcome, Telemetry, TurnRecord, is_private, position_name
from handlers.types import Event, Notice, Reply, Turn
from messages import common
from storage import conversations
from storage.protect import residue
from storage.queues import outbox
from storage.timeutil import utcnow

log = logging.getLogger(__name__)

EVENT_MEMORY = timedelta(days=7)  # Telegram and LINE redeliver within hours
PRUNE_EVERY_SECONDS = 3600.0


class TurnRefused(Exception):
    """Raised by a `TurnHook` to roll the turn back quietly (another worker has the event)."""


class TurnHook(Protocol):
    """Work done inside the turn's transaction: the inbox marks its event processed and keeps
    the replies with it, so the turn and its answer commit together or not at all."""

    def begin(self, session: Session) -> None: ...

    def finish(self, session: Session, replies: list[Reply]) -> None: ...

    # Set by the engine after the turn: the turn was part of a tip (written, looked up,
    # answered), so what the hook kept of it is to be wiped from the files once delivered.
    scrub_after: bool


# A shared account's front step (handlers.hosting.shared_front.step with the account bound): run
# inside the turn's transaction, it answers itself or names the organisation whose turn runs
# next, with the event to run (`org_id`, `replies`, `forward`).
Front = Callable[[Session, Event], Any]


class ConversationEngine:
    def __init__(
        self,
        db: Engine,
        org_id: int,
        deps: Deps,
        router: Callable[[Ctx], Turn] = route,
    ) -> None:
        self.db = db
        self.org_id = org_id
        self.deps = deps
        self._route = router
        # Called after a committed turn that queued messages: the outbox sender delivers them.
        self.after_commit: Callable[[], None] | None = None
        self._queued = False  # a turn committed messages since `after_commit` was last called
        self.scrubber = residue.Scrubber(db)
        # One lock per chat with a count of turns waiting on it, dropped when none are.
        self._next_prune = 0.0
        self._locks: dict[tuple[str, str], tuple[asyncio.Lock, list[int]]] = {}
        self.telemetry = Telemetry()
        # Turns asked for and not yet returned: a webhook runs a turn itself only while few
        # are (bot.channels.inbox), so its acknowledgement does not wait behind them.
        self.running = 0

    async def handle(
        self,
        event: Event,
        hook: TurnHook | None = None,
        *,
        org_id: int | None = None,
        front: Front | None = None,
    ) -> list[Reply]:
        """Run one turn and return the replies to deliver ([] for a redelivered event).

        Turns of one chat run in order; turns of different chats run side by side. The turn
        is `org_id`'s (default: the engine's organisation); with `front` (a shared account)
        the front step chooses the organisation inside the same transaction.
        """
        self.telemetry.received(event.channel.value, event.kind.value)
        key = (event.channel.value, event.chat_id)
        lock, users = self._locks.setdefault(key, (asyncio.Lock(), [0]))
        users[0] += 1
        self.running += 1
        try:
            async with lock:
                # A hook may name the threads to run on (a webhook waiting for its own turn
                # has its own, so it does not queue behind deliveries); else the loop's.
                executor = getattr(hook, "executor", None)
                turn = functools.partial(self.handle_sync, event, hook, org_id, front)
                context = contextvars.copy_context()  # as asyncio.to_thread does
                replies = await asyncio.get_running_loop().run_in_executor(
                    executor, context.run, turn
                )
            if self._queued and self.after_commit is not None:
                self._queued = False  # set after a commit, so this wake comes after it
                self.after_commit()
            return replies
        finally:
            self.running -= 1
            users[0] -= 1
            if users[0] == 0:
                del self._locks[key]

    def handle_sync(
        self,
        event: Event,
        hook: TurnHook | None = None,
        org_id: int | None = None,
        front: Front | None = None,
    ) -> list[Reply]:
        record = TurnRecord(event.channel.value, event.kind.value)
        started = time.perf_counter()
        try:
            self._prune_now_and_then()
            replies = self._turn(event, record, hook, org_id or self.org_id, front)
        except TurnRefused:
            record.outcome = Outcome.DUPLICATE  # another worker has the event
            raise
        except Exception:
            # Never log the event itself: it may be a tip, and carries chat and user ids.
            log.exception("turn failed (channel=%s kind=%s)", event.channel, event.kind)
            record.outcome = Outcome.FAILED
            return [Reply(common.INTERNAL_ERROR, notice=Notice.FAILED)]
        finally:
            record.seconds = time.perf_counter() - started
            self.telemetry.handled(record)
        return self.draw_after_commit(replies)

    def draw_after_commit(self, replies: list[Reply]) -> list[Reply]:
        """Draw what a committed turn left to draw (statistics charts and workbooks): slow
        work kept out of the turn's transaction, so other chats do not wait on its lock."""
        return drawing.resolve_or_apologise(self.db, self.deps.files, replies)

    def _prune_now_and_then(self) -> None:
        """Forget processed-event ids older than any platform's redelivery window."""
        if time.monotonic() < self._next_prune:
            return
        self._next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
        with Session(self.db) as session, session.begin():
            conversations.prune_events(session, utcnow() - EVENT_MEMORY)

    def _turn(
        self,
        event: Event,
        record: TurnRecord,
        hook: TurnHook | None,
        org_id: int,
        front: Front | None = None,
    ) -> list[Reply]:
        with Session(self.db) as session, session.begin():
            if hook is not None:
                hook.begin(session)
            if not conversations.claim_event(session, org_id, event.channel.value, event.event_id):
                record.outcome = Outcome.DUPLICATE
                if hook is not None:
                    hook.finish(session, [])
                return []
            before: list[Reply] = []
            if front is not None:  # a shared account: its front step picks the organisation
                chosen = front(session, event)
                if chosen.org_id is None or chosen.forward is None:
                    if hook is not None:
                        hook.finish(session, list(chosen.replies))
                    return list(chosen.replies)
                org_id, event, before = chosen.org_id, chosen.forward, list(chosen.replies)
            convo = conversations.lock(session, org_id, event.channel.value, event.chat_id)
            ctx = Ctx(
                event, session, org_id, self.deps, convo.flow, convo.step, dict(convo.data or {})
            )
            was_in, _step = position(ctx)
            record.private = is_private(convo.flow)  # also if the turn fails
            turn = self._route(ctx)
            record.step = position_name(turn.flow, turn.step)
            record.private = is_private(convo.flow, turn.flow)
            if turn.flow is None:
                conversations.forget(session, convo)
            else:
                conversations.save(session, convo, turn.flow, turn.step, turn.data)
            replies = before + turn.replies
            if hook is not None:
                hook.finish(session, replies)
            queued = session.info.get(outbox.QUEUED, False)
        if queued:
            self._queued = True
        exited = was_in is not None and was_in.scrub_on_exit and turn.flow != was_in.name
        if hook is not None:
            going = FLOWS.get(turn.flow or "")
            hook.scrub_after = (
                SCRUB_MARK in ctx.marks
                or (was_in is not None and was_in.scrub_on_exit)
                or (going is not None and going.scrub_on_exit)
            )
        if exited or SCRUB_MARK in ctx.marks:
            self.scrubber.after_sensitive_turn()  # after commit: old page versions go too
        else:
            self.scrubber.after_turn()
        return replies

    def resume(self, event: Event, org_id: int | None = None) -> list[Reply]:
        """The current question again, for `event`'s chat coming back after a restart."""
        org_id = org_id or self.org_id
        with Session(self.db) as session:
            convo = conversations.peek(session, org_id, event.channel.value, event.chat_id)
            if convo is None:
                return []
            ctx = Ctx(event, session, org_id, self.deps, convo.flow, convo.step, dict(convo.data))
            _flow, step = position(ctx)
            return [Reply(common.RESUMED), step.prompt(ctx)] if step else []
