"""How long a `/stats` turn holds its transaction, and how long it takes to answer.

Run by hand: `.venv/bin/python bench/stats_turn_bench.py [--runs 20] [--root DIR]`. A
complaint officer asks `/stats 2569-03` `--runs` times on SQLite; the transaction is timed
around the engine's `_turn` (its `with session.begin()` block and nothing after), the answer
around `handle` (turn, drawing, files). `--root` runs another checkout's code (e.g. the base
branch, from `git archive`) for a before/after. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("--runs", type=int, default=20)
parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
args = parser.parse_args()
sys.path.insert(0, args.root)

from sqlmodel import Session  # noqa: E402

from bot.app import build_core  # noqa: E402
from bot.config import Settings  # noqa: E402
from handlers.types import Channel, Event  # noqa: E402
from storage.staff import accounts as staff  # noqa: E402
from storage.staff.accounts import Role  # noqa: E402
from storage.timeutil import utcnow  # noqa: E402


async def main() -> None:
    data = Path(tempfile.mkdtemp())
    env = {
        "COMPLAINTBOT_DATABASE_URL": f"sqlite:///{data}/b.db",
        "COMPLAINTBOT_DATA_DIR": str(data),
    }
    core = build_core(Settings.from_env(env))
    with Session(core.db) as session, session.begin():
        _row, code = staff.invite(
            session, org_id=core.org_id, roles=[Role.COMPLAINT], name="bench", now=utcnow()
        )
    held: list[float] = []
    turn = core.engine._turn

    def timed(*a, **k):
        start = time.perf_counter()
        try:
            return turn(*a, **k)
        finally:
            held.append(time.perf_counter() - start)

    core.engine._turn = timed
    answers: list[float] = []
    for n, text in enumerate([f"/staff {code}"] + ["/stats 2569-03"] * (args.runs + 2)):
        start = time.perf_counter()
        await core.engine.handle(Event(Channel.CONSOLE, "officer", "officer", f"e{n}", text=text))
        answers.append(time.perf_counter() - start)
    held, answers = held[3:], answers[3:]  # the join and two warm-up runs left out
    for name, values in (("transaction held", held), ("answer (turn+drawing)", answers)):
        ms = sorted(v * 1000 for v in values)
        print(f"{name:24} median {statistics.median(ms):7.1f} ms  max {ms[-1]:7.1f} ms")


asyncio.run(main())
