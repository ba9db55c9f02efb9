"""A notice in parts, killed between Telegram taking a part and our recording it, is not sent
again in full after the restart: only the part that was on its way may repeat.

The real Telegram channel (python-telegram-bot over HTTP) sends to the fake Bot API; the
outbox and its sender are real, on SQLite and PostgreSQL. The kill is the crash point
`sent` (`bot.crash_points`), turned here into an exception that, like SIGKILL, stops the
sender before anything after it runs.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from bot import crash_points
from bot.channels.telegram.channel import make_channel
from bot.jobs.outbox_sender import OutboxSender
from handlers import outbound
from handlers.types import Location, Reply
from storage.models import Organisation
from storage.staff.models import OutboxMessage
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.staff_helpers import Clock

OFFICER = 424_242
NOTICE = "มีเรื่องร้องเรียนใหม่ ถนนชำรุด หมู่ 3"


class Killed(BaseException):
    """Stops the sender where SIGKILL would: nothing after it runs."""


@pytest.fixture
def fake():
    server = FakeTelegram().start()
    yield server
    server.stop()


def queue_notice_with_a_pin(engine, clock: Clock) -> None:
    with Session(engine) as session, session.begin():
        org = session.exec(select(Organisation)).first()
        assert org is not None
        outbound.send(session, org_id=org.id, channel="telegram", chat_id=str(OFFICER),
                      replies=[Reply(NOTICE)], now=clock(),
                      location=Location(8.1, 98.9, "หมู่ 3"))  # fmt: skip


def kill_at_the_nth_accepted_part(monkeypatch, n: int) -> None:
    seen = {crash_points.SENT: 0}
    reached = crash_points.reached

    def maybe_kill(name: str) -> None:
        if name == crash_points.SENT:
            seen[name] += 1
            if seen[name] == n:
                raise Killed
        reached(name)

    monkeypatch.setattr(crash_points, "reached", maybe_kill)


@pytest.mark.parametrize("killed_after", [1, 2])
async def test_a_notice_killed_mid_send_repeats_at_most_the_part_on_its_way(
    fake, make_core, monkeypatch, killed_after
):
    core = make_core({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": fake.base_url})
    channel = make_channel(core.settings, core)
    assert channel is not None
    await channel.app.initialize()
    clock = Clock()
    queue_notice_with_a_pin(core.db, clock)
    kill_at_the_nth_accepted_part(monkeypatch, killed_after)
    try:
        with pytest.raises(Killed):
            await OutboxSender(core.db, {"telegram": channel}, clock).run_once()
        monkeypatch.undo()
        with Session(core.db) as session:
            [row] = session.exec(select(OutboxMessage)).all()
            assert (row.attempted_parts, row.sent_parts) == (killed_after, killed_after - 1)
            assert row.sent_at is None

        clock.advance(minutes=3)  # the dead sender's lease runs out; a new process sends
        assert await OutboxSender(core.db, {"telegram": channel}, clock).run_once() == 1
    finally:
        await channel.app.shutdown()

    texts = fake.sent_texts(OFFICER)
    pins = fake.calls_to("sendLocation")
    # The part that was on its way when the sender died is sent again; nothing before it.
    assert texts == [NOTICE] * (2 if killed_after == 1 else 1)
    assert len(pins) == (2 if killed_after == 2 else 1)
