"""CPU per event through the inbox and the engine, without an SDK or HTTP (SQLite).

    .venv/bin/python bench/inbox_bench.py [--chats 20] [--base DIR]

Each chat files a whole complaint (7 events), one event at a time: `Inbox.store` as a
webhook does (which may run the turn itself, `Inbox._direct`), then the chat is worked off
(read, turn, delivery to a channel that sends nothing but records its progress as LINE's
does, delete). Prints CPU ms per event for the whole process and per database step
(thread CPU), so a change to the hot path can be measured without the noise of a loaded
machine's HTTP round trips. `--base DIR` runs the same on an older source tree first
(`git archive COMMIT | tar -x -C DIR`). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = {  # what each chat says, in order
    "complaint": ["/start", "1", "1", "ไฟถนนดับทั้งซอยมาสองสัปดาห์แล้ว อันตรายมาก", "1", "2", "1"],
    "menu": ["/start", "ช่องทางติดต่อ", "สวัสดีครับ"],  # as bench/webhook.py's menu load
}


def measure(chats: int, script: list[str]) -> None:
    """Runs inside the tree being measured (its root first on sys.path)."""
    import bot.channels.inbox as bot_inbox
    import handlers.engine as engine_mod
    from bot.app import build_core
    from bot.config import Settings
    from handlers.types import Channel, Event

    cpu: collections.Counter[str] = collections.Counter()

    def timed(name: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                cpu[name] += time.thread_time() - started

        return wrapper

    engine_mod.ConversationEngine.handle_sync = timed(
        "turn", engine_mod.ConversationEngine.handle_sync
    )
    bot_inbox.Inbox._store_sync = timed("store", bot_inbox.Inbox._store_sync)
    db_step = bot_inbox.Inbox._db

    async def db(self: Any, work: Any, **how: Any) -> Any:
        # A read: on the inbox's reading engine (`on=`), or `reads_only=` in older trees.
        on = how.get("on")
        reads = how.get("reads_only") or (on is not None and on is getattr(self, "_reader", None))
        name = "read" if reads else "delete, progress, read next"
        return await db_step(self, timed(name, work), **how)

    bot_inbox.Inbox._db = db

    class Quiet:
        name = "console"

        async def prepare(self, payload: Any) -> Any:
            return self.prepare_now(bot_inbox.Incoming(payload["c"], "", payload))

        def prepare_now(self, item: Any) -> Any:  # a tree without it ignores it
            payload = item.payload
            event = Event(Channel.CONSOLE, payload["c"], payload["c"], payload["e"],
                          text=payload["t"])  # fmt: skip
            return bot_inbox.Prepared(event)

        async def deliver_replies(
            self, payload: Any, replies: Any, *, retry: bool, progress: Any
        ) -> None:
            """One sending unit, its progress kept as LINE's is (the last unit's record
            left to the row's deletion where the tree does that)."""
            await progress.attempt(0)
            try:
                await progress.accepted(0, record=False)
            except TypeError:  # an older tree records every unit
                await progress.accepted(0)

        def discard(self, prepared: Any) -> None:
            return None

        def apology(self) -> list[Any]:
            return []

    async def run(tmp: str) -> None:
        core = build_core(Settings.from_env({
            "COMPLAINTBOT_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "COMPLAINTBOT_DATA_DIR": f"{tmp}/files",
        }))  # fmt: skip
        inbox = bot_inbox.Inbox(core.db, core.engine.org_id, Quiet(), core.engine)

        async def chats_from(first: int, count: int) -> None:
            for chat in range(first, first + count):
                for i, text in enumerate(script):
                    payload = {"c": f"c{chat}", "e": f"{chat}-{i}", "t": text}
                    await inbox.store([bot_inbox.Incoming(f"c{chat}", f"k{chat}-{i}", payload)])
                    await inbox.join()

        await chats_from(0, 3)  # warm-up: imports, caches, the word list
        cpu.clear()
        wall, process = time.perf_counter(), time.process_time()
        await chats_from(1000, chats)
        events = chats * len(script)
        process, wall = time.process_time() - process, time.perf_counter() - wall
        await inbox.stop()
        print(f"  {events / wall:6.1f} events/s   {process / events * 1000:6.2f} ms CPU per event")
        for name, seconds in cpu.most_common():
            print(f"      {name:<22} {seconds / events * 1000:6.2f} ms")

    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(tmp))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chats", type=int, default=20)
    parser.add_argument("--script", default="complaint", choices=sorted(SCRIPTS))
    parser.add_argument("--base", type=Path, help="an older source tree, measured first")
    parser.add_argument("--tree", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.tree:
        sys.path.insert(0, str(args.tree.resolve()))
        measure(args.chats, SCRIPTS[args.script])
        return
    for label, tree in [*([("base", args.base)] if args.base else []), ("this", ROOT)]:
        print(f"{label} ({tree}):", flush=True)
        command = [sys.executable, __file__, "--tree", str(tree), "--chats", str(args.chats),
                   "--script", args.script]  # fmt: skip
        subprocess.run(command, check=True, cwd=tree)


if __name__ == "__main__":
    main()
