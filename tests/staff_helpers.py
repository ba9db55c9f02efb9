"""Helpers for staff tests: invites, a movable clock, filing through the console."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlmodel import Session, select

from bot.jobs.scheduler import Scheduler, default_jobs
from handlers.cases import tip_rounds
from handlers.flow import Deps
from messages import common
from messages.citizen import complaint, followup, tip
from storage import org_settings
from storage.models import Organisation
from storage.staff import accounts as staff
from storage.staff import tip_rounds as round_rows
from storage.staff.accounts import Role
from storage.staff.models import TipRoundNotice
from storage.timeutil import utcnow
from tests.transcript import Chat, code_in


def invite_code(core, role: Role, name: str = "") -> str:
    """An invite made the way `complaintbot staff invite` makes it."""
    with Session(core.db) as session, session.begin():
        _row, code = staff.invite(
            session, org_id=core.org_id, roles=[role], name=name, now=utcnow()
        )
    return code


def invite_in(text: str) -> str:
    match = re.search(r"/staff ([A-Z0-9]{10})", text)
    assert match, f"no invite code in:\n{text}"
    return match.group(1)


class Clock:
    """The time every turn and job sees; tests move it forward instead of sleeping."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def use_clock(core, clock: Clock) -> None:
    core.engine.deps = Deps(files=core.files, clock=clock)


def tip_round(core) -> Clock:
    """Let every organisation's next tip round leave: the clock moves to the latest next
    round and the scheduler's round job runs, as inside `serve`. Returns the clock."""
    clock = core.engine.deps.clock
    if not isinstance(clock, Clock):
        clock = Clock()
        use_clock(core, clock)
    with Session(core.db) as session, session.begin():
        orgs = session.exec(select(Organisation.id)).all()
        clock.now = max(
            round_rows.next_round(org_settings.tip_round_minutes(session, org), clock.now)
            for org in orgs
        )
    job = default_jobs()[tip_rounds.JOB_NAME]
    Scheduler(core.db, {job.name: job}, clock, on_ran=core.engine.after_commit).run_due()
    return clock


def rounds_now(db) -> None:
    """For a bot serving in real time: every waiting tip notice is sent now, as if its round
    had come (its round moved to the current one); the running sender delivers it."""
    now = utcnow()
    with Session(db) as session, session.begin():
        for row in session.exec(select(TipRoundNotice)).all():
            row.round_at = round_rows.round_start(
                org_settings.tip_round_minutes(session, row.org_id), now
            )
            session.add(row)
        for org in session.exec(select(Organisation.id)).all():
            tip_rounds.send_round(session, now, org)


async def file_complaint(chat: Chat, *, notify: bool, description: str) -> str:
    await chat.say("เมนู")
    await chat.press(common.MENU_COMPLAINT)
    await chat.press(complaint.CATEGORY_LABELS["road"])
    await chat.say(description)
    await chat.say("/location 8.0863,98.9063")
    await chat.press(common.BUTTON_DONE)
    await chat.press(complaint.BUTTON_NO_CONTACT)
    out = await chat.press(followup.BUTTON_CONFIRM_NOTIFY if notify else common.BUTTON_CONFIRM)
    return code_in(out)


async def file_tip(chat: Chat, conduct: str) -> str:
    await chat.say("เมนู")
    await chat.press(common.MENU_TIP)
    await chat.press(tip.BUTTON_UNDERSTOOD)
    await chat.press(tip.CATEGORY_LABELS["bribe"])
    await chat.say(conduct)
    await chat.press(common.BUTTON_SKIP)
    await chat.press(common.BUTTON_SKIP)
    await chat.press(common.BUTTON_SKIP)
    await chat.press(tip.BUTTON_ANONYMOUS)
    return code_in(await chat.press(common.BUTTON_CONFIRM))


REFERENCE = re.compile(r"ทจ-\d{4}-\d{4}")


def reference_in(text: str) -> str:
    match = REFERENCE.search(text)
    assert match, f"no tip reference in:\n{text}"
    return match.group()
