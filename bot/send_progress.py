"""How far sending one stored message got, kept with it: a crash repeats (almost) nothing.

The inbox (replies to an event) and the outbox (notices, news) both keep, in the message's
row, an attempt marker and a count of the sending units the platform accepted. A channel
sends in units (a Telegram message, a LINE API call) and calls `attempt(n)` before unit `n`
leaves and `accepted(n)` once the platform took it; each is committed at once, but for
LINE, which drops a repeated call itself and so needs neither the attempt nor the last
acceptance kept.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot import crash_points


class Progress:
    """How far sending one stored message got. After a crash, `sent` units were accepted
    and are not sent again, and `uncertain` says that unit number `sent` was on its way when
    the process died: it may or may not have arrived, and the channel decides what to do
    about that (Telegram sends it again, LINE makes the repeat one LINE drops)."""

    def __init__(
        self,
        record: Callable[[int, int], Awaitable[None]] | None,
        attempted: int,
        sent: int,
        *,
        maybe_attempted: bool = False,
    ) -> None:
        """`maybe_attempted`: an earlier attempt may have sent unit `sent` without marking
        it (a channel that marks no attempts: `attempt(..., record=False)`)."""
        self._record = record
        self.sent = sent
        self.uncertain = attempted > sent or maybe_attempted

    @classmethod
    def untracked(cls) -> Progress:
        """For sends with nowhere to keep their progress."""
        return cls(None, 0, 0)

    async def attempt(self, unit: int, *, record: bool = True) -> None:
        """`record=False` where the platform itself takes a repeated unit once (LINE: a used
        reply token is refused, a push's retry key is taken once): the mark would cost a
        commit per message for nothing, and an attempt the process may have made before is
        known from `maybe_attempted` instead."""
        if self._record is not None and record:
            await self._record(unit + 1, unit)
        crash_points.reached(crash_points.SENDING)

    async def accepted(self, unit: int, *, record: bool = True) -> None:
        """`record=False` for a message's last unit when the platform drops a repeat of it
        (LINE: a used reply token is refused, a push's retry key is taken once): the row is
        deleted or marked sent next, and a crash before that repeats the unit, which the
        platform then drops, instead of paying a commit for it."""
        crash_points.reached(crash_points.SENT)
        self.sent = unit + 1
        self.uncertain = False
        if self._record is not None and record:
            await self._record(unit + 1, unit + 1)
