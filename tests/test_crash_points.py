"""Killed at the instants that matter most, the server still serves every citizen once.

`tests/test_crash.py` kills from outside at moments tied to the run's progress. Some
instants are too short to hit that way; here the server kills itself there
(`bot.crash_points`, COMPLAINTBOT_CRASH_AT) and is started again at once, one life per
instant, while every citizen files a complaint at the same time: just after webhook events
are committed and before the platform is answered, just after a turn commits and before
anything is sent, with a message's attempt recorded and the message not yet sent, with the
platform having accepted a message that is not yet recorded, and with every reply sent
before the inbox row is deleted; and in every life one turn fails once. Then every citizen
must have their code, stored with their complaint and shown to them, and no citizen may see
more than one message twice per kill (on LINE, none at all).
"""

from __future__ import annotations

import os
import random

import pytest

from bot import crash_points
from tests.crash_harness import Citizens, SelfKills, log_holds_no_ids, wait_inbox_empty
from tests.test_crash import MOST_REPEATED_PER_CITIZEN_AND_KILL, PLATFORMS, serving

pytestmark = pytest.mark.slow

CITIZENS = int(os.environ.get("COMPLAINTBOT_CRASH_CITIZENS", "16"))
POINTS = [
    crash_points.STORED,
    crash_points.TURN_COMMITTED,
    crash_points.SENDING,
    crash_points.SENT,
    crash_points.DELIVERED,
]


def warnings_in(log: str) -> list[str]:
    """The log's warnings and errors with their tracebacks (frames and the exception's kind)."""
    marks = ("WARNING", "ERROR", "Traceback", '  File "', "(message withheld)")
    return [line for line in log.splitlines() if any(m in line for m in marks)][-80:]


def plans() -> list[str]:
    """One life per point, each dying the n-th time it gets there: n at random among the
    first few, so that with every citizen in flight the death lands mid-run. In each life,
    and in one more that does not die, one of the first turns also fails once before its
    commit, as a database can for a moment around a restart: the event must be run again,
    not answered with an apology."""
    fails = f"{crash_points.TURN_FAILS}:{{}}"
    dying = [f"{point}:{random.randint(2, CITIZENS // 2)}," + fails for point in POINTS]
    return [plan.format(random.randint(1, 3)) for plan in [*dying, fails]]


@pytest.mark.parametrize("platform_name", ["line", "telegram-webhook"])
@pytest.mark.long
async def test_killed_at_each_instant_that_matters_every_citizen_gets_a_code(
    db_url, tmp_path, platform_name
):
    lives = plans()
    async with PLATFORMS[platform_name]() as platform:
        env = SelfKills.first_life(lives)
        async with serving(db_url, tmp_path, platform, **env) as server:
            citizens = Citizens(platform, CITIZENS, parallel=CITIZENS)
            async with SelfKills(server, lives) as kills:
                await citizens.run([server.url])
                await citizens.wait_answered()
                await wait_inbox_empty(db_url)
            deaths = kills.deaths
        verdict = citizens.verdict(db_url)
        log = server.log()

    print(f"{platform_name}: died at {lives[:deaths]}; {verdict.summary()}")
    if verdict.problems:  # why a turn failed is in the server's log (it holds no ids)
        print("server log, warnings and errors:", *warnings_in(log), sep="\n  ")
    assert deaths == len(POINTS)
    assert verdict.problems == []
    assert verdict.filed == verdict.with_code == verdict.complete == CITIZENS
    assert verdict.inbox_rows == 0 and verdict.conversations == 0
    assert verdict.most_extra <= deaths * MOST_REPEATED_PER_CITIZEN_AND_KILL[platform_name]
    assert log_holds_no_ids(log, platform, CITIZENS) == []
