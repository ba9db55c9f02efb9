"""Profile a `complaintbot serve` under load with py-spy (bench/README.md, "where the time goes").

    .venv/bin/pip install py-spy
    .venv/bin/python bench/profile_serve.py [--load complaint] [--seconds 15] [--db sqlite]

Starts serve (LINE, one worker) against the fake platform of bench/webhook.py, drives it at
saturation, samples it with `py-spy record --format raw` (collapsed stacks; `--idle` to see
waiting too, `--gil` for the thread running Python only: the best view of CPU on a VM
where idle detection fails) and prints the heaviest frames by own and total samples, per
thread kind.
The raw file is kept for flame graphs (e.g. speedscope, inferno).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
import webhook as w


async def run(args: argparse.Namespace, out: Path) -> None:
    platform = w.Platform()
    async with (
        w.serving(platform.app()) as api,
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http,
    ):
        tmp = Path(tempfile.mkdtemp())
        async with (
            w.database(args.db, tmp) as db_url,
            w.bot_server(api, db_url, 1, tmp, "line") as (url, pid),
        ):
            spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
            driver = w.Driver(http, url, w.LineClient(platform), 30)
            users = [w.User(n, w.LOADS[args.load]) for n in range(w.USERS)]
            for u in users:
                platform.by_chat[driver.client.chat(u.n)] = u
            sampler = subprocess.Popen([spy, "record", "--pid", str(pid), "--format", "raw",
                                        "--rate", "200", "--duration", str(int(args.seconds)),
                                        "--output", str(out), "--nonblocking",
                                        *(["--idle"] if args.idle else []),
                                        *(["--gil"] if args.gil else [])])  # fmt: skip
            got = await w.measure(driver, users, mode="sat", concurrency=args.concurrency,
                                  rate=0, seconds=args.seconds, warmup=0.5,
                                  cpu=lambda: (0.0, 0.0))  # fmt: skip
            sampler.wait()
            print(f"{got['answered'] / got['seconds']:.0f} events/s while sampled")


def summarise(raw: Path, top: int) -> None:
    own: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    samples = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        n = int(count)
        frames = stack.split(";")
        samples += n
        own[frames[-1]] += n
        for frame in set(frames):
            total[frame] += n
    print(f"{samples} samples")
    print("-- by own samples")
    for frame, n in own.most_common(top):
        print(f"{n / samples * 100:5.1f}%  {frame[:150]}")
    print("-- by total samples (frames in our code)")
    ours = [(f, n) for f, n in total.most_common() if "site-packages" not in f
            and "/lib/python3" not in f]  # fmt: skip
    for frame, n in ours[:top]:
        print(f"{n / samples * 100:5.1f}%  {frame[:150]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--load", default="complaint", choices=sorted(w.LOADS))
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--idle", action="store_true", help="sample waiting threads too")
    parser.add_argument("--gil", action="store_true",
                        help="only the thread holding the GIL: where the CPU goes")  # fmt: skip
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--out", type=Path, default=Path("/tmp/serve-profile.txt"))
    args = parser.parse_args()
    asyncio.run(run(args, args.out))
    summarise(args.out, args.top)


if __name__ == "__main__":
    main()
