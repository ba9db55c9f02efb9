"""Killed with SIGKILL again and again, the server loses nothing and doubles nothing.

A real `complaintbot serve` takes webhooks (or polls) from citizens filing complaints while
it is killed at random points of the run and restarted on the same database; the platform
re-sends every event until it is acknowledged, and re-sends some acknowledged ones.
Then: every citizen saw every answer, in order; every code shown exists with that citizen's
complaint; no event made two complaints; no conversation or inbox row is left behind.

The kills are tied to the run's progress (the n-th acknowledged event), not to the clock:
each one lands mid-run, with up to CITIZENS chats at every step of the complaint in flight
(more than the MAX_PARALLEL_CHATS one process works at once), and the run goes on after it.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import AsyncIterator, Callable

import pytest

from tests.crash_harness import (
    Chaos,
    Citizens,
    Platform,
    kill_points,
    line_platform,
    log_holds_no_ids,
    telegram_platform,
    wait_inbox_empty,
)
from tests.serve_process import ServeProcess

pytestmark = pytest.mark.slow

# Every citizen is in flight at once (six events each), twice the chats one process works
# at a time, so each kill finds turns running, replies being sent and events queued.
CITIZENS = int(os.environ.get("COMPLAINTBOT_CRASH_CITIZENS", "16"))
KILLS = int(os.environ.get("COMPLAINTBOT_CRASH_KILLS", "3"))
# Telegram's sendMessage has no idempotency key: a kill between Telegram taking a message and
# our recording it repeats that one message after the restart (a duplicate, never a loss);
# messages recorded as taken are not sent again. So a citizen may receive at most one message
# twice per kill. LINE's pushes carry a retry key and a used reply token is refused, so on
# LINE nothing may repeat.
MOST_REPEATED_PER_CITIZEN_AND_KILL = {"line": 0, "telegram-webhook": 1, "telegram-polling": 1}

PLATFORMS: dict[str, Callable[[], contextlib.AbstractAsyncContextManager[Platform]]] = {
    "line": line_platform,
    "telegram-webhook": lambda: telegram_platform(polling=False),
    "telegram-polling": lambda: telegram_platform(polling=True),
}


@contextlib.asynccontextmanager
async def serving(db_url, tmp_path, platform: Platform, **env: str) -> AsyncIterator[ServeProcess]:
    """A server for `platform` on the test's database; `env` adds to its environment."""
    server = ServeProcess(env={}, log_path=tmp_path / "serve.log")
    server.env = {
        "COMPLAINTBOT_DATABASE_URL": db_url,
        "COMPLAINTBOT_DATA_DIR": str(tmp_path / "data"),
        **platform.env(server.url),
        **env,
    }
    server.start()
    try:
        await server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("platform_name", list(PLATFORMS))
@pytest.mark.long
async def test_killed_at_random_the_server_answers_every_event_once(
    db_url, tmp_path, platform_name
):
    async with PLATFORMS[platform_name]() as platform:
        async with serving(db_url, tmp_path, platform) as server:
            citizens = Citizens(platform, CITIZENS, parallel=CITIZENS)
            chaos = Chaos([server], kill_points(citizens.events, KILLS, margin=CITIZENS))
            started = time.monotonic()
            await citizens.run([server.url], on_acknowledged=chaos)
            sent = time.monotonic()
            kills = chaos.kills
            await server.wait_ready()
            await citizens.wait_answered()
            await wait_inbox_empty(db_url)
            print(f"sent in {sent - started:.1f}s, answered in {time.monotonic() - sent:.1f}s")
        verdict = citizens.verdict(db_url)
        log = server.log()

    print(f"{platform_name}: {kills} kills at events {chaos.at}; {verdict.summary()}")
    assert kills == KILLS and server.starts == KILLS + 1
    assert verdict.problems == []
    assert verdict.filed == verdict.with_code == verdict.complete == CITIZENS
    assert verdict.inbox_rows == 0 and verdict.conversations == 0
    assert verdict.most_extra <= kills * MOST_REPEATED_PER_CITIZEN_AND_KILL[platform_name]
    assert log_holds_no_ids(log, platform, CITIZENS) == []
    assert "Traceback" not in log
