"""The price of informant protection: the confirming turn of a tip against other turns.

Run by hand: `.venv/bin/python bench/tip_bench.py [--chats 30]`. Each chat files one
anonymous tip (sealed draft and tip, hashed code, then the write-ahead log checkpointed and
truncated on SQLite or the conversation table vacuumed on PostgreSQL); the chats run
concurrently. Prints p50/p99 latency of the confirming turn and of all other turns, per
backend. Nothing is asserted.
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
from handlers import menu
from handlers.citizen import tip as tip_flow
from handlers.types import Channel, Event
from storage.db import make_engine

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CONDUCT = "เจ้าหน้าที่กองช่างเรียกรับเงินห้าพันบาทเพื่อเร่งออกใบอนุญาตก่อสร้าง"
SCRIPT = [
    {"text": "/start"}, {"choice": menu.TIP}, {"choice": tip_flow.UNDERSTOOD},
    {"choice": tip_flow.CAT + "bribe"}, {"text": CONDUCT}, {"choice": tip_flow.SKIP},
    {"choice": tip_flow.SKIP}, {"choice": tip_flow.EV_SKIP}, {"choice": tip_flow.ANONYMOUS},
    {"choice": tip_flow.CONFIRM},
]  # fmt: skip


async def one_chat(core, n: int, other: list[float], confirm: list[float]) -> None:
    for i, fields in enumerate(SCRIPT):
        event = Event(Channel.CONSOLE, f"tip-{n}", f"tip-{n}", f"{n}-{i}", **fields)
        start = time.perf_counter()
        await core.engine.handle(event)
        (confirm if i == len(SCRIPT) - 1 else other).append(time.perf_counter() - start)


async def run(url: str, files: Path, chats: int) -> tuple[list[float], list[float]]:
    env = {"COMPLAINTBOT_DATABASE_URL": url, "COMPLAINTBOT_DATA_DIR": str(files)}
    core = build_core(Settings.from_env(env))
    other: list[float] = []
    confirm: list[float] = []
    await asyncio.gather(*(one_chat(core, n, other, confirm) for n in range(chats)))
    core.db.dispose()
    return other, confirm


def ms(latencies: list[float]) -> str:
    q = statistics.quantiles(latencies, n=100)
    return f"p50 {q[49] * 1000:6.1f} ms  p99 {q[98] * 1000:6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chats", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = {"sqlite": asyncio.run(run(f"sqlite:///{tmp}/b.db", Path(tmp), args.chats))}
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = make_engine(PG)
        try:
            with admin.begin() as conn:
                conn.execute(sa.text(f'create schema "{schema}"'))
            url = f"{PG}?options=-csearch_path%3D{schema}"
            results["postgresql"] = asyncio.run(run(url, Path(tmp) / "pg", args.chats))
        except sa.exc.OperationalError as exc:
            print(f"PostgreSQL not reachable, skipped: {exc.__class__.__name__}")
        finally:
            with admin.begin() as conn:
                conn.execute(sa.text(f'drop schema if exists "{schema}" cascade'))
    print(f"{args.chats} informants x {len(SCRIPT)} turns each, concurrently")
    for name, (other, confirm) in results.items():
        print(f"{name:<10} other turns {ms(other)}   confirm (file + scrub) {ms(confirm)}")


if __name__ == "__main__":
    main()
