"""Webhook throughput and latency of `complaintbot serve`, beside an SDK echo bot, in one run.

    .venv/bin/python bench/webhook.py            # everything (about 15 minutes)
    .venv/bin/python bench/webhook.py --quick    # SQLite, LINE, one worker (about 1 minute)
    .venv/bin/python bench/webhook.py --db sqlite --channel telegram --loads menu --rates

This process is the platform: it serves fake LINE Messaging and Telegram Bot APIs on
127.0.0.1 (just enough of them, recording when each reply arrives) and drives signed LINE
webhooks and secret-bearing Telegram webhooks at the server under test, a real
`complaintbot serve` subprocess (or `bench/echo_bot.py`, the ceiling: the same Starlette,
uvicorn and SDKs, no database). 1,000 simulated users hold realistic conversations: menu
presses, a whole complaint, an anonymous tip, a look-up by code, plan questions. A user
sends their next event only once the reply to the last one has arrived.

- saturation (closed loop): `--concurrency` users at a time, each sending as soon as answered;
- fixed offered rates (open loop): events start at `--rates` per second whatever the server
  does (a user still waits for their own answer), and latency includes any queueing.

Latency is from the webhook POST to the reply's arrival at the fake API (LINE: the reply
with the event's token; Telegram: the first message sent to the chat after the POST). Peak
RSS and CPU are of the server's whole process tree. `gen CPU` is this process's CPU share:
near 100 % would mean the load generator, not the server, set the pace; the echo row shows
the headroom it has. Nothing is asserted; see bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import itertools
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handlers import menu  # noqa: E402
from handlers.citizen import complaint as complaint_flow  # noqa: E402
from handlers.citizen import tip as tip_flow  # noqa: E402
from handlers.citizen import tracking  # noqa: E402
from handlers.plan import flow as plan_flow  # noqa: E402
from storage.db import make_engine  # noqa: E402
from tests import telegram_updates as tg  # noqa: E402
from tests.fake_line import event, message_id, serving, sign, user_source, webhook_body  # noqa: E402
from tests.serve_process import TEST_SECRET_KEY, ServeProcess, free_port  # noqa: E402

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
LINE_SECRET = "bench-line-channel-secret-000000"
LINE_TOKEN = "bench-line-access-token"
TG_TOKEN = "123456789:AAFakeTokenForBenchOnly_0123456789"
TG_SECRET = "bench-telegram-webhook-secret"
TG_REPLY_METHODS = {"sendMessage", "sendPhoto", "sendDocument", "editMessageText"}
TG_QUIET = 0.03  # Telegram has no reply token: a user waits this long after the last message
USERS = 1000
_ = tracking  # the look-up flow is reached through the menu

# -- conversations --

Step = tuple[str, str]  # ("press", postback data) or ("say", text)


def complaint(n: int) -> list[Step]:
    text = f"ถนนซอย {n} หน้าตลาดเป็นหลุมลึก รถจักรยานยนต์ล้มหลายคันแล้ว"
    return [("press", menu.COMPLAINT), ("press", complaint_flow.CAT + "road"), ("say", text),
            ("press", complaint_flow.EV_SKIP), ("press", complaint_flow.CONTACT_NO),
            ("press", complaint_flow.CONFIRM)]  # fmt: skip


def tip(_n: int) -> list[Step]:
    conduct = "เจ้าหน้าที่กองช่างเรียกรับเงินห้าพันบาทเพื่อเร่งออกใบอนุญาตก่อสร้าง"
    return [("press", menu.TIP), ("press", tip_flow.UNDERSTOOD), ("press", tip_flow.CAT + "bribe"),
            ("say", conduct), ("press", tip_flow.SKIP), ("press", tip_flow.SKIP),
            ("press", tip_flow.EV_SKIP), ("press", tip_flow.ANONYMOUS),
            ("press", tip_flow.CONFIRM)]  # fmt: skip


def lookup(n: int) -> list[Step]:
    code = f"{n % 10000:04d}-{random.randrange(10000):04d}-0000-0000"
    return [("press", menu.TRACK), ("say", code), ("press", menu.MENU)]


def plan(_n: int) -> list[Step]:
    question = random.choice(["งบประมาณจัดซื้อจัดจ้างปีนี้เท่าไร", "โครงการป้องกันการทุจริตมีอะไรบ้าง",
                              "การเปิดเผยข้อมูลสาธารณะ"])  # fmt: skip
    return [("press", menu.PLAN), ("press", plan_flow.ASK), ("say", question), ("press", menu.MENU)]


def menus(_n: int) -> list[Step]:
    return [("press", menu.CONTACT), ("press", menu.MENU), ("say", "สวัสดีครับ")]


MIX: list[tuple[Callable[[int], list[Step]], float]] = [
    (complaint, 0.30), (lookup, 0.25), (plan, 0.20), (menus, 0.15), (tip, 0.10),
]  # fmt: skip
LOADS: dict[str, Callable[[int], list[Step]]] = {
    "menu": menus,
    "complaint": complaint,
    "mixed": lambda n: random.choices([f for f, _ in MIX], [w for _, w in MIX])[0](n),
}


@dataclasses.dataclass
class User:
    n: int
    load: Callable[[int], list[Step]]
    script: list[Step] = dataclasses.field(default_factory=list)
    waiter: asyncio.Future | None = None
    last_reply: float = 0.0

    def next_step(self) -> Step:
        if not self.script:
            self.script = list(self.load(self.n))
        return self.script.pop(0)


# -- the fake platform --


class Platform:
    """Fake LINE and Telegram APIs in one Starlette app, noting when each reply arrives."""

    def __init__(self) -> None:
        self.by_token: dict[str, User] = {}
        self.by_chat: dict[str, User] = {}
        self._ids = itertools.count(1)
        self.bot_user = {"id": int(TG_TOKEN.split(":")[0]), "is_bot": True,
                         "first_name": "bench", "username": "bench_bot"}  # fmt: skip

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/v2/bot/message/reply", self.line_reply, methods=["POST"]),
            Route("/v2/bot/message/push", self.line_push, methods=["POST"]),
            Route("/bot{token}/{method}", self.telegram, methods=["GET", "POST"]),
        ])  # fmt: skip

    def arrived(self, user: User | None) -> None:
        now = time.perf_counter()
        if user is None:
            return
        user.last_reply = now
        if user.waiter is not None and not user.waiter.done():
            user.waiter.set_result(now)

    async def line_reply(self, request: Request) -> Response:
        body = json.loads(await request.body())
        self.arrived(self.by_token.pop(body.get("replyToken"), None))
        return JSONResponse({"sentMessages": [{"id": str(next(self._ids))}]})

    async def line_push(self, request: Request) -> Response:
        body = json.loads(await request.body())
        self.arrived(self.by_chat.get(body.get("to")))
        return JSONResponse({"sentMessages": [{"id": str(next(self._ids))}]})

    async def telegram(self, request: Request) -> Response:
        method = request.path_params["method"]
        params: dict[str, Any] = {}
        kind = request.headers.get("content-type", "")
        if kind.startswith("application/json"):
            params = await request.json()
        elif kind:
            params = dict(await request.form())
        if method == "getMe":
            return JSONResponse({"ok": True, "result": self.bot_user})
        if method in TG_REPLY_METHODS or method == "editMessageReplyMarkup":
            chat = int(params.get("chat_id", 0))
            if method in TG_REPLY_METHODS:
                self.arrived(self.by_chat.get(str(chat)))
            message = {"message_id": next(self._ids), "date": int(time.time()),
                       "chat": {"id": chat, "type": "private"}, "from": self.bot_user,
                       "text": params.get("text", "")}  # fmt: skip
            return JSONResponse({"ok": True, "result": message})
        if method == "getWebhookInfo":
            return JSONResponse(
                {
                    "ok": True,
                    "result": {
                        "url": "",
                        "has_custom_certificate": False,
                        "pending_update_count": 0,
                    },
                }
            )
        return JSONResponse({"ok": True, "result": True})


# -- the clients (one per channel) ---------------------------------------------------------------


class LineClient:
    name = "line"

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    def chat(self, n: int) -> str:
        return f"U{n:032x}"

    def request(self, user: User, step: Step) -> tuple[str, bytes, dict[str, str]]:
        token = secrets.token_hex(16)
        self.platform.by_token[token] = user
        kind, value = step
        if kind == "press":
            raw = event("postback", user_source(self.chat(user.n)), reply_token=token,
                        postback={"data": value})  # fmt: skip
        else:
            raw = event("message", user_source(self.chat(user.n)), reply_token=token,
                        message={"type": "text", "id": message_id(), "quoteToken": "q",
                                 "text": value})  # fmt: skip
        body = webhook_body(raw)
        return "/line/webhook", body, {"X-Line-Signature": sign(body, LINE_SECRET),
                                       "Content-Type": "application/json"}  # fmt: skip


class TelegramClient:
    name = "telegram"

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.ids = itertools.count(500_000_001)

    def chat(self, n: int) -> str:
        return str(900_000_000 + n)

    def request(self, user: User, step: Step) -> tuple[str, bytes, dict[str, str]]:
        kind, value = step
        chat = int(self.chat(user.n))
        update = tg.text(chat, value) if kind == "say" else tg.callback(chat, value)
        update["update_id"] = next(self.ids)
        return (
            "/telegram/webhook",
            json.dumps(update).encode(),
            {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET, "Content-Type": "application/json"},
        )


# -- measuring --


@dataclasses.dataclass
class Result:
    server: str
    channel: str
    db: str
    workers: int
    load: str
    mode: str  # "sat" or "<rate>/s"
    seconds: float
    answered: int
    lost: int  # no reply within the timeout
    latencies: list[float]
    gen_cpu: float
    server_cpu: float
    peak_rss_mb: float
    skipped: int = 0  # open loop: a start found no idle user
    acks: list[float] = dataclasses.field(default_factory=list)  # POST to its 200, seconds

    @property
    def rate(self) -> float:
        return self.answered / self.seconds

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000

    def ack_pct(self, p: float) -> float:
        """The webhook's acknowledgement (its 200), ms: LINE wants it within 2 s."""
        if not self.acks:
            return float("nan")
        ordered = sorted(self.acks)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000


class TreeWatcher:
    """Peak RSS and CPU seconds of a process and its descendants, sampled from /proc."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._task: asyncio.Task | None = None

    def tree(self) -> list[int]:
        parents: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                with contextlib.suppress(OSError, IndexError, ValueError):
                    stat = Path(f"/proc/{entry}/stat").read_text()
                    ppid = int(stat.rsplit(")", 1)[1].split()[1])
                    parents.setdefault(ppid, []).append(int(entry))
        out, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo += parents.get(pid, [])
        return out

    def rss(self) -> int:
        total = 0
        for pid in self.tree():
            with contextlib.suppress(OSError, ValueError, IndexError):
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        return total * os.sysconf("SC_PAGE_SIZE")

    def cpu(self) -> float:
        ticks = 0
        for pid in self.tree():
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    async def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, await asyncio.to_thread(self.rss))
            await asyncio.sleep(0.25)

    def start(self) -> None:
        self._task = asyncio.create_task(self._sample())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


class Driver:
    """Sends users' events at one server and waits for their replies."""

    def __init__(self, http: aiohttp.ClientSession, base: str, client: Any,
                 timeout: float) -> None:  # fmt: skip
        self.http = http
        self.base = base
        self.client = client
        self.timeout = timeout

    async def one(
        self, user: User, latencies: list[float] | None, acks: list[float] | None = None
    ) -> bool:
        """One event of `user`'s conversation; True when it was answered in time."""
        path, body, headers = self.client.request(user, user.next_step())
        loop = asyncio.get_running_loop()
        user.waiter = loop.create_future()
        started = time.perf_counter()
        while True:
            try:
                async with self.http.post(self.base + path, data=body, headers=headers) as r:
                    await r.read()
                    if r.status == 200:
                        if acks is not None:
                            acks.append(time.perf_counter() - started)
                        break
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.1)  # the platforms redeliver what was not acknowledged
            if time.perf_counter() - started > self.timeout:
                return False
        try:
            arrived = await asyncio.wait_for(user.waiter, self.timeout)
        except TimeoutError:
            return False
        if latencies is not None:
            latencies.append(arrived - started)
        if self.client.name == "telegram":  # let the turn's other messages arrive first
            while (quiet := time.perf_counter() - user.last_reply) < TG_QUIET:
                await asyncio.sleep(TG_QUIET - quiet)
        return True


async def measure(driver: Driver, users: list[User], *, mode: str, concurrency: int,
                  rate: float, seconds: float, warmup: float,
                  cpu: Callable[[], tuple[float, float]]) -> dict[str, Any]:  # fmt: skip
    """Counts, latencies and CPU seconds (`cpu()`: generator, server) of one window of
    `seconds` after a warm-up."""
    idle = list(users)
    random.shuffle(idle)
    window = {"on": False, "answered": 0, "lost": 0, "skipped": 0}
    latencies: list[float] = []
    acks: list[float] = []

    async def turn(user: User) -> None:
        took: list[float] = []
        acked: list[float] = []
        ok = await driver.one(user, took, acked)
        if window["on"]:  # what completes inside the window counts, whenever it started
            window["answered" if ok else "lost"] += 1
            latencies.extend(took)
            acks.extend(acked)
        idle.append(user)

    stop_at = time.perf_counter() + warmup + seconds
    tasks: set[asyncio.Task] = set()

    async def closed_loop() -> None:
        while time.perf_counter() < stop_at:
            user = idle.pop(random.randrange(len(idle)))
            await turn(user)

    async def open_loop() -> None:
        start = time.perf_counter()
        for i in itertools.count():
            due = start + i / rate
            if due >= stop_at:
                return
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            if not idle:
                window["skipped"] += window["on"]
                continue
            task = asyncio.create_task(turn(idle.pop(random.randrange(len(idle)))))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    runners = ([asyncio.create_task(closed_loop()) for _ in range(concurrency)]
               if mode == "sat" else [asyncio.create_task(open_loop())])  # fmt: skip
    await asyncio.sleep(warmup)
    window["on"] = True
    began, cpu0 = time.perf_counter(), await asyncio.to_thread(cpu)
    await asyncio.sleep(seconds)
    window["on"] = False
    elapsed, cpu1 = time.perf_counter() - began, await asyncio.to_thread(cpu)
    await asyncio.gather(*runners)
    if tasks:
        await asyncio.wait(tasks, timeout=driver.timeout + 5)
    return {
        "seconds": elapsed,
        "answered": window["answered"],
        "lost": window["lost"],
        "latencies": latencies,
        "acks": acks,
        "skipped": window["skipped"],
        "gen_cpu": (cpu1[0] - cpu0[0]) / elapsed,
        "server_cpu": (cpu1[1] - cpu0[1]) / elapsed,
    }


# -- servers --


@contextlib.asynccontextmanager
async def database(kind: str, tmp: Path) -> AsyncIterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp}/bench-{uuid.uuid4().hex[:6]}.db"
        return
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG)
    with admin.begin() as conn:
        conn.execute(sa.text(f'create schema "{schema}"'))
    try:
        yield f"{PG}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'drop schema "{schema}" cascade'))
        admin.dispose()


def platform_env(api: str, server_url: str) -> dict[str, str]:
    return {"LINE_CHANNEL_SECRET": LINE_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": LINE_TOKEN,
            "LINE_API_HOST": api, "TELEGRAM_BOT_TOKEN": TG_TOKEN,
            "TELEGRAM_API_BASE_URL": api + "/bot", "TELEGRAM_WEBHOOK_SECRET": TG_SECRET,
            "TELEGRAM_WEBHOOK_URL": server_url + "/telegram/webhook"}  # fmt: skip


@contextlib.asynccontextmanager
async def echo_server(api: str, tmp: Path) -> AsyncIterator[tuple[str, int]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, **platform_env(api, url)}
    with (tmp / "echo.log").open("ab") as log:
        process = subprocess.Popen([sys.executable, str(ROOT / "bench" / "echo_bot.py"),
                                    "--port", str(port)], env=env, stdout=log,
                                   stderr=subprocess.STDOUT)  # fmt: skip
    try:
        await wait_up(url, process, tmp / "echo.log")
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextlib.asynccontextmanager
async def bot_server(api: str, db_url: str, workers: int, tmp: Path, channel: str,
                     tree: Path | None = None) -> AsyncIterator[tuple[str, int]]:  # fmt: skip
    """`complaintbot serve` of this checkout, or of the source `tree` (an older commit
    unpacked with `git archive`, for a before/after in one run)."""
    # fork=False: the program exec'd as deployed (and `tree`'s code imported, not this one's)
    server = ServeProcess(env={}, log_path=tmp / f"serve-{uuid.uuid4().hex[:6]}.log",
                          workers=workers, fork=False)  # fmt: skip
    env = platform_env(api, server.url)
    if channel == "line":  # one channel per server: what is measured is that channel
        env = {k: v for k, v in env.items() if not k.startswith("TELEGRAM")}
    else:
        env = {k: v for k, v in env.items() if not k.startswith("LINE")}
    server.env = {"COMPLAINTBOT_DATABASE_URL": db_url, "COMPLAINTBOT_DATA_DIR": str(tmp / "data"),
                  "COMPLAINTBOT_SECRET_KEY": TEST_SECRET_KEY, **env}  # fmt: skip
    if tree is not None:
        server.env["PYTHONPATH"] = str(tree)
    server.start()
    try:
        await server.wait_ready(timeout=120)
        assert server.process is not None
        yield server.url, server.process.pid
    finally:
        server.stop()


async def wait_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(url + "/healthz") as r:
                    if r.status == 200:
                        return
            await asyncio.sleep(0.05)
    raise RuntimeError("server did not come up")


# -- the run --


@dataclasses.dataclass
class Plan:
    dbs: list[str]
    workers: list[int]
    channels: list[str]
    loads: list[str]
    rates: list[float]
    rate_load: str
    seconds: float
    warmup: float
    concurrency: int
    timeout: float
    base: Path | None = None  # also measure serve from this source tree ("base" rows)


async def run_server(plan: Plan, platform: Platform, api: str, http: aiohttp.ClientSession,
                     server: str, channel: str, db: str, workers: int, url: str,
                     pid: int) -> list[Result]:  # fmt: skip
    client = LineClient(platform) if channel == "line" else TelegramClient(platform)
    driver = Driver(http, url, client, plan.timeout)
    watcher = TreeWatcher(pid)
    watcher.start()
    results = []
    loads = ["menu"] if server == "echo" else plan.loads
    runs = [(load, "sat") for load in loads]
    if server != "echo":
        runs += [(plan.rate_load, f"{r:g}/s") for r in plan.rates]
    for index, (load, mode) in enumerate(runs):
        # Users of their own for each window: a backlog the last window left (an overloaded
        # open loop) is then not in front of this window's events in their chats' order.
        users = [User(n, LOADS[load]) for n in range(index * USERS, (index + 1) * USERS)]
        for u in users:
            platform.by_chat[client.chat(u.n)] = u
        rate = float(mode[:-2]) if mode != "sat" else 0.0
        watcher.peak = 0
        got = await measure(driver, users, mode=mode, concurrency=plan.concurrency, rate=rate,
                            seconds=plan.seconds, warmup=plan.warmup,
                            cpu=lambda: (time.process_time(), watcher.cpu()))  # fmt: skip
        result = Result(server, channel, db, workers, load, mode, peak_rss_mb=watcher.peak / 2**20,
                        **got)  # fmt: skip
        print(row(result, None), flush=True)
        results.append(result)
        platform.by_token.clear()
    await watcher.stop()
    return results


HEADER = (f"{'server':<6} {'channel':<8} {'db':<10} {'w':>1} {'load':<9} {'mode':<6} "
          f"{'ev/s':>6} {'x echo':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'lost':>4} "
          f"{'srv CPU':>7} {'ms/ev':>5} {'RSS MB':>6} {'gen CPU':>7} "
          f"{'ack p99':>7} {'ack max':>7}")  # fmt: skip


def row(r: Result, echo: float | None) -> str:
    ratio = f"{r.rate / echo:6.2f}" if echo else f"{'':>6}"
    extra = f"  ({r.skipped} starts found no idle user)" if r.skipped else ""
    cpu_ms = r.server_cpu * 1000 / r.rate if r.rate else float("nan")  # server CPU per event
    return (f"{r.server:<6} {r.channel:<8} {r.db:<10} {r.workers:>1} {r.load:<9} {r.mode:<6} "
            f"{r.rate:6.0f} {ratio} {r.pct(0.5):7.1f} {r.pct(0.95):7.1f} {r.pct(0.99):7.1f} "
            f"{r.lost:>4} {r.server_cpu * 100:6.0f}% {cpu_ms:5.1f} {r.peak_rss_mb:6.0f} "
            f"{r.gen_cpu * 100:6.0f}% {r.ack_pct(0.99):7.1f} {r.ack_pct(1.0):7.1f}"
            f"{extra}")  # fmt: skip


async def run(plan: Plan) -> list[Result]:
    platform = Platform()
    results: list[Result] = []
    connector = aiohttp.TCPConnector(limit=0)
    async with (
        serving(platform.app()) as api,
        aiohttp.ClientSession(
            connector=connector, timeout=aiohttp.ClientTimeout(total=plan.timeout)
        ) as http,
        contextlib.AsyncExitStack() as stack,
    ):
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        print(HEADER, flush=True)
        async with echo_server(api, tmp) as (url, pid):
            for channel in plan.channels:
                results += await run_server(plan, platform, api, http, "echo", channel, "-", 1,
                                            url, pid)  # fmt: skip
        for db in plan.dbs:
            for workers in plan.workers:
                for channel in plan.channels:
                    trees = [("base", plan.base)] if plan.base else []
                    for label, tree in [*trees, ("serve", None)]:
                        async with (
                            database(db, tmp) as db_url,
                            bot_server(api, db_url, workers, tmp, channel, tree) as (url, pid),
                        ):
                            results += await run_server(plan, platform, api, http, label,
                                                        channel, db, workers, url, pid)  # fmt: skip
    return results


def report(results: list[Result], plan: Plan) -> None:
    echo = {r.channel: r.rate for r in results if r.server == "echo"}
    print()
    print(f"{USERS} users; saturation: {plan.concurrency} users at a time; windows of "
          f"{plan.seconds:g} s after {plan.warmup:g} s warm-up; {os.cpu_count()} CPUs, load "
          f"average {os.getloadavg()[0]:.2f}")  # fmt: skip
    print(HEADER)
    for r in results:
        print(row(r, echo.get(r.channel)))
    for channel in plan.channels:
        for db in plan.dbs:
            for load in plan.loads:
                rates = {
                    r.workers: r.rate
                    for r in results
                    if r.server == "serve"
                    and (r.channel, r.db, r.load, r.mode) == (channel, db, load, "sat")
                }
                one, two = rates.get(1), rates.get(2)
                if one and two:
                    print(f"{channel} {db} {load}: two workers / one = {two / one:.2f}")


def add_base(parser: argparse.ArgumentParser) -> None:
    """`--base DIR`: an older source tree served beside this one, for before/after."""
    parser.add_argument(
        "--base",
        type=Path,
        help="also serve from this source tree, e.g. "
        "`git archive COMMIT | tar -x -C /tmp/base` (before/after in one run)",
    )


def split(text: str) -> list[str]:
    """A comma-separated option's items (none for '')."""
    return [x for x in text.split(",") if x]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="SQLite, LINE, one worker, short windows")  # fmt: skip
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--channel", default="line,telegram")
    parser.add_argument("--loads", default="menu,complaint", help="saturation loads")
    parser.add_argument("--rates", default="100,300", help="open-loop events/s ('' for none)")
    parser.add_argument("--rate-load", default="mixed", choices=sorted(LOADS))
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=30.0)
    add_base(parser)
    args = parser.parse_args()
    plan = Plan(split(args.db), [int(w) for w in split(args.workers)], split(args.channel),
                split(args.loads), [float(r) for r in split(args.rates)], args.rate_load,
                args.seconds, args.warmup, args.concurrency, args.timeout, args.base)  # fmt: skip
    if args.quick:
        plan = dataclasses.replace(plan, dbs=["sqlite"], workers=[1], channels=["line"],
                                   seconds=8.0, warmup=4.0)  # fmt: skip
    report(asyncio.run(run(plan)), plan)


if __name__ == "__main__":
    main()
