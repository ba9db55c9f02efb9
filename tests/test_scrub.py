"""`storage.protect.residue.scrub`: a deleted draft leaves no old copy in SQLite's files."""

from __future__ import annotations

import time
from pathlib import Path

import sqlalchemy as sa

from storage.protect import residue

MARK = "chat-4417-scrubbed"
ADD_ORG = sa.text(
    "insert into organisation (slug, name, phone, website, address) values (:s, 'x', '', '', '')"
)


def _files(engine: sa.Engine) -> list[Path]:
    db = Path(engine.url.database)
    return [p for p in (db, Path(f"{db}-wal")) if p.exists()]


def test_a_deleted_row_is_gone_from_the_database_and_its_log(engine):
    with engine.begin() as conn:
        conn.execute(ADD_ORG, {"s": MARK})
    with engine.begin() as conn:
        conn.execute(sa.text("delete from organisation where slug = :s"), {"s": MARK})
    if engine.dialect.name != "sqlite":
        assert residue.scrub(engine) is False  # PostgreSQL: vacuumed; its WAL is out of reach
        return
    assert any(MARK.encode() in p.read_bytes() for p in _files(engine))  # still in the log
    assert residue.scrub(engine) is True
    assert all(MARK.encode() not in p.read_bytes() for p in _files(engine))
    assert Path(f"{engine.url.database}-wal").stat().st_size == 0


def test_a_busy_log_does_not_hold_the_informant_up(engine):
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as conn:
        conn.execute(ADD_ORG, {"s": "a"})
    reader = engine.raw_connection()
    cur = reader.cursor()
    cur.execute("BEGIN")
    cur.execute("select * from organisation").fetchall()  # holds a snapshot of the log
    try:
        started = time.monotonic()
        assert residue.scrub(engine) is False
        assert time.monotonic() - started < residue.CONNECTION_WAIT_MS / 1000
    finally:
        cur.execute("ROLLBACK")
        reader.close()
    assert residue.scrub(engine) is True


def test_a_scrub_the_log_was_too_busy_for_is_finished_after_a_later_turn(engine):
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as conn:
        conn.execute(ADD_ORG, {"s": MARK})
    with engine.begin() as conn:
        conn.execute(sa.text("delete from organisation where slug = :s"), {"s": MARK})
    scrubber = residue.Scrubber(engine)
    reader = engine.raw_connection()
    cur = reader.cursor()
    cur.execute("BEGIN")
    cur.execute("select * from organisation").fetchall()
    scrubber.after_sensitive_turn()
    assert scrubber.due
    cur.execute("ROLLBACK")
    reader.close()
    scrubber.after_turn()
    assert not scrubber.due
    assert all(MARK.encode() not in p.read_bytes() for p in _files(engine))
