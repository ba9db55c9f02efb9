"""Citizens filing complaints through a real `complaintbot serve` while it is killed.

A reusable harness for the crash and several-worker tests. `Citizens.run` has every citizen
file one complaint (the six events of the complaint flow) through a `Platform`: the fake
LINE Platform or Telegram (webhook or polling). Each event is re-sent until it is
acknowledged (LINE and Telegram both redeliver what was not answered with 200), and some
acknowledged events are sent again as redeliveries. Meanwhile a `Chaos` SIGKILLs a server
when the run reaches given numbers of acknowledged events (picked at random, spread over the
run) and starts it again at once: the kills are tied to the run's progress, not to the wall
clock, so each of them happens mid-run however slow or fast the machine is.
`Citizens.verdict` then compares what each citizen received with what a citizen should
receive, and the database with what was filed.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import json
import random
import re
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx
import sqlalchemy as sa

from bot import crash_points
from handlers import menu
from handlers.citizen import complaint as complaint_flow
from storage.db import make_engine
from tests import telegram_updates as tg
from tests.fake_line import FakeLine, event, message_id, serving, sign, user_source, webhook_body
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.serve_process import ServeProcess

CODE = re.compile(r"\d{4}-\d{4}-\d{4}-\d{4}")
LINE_SECRET = "crash-test-line-channel-secret-0"
LINE_TOKEN = "crash-test-line-access-token"
TELEGRAM_SECRET = "crash-test-telegram-webhook-secret"


def description(n: int) -> str:
    return f"ถนนซอย {n} หน้าตลาดเป็นหลุมลึก รถจักรยานยนต์ล้มหลายคันแล้ว"


def complaint_steps(n: int) -> list[tuple[str, str]]:
    """The six events of filing a complaint: (kind, value), kind "press" or "say"."""
    return [
        ("press", menu.COMPLAINT),
        ("press", complaint_flow.CAT + "road"),
        ("say", description(n)),
        ("press", complaint_flow.EV_SKIP),
        ("press", complaint_flow.CONTACT_NO),
        ("press", complaint_flow.CONFIRM),
    ]


class Platform(Protocol):
    def env(self, server_url: str) -> dict[str, str]: ...

    def chat(self, n: int) -> str: ...

    async def send(self, urls: Sequence[str], n: int, kind: str, value: str) -> None: ...

    def transcript(self, n: int) -> list[str]: ...


ACK_SECONDS: list[float] = []  # how long each acknowledged POST took (read by the bench)


async def post_until_acknowledged(
    client: httpx.AsyncClient, urls: Sequence[str], make: Any, attempt_counter: list[int]
) -> None:
    """POST (to the next URL in turn, as a round-robin balancer would) until a 200."""
    for attempt in itertools.count():
        url = urls[(attempt_counter[0] + attempt) % len(urls)]
        content, headers = make(attempt > 0)
        try:
            started = time.perf_counter()
            response = await client.post(url, content=content, headers=headers)
            if response.status_code == 200:
                ACK_SECONDS.append(time.perf_counter() - started)
                attempt_counter[0] += 1
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.05 + random.random() * 0.1)


def chat_turn(turns: dict[int, list[int]], n: int) -> list[int]:
    """Citizen `n`'s place in the round robin: each acknowledged event moves it on by one, so
    with two servers consecutive events of one chat always go to different servers."""
    return turns.setdefault(n, [n])


@dataclass
class LinePlatform:
    fake: FakeLine
    api_url: str
    redeliver_rate: float = 0.1
    tokens: dict[int, set[str]] = field(default_factory=lambda: collections.defaultdict(set))
    _turns: dict[int, list[int]] = field(default_factory=dict)
    client: httpx.AsyncClient = field(default_factory=lambda: httpx.AsyncClient(timeout=10))

    def env(self, server_url: str) -> dict[str, str]:
        return {"LINE_CHANNEL_SECRET": LINE_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": LINE_TOKEN,
                "LINE_API_HOST": self.api_url}  # fmt: skip

    def chat(self, n: int) -> str:
        return f"U{n:032x}"

    async def send(self, urls: Sequence[str], n: int, kind: str, value: str) -> None:
        token = self.fake.issue_reply_token()
        self.tokens[n].add(token)
        fields: dict[str, Any]
        if kind == "press":
            fields = {"postback": {"data": value}}
            line_kind = "postback"
        else:
            fields = {"message": {"type": "text", "id": message_id(), "quoteToken": "q",
                                  "text": value}}  # fmt: skip
            line_kind = "message"
        raw = event(line_kind, user_source(self.chat(n)), reply_token=token, **fields)
        hooks = [u + "/line/webhook" for u in urls]

        def make(redelivery: bool) -> tuple[bytes, dict[str, str]]:
            raw["deliveryContext"] = {"isRedelivery": redelivery}
            body = webhook_body(raw)
            return body, {"X-Line-Signature": sign(body, LINE_SECRET),
                          "Content-Type": "application/json"}  # fmt: skip

        turn = chat_turn(self._turns, n)
        await post_until_acknowledged(self.client, hooks, make, turn)
        if random.random() < self.redeliver_rate:
            await post_until_acknowledged(self.client, hooks, lambda _: make(True), turn)

    def transcript(self, n: int) -> list[str]:
        user, tokens = self.chat(n), self.tokens[n]
        out: list[str] = []
        for call in list(self.fake.calls):
            if call.path not in ("/v2/bot/message/reply", "/v2/bot/message/push"):
                continue
            body = call.json()
            if body.get("replyToken") in tokens or body.get("to") == user:
                out += [m.get("text") or m.get("altText", "") for m in body["messages"]]
        return out


@dataclass
class TelegramPlatform:
    fake: FakeTelegram
    polling: bool
    redeliver_rate: float = 0.1
    _ids: Any = field(default_factory=lambda: itertools.count(800_000_001))
    _turns: dict[int, list[int]] = field(default_factory=dict)
    client: httpx.AsyncClient = field(default_factory=lambda: httpx.AsyncClient(timeout=10))

    def env(self, server_url: str) -> dict[str, str]:
        env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": self.fake.base_url}
        if not self.polling:
            env["TELEGRAM_WEBHOOK_URL"] = server_url + "/telegram/webhook"
            env["TELEGRAM_WEBHOOK_SECRET"] = TELEGRAM_SECRET
        return env

    def chat(self, n: int) -> str:
        return str(900_000_000 + n)

    async def send(self, urls: Sequence[str], n: int, kind: str, value: str) -> None:
        chat = int(self.chat(n))
        update = tg.text(chat, value) if kind == "say" else tg.callback(chat, value)
        update["update_id"] = next(self._ids)
        if self.polling:
            self.fake.push(update)
            while self.fake.is_pending(update["update_id"]):
                await asyncio.sleep(0.05)
            return
        body = json.dumps(update).encode()
        headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
                   "Content-Type": "application/json"}  # fmt: skip
        hooks = [u + "/telegram/webhook" for u in urls]
        turn = chat_turn(self._turns, n)
        await post_until_acknowledged(self.client, hooks, lambda _: (body, headers), turn)
        if random.random() < self.redeliver_rate:
            await post_until_acknowledged(self.client, hooks, lambda _: (body, headers), turn)

    def transcript(self, n: int) -> list[str]:
        return self.fake.sent_texts(int(self.chat(n)))


@contextlib.asynccontextmanager
async def line_platform() -> AsyncIterator[LinePlatform]:
    fake = FakeLine(access_token=LINE_TOKEN)
    async with serving(fake.app()) as api_url:
        platform = LinePlatform(fake, api_url)
        try:
            yield platform
        finally:
            await platform.client.aclose()


@contextlib.asynccontextmanager
async def telegram_platform(*, polling: bool) -> AsyncIterator[TelegramPlatform]:
    fake = FakeTelegram().start()
    platform = TelegramPlatform(fake, polling)
    try:
        yield platform
    finally:
        await platform.client.aclose()
        fake.stop()


@dataclass
class Verdict:
    citizens: int
    filed: int  # complaint rows
    with_code: int  # citizens who received a code that exists with their complaint
    complete: int  # citizens who received every expected message, in order
    extra_messages: int  # messages received more than once (a kill between send and record)
    problems: list[str]
    inbox_rows: int
    conversations: int
    most_extra: int = 0  # the most messages any one citizen received more than once

    def summary(self) -> str:
        return (
            f"{self.citizens} citizens: {self.filed} filed, {self.with_code} with their code,"
            f" {self.complete} complete transcripts, {self.extra_messages} extra messages,"
            f" {self.inbox_rows} inbox rows and {self.conversations} conversations left"
        )


@dataclass
class Citizens:
    platform: Platform
    count: int
    parallel: int = 40
    acknowledged: int = 0  # events acknowledged so far in `run`

    @property
    def events(self) -> int:
        """How many events `run` sends (redeliveries not counted)."""
        return self.count * len(complaint_steps(0))

    async def run(
        self, urls: Sequence[str], on_acknowledged: Callable[[int], None] | None = None
    ) -> None:
        """Every citizen files a complaint; each event is acknowledged before the next.
        `on_acknowledged(n)` is called (on this loop, before the citizen goes on) as the
        n-th event is acknowledged."""
        gate = asyncio.Semaphore(self.parallel)

        async def citizen(n: int) -> None:
            async with gate:
                for kind, value in complaint_steps(n):
                    await self.platform.send(urls, n, kind, value)
                    self.acknowledged += 1
                    if on_acknowledged is not None:
                        on_acknowledged(self.acknowledged)

        await asyncio.gather(*(citizen(n) for n in range(self.count)))

    def coded(self) -> int:
        return sum(1 for n in range(self.count) if _codes(self.platform.transcript(n)))

    async def wait_answered(self, timeout: float = 120) -> None:
        """Until every citizen has seen a code (or the time is up: the verdict says so)."""
        deadline = time.monotonic() + timeout
        while self.coded() < self.count and time.monotonic() < deadline:
            await asyncio.sleep(0.2)

    def verdict(self, db_url: str) -> Verdict:
        transcripts = [_normalised(self.platform.transcript(n), n) for n in range(self.count)]
        # What a citizen should receive: the most common transcript once repeats are left out.
        # (Not the most common transcript as it is: every citizen is in flight at once, so a
        # kill can repeat the same message to most of them, which must not become expected.)
        firsts = collections.Counter(tuple(_first_of_each(t)) for t in transcripts)
        reference = list(firsts.most_common(1)[0][0])
        problems: list[str] = []
        complete = extra = with_code = 0
        db = make_engine(db_url)
        try:
            with db.connect() as conn:
                rows = conn.execute(
                    sa.text("select code, chat_id, description from complaint")
                ).all()
                inbox_rows = conn.execute(sa.text("select count(*) from inbox_event")).scalar()
                conversations = conn.execute(sa.text("select count(*) from conversation")).scalar()
        finally:
            db.dispose()
        by_code = {code: (chat, text) for code, chat, text in rows}
        per_chat = collections.Counter(chat for _, chat, _ in rows)
        most_extra = 0
        for n, normalised in enumerate(transcripts):
            missing, surplus = _match(reference, normalised)
            extra += surplus
            most_extra = max(most_extra, surplus)
            if missing:
                problems.append(f"citizen {n}: {missing} expected message(s) missing")
                print(f"citizen {n} received, in order:", *_short(normalised), sep="\n  ")
                print("where every complete transcript is:", *_short(reference), sep="\n  ")
            else:
                complete += 1
            codes = set(_codes(self.platform.transcript(n)))
            chat = self.platform.chat(n)
            if len(codes) != 1:
                problems.append(f"citizen {n}: saw {len(codes)} different codes")
            elif by_code.get(next(iter(codes)).replace("-", "")) == (chat, description(n)):
                with_code += 1
            else:
                problems.append(f"citizen {n}: the code shown does not hold their complaint")
            if per_chat[chat] != 1:
                problems.append(f"citizen {n}: {per_chat[chat]} complaints stored")
        return Verdict(self.count, len(rows), with_code, complete, extra, problems,
                       inbox_rows or 0, conversations or 0, most_extra)  # fmt: skip


def kill_points(events: int, kills: int, *, margin: int) -> list[int]:
    """`kills` numbers of acknowledged events at which to kill, at random but spread over the
    run: one in each of `kills` equal stretches of the events, none in the first or last
    `margin` (so every kill has work in flight before it and after it)."""
    span = (events - 2 * margin) / kills
    assert span >= 1, "too few events for that many kills"
    return [margin + int(i * span + random.random() * span) for i in range(kills)]


@dataclass
class Chaos:
    """SIGKILLs a random server as the run reaches each of `at` acknowledged events, and
    starts it again at once. Pass it as `Citizens.run(…, on_acknowledged=chaos)`: a kill then
    happens inside the run, before the citizen whose event reached the count goes on, so the
    run cannot end before every kill has happened, and each kill is survived (the events
    after it are acknowledged, and answered, by the restarted server)."""

    servers: Sequence[ServeProcess]
    at: list[int]
    kills: int = 0

    def __call__(self, acknowledged: int) -> None:
        while self.kills < len(self.at) and acknowledged >= self.at[self.kills]:
            server = random.choice(list(self.servers))
            server.kill()
            server.start()
            self.kills += 1


@dataclass
class SelfKills:
    """A server that kills itself at named instants (`bot.crash_points`), started again at
    once after each death with the next plan: `plans[0]` is the first life's
    COMPLAINTBOT_CRASH_AT (start the server with `first_life(plans)` in its environment),
    `plans[1]` the second's, and so on; lives after the last plan run without one. Use as
    `async with SelfKills(server, plans):` around the run."""

    server: ServeProcess
    plans: list[str]
    deaths: int = 0
    _stopping: bool = False
    _task: asyncio.Task | None = None

    def plan(self) -> str:
        return self.plans[self.deaths] if self.deaths < len(self.plans) else ""

    @staticmethod
    def first_life(plans: list[str]) -> dict[str, str]:
        return {crash_points.ENV: plans[0] if plans else ""}

    async def __aenter__(self) -> SelfKills:
        self._task = asyncio.create_task(self._restart_after_deaths())
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._stopping = True
        assert self._task is not None
        if self._task.done():
            self._task.result()  # a start that failed says why
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def _restart_after_deaths(self) -> None:
        while not self._stopping:
            process = self.server.process
            assert process is not None
            await asyncio.to_thread(process.wait)  # the server's death: the event we wait for
            if self._stopping:
                return
            if self.server.process is not process:
                continue  # killed and started again from outside (a `Chaos`)
            self.deaths += 1
            self.server.env[crash_points.ENV] = self.plan()
            self.server.start()


async def wait_inbox_empty(db_url: str, timeout: float = 120) -> None:
    """Until every stored event is processed and its replies delivered (rows deleted)."""
    db = make_engine(db_url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with db.connect() as conn:
                if not conn.execute(sa.text("select count(*) from inbox_event")).scalar():
                    return
            await asyncio.sleep(0.2)
    finally:
        db.dispose()


def _codes(texts: list[str]) -> list[str]:
    return [m.group(0) for t in texts for m in CODE.finditer(t)]


def _normalised(texts: list[str], n: int) -> list[str]:
    """The messages with what differs between citizens (their code and words) blanked."""
    return [CODE.sub("<code>", t).replace(description(n), "<description>") for t in texts]


def _first_of_each(texts: list[str]) -> list[str]:
    """`texts` without the repeats of a message already received (a resent batch)."""
    return list(dict.fromkeys(texts))


def _short(texts: list[str]) -> list[str]:
    return [t.replace("\n", " ")[:70] for t in texts]


def _match(reference: list[str], got: list[str]) -> tuple[int, int]:
    """(expected messages missing, messages beyond the expected), matching in order."""
    i = 0
    surplus = 0
    for text in got:
        if i < len(reference) and text == reference[i]:
            i += 1
        else:
            surplus += 1
    return len(reference) - i, surplus


def log_holds_no_ids(log: str, platform: Platform, count: int) -> list[str]:
    """Chat ids or complaint text found in a server log (there should be none)."""
    found = []
    for n in range(count):
        if platform.chat(n) in log or description(n) in log:
            found.append(f"citizen {n}")
    return found


__all__ = ["Chaos", "Citizens", "LinePlatform", "Path", "TelegramPlatform", "Verdict",
           "kill_points", "line_platform", "log_holds_no_ids", "telegram_platform"]  # fmt: skip
