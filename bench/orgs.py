"""What `complaintbot serve` costs with many organisations (a province, or the whole country,
in one deployment), each with its own LINE and Telegram account, idle and answering one
greeting at a time; and whether that meets the targets (printed, not asserted).

    .venv/bin/python bench/orgs.py                # 10, 200, 1,000 on SQLite; 8,000 on PostgreSQL
    .venv/bin/python bench/orgs.py --quick        # 10 and 100 orgs, SQLite
    .venv/bin/python bench/orgs.py --orgs 10,200,1000 --db sqlite
    .venv/bin/python bench/orgs.py --base /tmp/base   # an older tree beside this one

For each backend and number of organisations: a fresh database is seeded the way a host
sets it up (the storage functions behind `org add`, `org set-line` and `org set-telegram`,
in one transaction, run with the served tree's own code), then the installed
`complaintbot serve` is started as a program against fake LINE Messaging and Telegram Bot
APIs on 127.0.0.1 (bench/webhook.py's). Measured from outside, as an operator would:

- start to healthy / ready: from the exec to the first 200 from `/healthz`, then `/readyz`;
- idle CPU: CPU seconds of serve's process tree (from /proc) over `--idle` seconds of no
  traffic, starting `--settle` seconds after it is ready, as a share of one core;
- RSS and open files (/proc/PID/fd) of the tree at the end of that window;
- job runs: "job … ran" lines the scheduler logged from the start to the end of the window;
- greeting p50/p95: `--greetings` LINE follow events, one at a time, each from a new user to
  a random organisation's own webhook (signed with its secret), from the POST to the reply's
  arrival at the fake API; `again`: the p50 of a second round to the same organisations
  (their accounts loaded by then: the first round's p50 includes loading, where it is due).

Targets (`TARGETS`, judged per tree against its own 10-organisation row): idle CPU
under 5 % of a core, healthy within 10 s (SQLite; on PostgreSQL start-up may grow), RSS under
400 MB, open files no more than the 10-organisation figure (+`FILES_SLACK`), greeting p50
within 1.2x the 10-organisation figure. Nothing is asserted; see bench/README.md. Other work
on the machine moves the CPU and time figures: compare rows of one run (ratios), and counts
(files, job runs) across runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from webhook import Platform, TreeWatcher, User, add_base, database, menus, split  # noqa: E402

from tests.fake_line import event, serving, sign, user_source, webhook_body  # noqa: E402
from tests.serve_process import TEST_SECRET_KEY, ServeProcess  # noqa: E402

# Run with the served tree's code (PYTHONPATH), so an older tree seeds its own schema.
SEED = r"""
import sys, time
from sqlmodel import Session
from bot.app import build_core
from bot.config import Settings
from storage import org_settings, orgs
from storage.hosting import accounts

count = int(sys.argv[1])
started = time.perf_counter()
core = build_core(Settings.from_env())
with Session(core.db) as session, session.begin():
    for i in range(count):
        slug = f"bench{i:05d}"
        org = orgs.ensure(session, slug=slug, name=f"Bench organisation {i}", phone="054000000")
        org_settings.get(session, org.id)
        accounts.put(session, "line", slug, org_id=org.id, secret=f"line-secret-{i:05d}",
                     token=f"line-token-{i:05d}")
        accounts.put(session, "telegram", slug, org_id=org.id, token=f"{700000 + i}:AAbench{i:05d}")
core.db.dispose()
print(f"{time.perf_counter() - started:.1f}")
"""

JOB_LINE = "job "  # the scheduler's "job NAME ran for PERIOD (org N)" lines
JOB_RAN = " ran for "


FILES_SLACK = 8  # a connection or two more under a bigger database is not growth with N
TARGETS = "idle CPU < 5%, healthy < 10 s (SQLite), RSS < 400 MB, files flat, p50 <= 1.2x"
DEFAULT_RUNS = [("sqlite", [10, 200, 1000]), ("postgresql", [8000])]


def line_secret(i: int) -> str:
    return f"line-secret-{i:05d}"


@dataclasses.dataclass
class Row:
    tree: str
    db: str
    orgs: int
    seed_s: float = float("nan")
    healthy_s: float = float("nan")
    ready_s: float = float("nan")
    idle_cpu: float = float("nan")  # share of one core
    rss_mb: float = float("nan")
    files: int = 0
    job_runs: int = 0
    p50_ms: float = float("nan")
    p95_ms: float = float("nan")
    again_ms: float = float("nan")  # p50 of a second greeting to the same organisations
    lost: int = 0
    note: str = ""


HEADER = (f"{'tree':<5} {'db':<10} {'orgs':>6} {'seed s':>7} {'healthy s':>9} {'ready s':>7} "
          f"{'idle CPU':>8} {'RSS MB':>6} {'files':>5} {'job runs':>8} {'p50 ms':>7} "
          f"{'p95 ms':>7} {'again':>6} {'lost':>4}")  # fmt: skip


def show(r: Row) -> str:
    return (f"{r.tree:<5} {r.db:<10} {r.orgs:>6} {r.seed_s:7.1f} {r.healthy_s:9.1f} "
            f"{r.ready_s:7.1f} {r.idle_cpu * 100:7.1f}% {r.rss_mb:6.0f} {r.files:>5} "
            f"{r.job_runs:>8} {r.p50_ms:7.1f} {r.p95_ms:7.1f} {r.again_ms:6.1f} {r.lost:>4}"
            + (f"  ({r.note})" if r.note else ""))  # fmt: skip


def open_files(watcher: TreeWatcher) -> int:
    total = 0
    for pid in watcher.tree():
        with contextlib.suppress(OSError):
            total += len(os.listdir(f"/proc/{pid}/fd"))
    return total


def job_runs(log: Path) -> int:
    text = log.read_text(errors="replace") if log.exists() else ""
    return sum(1 for line in text.splitlines() if JOB_LINE in line and JOB_RAN in line)


def seed(env: dict[str, str], count: int, tree: Path | None) -> float:
    env = {**os.environ, **env, "PYTHONPATH": str(tree or ROOT)}
    done = subprocess.run([sys.executable, "-c", SEED, str(count)], env=env, text=True,
                          capture_output=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"seeding failed: {done.stderr[-2000:]}")
    return float(done.stdout.strip().splitlines()[-1])


async def first_ok(http: aiohttp.ClientSession, url: str, server: ServeProcess,
                   deadline: float) -> bool:  # fmt: skip
    while time.monotonic() < deadline:
        assert server.process is not None
        if server.process.poll() is not None:
            raise RuntimeError(f"serve exited: {server.log()[-2000:]}")
        with contextlib.suppress(aiohttp.ClientError, TimeoutError):
            async with http.get(url, timeout=aiohttp.ClientTimeout(total=5)) as response:
                if response.status == 200:
                    return True
        await asyncio.sleep(0.05)
    return False


async def greet(http: aiohttp.ClientSession, platform: Platform, url: str, orgs: list[int],
                timeout: float) -> tuple[list[float], int]:  # fmt: skip
    """One follow event at a time, each from a new user, to the organisations `orgs`."""
    took: list[float] = []
    lost = 0
    for n, i in enumerate(orgs):
        user = User(n, menus)
        token = secrets.token_hex(16)
        platform.by_token[token] = user
        user.waiter = asyncio.get_running_loop().create_future()
        raw = event("follow", user_source("U" + secrets.token_hex(16)), reply_token=token,
                    follow={"isUnblocked": False})  # fmt: skip
        body = webhook_body(raw)
        headers = {"X-Line-Signature": sign(body, line_secret(i)),
                   "Content-Type": "application/json"}  # fmt: skip
        started = time.perf_counter()
        try:
            async with http.post(f"{url}/line/bench{i:05d}/webhook", data=body,
                                 headers=headers) as response:  # fmt: skip
                await response.read()
                if response.status != 200:
                    lost += 1
                    continue
            arrived = await asyncio.wait_for(user.waiter, timeout)
            took.append(arrived - started)
        except (aiohttp.ClientError, TimeoutError):
            lost += 1
        finally:
            platform.by_token.pop(token, None)
    return took, lost


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000


@dataclasses.dataclass
class Plan:
    runs: list[tuple[str, list[int]]]  # (backend, numbers of organisations)
    settle: float
    idle: float
    greetings: int
    start_timeout: float
    base: Path | None


async def one(plan: Plan, platform: Platform, api: str, http: aiohttp.ClientSession, tmp: Path,
              db: str, count: int, label: str, tree: Path | None) -> Row:  # fmt: skip
    row = Row(label, db, count)
    async with database(db, tmp) as db_url:
        data = tmp / f"data-{uuid.uuid4().hex[:6]}"
        env = {"COMPLAINTBOT_DATABASE_URL": db_url, "COMPLAINTBOT_DATA_DIR": str(data),
               "COMPLAINTBOT_SECRET_KEY": TEST_SECRET_KEY, "LINE_API_HOST": api,
               "TELEGRAM_API_BASE_URL": api + "/bot",
               "COMPLAINTBOT_PUBLIC_URL": "https://bench.invalid"}  # fmt: skip
        row.seed_s = await asyncio.to_thread(seed, env, count, tree)
        log = tmp / f"serve-{uuid.uuid4().hex[:6]}.log"
        server = ServeProcess(env=dict(env), log_path=log, fork=False)
        if tree is not None:
            server.env["PYTHONPATH"] = str(tree)
        started = time.monotonic()
        server.start()
        try:
            deadline = started + plan.start_timeout
            if not await first_ok(http, server.url + "/healthz", server, deadline):
                assert server.process is not None  # what it holds when we give up on it
                watcher = TreeWatcher(server.process.pid)
                row.rss_mb = await asyncio.to_thread(watcher.rss) / 2**20
                row.files = await asyncio.to_thread(open_files, watcher)
                row.job_runs = job_runs(log)
                row.note = f"not healthy within {plan.start_timeout:g} s"
                return row
            row.healthy_s = time.monotonic() - started
            if await first_ok(http, server.url + "/readyz", server, deadline):
                row.ready_s = time.monotonic() - started
            assert server.process is not None
            watcher = TreeWatcher(server.process.pid)
            await asyncio.sleep(plan.settle)
            cpu0, t0 = await asyncio.to_thread(watcher.cpu), time.monotonic()
            await asyncio.sleep(plan.idle)
            cpu1, t1 = await asyncio.to_thread(watcher.cpu), time.monotonic()
            row.idle_cpu = (cpu1 - cpu0) / (t1 - t0)
            row.rss_mb = await asyncio.to_thread(watcher.rss) / 2**20
            row.files = await asyncio.to_thread(open_files, watcher)
            row.job_runs = job_runs(log)
            chosen = [random.randrange(count) for _ in range(plan.greetings)]
            took, row.lost = await greet(http, platform, server.url, chosen, timeout=60.0)
            row.p50_ms, row.p95_ms = percentile(took, 0.5), percentile(took, 0.95)
            again, lost = await greet(http, platform, server.url, chosen, timeout=60.0)
            row.again_ms, row.lost = percentile(again, 0.5), row.lost + lost
        finally:
            server.stop()
    return row


async def run(plan: Plan) -> list[Row]:
    platform = Platform()
    rows: list[Row] = []
    async with (
        serving(platform.app()) as api,
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http,
    ):
        with tempfile.TemporaryDirectory() as folder:
            tmp = Path(folder)
            print(HEADER, flush=True)
            for db, counts in plan.runs:
                for count in counts:
                    trees = [("base", plan.base)] if plan.base else []
                    for label, tree in [*trees, ("this", None)]:
                        row = await one(plan, platform, api, http, tmp, db, count, label, tree)
                        print(show(row), flush=True)
                        rows.append(row)
    return rows


def report(rows: list[Row], plan: Plan) -> None:
    print()
    print(f"idle window {plan.idle:g} s from {plan.settle:g} s after ready; {plan.greetings} "
          f"greetings one at a time; {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.2f}")  # fmt: skip
    print(HEADER)
    for r in rows:
        print(show(r))
    for label in sorted({r.tree for r in rows}):
        for db, _counts in plan.runs:
            mine = sorted(
                (r for r in rows if (r.tree, r.db) == (label, db) and r.healthy_s == r.healthy_s),
                key=lambda r: r.orgs,
            )  # rows that came up (nan != nan)
            if len(mine) < 2 or not mine[0].files:
                continue
            low, high = mine[0], mine[-1]
            print(f"{label} {db}: {high.orgs} orgs / {low.orgs}: files x"
                  f"{high.files / low.files:.1f}, RSS x{high.rss_mb / low.rss_mb:.1f}, healthy x"
                  f"{high.healthy_s / low.healthy_s:.1f}, greeting p50 x"
                  f"{high.p50_ms / low.p50_ms:.2f}")  # fmt: skip
    print(f"\ntargets ({TARGETS}), against the tree's 10-organisation row:")
    for r in rows:
        print(f"{r.tree:<5} {r.db:<10} {r.orgs:>6}  {verdict(r, rows)}")


def verdict(row: Row, rows: list[Row]) -> str:
    """Which targets `row` meets and misses, against its tree's 10-organisation row of the
    same backend (or of SQLite, when the backend was run only bigger)."""
    small = [r for r in rows if r.tree == row.tree and r.db == row.db and r.orgs <= 10]
    small = small or [r for r in rows if r.tree == row.tree and r.db == "sqlite" and r.orgs <= 10]
    if row.healthy_s != row.healthy_s:  # nan: never came up
        return "MISSES: not healthy"
    checks = {
        "idle CPU": row.idle_cpu < 0.05,
        "RSS": row.rss_mb < 400,
        "healthy": row.db != "sqlite" or row.healthy_s < 10,
    }
    if small and small[0] is not row:
        base = small[0]
        checks["files"] = row.files <= base.files + FILES_SLACK
        checks["p50"] = row.p50_ms <= 1.2 * base.p50_ms
        checks["p50 again"] = row.again_ms <= 1.2 * base.again_ms
    missed = [name for name, ok in checks.items() if not ok]
    met = [name for name, ok in checks.items() if ok]
    return f"meets {', '.join(met) or '-'}" + (f"; MISSES {', '.join(missed)}" if missed else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10 and 100 orgs, SQLite")
    parser.add_argument("--orgs", help="e.g. 10,200,1000 (with --db; default: see above)")
    parser.add_argument("--db", default="", help="sqlite, postgresql or both (comma)")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds after ready")
    parser.add_argument("--idle", type=float, default=20.0, help="idle window, seconds")
    parser.add_argument("--greetings", type=int, default=30)
    parser.add_argument("--start-timeout", type=float, default=900.0)
    add_base(parser)
    args = parser.parse_args()
    runs = DEFAULT_RUNS
    if args.orgs or args.db:
        counts = [int(n) for n in split(args.orgs or "10,200,1000")]
        runs = [(db, counts) for db in split(args.db or "sqlite")]
    plan = Plan(runs, args.settle, args.idle, args.greetings, args.start_timeout, args.base)
    if args.quick:
        plan = dataclasses.replace(plan, runs=[("sqlite", [10, 100])], idle=10.0,
                                   greetings=20)  # fmt: skip
    report(asyncio.run(run(plan)), plan)


if __name__ == "__main__":
    main()
