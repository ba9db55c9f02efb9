"""Tip notices leave in rounds: the integrity officer's phone can tell the round a tip (or an
informant's answer) came in, never the minute. The round job runs in `serve`'s scheduler,
with an injected clock; several tips of one round are one message, sorted by reference."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from bot.jobs.scheduler import Scheduler, default_jobs
from handlers.cases import tip_rounds
from messages import staff
from messages.citizen import followup
from storage import org_settings
from storage.staff.accounts import Role
from storage.staff.models import OutboxMessage, TipRoundNotice
from storage.timeutil import as_utc
from tests.staff_helpers import Clock, file_tip, invite_code, use_clock
from tests.transcript import Chat

BRIBE = "เจ้าหน้าที่กองช่างเรียกรับเงินห้าพันบาทเพื่อเร่งออกใบอนุญาตก่อสร้าง"
SPLIT = "มีการแบ่งซื้อแบ่งจ้างโครงการซ่อมถนนเพื่อเลี่ยงการประกวดราคา"
# 23:10:16 in Bangkok is 16:10:16 UTC; the hour's round leaves at midnight, 17:00 UTC.
LATE_EVENING = datetime(2026, 3, 2, 16, 10, 16, 660000, tzinfo=UTC)
MIDNIGHT = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)


def round_job(core, clock: Clock) -> Scheduler:
    job = default_jobs()[tip_rounds.JOB_NAME]
    return Scheduler(core.db, {job.name: job}, clock)


async def office(core) -> Chat:
    integrity = Chat(core, chat_id="integrity", user_id="integrity")
    await integrity.say(f"/staff {invite_code(core, Role.INTEGRITY, 'สมปอง')}")
    return integrity


def stored_times(core) -> list[datetime]:
    """Every time stored about waiting notices and queued messages."""
    with Session(core.db) as session:
        waiting = [as_utc(r.round_at) for r in session.exec(select(TipRoundNotice)).all()]
        queued = session.exec(select(OutboxMessage)).all()
        return waiting + [as_utc(t) for r in queued for t in (r.created_at, r.next_attempt_at)]


async def test_a_tip_notice_leaves_with_the_round_not_at_the_minute_of_the_tip(make_core):
    core = make_core()
    clock = Clock(LATE_EVENING)
    use_clock(core, clock)
    integrity = await office(core)
    scheduler = round_job(core, clock)
    scheduler.run_due()

    await file_tip(Chat(core, chat_id="informant", user_id="informant"), BRIBE)
    clock.advance(minutes=1)
    await file_tip(Chat(core, chat_id="another", user_id="another"), SPLIT)
    assert await integrity.inbox() == ""
    with Session(core.db) as session:
        assert session.exec(select(OutboxMessage)).all() == []  # nothing queued to send yet
    assert stored_times(core) == [MIDNIGHT, MIDNIGHT]  # the waiting rows know the round only

    clock.advance(minutes=30)  # 23:41: the job runs, the round has not come
    assert [name for name, _org, _period in scheduler.run_due()] == [tip_rounds.JOB_NAME]
    assert await integrity.inbox() == ""

    clock.now = MIDNIGHT.replace(second=20)  # the scheduler ticks a little after midnight
    scheduler.run_due()
    assert set(stored_times(core)) == {MIDNIGHT}  # the message is dated by the round
    notice = await integrity.inbox()
    references = [line.split()[1] for line in notice.splitlines() if line.startswith("• ")]
    assert notice.count("🔒") == 1 and len(references) == 2  # one message for the round
    assert references == sorted(references)
    assert BRIBE not in notice and SPLIT not in notice
    clock.advance(minutes=1)
    scheduler.run_due()
    assert await integrity.inbox() == ""  # sent once
    with Session(core.db) as session:
        assert session.exec(select(TipRoundNotice)).all() == []


async def test_the_round_is_an_organisation_setting_and_answers_wait_for_it(make_core):
    core = make_core()
    clock = Clock(LATE_EVENING)
    use_clock(core, clock)
    integrity = await office(core)
    with Session(core.db) as session, session.begin():
        org_settings.get(session, core.org_id).tip_round_minutes = 15
    scheduler = round_job(core, clock)
    informant = Chat(core, chat_id="informant", user_id="informant")
    code = await file_tip(informant, BRIBE)
    clock.now = datetime(2026, 3, 2, 16, 15, 5, tzinfo=UTC)  # 23:15:05, the quarter's round
    scheduler.run_due()
    notice = await integrity.inbox()
    assert staff.new_tip("", "")[:20] in notice  # one tip: the usual notice with its buttons
    reference = next(w for w in notice.split() if w.startswith("ทจ-"))

    await integrity.say(f"/ask {reference}")
    await integrity.say("เหตุเกิดวันไหน")
    clock.advance(minutes=3)
    await informant.say(f"{followup.BUTTON_REPLY} {code}")
    assert followup.REPLY_SENT in await informant.say("วันที่ 3 ตอนบ่าย")
    scheduler.run_due()
    assert await integrity.inbox() == ""  # 23:18: the answer waits for 23:30
    with Session(core.db) as session:
        waiting = session.exec(select(TipRoundNotice)).one()
        assert as_utc(waiting.round_at) == datetime(2026, 3, 2, 16, 30, tzinfo=UTC)
    clock.now = datetime(2026, 3, 2, 16, 30, 1, tzinfo=UTC)
    scheduler.run_due()
    heard = await integrity.inbox()
    assert reference in heard and "ตอนบ่าย" not in heard


async def test_a_round_reads_only_the_notices_due(make_core):
    """What a tick of the round job costs when nothing is due: one indexed range."""
    core = make_core()
    clock = Clock(LATE_EVENING)
    use_clock(core, clock)
    await office(core)
    await file_tip(Chat(core, chat_id="informant", user_id="informant"), BRIBE)
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    sa.event.listen(core.db, "before_cursor_execute", seen)
    try:
        with Session(core.db) as session, session.begin():
            assert tip_rounds.send_due(session, LATE_EVENING) == 0  # a minute with nothing due
    finally:
        sa.event.remove(core.db, "before_cursor_execute", seen)
    beside = ("BEGIN", "VACUUM")  # the scrub after the tip may still run on its own thread
    queries = [s for s in statements if not s.startswith(beside)]
    assert len(queries) == 1, queries  # nothing else is read, whatever the organisations
    [query] = queries
    assert "FROM tip_round_notice" in query and "round_at <=" in query
