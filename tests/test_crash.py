"""Killed with SIGKILL again and again, the server loses nothing and doubles nothing.

A real `complaintbot serve` takes webhooks (or polls) from hundreds of citizens filing
complaints while it is killed at random moments and restarted on the same database; the
platform re-sends every event until it is acknowledged, and re-sends some acknowledged ones.
Then: every citizen saw every answer, in order; every code shown exists with that citizen's
complaint; no event made two complaints; no conversation or inbox row is left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Callable

import pytest

from tests.crash_harness import (
    Citizens,
    Platform,
    chaos,
    line_platform,
    log_holds_no_ids,
    telegram_platform,
    wait_inbox_empty,
)
from tests.serve_process import ServeProcess

pytestmark = pytest.mark.slow

CITIZENS = int(os.environ.get("COMPLAINTBOT_CRASH_CITIZENS", "40"))  # six events each
KILLS = int(os.environ.get("COMPLAINTBOT_CRASH_KILLS", "3"))
# Telegram's sendMessage has no idempotency key: a kill between Telegram taking a message and
# our recording it repeats that message after the restart (a duplicate, never a loss). At most
# the chats being worked at that instant (8), one batch of messages each. LINE's pushes carry
# a retry key and a used reply token is refused, so on LINE nothing may repeat.
MAX_EXTRA_PER_KILL = {"line": 0, "telegram-webhook": 8 * 5, "telegram-polling": 8 * 5}

PLATFORMS: dict[str, Callable[[], contextlib.AbstractAsyncContextManager[Platform]]] = {
    "line": line_platform,
    "telegram-webhook": lambda: telegram_platform(polling=False),
    "telegram-polling": lambda: telegram_platform(polling=True),
}


@contextlib.asynccontextmanager
async def serving(db_url, tmp_path, platform: Platform) -> AsyncIterator[ServeProcess]:
    server = ServeProcess(env={}, log_path=tmp_path / "serve.log")
    server.env = {
        "COMPLAINTBOT_DATABASE_URL": db_url,
        "COMPLAINTBOT_DATA_DIR": str(tmp_path / "data"),
        **platform.env(server.url),
    }
    server.start()
    try:
        await server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("platform_name", list(PLATFORMS))
async def test_killed_at_random_the_server_answers_every_event_once(
    db_url, tmp_path, platform_name
):
    async with PLATFORMS[platform_name]() as platform:
        async with serving(db_url, tmp_path, platform) as server:
            citizens = Citizens(platform, CITIZENS)
            stop = asyncio.Event()
            killer = asyncio.create_task(chaos([server], KILLS, (0.3, 1.5), stop))
            started = time.monotonic()
            await citizens.run([server.url])
            sent = time.monotonic()
            stop.set()
            kills = await killer
            await server.wait_ready()
            await citizens.wait_answered()
            await wait_inbox_empty(db_url)
            print(f"sent in {sent - started:.1f}s, answered in {time.monotonic() - sent:.1f}s")
        verdict = citizens.verdict(db_url)
        log = server.log()

    print(f"{platform_name}: {kills} kills; {verdict.summary()}")
    assert kills >= 1
    assert verdict.problems == []
    assert verdict.filed == verdict.with_code == verdict.complete == CITIZENS
    assert verdict.inbox_rows == 0 and verdict.conversations == 0
    assert verdict.extra_messages <= kills * MAX_EXTRA_PER_KILL[platform_name]
    assert log_holds_no_ids(log, platform, CITIZENS) == []
    assert "Traceback" not in log
