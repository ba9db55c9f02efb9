"""How long the statistics take over 10k, 100k and 1M cases, on SQLite and PostgreSQL.

Run by hand: `.venv/bin/python bench/stats.py [--sizes 10000,100000,1000000]`. The cases are
spread over five fiscal years (2564–2568) with a realistic life: most are answered within
days and completed within weeks, a few are referred or closed, and a few stay open. They are
bulk-loaded straight into the statistics record (indexes built after the load), then each
report is timed warm, best of five:

    month only  the month's own figures (what the chat shows first)
    month       `complaintbot stats --period 2568-03`: the month and its fiscal year to date
    year        `--period 2568`: the whole fiscal year
    year+months the web page and the workbook: the year and each of its twelve months

Both backends must give the same figures; the script checks that and prints a table.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from handlers.stats.json_file import as_dict
from storage import orgs
from storage.db import is_sqlite, make_engine, migrate
from storage.stats import figures as stats
from storage.stats.models import FOREVER, StatsCase, StatsStatus
from storage.stats.periods import parse_period

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
FIRST = datetime(2020, 9, 30, 17, 0, tzinfo=UTC)  # 1 Oct 2563 (FY 2564) in Bangkok
LAST = datetime(2025, 9, 30, 17, 0, tzinfo=UTC)  # the end of FY 2568
NOW = LAST + timedelta(days=10)
CHANNELS = ("line", "line", "line", "telegram", "walk-in", "phone", "letter", "website",
            "email", "damrongdhamma")  # fmt: skip
CATEGORIES = {"complaint": ("road", "water", "waste", "nuisance", "service", "other"),
              "tip": ("bribe", "procurement", "abuse", "assets", "personnel", "other")}  # fmt: skip
CHUNK = 20_000
INDEXES = {
    "stats_case": ["ix_stats_case_received"],
    "stats_status": ["ix_stats_status_case", "ix_stats_status_received", "ix_stats_status_at",
                     "ix_stats_status_until"],
}  # fmt: skip


BANGKOK_OFFSET = 7 * 3600  # no daylight saving: a fixed offset is exact, and fast


def days(a: datetime, b: datetime) -> int:
    """Calendar days in Bangkok between two moments (as storage.stats.events counts them)."""
    return int((b.timestamp() + BANGKOK_OFFSET) // 86400) - int(
        (a.timestamp() + BANGKOK_OFFSET) // 86400
    )


def life(rng: random.Random, received: datetime) -> list[tuple[str, datetime]]:
    """The statuses after `received`, with their times (never after NOW)."""
    if rng.random() < 0.003:
        return []  # never answered
    t = received + timedelta(hours=rng.uniform(2, 24 * 12))
    changes = [("in_progress", t)]
    roll = rng.random()
    if roll < 0.01:
        return changes  # stuck in progress
    end = "completed" if roll < 0.88 else "referred" if roll < 0.94 else "closed"
    changes.append((end, t + timedelta(hours=rng.uniform(1, 24 * 30))))
    return [(s, at) for s, at in changes if at < NOW]


def generate(org_id: int, count: int, seed: int = 2567) -> Iterator[tuple[list, list]]:
    """Chunks of (case rows, status rows) with ids assigned here (a fast bulk load)."""
    rng = random.Random(seed)
    span = (LAST - FIRST).total_seconds()
    status_id = 0
    for start in range(0, count, CHUNK):
        cases, statuses = [], []
        for case_id in range(start + 1, min(count, start + CHUNK) + 1):
            stream = "tip" if rng.random() < 0.08 else "complaint"
            received = FIRST + timedelta(seconds=rng.uniform(0, span))
            changes = life(rng, received)
            first_answer = changes[0][1] if changes else None
            cases.append({
                "id": case_id, "org_id": org_id, "stream": stream, "case_id": case_id,
                "category": rng.choice(CATEGORIES[stream]), "channel": rng.choice(CHANNELS),
                "received_at": received, "first_answer_at": first_answer,
                "answer_days": days(received, first_answer) if first_answer else None,
            })  # fmt: skip
            timeline = [("received", received), *changes]
            for index, (status, at) in enumerate(timeline):
                status_id += 1
                until = timeline[index + 1][1] if index + 1 < len(timeline) else FOREVER
                statuses.append({
                    "id": status_id, "org_id": org_id, "stream": stream, "case_ref": case_id,
                    "status": status, "previous": timeline[index - 1][0] if index else "",
                    "at": at, "until": until, "received_at": received,
                    "days": days(received, at),
                })  # fmt: skip
        yield cases, statuses


def _drop_indexes(conn: sa.Connection) -> None:
    for names in INDEXES.values():
        for name in names:
            conn.execute(sa.text(f"drop index if exists {name}"))


def _create_indexes(conn: sa.Connection) -> None:
    for table in (StatsCase.__table__, StatsStatus.__table__):  # type: ignore[attr-defined]
        for index in table.indexes:
            index.create(conn)


def _copy(conn: sa.Connection, table: str, rows: list[dict]) -> None:
    """PostgreSQL's COPY: the fast way in."""
    columns = list(rows[0])
    raw = conn.connection.dbapi_connection
    assert raw is not None
    with (
        raw.cursor() as cursor,
        cursor.copy(f"copy {table} ({', '.join(columns)}) from stdin") as copy,
    ):
        for row in rows:
            copy.write_row([row[c] for c in columns])


SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a (UTC) DateTime in SQLite


def _sqlite_rows(conn: sa.Connection, table: str, rows: list[dict]) -> None:
    """Straight to the driver, times pre-formatted as SQLAlchemy would write them."""
    columns = list(rows[0])
    values = [
        tuple(v.astimezone(UTC).strftime(SQLITE_TIME) if isinstance(v, datetime) else v
              for v in (row[c] for c in columns))
        for row in rows
    ]  # fmt: skip
    marks = ", ".join("?" for _ in columns)
    conn.exec_driver_sql(f"insert into {table} ({', '.join(columns)}) values ({marks})", values)


def load(engine: sa.Engine, count: int) -> tuple[int, float]:
    migrate(engine)
    with Session(engine) as session, session.begin():
        org = orgs.ensure(session, slug="bench", name="bench")
        assert org.id is not None
        org_id = org.id
    start = time.perf_counter()
    with engine.connect() as conn, contextlib.ExitStack() as stack:
        if is_sqlite(engine):  # a bench: no crash to survive; set outside a transaction
            raw = conn.connection.dbapi_connection
            assert raw is not None
            raw.execute("pragma synchronous=off")
        stack.enter_context(conn.begin())
        if not is_sqlite(engine):
            conn.exec_driver_sql("set local synchronous_commit = off")
            conn.exec_driver_sql("set local maintenance_work_mem = '256MB'")
        _drop_indexes(conn)
        for cases, statuses in generate(org_id, count):
            if is_sqlite(engine):
                _sqlite_rows(conn, "stats_case", cases)
                _sqlite_rows(conn, "stats_status", statuses)
            else:
                _copy(conn, "stats_case", cases)
                _copy(conn, "stats_status", statuses)
        _create_indexes(conn)
        if is_sqlite(engine):
            conn.execute(sa.text("analyze"))
    if not is_sqlite(engine):  # what autovacuum does after a bulk load: statistics and the
        # visibility map, without which PostgreSQL cannot scan an index alone
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("vacuum analyze stats_case"))
            conn.execute(sa.text("vacuum analyze stats_status"))
    return org_id, time.perf_counter() - start


def timed(engine: sa.Engine, org_id: int, period_text: str, by_month: bool) -> tuple[float, dict]:
    period = parse_period(period_text)
    assert period is not None
    best, result = float("inf"), {}
    for _ in range(5):
        with Session(engine) as session:
            start = time.perf_counter()
            report = stats.report(
                session, org_id=org_id, org_slug="bench", org_name="bench", period=period,
                deadline_days=15, now=NOW, by_month=by_month,
            )  # fmt: skip
            best = min(best, time.perf_counter() - start)
        result = as_dict(report)
    return best, result


RUNS = (("month", "2568-03", False), ("year", "2568", False), ("year+months", "2568", True))


def month_only(engine: sa.Engine, org_id: int) -> float:
    """The month's own figures, without the fiscal year to date."""
    period = parse_period("2568-03")
    assert period is not None
    best = float("inf")
    for _ in range(5):
        with Session(engine) as session:
            start = time.perf_counter()
            stats.figures(session, org_id=org_id, period=period, deadline_days=15)
            best = min(best, time.perf_counter() - start)
    return best


def bench(engine: sa.Engine, count: int) -> tuple[float, dict[str, float], dict[str, dict]]:
    org_id, load_s = load(engine, count)
    times, figures = {}, {}
    times["month only"] = month_only(engine, org_id)
    for name, period, by_month in RUNS:
        times[name], figures[name] = timed(engine, org_id, period, by_month)
    return load_s, times, figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--postgres", default=PG)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    names = ["month only", *(name for name, _, _ in RUNS)]
    header = f"{'cases':>9}  {'backend':<10} {'load s':>7}  " + "  ".join(
        f"{name:>12}" for name in names
    )
    print(header)
    print("-" * len(header))
    for count in sizes:
        results = {}
        with tempfile.TemporaryDirectory() as tmp:
            sqlite = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
            results["sqlite"] = bench(sqlite, count)
            sqlite.dispose()
        schema = f"bench_stats_{uuid.uuid4().hex[:8]}"
        admin = make_engine(args.postgres)
        with admin.begin() as conn:
            conn.execute(sa.text(f'create schema "{schema}"'))
        try:
            pg = make_engine(f"{args.postgres}?options=-csearch_path%3D{schema}")
            results["postgresql"] = bench(pg, count)
            pg.dispose()
        finally:
            with admin.begin() as conn:
                conn.execute(sa.text(f'drop schema if exists "{schema}" cascade'))
            admin.dispose()
        for backend, (load_s, times, _) in results.items():
            cells = "  ".join(f"{times[name] * 1000:9.1f} ms" for name in names)
            print(f"{count:>9,}  {backend:<10} {load_s:7.1f}  {cells}", flush=True)
        same = results["sqlite"][2] == results["postgresql"][2]
        month = results["sqlite"][2]["month"]["complaints"]
        print(f"{'':>9}  same figures on both: {same}; 2568-03 complaints received "
              f"{month['received']}, open at end {month['open_at_end']}", flush=True)  # fmt: skip
        if not same:
            raise SystemExit("the backends disagree")


if __name__ == "__main__":
    sys.stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", line_buffering=True)
    main()
