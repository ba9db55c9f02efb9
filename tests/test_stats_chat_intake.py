"""What citizens file in the chat is counted the moment it is filed, under its channel; what
is filed from `complaintbot chat` (the console) is a trial and never counted."""

from __future__ import annotations

from sqlmodel import Session

from handlers import menu
from handlers.cases.lifecycle import RESOLUTION_DAYS, Status, change_status
from handlers.citizen import tip as tip_flow
from messages.format import BANGKOK
from messages.stats import labels as stats_msg
from storage.stats import figures as stats
from storage.stats.periods import month_of
from storage.timeutil import utcnow
from tests.line_harness import running_line_bot, tracking_code
from tests.ops_harness import file_complaint as file_complaint_on_line
from tests.test_complaint_flow import file_complaint
from tests.test_tip_flow import file_tip
from tests.transcript import Chat


def this_months_figures(core) -> stats.Figures:
    this_month = month_of(utcnow().astimezone(BANGKOK).date())
    with Session(core.db) as session:
        return stats.figures(session, org_id=core.org_id, period=this_month,
                             deadline_days=RESOLUTION_DAYS)  # fmt: skip


async def test_a_complaint_and_a_tip_filed_on_line_are_counted(db_url, tmp_path):
    async with running_line_bot(db_url, tmp_path) as bot:
        code = await file_complaint_on_line(bot.user(), "ถนนหน้าวัดเป็นหลุมลึก รถล้มบ่อย")
        informant = bot.user()
        await informant.press(menu.TIP)
        await informant.press(tip_flow.UNDERSTOOD)
        await informant.press(tip_flow.CAT + "bribe")
        await informant.say("เจ้าหน้าที่เรียกรับเงินเพื่อเร่งออกใบอนุญาตก่อสร้าง")
        await informant.press(tip_flow.SKIP)
        await informant.press(tip_flow.SKIP)
        await informant.press(tip_flow.EV_SKIP)
        await informant.press(tip_flow.ANONYMOUS)
        tracking_code(await informant.press(tip_flow.CONFIRM))
        with Session(bot.core.db) as session, session.begin():
            change_status(session, org_id=bot.core.org_id, code=code.replace("-", ""),
                          status=Status.IN_PROGRESS, actor="staff", now=utcnow())  # fmt: skip

        complaints, tips = (figures := this_months_figures(bot.core)).complaints, figures.tips
    assert complaints.received == 1 and complaints.by_channel["line"] == 1
    assert complaints.by_category["road"] == 1
    assert complaints.answered_within_deadline == 1
    assert tips.received == 1 and tips.by_category["bribe"] == 1
    assert tips.by_channel["line"] == 1  # the kind of channel only, never the chat
    assert tips.open_at_end == 1 and tips.status_at_end["received"] == 1


async def test_cases_filed_from_the_console_are_trials_and_never_counted(make_core, tmp_path):
    core = make_core()
    code = await file_complaint(Chat(core, chat_id="c1"), tmp_path)
    await file_tip(Chat(core, chat_id="c2"), tmp_path)
    with Session(core.db) as session, session.begin():  # a trial worked on is still a trial
        change_status(session, org_id=core.org_id, code=code,
                      status=Status.COMPLETED, actor="staff", now=utcnow())  # fmt: skip

    figures = this_months_figures(core)
    for stream in (figures.complaints, figures.tips):
        assert stream.received == 0 and stream.open_at_end == 0
        assert stream.completed_in_period == 0 and "console" not in stream.by_channel
    assert "console" not in stats_msg.CHANNEL_LABELS  # no "ทดสอบระบบ" column anywhere
