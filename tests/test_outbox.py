"""The outbox: written with the change that caused it, delivered after commit, retried with
backoff, never lost by a crash and never logged."""

from __future__ import annotations

import logging

from sqlmodel import Session, select

from bot.jobs.outbox_sender import OutboxSender, Unreachable
from handlers import outbound
from handlers.outbound import Delivery
from handlers.types import Choice, Location, Reply
from storage.models import Organisation
from storage.queues import outbox
from storage.staff.models import OutboxMessage
from tests.staff_helpers import Clock

SECRET_TEXT = "ข้อความที่ห้ามปรากฏใน log"


class Recorder:
    def __init__(self, failures: list[Exception] | None = None) -> None:
        self.sent: list[tuple[str, Delivery, str]] = []
        self.failures = list(failures or [])

    async def send_out(
        self, chat_id: str, delivery: Delivery, key: str, *, progress: object = None
    ) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((chat_id, delivery, key))


def queue(engine, clock: Clock, *, commit: bool = True) -> None:
    with Session(engine) as session:
        session.begin()
        org = session.exec(select(Organisation)).first()
        if org is None:
            org = Organisation(slug="o", name="O")
            session.add(org)
            session.flush()
        reply = Reply(SECRET_TEXT, (Choice("รับเรื่องนี้", "/take 1"),))
        outbound.send(session, org_id=org.id, channel="telegram", chat_id="42", replies=[reply],
                      now=clock(), location=Location(8.1, 98.9, "วัด"))  # fmt: skip
        if commit:
            session.commit()
        else:
            session.rollback()


async def test_a_rolled_back_change_sends_nothing_and_a_committed_one_survives_a_restart(engine):
    clock = Clock()
    queue(engine, clock, commit=False)
    queue(engine, clock)
    # The process "crashed" after commit: a new sender finds the message and sends it once.
    recorder = Recorder()
    sender = OutboxSender(engine, {"telegram": recorder}, clock)
    assert await sender.run_once() == 1
    assert await OutboxSender(engine, {"telegram": recorder}, clock).run_once() == 0
    [(chat, delivery, key)] = recorder.sent
    assert chat == "42" and delivery.replies[0].text == SECRET_TEXT
    assert delivery.replies[0].choices == (Choice("รับเรื่องนี้", "/take 1"),)
    assert delivery.location == Location(8.1, 98.9, "วัด")
    assert key.startswith("outbox-")


async def test_failures_back_off_and_retry_and_nothing_is_logged_but_the_kind(engine, caplog):
    caplog.set_level(logging.DEBUG)
    clock = Clock()
    queue(engine, clock)
    recorder = Recorder([ConnectionError(SECRET_TEXT), TimeoutError()])
    sender = OutboxSender(engine, {"telegram": recorder}, clock)
    assert await sender.run_once() == 0
    assert await sender.run_once() == 0  # backing off: not due yet
    clock.advance(seconds=31)
    assert await sender.run_once() == 0  # second failure, waits a minute now
    clock.advance(seconds=61)
    assert await sender.run_once() == 1
    assert len({key for _c, _d, key in recorder.sent}) == 1
    for record in caplog.records:
        assert SECRET_TEXT not in record.getMessage() and "42" not in record.getMessage()


async def test_an_unreachable_chat_is_given_up_and_a_dead_sender_s_lease_expires(engine):
    clock = Clock()
    queue(engine, clock)
    assert (
        await OutboxSender(engine, {"telegram": Recorder([Unreachable()])}, clock).run_once() == 0
    )
    with Session(engine) as session:
        assert session.exec(select(OutboxMessage)).one().gave_up_at is not None

    queue(engine, clock)
    with Session(engine) as session, session.begin():  # a sender claims it, then dies
        [claimed] = outbox.claim(session, clock())
    recorder = Recorder()
    sender = OutboxSender(engine, {"telegram": recorder}, clock)
    assert await sender.run_once() == 0
    clock.advance(minutes=3)
    assert await sender.run_once() == 1
    assert recorder.sent[0][2] == f"outbox-{claimed.id}"  # the same key: LINE drops a repeat


async def test_serve_wires_the_sender_to_every_channel_that_delivers_and_to_each_turn(make_core):
    from bot.jobs.background import background_runners
    from bot.jobs.scheduler import Scheduler

    core = make_core()
    channel = Recorder()
    channel.outbox_channel = "telegram"
    sender, scheduler = background_runners(core, [channel, object()])
    assert isinstance(sender, OutboxSender) and isinstance(scheduler, Scheduler)
    assert sender.deliverers == {"telegram": channel}
    assert core.engine.after_commit == sender.wake
    assert "deadline-reminders" in scheduler.jobs


async def test_delivered_messages_are_pruned_after_a_week_by_the_scheduler(engine):
    from bot.jobs.scheduler import Scheduler

    clock = Clock()
    queue(engine, clock)
    queue(engine, clock)
    await OutboxSender(engine, {"telegram": Recorder([Unreachable()])}, clock).run_once()
    clock.advance(days=8)
    queue(engine, clock)  # still waiting: never pruned
    ran = Scheduler(engine, clock=clock).run_due()
    assert "outbox-prune" in {name for name, _org, _period in ran}
    with Session(engine) as session:
        assert len(session.exec(select(OutboxMessage)).all()) == 1


async def test_two_senders_at_once_deliver_each_message_exactly_once(engine):
    import asyncio

    clock = Clock()
    for _ in range(20):
        queue(engine, clock)
    recorder = Recorder()
    senders = [OutboxSender(engine, {"telegram": recorder}, clock, batch=3) for _ in range(2)]
    counts = await asyncio.gather(*(s.run_once() for s in senders))
    assert sum(counts) == 20
    assert len({key for _c, _d, key in recorder.sent}) == 20
