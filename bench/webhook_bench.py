"""Webhook events per second through a real `complaintbot serve` (LINE), end to end.

Run by hand: `.venv/bin/python bench/webhook_bench.py [--citizens 100] [--workers 1]
[--servers 1] [--postgres]`. Each citizen files one complaint (six webhook events, each
acknowledged before the next); prints the time until every event was acknowledged and until
every citizen had their code, and events per second. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storage.db import make_engine
from tests.crash_harness import ACK_SECONDS, LINE_SECRET, Citizens, line_platform, wait_inbox_empty
from tests.fake_line import sign
from tests.serve_process import ServeProcess

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


async def run(args: argparse.Namespace, url: str, tmp: Path) -> None:
    async with line_platform() as platform:
        servers = []
        for n in range(args.servers):
            server = ServeProcess(env={}, log_path=tmp / f"serve-{n}.log", workers=args.workers)
            server.env = {
                "COMPLAINTBOT_DATABASE_URL": url,
                "COMPLAINTBOT_DATA_DIR": str(tmp / "data"),
                **platform.env(server.url),
            }
            server.start()
            servers.append(server)
        try:
            await asyncio.gather(*(s.wait_ready() for s in servers))
            citizens = Citizens(platform, args.citizens, parallel=args.parallel)
            platform.redeliver_rate = 0.0
            start = time.perf_counter()
            await citizens.run([s.url for s in servers])
            acked = time.perf_counter() - start
            await citizens.wait_answered(timeout=600)
            await wait_inbox_empty(url, timeout=600)
            answered = time.perf_counter() - start
            hostile = await hostile_requests(servers[0].url)
        finally:
            for server in servers:
                server.stop()
    events = args.citizens * 6
    print(f"{events} events from {args.citizens} citizens ({args.parallel} at once), "
          f"{args.servers} server(s) x {args.workers} worker(s)")  # fmt: skip
    print(f"all acknowledged in {acked:.1f} s, all answered in {answered:.1f} s: "
          f"{events / answered:.0f} events/s")  # fmt: skip
    ack = sorted(ACK_SECONDS)
    print(f"acknowledgement p50 {ack[len(ack) // 2] * 1000:.0f} ms, "
          f"p99 {ack[int(len(ack) * 0.99)] * 1000:.0f} ms, max {ack[-1] * 1000:.0f} ms "
          "(LINE allows 2000 ms)")  # fmt: skip
    for name, (status, seconds) in hostile.items():
        print(f"{name}: {status} in {seconds * 1000:.0f} ms")


async def hostile_requests(url: str) -> dict[str, tuple[int, float]]:
    """How fast the webhook refuses what it must refuse."""
    bodies = {
        "10 MB body": b'{"events": [' + b" " * (10 * 1024 * 1024) + b"]}",
        "nested 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
        "not UTF-8": b'\xff\xfe{"events": []}',
    }
    out = {}
    async with httpx.AsyncClient(timeout=30) as client:
        for name, body in bodies.items():
            start = time.perf_counter()
            headers = {"X-Line-Signature": sign(body, LINE_SECRET)}
            response = await client.post(url + "/line/webhook", content=body, headers=headers)
            out[name] = (response.status_code, time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--citizens", type=int, default=100)
    parser.add_argument("--parallel", type=int, default=40)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--servers", type=int, default=1)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.postgres:
            asyncio.run(run(args, f"sqlite:///{tmp}/bench.db", Path(tmp)))
            return
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = make_engine(PG)
        with admin.begin() as conn:
            conn.execute(sa.text(f'create schema "{schema}"'))
        try:
            asyncio.run(run(args, f"{PG}?options=-csearch_path%3D{schema}", Path(tmp)))
        finally:
            with admin.begin() as conn:
                conn.execute(sa.text(f'drop schema "{schema}" cascade'))


if __name__ == "__main__":
    main()
