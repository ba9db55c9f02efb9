"""Fixtures shared by the whole suite: every database test runs on SQLite and PostgreSQL.

PostgreSQL tests each get an empty migrated schema on the server named by
COMPLAINTBOT_TEST_POSTGRES_URL (default: the local server, database `test`). Where no server
answers, those tests are skipped with a notice, except under CI=true, where that fails.
`tests.databases` makes both kinds of database cheaply (a copied SQLite file, a pool of
emptied schemas), since migrating one per test was most of the suite's set-up time.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from storage import crypto
from storage.db import make_engine
from tests.databases import SchemaPool, SqliteTemplate

POSTGRES_URL = os.environ.get(
    "COMPLAINTBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
_pg_state: dict[str, str | None] = {}


def _postgres_problem() -> str | None:
    """None when the server answers, else why not (checked once per run)."""
    if "problem" not in _pg_state:
        try:
            probe = make_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
            with probe.connect() as conn:
                conn.execute(sa.text("select 1"))
            probe.dispose()
            _pg_state["problem"] = None
        except Exception as exc:  # any failure to connect means "no server here"
            _pg_state["problem"] = f"{type(exc).__name__}: {exc}".splitlines()[0]
    return _pg_state["problem"]


def pytest_report_header(config) -> str:
    problem = _postgres_problem()
    if problem is None:
        return f"PostgreSQL: {POSTGRES_URL}"
    return f"PostgreSQL: NOT AVAILABLE ({problem}); PostgreSQL tests will be skipped"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `long` first. pytest-xdist hands each worker a run of tests in this order
    and idle workers take the rest from the others' ends, so with the long ones first the
    workers finish close together, instead of one running a long test while the other waits."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


TEST_SECRET = b"complaintbot test secret, never used in production"


@pytest.fixture(autouse=True)
def test_keyring() -> crypto.Keyring:
    """Every test seals with a known keyring (`build_core` replaces it with the settings' one)."""
    ring = crypto.Keyring([TEST_SECRET])
    crypto.configure(ring)
    return ring


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def one_browser() -> AsyncIterator[None]:
    """The Chromium the office tests share (`tests.office_helpers.ONE_BROWSER`)."""
    from tests.office_helpers import shared_browser

    async with shared_browser():
        yield


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def schema_pool() -> Iterator[SchemaPool]:
    pool = SchemaPool(POSTGRES_URL)
    yield pool
    pool.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url_and_engine(request, tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    if request.param == "sqlite":
        template: SqliteTemplate = request.getfixturevalue("sqlite_template")
        url = template.copy_to(tmp_path / "complaintbot.db")
        engine = make_engine(url)
        yield url, engine
        engine.dispose()
        return
    problem = _postgres_problem()
    if problem is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI=true but is not reachable: {problem}")
        pytest.skip(f"PostgreSQL not reachable ({problem})")
    pool: SchemaPool = request.getfixturevalue("schema_pool")
    schema = pool.take()
    url = pool.url(schema)
    engine = make_engine(url)
    try:
        yield url, engine
    finally:
        engine.dispose()
        pool.give_back(schema)


@pytest.fixture
def db_url(db_url_and_engine) -> str:
    """A migrated, empty database (SQLite file or a PostgreSQL schema) as a URL."""
    return db_url_and_engine[0]


@pytest.fixture
def engine(db_url_and_engine) -> Engine:
    """A migrated, empty database engine; the test runs once per backend."""
    return db_url_and_engine[1]


@pytest.fixture
def make_core(db_url: str, tmp_path: Path):
    """Build the application core on the test database, as `complaintbot` would.

    Call it again to simulate a restart: a new core shares only the database and files.
    """
    from bot.app import build_core
    from bot.config import Settings

    cores = []

    def make(env: dict[str, str] | None = None, **kwargs):
        settings = Settings.from_env(
            {
                "COMPLAINTBOT_DATABASE_URL": db_url,
                "COMPLAINTBOT_DATA_DIR": str(tmp_path / "data"),
                **(env or {}),
            }
        )
        core = build_core(settings, **kwargs)
        cores.append(core)
        return core

    yield make
    for core in cores:
        core.db.dispose()
