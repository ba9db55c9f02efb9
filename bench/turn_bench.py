"""Conversation turns per second through the real engine, on SQLite and PostgreSQL.

Run by hand: `.venv/bin/python bench/turn_bench.py [--chats 50]`. Each chat files one
complaint (8 turns), the chats run concurrently; prints p50/p99 turn latency and the
throughput of each backend, and their ratio. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import build_core
from bot.config import Settings
from handlers.types import Channel, Event
from storage.db import make_engine

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCRIPT = ["1", "1", "ไฟถนนดับทั้งซอยมาสองสัปดาห์แล้ว อันตรายมาก", "1", "2", "1"]


async def one_chat(core, n: int, latencies: list[float]) -> None:
    for i, text in enumerate(["/start", *SCRIPT]):
        event = Event(Channel.CONSOLE, f"bench-{n}", f"bench-{n}", f"{n}-{i}", text=text)
        start = time.perf_counter()
        await core.engine.handle(event)
        latencies.append(time.perf_counter() - start)


async def run(url: str, files: Path, chats: int) -> tuple[float, list[float]]:
    core = build_core(
        Settings.from_env({"COMPLAINTBOT_DATABASE_URL": url, "COMPLAINTBOT_DATA_DIR": str(files)})
    )
    latencies: list[float] = []
    start = time.perf_counter()
    await asyncio.gather(*(one_chat(core, n, latencies) for n in range(chats)))
    elapsed = time.perf_counter() - start
    core.db.dispose()
    return len(latencies) / elapsed, latencies


def report(name: str, rate: float, latencies: list[float]) -> None:
    q = statistics.quantiles(latencies, n=100)
    print(
        f"{name:<10} {rate:8.1f} turns/s   p50 {q[49] * 1000:6.1f} ms   p99 {q[98] * 1000:6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chats", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        results["sqlite"] = asyncio.run(
            run(f"sqlite:///{tmp}/bench.db", Path(tmp) / "files", args.chats)
        )
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = make_engine(PG)
        try:
            with admin.begin() as conn:
                conn.execute(sa.text(f'create schema "{schema}"'))
            url = f"{PG}?options=-csearch_path%3D{schema}"
            results["postgresql"] = asyncio.run(run(url, Path(tmp) / "files", args.chats))
        except sa.exc.OperationalError as exc:
            print(f"PostgreSQL not reachable, skipped: {exc.__class__.__name__}")
        finally:
            with admin.begin() as conn:
                conn.execute(sa.text(f'drop schema if exists "{schema}" cascade'))
    print(f"{args.chats} chats x {len(SCRIPT) + 1} turns each, concurrently")
    for name, (rate, latencies) in results.items():
        report(name, rate, latencies)
    if len(results) == 2:
        ratio = results["postgresql"][0] / results["sqlite"][0]
        print(f"postgresql/sqlite throughput ratio: {ratio:.2f}")


if __name__ == "__main__":
    main()
