"""The inbox: an event stored is answered exactly once, whatever happens after the store.

A recording channel stands in for the platform (what it "sends" is kept in a list); the
engine, the database and the inbox are real, on SQLite and PostgreSQL. A crash is a
`BaseException` thrown out of delivery: it stops the inbox mid-way, as SIGKILL would, with
the turn committed and its replies waiting in the row. A restart is a new `Inbox`.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy
from sqlmodel import Session, func, select

from bot.channels.inbox import Inbox, Incoming, Prepared
from bot.send_progress import Progress
from handlers import menu
from handlers.citizen import complaint as complaint_flow
from handlers.types import Channel, Event, Reply
from messages import common
from storage.conversations import event_key
from storage.models import Complaint
from storage.queues import inbox
from storage.queues.inbox_models import DONE, InboxEvent
from tests.waiting import eventually

CHAT = "chat-0812345678"
SECRET_WORDS = "ถนนหน้าบ้านผู้ใหญ่บ้านเป็นหลุมลึกมาก รถล้มทุกวัน"


class Crash(BaseException):
    """Thrown out of delivery like a SIGKILL: nothing after it runs."""


@dataclass
class RecordingChannel:
    """Sends each reply as one unit, recording its progress as the real channels do.
    `crash_on_deliver`: crash before sending anything; `crash_after_units`: crash once that
    many units were accepted by the "platform", before the next is recorded as sent."""

    name: str = "console"
    sent: list[str] = field(default_factory=list)
    crash_on_deliver: bool = False
    crash_after_units: int | None = None

    async def prepare(self, payload: dict) -> Prepared:
        fields = {k: v for k, v in payload.items() if k in ("text", "choice")}
        return Prepared(Event(Channel.CONSOLE, payload["chat"], payload["chat"],
                              payload["id"], **fields))  # fmt: skip

    async def deliver_replies(
        self, payload: dict, replies: list[Reply], *, retry: bool, progress: Progress
    ) -> None:
        if self.crash_on_deliver:
            raise Crash
        for unit, reply in enumerate(replies):
            if unit < progress.sent:
                continue
            await progress.attempt(unit)
            self.sent.append(reply.text)
            if self.crash_after_units is not None and len(self.sent) >= self.crash_after_units:
                self.crash_after_units = None
                raise Crash  # the platform took it; the process died before recording it
            await progress.accepted(unit)

    def discard(self, prepared: Prepared) -> None:
        pass

    def apology(self) -> list[Reply]:
        return [Reply(common.INTERNAL_ERROR)]


def item(n: int, chat: str = CHAT, **fields: str) -> Incoming:
    event_id = f"evt-{chat}-{n}"
    payload = {"chat": chat, "id": event_id, **fields}
    return Incoming(chat, event_key(Channel.CONSOLE.value, event_id), payload)


COMPLAINT = [
    {"choice": menu.COMPLAINT},
    {"choice": complaint_flow.CAT + "road"},
    {"text": SECRET_WORDS},
    {"choice": complaint_flow.EV_SKIP},
    {"choice": complaint_flow.CONTACT_NO},
    {"choice": complaint_flow.CONFIRM},
]


def new_inbox(core, channel: RecordingChannel) -> Inbox:
    return Inbox(core.db, core.org_id, channel, core.engine, sweep_seconds=0.05)


def rows(core) -> list[InboxEvent]:
    with Session(core.db) as session:
        return list(session.exec(select(InboxEvent).order_by(InboxEvent.id)).all())


def complaints(core) -> int:
    with Session(core.db) as session:
        return session.exec(select(func.count()).select_from(Complaint)).one()


async def test_a_filed_complaint_is_answered_in_order_and_leaves_no_rows(make_core):
    core = make_core()
    channel = RecordingChannel()
    box = new_inbox(core, channel)
    await box.start()
    for n, fields in enumerate(COMPLAINT):
        await box.store([item(n, **fields)])
    await box.join()
    await box.stop()

    assert re.search(r"\d{4}-\d{4}-\d{4}-\d{4}", channel.sent[-1] + "".join(channel.sent))
    assert complaints(core) == 1
    assert rows(core) == []


async def test_a_crash_between_commit_and_send_still_delivers_the_code_once(make_core):
    core = make_core()
    channel = RecordingChannel()
    box = new_inbox(core, channel)
    await box.start()
    await box.store([item(n, **fields) for n, fields in enumerate(COMPLAINT[:-1])])
    await box.join()
    await box.stop()

    channel.crash_on_deliver = True  # the confirming turn commits, then the process dies
    dying = new_inbox(core, channel)
    await dying.store([item(5, **COMPLAINT[5])])
    await dying.join()  # its task died of the crash
    dying.locks.close()  # and its hold on the chat locks with it
    [left] = rows(core)
    assert left.state == DONE  # the complaint and its answer are committed together
    assert complaints(core) == 1
    before = len(channel.sent)

    channel.crash_on_deliver = False
    restarted = new_inbox(core, channel)
    await restarted.start()
    await eventually(lambda: not rows(core))
    await restarted.stop()

    codes = re.findall(r"\d{4}-\d{4}-\d{4}-\d{4}", "\n".join(channel.sent[before:]))
    assert len(codes) == 1
    assert complaints(core) == 1


async def test_after_a_crash_mid_delivery_only_the_unconfirmed_reply_is_sent_again(make_core):
    core = make_core()
    channel = RecordingChannel()
    box = new_inbox(core, channel)
    await box.start()
    await box.store([item(n, **fields) for n, fields in enumerate(COMPLAINT[:-1])])
    await box.join()
    await box.stop()
    before = len(channel.sent)

    # The confirming turn answers with the code and the main menu: the platform takes the
    # code, and the process dies before recording that it did.
    channel.crash_after_units = before + 1
    dying = new_inbox(core, channel)
    await dying.store([item(5, **COMPLAINT[5])])
    await dying.join()
    dying.locks.close()  # the process is gone, and its hold on the chat locks
    [left] = rows(core)
    assert (left.attempted, left.sent) == (1, 0)  # the code was on its way, not confirmed

    restarted = new_inbox(core, channel)
    await restarted.start()
    await eventually(lambda: not rows(core))
    await restarted.stop()

    code, *rest = channel.sent[before:]
    assert re.search(r"\d{4}-\d{4}-\d{4}-\d{4}", code)
    assert rest == [code, menu.main_menu().text]  # the uncertain one again, then the rest


async def test_after_a_crash_replies_the_platform_confirmed_are_not_sent_again(make_core):
    core = make_core()
    channel = RecordingChannel()
    box = new_inbox(core, channel)
    await box.start()
    await box.store([item(n, **fields) for n, fields in enumerate(COMPLAINT[:-1])])
    await box.join()
    await box.stop()
    before = len(channel.sent)

    dying = new_inbox(core, channel)
    original = channel.deliver_replies

    async def accepted_then_killed(payload, replies, *, retry, progress):
        await original(payload, replies[:1], retry=retry, progress=progress)
        raise Crash  # the code was sent and recorded; the process dies before the menu

    channel.deliver_replies = accepted_then_killed  # type: ignore[method-assign]
    await dying.store([item(5, **COMPLAINT[5])])
    await dying.join()
    dying.locks.close()  # the process is gone, and its hold on the chat locks
    channel.deliver_replies = original  # type: ignore[method-assign]
    [left] = rows(core)
    assert (left.attempted, left.sent) == (1, 1)

    restarted = new_inbox(core, channel)
    await restarted.start()
    await eventually(lambda: not rows(core))
    await restarted.stop()

    code, menu_text = channel.sent[before:]
    assert re.search(r"\d{4}-\d{4}-\d{4}-\d{4}", code)
    assert menu_text == menu.main_menu().text


class BreakingHook:
    """The inbox's hook, with the turn's last statement failing as a database can for a
    moment (a lock not granted in time, a connection cut by a restarting server)."""

    def __init__(self, hook) -> None:
        self.hook = hook

    def begin(self, session) -> None:
        self.hook.begin(session)

    def finish(self, session, replies) -> None:
        raise sqlalchemy.exc.OperationalError("UPDATE inbox_event", {}, Exception("locked"))


@dataclass
class FailsOnceAtConfirm:
    """The real engine, whose confirming turn fails (and is rolled back) the first time."""

    engine: object
    failed: bool = False

    async def handle(self, event: Event, hook=None) -> list[Reply]:
        if not self.failed and event.choice == complaint_flow.CONFIRM:
            self.failed = True
            hook = BreakingHook(hook)
        return await self.engine.handle(event, hook)  # type: ignore[attr-defined]


async def test_a_turn_that_fails_for_a_moment_is_run_again_not_answered_with_an_apology(
    make_core,
):
    core = make_core()
    channel = RecordingChannel()
    turns = FailsOnceAtConfirm(core.engine)
    box = Inbox(core.db, core.org_id, channel, turns, sweep_seconds=0.05)
    await box.start()
    for n, fields in enumerate(COMPLAINT):
        await box.store([item(n, **fields)])
    await eventually(lambda: not rows(core))
    await box.stop()

    assert turns.failed
    assert common.INTERNAL_ERROR not in channel.sent
    assert re.search(r"\d{4}-\d{4}-\d{4}-\d{4}", channel.sent[-2])
    assert complaints(core) == 1


async def test_a_turn_that_always_fails_is_answered_with_an_apology_after_the_retries(
    make_core,
):
    core = make_core()
    channel = RecordingChannel()

    class AlwaysFails:
        calls = 0

        async def handle(self, event: Event, hook=None) -> list[Reply]:
            AlwaysFails.calls += 1
            return await core.engine.handle(event, BreakingHook(hook))

    box = Inbox(core.db, core.org_id, channel, AlwaysFails(), turn_pauses=(0.0, 0.0))
    await box.store([item(0, choice=menu.COMPLAINT)])
    await eventually(lambda: not rows(core))
    await box.stop()

    assert AlwaysFails.calls == 3
    assert channel.sent == [common.INTERNAL_ERROR]


async def test_a_redelivered_event_runs_once_whether_or_not_it_was_answered(make_core):
    core = make_core()
    channel = RecordingChannel()
    box = new_inbox(core, channel)
    await box.start()
    first = await box.store([item(0, choice=menu.COMPLAINT)])
    await box.join()
    answered = list(channel.sent)
    again = await box.store([item(0, choice=menu.COMPLAINT)])  # LINE redelivers
    await box.join()
    await box.stop()

    assert len(first) == 1 and again == []
    assert channel.sent == answered


async def test_events_of_one_chat_wait_for_the_earlier_ones_while_other_chats_go_on(make_core):
    core = make_core()
    channel = RecordingChannel()
    first, second = new_inbox(core, channel), new_inbox(core, channel)  # two workers
    batch = [item(n, **fields) for n, fields in enumerate(COMPLAINT)]
    other = [item(n, "chat-other", **fields) for n, fields in enumerate(COMPLAINT)]
    # Events alternate between the workers, as a round-robin balancer would send them.
    for n in range(len(COMPLAINT)):
        await (first if n % 2 else second).store([batch[n], other[n]])
    await asyncio.gather(first.join(), second.join())
    await first.stop()
    await second.stop()

    assert complaints(core) == 2
    assert rows(core) == []


async def test_the_inbox_keeps_no_chat_id_or_words_in_plain_bytes(make_core, tmp_path: Path):
    core = make_core({"COMPLAINTBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'plain.db'}"})
    box = new_inbox(core, RecordingChannel())
    await box.store([item(0, text=SECRET_WORDS)])  # stored, not yet worked
    with Session(core.db) as session:
        [row] = session.exec(select(InboxEvent)).all()
        assert (
            inbox.unseal(row.payload, inbox.bind("payload", row.org_id, row.event_key))["text"]
            == SECRET_WORDS
        )
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("plain.db*"))
    assert CHAT.encode() not in raw
    assert SECRET_WORDS.encode() not in raw
    box.locks.close()


@dataclass
class PromptChannel(RecordingChannel):
    """A channel that can turn most events into core events at once, as LINE does for a text
    or a button (`prepare_now`); an event marked `download` waits for `downloaded` first."""

    downloaded: asyncio.Event = field(default_factory=asyncio.Event)

    def prepare_now(self, stored: Incoming) -> Prepared | None:
        if stored.payload.get("download"):
            return None
        fields = {k: v for k, v in stored.payload.items() if k in ("text", "choice")}
        return Prepared(Event(Channel.CONSOLE, stored.chat, stored.chat,
                              stored.payload["id"], **fields))  # fmt: skip

    async def prepare(self, payload: dict) -> Prepared:
        if payload.get("download"):
            await self.downloaded.wait()
        return await super().prepare(payload)


async def test_a_quiet_chats_event_is_answered_by_its_webhook_turn_before_it_returns(make_core):
    core = make_core()
    channel = PromptChannel()
    box = new_inbox(core, channel)
    await box.start()
    for n, fields in enumerate(COMPLAINT):
        stored = await box.store([item(n, **fields)])
        # Stored, run and answered in one commit before the platform is told: the row is
        # already processed, with its replies, when the webhook would answer 200.
        assert stored and [row.state for row in rows(core)] == [DONE]
        await box.join()
    again = await box.store([item(5, **COMPLAINT[5])])  # a redelivery of the last one
    await box.join()
    await box.stop()

    assert again == []
    assert complaints(core) == 1
    assert len(re.findall(r"\d{4}-\d{4}-\d{4}-\d{4}", "\n".join(channel.sent))) == 1
    assert rows(core) == []


async def test_an_event_behind_a_waiting_one_is_queued_and_answered_after_it(make_core):
    core = make_core()
    channel = PromptChannel()
    box = new_inbox(core, channel)
    await box.start()
    await box.store([item(0, choice=menu.COMPLAINT, download="yes")])
    await eventually(lambda: [row.state for row in rows(core)] == ["pending"])
    # The chat has an event waiting (its download under way): the next ones are only
    # stored, and their turns run after the first one's.
    assert await box.store([item(1, choice=complaint_flow.CAT + "road")])
    assert await box.store([item(2, text=SECRET_WORDS)])
    assert [row.state for row in rows(core)] == ["pending"] * 3
    channel.downloaded.set()
    await box.join()
    await box.stop()
    assert rows(core) == []

    # The same three events of another chat, one at a time, get the same answers in order.
    reference = PromptChannel()
    one_by_one = new_inbox(core, reference)
    for n, fields in enumerate([COMPLAINT[0], COMPLAINT[1], COMPLAINT[2]]):
        await one_by_one.store([item(n, "chat-reference", **fields)])
        await one_by_one.join()
    await one_by_one.stop()
    assert channel.sent == reference.sent
