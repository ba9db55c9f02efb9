"""Upgrading drops the statistics of console trials that earlier releases counted (they were
published as the channel "ทดสอบระบบ"); the trial cases themselves and every real case stay."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from storage.db import alembic_config
from tests.test_migration_protect import _insert, old_engine  # noqa: F401 (a fixture)

AT = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
FOREVER = datetime(9999, 12, 31, tzinfo=UTC)


def _case(conn: sa.Connection, ref: int, channel: str) -> None:
    _insert(conn, "stats_case", id=ref, org_id=1, stream="complaint", case_id=ref,
            category="road", channel=channel, received_at=AT)  # fmt: skip
    _insert(conn, "stats_status", org_id=1, stream="complaint", case_ref=ref, status="received",
            previous="", at=AT, until=FOREVER, received_at=AT, days=0)  # fmt: skip
    _insert(conn, "stats_rating", org_id=1, stream="complaint", case_ref=ref, score=5, at=AT)


def test_console_trials_leave_the_statistics_and_real_cases_stay(old_engine):  # noqa: F811
    cfg = alembic_config(old_engine)
    command.upgrade(cfg, "0009_accounts")
    with old_engine.begin() as conn:
        conn.execute(sa.text("insert into organisation (id, slug, name, phone, website, address)"
                             " values (1, 'o', 'อบต.', '', '', '')"))  # fmt: skip
        _case(conn, 1, "console")
        _case(conn, 2, "line")
        _case(conn, 3, "walk-in")

    command.upgrade(cfg, "head")

    with old_engine.connect() as conn:
        channels = conn.execute(sa.text("select channel from stats_case order by id")).scalars()
        assert list(channels) == ["line", "walk-in"]
        for table in ("stats_status", "stats_rating"):
            refs = conn.execute(sa.text(f"select case_ref from {table} order by case_ref"))
            assert list(refs.scalars()) == [2, 3]
