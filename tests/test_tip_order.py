"""Nothing stored, logged or measured about a tip dates or orders it finer than its day (and
its round): rows beside complaints take random ids, a tip's messages are dated by the day,
tip turns leave no step or timing in the logs, the tip gauges move with the rounds."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from itertools import pairwise

from sqlmodel import Session, select

from bot.ops.metrics import CaseGauges
from handlers.cases.codes import pretty
from handlers.cases.lifecycle import Stream
from handlers.cases.records import add_case
from messages.citizen import followup
from storage.models import TipFile, TipStatusChange
from storage.protect.tip_privacy import received_day
from storage.staff.accounts import Role
from storage.staff.models import CaseHandling, CaseMessage
from storage.stats.models import StatsCase, StatsStatus
from storage.timeutil import as_utc
from tests.staff_helpers import (
    Clock,
    file_complaint,
    invite_code,
    reference_in,
    tip_round,
    use_clock,
)
from tests.test_tip_flow import file_tip
from tests.transcript import Chat

POTHOLE = "ถนนหน้าวัดเป็นหลุมลึก รถจักรยานยนต์ล้มบ่อย ขอให้ซ่อมด่วน"
EVENING = datetime(2026, 3, 2, 16, 10, 16, tzinfo=UTC)  # 23:10:16 in Bangkok


def by_phone(core, stream: Stream, category: str, text: str, at: datetime) -> None:
    with Session(core.db) as session, session.begin():
        add_case(session, org_id=core.org_id, stream=stream, channel="phone",
                 category=category, text=text, received_at=at)  # fmt: skip


def consecutive(ids: list[int]) -> bool:
    ordered = sorted(ids)
    return all(b - a == 1 for a, b in pairwise(ordered))


async def test_rows_beside_complaints_do_not_tell_when_a_tip_came(make_core, tmp_path):
    core = make_core()
    clock = Clock(EVENING)
    use_clock(core, clock)
    # Console filings are trials and leave no statistics: the cases beside the tips are
    # recorded as `case add` records what came by phone.
    for _ in range(2):
        by_phone(core, Stream.COMPLAINT, "road", POTHOLE, clock.now)
        clock.advance(minutes=1)
    await file_tip(Chat(core, chat_id="informant", user_id="informant"), tmp_path)
    by_phone(core, Stream.TIP, "bribe", "เรียกรับเงินเพื่อเร่งออกใบอนุญาต", clock.now)
    for _ in range(2):
        clock.advance(minutes=1)
        by_phone(core, Stream.COMPLAINT, "road", POTHOLE, clock.now)

    with Session(core.db) as session:
        for model in (StatsCase, StatsStatus, CaseHandling):
            ids = [row.id for row in session.exec(select(model)).all()]
            assert len(ids) >= 5 and not consecutive(ids), model.__tablename__
        for model in (TipFile, TipStatusChange):
            rows = session.exec(select(model)).all()
            assert rows and all(row.id > 10_000 for row in rows)  # random, not the first
        tip_case = session.exec(select(StatsCase).where(StatsCase.stream == "tip")).one()
        assert as_utc(tip_case.received_at) == received_day(EVENING)


async def test_a_tips_messages_are_dated_by_the_day(make_core, tmp_path):
    core = make_core()
    clock = Clock(EVENING)
    use_clock(core, clock)
    integrity = Chat(core, chat_id="integrity", user_id="integrity")
    await integrity.say(f"/staff {invite_code(core, Role.INTEGRITY, 'สมปอง')}")
    informant = Chat(core, chat_id="informant", user_id="informant")
    code = await file_tip(informant, tmp_path)
    tip_round(core)
    reference = reference_in(await integrity.inbox())
    await integrity.say(f"/ask {reference}")
    await integrity.say("เหตุเกิดวันไหน")
    await informant.say(f"{followup.BUTTON_REPLY} {pretty(code)}")
    await informant.say("วันที่ 3 ตอนบ่าย")
    await integrity.say(f"/ask {reference}")
    await integrity.say("มีพยานไหม")
    with Session(core.db) as session:
        rows = session.exec(select(CaseMessage).order_by(CaseMessage.seq)).all()
        assert [r.body for r in rows] == ["เหตุเกิดวันไหน", "วันที่ 3 ตอนบ่าย", "มีพยานไหม"]
        day = received_day(clock.now)
        assert {as_utc(r.at) for r in rows} == {day}  # no time of day, either way
        assert not consecutive([r.id for r in rows])
    content = await integrity.say(f"/content {reference}")
    assert content.index("เหตุเกิดวันไหน") < content.index("ตอนบ่าย") < content.index("พยานไหม")


async def test_tip_turns_leave_no_step_or_timing_in_the_logs(make_core, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    core = make_core()
    citizen = Chat(core, chat_id="citizen", user_id="citizen")
    await file_complaint(citizen, notify=False, description=POTHOLE)
    assert any("step=complaint." in r.getMessage() for r in caplog.records)  # others are
    caplog.clear()
    await file_tip(Chat(core, chat_id="informant", user_id="informant"), tmp_path)
    turns = [r.getMessage() for r in caplog.records if r.name == "complaintbot.turns"]
    assert len(turns) == 1 and "kind=follow step=menu" in turns[0]  # opening the chat only
    for record in caplog.records:
        assert "tip." not in record.getMessage()


def tip_gauge(core) -> float:
    for family in CaseGauges(core.db).collect():
        if family.name == "complaintbot_open_cases":
            return next(s.value for s in family.samples if s.labels["stream"] == "tip")
    raise AssertionError("no open-cases gauge")


async def test_the_tip_gauge_moves_with_the_round(make_core, tmp_path):
    core = make_core()
    clock = Clock(EVENING)
    use_clock(core, clock)
    await file_tip(Chat(core, chat_id="informant", user_id="informant"), tmp_path)
    assert tip_gauge(core) == 0  # a scrape between the tip and its round shows nothing
    tip_round(core)
    assert tip_gauge(core) == 1
