"""What operations cost: the per-turn instrumentation, and a backup and restore of a
deployment with many cases and photos, on SQLite and PostgreSQL.

Run by hand: `.venv/bin/python bench/ops_bench.py [--cases 2000] [--files 500] [--kb 200]`.
Prints microseconds per turn for the counters and the log line, and seconds and MB/s for
`backup.create` and `restore.restore`. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
import timeit
import uuid
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.ops.metrics import Metrics
from handlers.cases.lifecycle import file_complaint
from handlers.telemetry import Telemetry, TurnRecord
from storage import crypto
from storage.backup import create as backup
from storage.backup import restore
from storage.db import make_engine, migrate
from storage.files import FileStore
from storage.models import Organisation
from storage.timeutil import utcnow

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def instrumentation() -> None:
    metrics = Metrics()
    telemetry = Telemetry()
    telemetry.observers.append(metrics)
    record = TurnRecord("line", "message", "complaint.description", seconds=0.004)
    handler = logging.StreamHandler(open(os.devnull, "w"))  # noqa: SIM115
    logger = logging.getLogger("complaintbot.turns")
    logger.addHandler(handler)
    logger.propagate = False
    n = 20_000
    for label, call in [
        ("counters only (received + handled)", lambda: (metrics.received("line", "message"),
                                                         metrics.handled(record))),
        ("log line filtered out (WARNING)", lambda: telemetry.handled(record)),
    ]:  # fmt: skip
        logger.setLevel(logging.WARNING)
        print(f"  {label}: {timeit.timeit(call, number=n) / n * 1e6:.1f} µs")
    logger.setLevel(logging.INFO)
    call = lambda: telemetry.handled(record)  # noqa: E731
    print(f"  counters + log line written: {timeit.timeit(call, number=n) / n * 1e6:.1f} µs")


def fill(url: str, files: Path, cases: int, count: int, kb: int) -> None:
    engine = make_engine(url)
    migrate(engine)
    store = FileStore(files)
    with Session(engine) as session, session.begin():
        org = Organisation(slug="bench", name="bench")
        session.add(org)
        session.flush()
        for i in range(cases):
            file_complaint(
                session, org_id=org.id, now=utcnow(), category="road",
                description=f"ถนนชำรุดจุดที่ {i} รถจักรยานยนต์ล้มหลายคัน", channel="line",
                chat_id=f"U{i}", user_id=f"U{i}", evidence=[], location=None, name="", phone="",
            )  # fmt: skip
    for _ in range(count):
        store.save(os.urandom(kb * 1024), suffix="jpg")
    engine.dispose()


def backup_round(name: str, url: str, target: str, tmp: Path, args) -> None:
    fill(url, tmp / "files", args.cases, args.files, args.kb)
    size_mb = args.files * args.kb / 1024
    out = tmp / "b.tar"
    start = time.perf_counter()
    backup.create(url, tmp / "files", out)
    took = time.perf_counter() - start
    archive_mb = out.stat().st_size / 2**20
    print(f"  {name} backup: {took:.2f} s for {args.cases} cases and {size_mb:.0f} MB of "
          f"files ({size_mb / took:.0f} MB/s), archive {archive_mb:.0f} MB")  # fmt: skip
    start = time.perf_counter()
    restore.restore(out, target, tmp / "restored-files")
    took = time.perf_counter() - start
    print(f"  {name} restore: {took:.2f} s ({size_mb / took:.0f} MB/s)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--kb", type=int, default=200)
    args = parser.parse_args()
    crypto.configure(crypto.Keyring([os.urandom(32)]))
    print("per-turn instrumentation:")
    instrumentation()
    print("backup and restore:")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        backup_round(
            "SQLite", f"sqlite:///{base / 'a.db'}", f"sqlite:///{base / 'b.db'}", base, args
        )
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'create schema "{schema}"'))
        conn.execute(sa.text(f'create database "{schema}"'))
    opts = f"?options=-csearch_path%3D{schema}"
    target = PG.rsplit("/", 1)[0] + f"/{schema}{opts}"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            backup_round("PostgreSQL", PG + opts, target, Path(tmp), args)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'drop schema "{schema}" cascade'))
            conn.execute(sa.text(f'drop database "{schema}" with (force)'))
        admin.dispose()


if __name__ == "__main__":
    main()
