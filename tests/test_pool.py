"""Pooled PostgreSQL connections: checked before use only after sitting idle, so a busy
process pays no round trip per transaction, and one the server dropped meanwhile is
replaced instead of failing a citizen's turn."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import db
from storage.queues import inbox
from tests.conftest import POSTGRES_URL
from tests.line_harness import running_line_bot, texts

BACKEND = sa.text("select pg_backend_pid()")


@pytest.mark.parametrize("db_url_and_engine", ["postgresql"], indirect=True)
def test_a_connection_dropped_while_idle_is_replaced_before_use(
    db_url_and_engine: tuple[str, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _engine = db_url_and_engine
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)  # every pooled one counts as idle
    engine = db.make_engine(url)
    with engine.connect() as conn:
        dropped = conn.execute(BACKEND).scalar()
    admin = db.make_engine(POSTGRES_URL)
    with admin.connect() as conn:  # what a server restart or a proxy's timeout does
        conn.execute(sa.text("select pg_terminate_backend(:pid)"), {"pid": dropped})
        conn.commit()

    with engine.connect() as conn:
        assert conn.execute(BACKEND).scalar() != dropped
    admin.dispose()
    engine.dispose()


@pytest.mark.parametrize("db_url_and_engine", ["postgresql"], indirect=True)
def test_a_connection_given_back_a_moment_ago_is_used_without_a_check(
    db_url_and_engine: tuple[str, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _engine = db_url_and_engine
    engine = db.make_engine(url)
    with engine.connect() as conn:
        conn.execute(BACKEND)
    sent: list[str] = []
    execute = psycopg.Cursor.execute

    def recording(cursor, query, *args, **kwargs):  # type: ignore[no-untyped-def]
        sent.append(str(query).strip().lower())
        return execute(cursor, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", recording)
    for _ in range(3):  # three transactions in a row, as an event's store, turn and deletion
        with engine.connect() as conn:
            conn.execute(BACKEND)
    assert "select 1" not in sent
    assert sent.count("select pg_backend_pid()") == 3
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)
    with engine.connect() as conn:  # idle "long enough" now: checked first
        conn.execute(BACKEND)
    assert "select 1" in sent
    engine.dispose()


def _pooled_backends(engine: Engine) -> list[int]:
    """The server processes of the connections resting in the engine's pool."""
    resting = list(engine.pool._pool.queue)  # type: ignore[attr-defined]
    return [record.dbapi_connection.info.backend_pid for record in resting]


@pytest.mark.parametrize("db_url_and_engine", ["postgresql"], indirect=True)
async def test_citizens_are_answered_after_the_server_drops_every_pooled_connection(
    db_url_and_engine: tuple[str, Engine], tmp_path: Path
) -> None:
    url, _engine = db_url_and_engine
    async with running_line_bot(url, tmp_path) as line:
        citizen = line.user()
        assert texts(await citizen.follow())  # greeted: the pool holds used connections
        dropped = _pooled_backends(line.core.db)
        assert dropped
        admin = db.make_engine(POSTGRES_URL)
        with admin.connect() as conn:  # a server restart, as the pool would meet it
            for pid in dropped:
                conn.execute(sa.text("select pg_terminate_backend(:pid)"), {"pid": pid})
            conn.commit()
        admin.dispose()

        # The first use of a dropped connection fails; the turn is run again on a new one.
        answer = texts(await citizen.say("สวัสดี"))
        assert answer, "the citizen got no answer after the connections were dropped"
        with Session(line.core.db) as session:
            assert inbox.count(session) == 0  # nothing left unanswered
