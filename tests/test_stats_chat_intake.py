"""What citizens file in the chat is counted the moment it is filed, under its channel."""

from __future__ import annotations

from sqlmodel import Session

from handlers.cases.lifecycle import RESOLUTION_DAYS, Status, change_status
from messages.format import BANGKOK
from storage.stats import figures as stats
from storage.stats.periods import month_of
from storage.timeutil import utcnow
from tests.test_complaint_flow import file_complaint
from tests.test_tip_flow import file_tip
from tests.transcript import Chat


async def test_a_complaint_and_a_tip_filed_in_the_chat_are_counted(make_core, tmp_path):
    core = make_core()
    complaint_code = await file_complaint(Chat(core, chat_id="c1"), tmp_path)
    await file_tip(Chat(core, chat_id="c2"), tmp_path)
    with Session(core.db) as session, session.begin():
        change_status(session, org_id=core.org_id, code=complaint_code,
                      status=Status.IN_PROGRESS, actor="staff", now=utcnow())  # fmt: skip

    this_month = month_of(utcnow().astimezone(BANGKOK).date())
    with Session(core.db) as session:
        figures = stats.figures(session, org_id=core.org_id, period=this_month,
                                deadline_days=RESOLUTION_DAYS)  # fmt: skip
    complaints, tips = figures.complaints, figures.tips
    assert complaints.received == 1 and complaints.by_channel["console"] == 1
    assert complaints.by_category["road"] == 1
    assert complaints.answered_within_deadline == 1
    assert tips.received == 1 and tips.by_category["bribe"] == 1
    assert tips.by_channel["console"] == 1  # the kind of channel only, never the chat
    assert tips.open_at_end == 1 and tips.status_at_end["received"] == 1
