"""Retention runs inside `complaintbot serve`: drafts go after a day, closed tips' content
after the retention period, each job once per period whatever the number of runs."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from bot.jobs.background import retention_jobs
from bot.jobs.scheduler import Scheduler
from handlers.cases.lifecycle import Status, change_status
from messages import common
from messages.citizen import tip
from storage.models import Conversation, Tip
from storage.timeutil import utcnow
from tests.staff_helpers import file_tip
from tests.transcript import Chat

CONDUCT = "เจ้าหน้าที่กองคลังขอเงินใต้โต๊ะก่อนเบิกจ่ายค่าจ้างเหมา"


def _conversations(core) -> list[Conversation]:
    with Session(core.db) as session:
        return list(session.exec(select(Conversation)))


async def test_a_tip_draft_left_for_a_day_is_deleted_by_the_hourly_job(make_core):
    core = make_core()
    informant = Chat(core, chat_id="informant", user_id="informant")
    await informant.open()
    await informant.press(common.MENU_TIP)
    await informant.press(tip.BUTTON_UNDERSTOOD)
    await informant.press(tip.CATEGORY_LABELS["bribe"])
    await informant.say(CONDUCT)
    assert len(_conversations(core)) == 1, "a draft half-way"

    clock = [utcnow()]
    scheduler = Scheduler(core.db, retention_jobs(core), clock=lambda: clock[0])
    assert "draft-expiry" in {name for name, _org, _p in scheduler.run_due()}
    assert len(_conversations(core)) == 1, "a fresh draft stays"
    clock[0] += timedelta(hours=25)
    assert "draft-expiry" in {name for name, _org, _p in scheduler.run_due()}
    assert _conversations(core) == []
    assert scheduler.run_due() == [], "each job runs once per period"


async def test_a_closed_tips_content_is_deleted_after_the_retention_period(make_core):
    core = make_core({"COMPLAINTBOT_TIP_RETENTION_DAYS": "30"})
    code = await file_tip(Chat(core, chat_id="informant", user_id="informant"), CONDUCT)
    with Session(core.db) as session, session.begin():
        change_status(session, org_id=core.org_id, code=code.replace("-", ""),
                      status=Status.CLOSED, actor="staff", now=utcnow())  # fmt: skip

    clock = [utcnow() + timedelta(days=29)]
    scheduler = Scheduler(core.db, retention_jobs(core), clock=lambda: clock[0])
    scheduler.run_due()
    with Session(core.db) as session:
        assert session.exec(select(Tip)).one().conduct == CONDUCT, "kept within the period"
    clock[0] += timedelta(days=2)
    assert "tip-retention" in {name for name, _org, _p in scheduler.run_due()}
    with Session(core.db) as session:
        purged = session.exec(select(Tip)).one()
        assert purged.conduct == "" and purged.status == Status.CLOSED
