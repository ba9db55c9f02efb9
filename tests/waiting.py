"""Waiting for what a test asserts, never for a fixed time.

A test that sends something to a server running in another task, thread or process must wait
for the effect it then asserts. `eventually` polls a condition until it holds; its deadline
is only a guard against hanging, so it is generous (a loaded two-core CI machine running the
suite under `pytest -n 2` can be many times slower than a developer's idle one).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

DEADLINE = 60.0  # seconds; a hang guard, never a pace


async def eventually(
    check: Callable[[], T], timeout: float = DEADLINE, *, interval: float = 0.02, what: str = ""
) -> T:
    """Poll `check()` (on the caller's loop) until it is truthy; return its value."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not met within {timeout:.0f}s: {what or check}")
        await asyncio.sleep(interval)


def eventually_sync(
    check: Callable[[], T], timeout: float = DEADLINE, *, interval: float = 0.01, what: str = ""
) -> T:
    """`eventually` for a thread that may block (a callback running off the event loop)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not met within {timeout:.0f}s: {what or check}")
        time.sleep(interval)
