"""Events as the webhook parsed them, kept until the inbox has delivered their replies.

A queued event used to be parsed three times by the platform's SDK: at the webhook, when its
turn is prepared and when its replies are delivered (a Telegram update about 0.1 ms each).
The webhook keeps the object it parsed, under the event's id, for `prepare` and
`deliver_replies` to take instead; an event that another process took in is parsed from its
stored payload as before. What is kept is dropped once delivered, and in any case after a
minute or beyond a few thousand: an event's words (a tip's, perhaps) stay in memory no
longer than its row does.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

KEEP_SECONDS = 60.0
KEEP_AT_MOST = 4096


class ParsedEvents(Generic[T]):
    """The SDK's objects of events parsed here, by the platform's id for the event."""

    def __init__(
        self,
        seconds: float = KEEP_SECONDS,
        at_most: int = KEEP_AT_MOST,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._seconds, self._at_most, self._clock = seconds, at_most, clock
        self._kept: OrderedDict[str, tuple[float, T]] = OrderedDict()

    def keep(self, event_id: str, native: T) -> None:
        now = self._clock()
        self._kept[event_id] = (now, native)
        while self._kept:
            oldest, (kept_at, _native) = next(iter(self._kept.items()))
            if len(self._kept) <= self._at_most and now - kept_at <= self._seconds:
                break
            del self._kept[oldest]

    def use(self, event_id: str, parse: Callable[[], T], *, last: bool = False) -> T:
        """The event as the webhook parsed it, else `parse()` (it was taken in by another
        process, or before a restart); `last`: its last use, after which it is not kept."""
        found = self._kept.pop(event_id, None) if last else self._kept.get(event_id)
        return parse() if found is None else found[1]

    def __len__(self) -> int:
        return len(self._kept)
