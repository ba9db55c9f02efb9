"""Several server processes on one database: per-chat order kept, nothing lost or doubled.

Citizens file complaints quickly (each webhook acknowledged before the next) through
`complaintbot serve --workers 2`, and through two separate `serve` processes behind a
round-robin balancer: consecutive events of one chat always reach different processes
(the balancer turns per chat). And several processes started at the same moment on a fresh
database all come up.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from storage.db import make_engine
from tests.conftest import POSTGRES_URL
from tests.crash_harness import Citizens, line_platform, wait_inbox_empty
from tests.serve_process import ServeProcess

pytestmark = pytest.mark.slow

# All in flight at once: 24 chats are more than the two processes work at a time (8 each),
# and with the round robin every one of them changes process five times in its complaint.
CITIZENS = 24


@contextlib.asynccontextmanager
async def servers(db_url, tmp_path, env, count: int, workers: int = 1):
    started = []
    for n in range(count):
        server = ServeProcess(env={}, log_path=tmp_path / f"serve-{n}.log", workers=workers)
        server.env = {
            "COMPLAINTBOT_DATABASE_URL": db_url,
            "COMPLAINTBOT_DATA_DIR": str(tmp_path / "data"),
            **env(server.url),
        }
        started.append(server)
    for server in started:
        server.start()
    try:
        await asyncio.gather(*(s.wait_ready() for s in started))
        yield started
    finally:
        for server in started:
            server.stop()


async def file_through(db_url, tmp_path, *, count: int, workers: int) -> None:
    # On SQLite too: a worker lets go of a chat there without looking for rows another
    # process stored meanwhile, and that process then tries again for the lock.
    async with line_platform() as platform:
        async with servers(db_url, tmp_path, platform.env, count, workers) as running:
            citizens = Citizens(platform, CITIZENS, parallel=CITIZENS)
            await citizens.run([s.url for s in running])
            await citizens.wait_answered()
            await wait_inbox_empty(db_url)
        verdict = citizens.verdict(db_url)
        logs = "".join(s.log() for s in running)
    print(verdict.summary())
    assert verdict.problems == []
    assert verdict.filed == verdict.with_code == verdict.complete == CITIZENS
    assert verdict.extra_messages == 0
    assert verdict.inbox_rows == 0 and verdict.conversations == 0
    assert "Traceback" not in logs


@pytest.mark.long
async def test_serve_with_two_workers_files_every_complaint_in_order(db_url, tmp_path):
    await file_through(db_url, tmp_path, count=1, workers=2)


async def test_two_servers_behind_a_round_robin_file_every_complaint_in_order(db_url, tmp_path):
    await file_through(db_url, tmp_path, count=2, workers=1)


@pytest.fixture
def fresh_db_url(db_url, tmp_path) -> Iterator[str]:
    """A database nobody has migrated yet, on the same backend as `db_url`."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh' / 'complaintbot.db'}"
        return
    schema = f"f_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'create schema "{schema}"'))
    try:
        yield (
            POSTGRES_URL
            + ("&" if "?" in POSTGRES_URL else "?")
            + (f"options=-csearch_path%3D{schema}")
        )
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'drop schema "{schema}" cascade'))
        admin.dispose()


async def test_servers_started_together_on_a_fresh_database_all_come_up(fresh_db_url, tmp_path):
    async with (
        line_platform() as platform,
        servers(fresh_db_url, tmp_path, platform.env, count=3) as running,
    ):
        assert all(s.process is not None and s.process.poll() is None for s in running)
    engine = make_engine(fresh_db_url)
    try:
        with engine.connect() as conn:
            organisations = conn.execute(sa.text("select count(*) from organisation")).scalar()
    finally:
        engine.dispose()
    assert organisations == 1
    for server in running:
        assert "Traceback" not in server.log()
