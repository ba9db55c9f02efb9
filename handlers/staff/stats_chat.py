"""Statistics in the chat: `/stats [period]` for staff, and the monthly summary for admins.

Complaint officers get the complaint stream only (the workbook shows tips as the published
totals); integrity officers and administrators get both streams with the tips broken down.
Plan officers have no statistics command: they handle the action plan, not cases. The chart
and the workbook are drawn after the turn's (or the job's) commit (`handlers.stats.drawing`),
stored in the file store and registered as shareable, so the LINE adapter may hand out signed
links to exactly these files and nothing else.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from handlers import outbound
from handlers.flow import Ctx
from handlers.staff.auth import authorise
from handlers.stats import drawing
from handlers.stats.for_staff import staff_summary
from handlers.types import Reply
from messages.stats import chat as msg
from messages.stats import labels as stats_msg
from storage import org_settings
from storage.models import Organisation
from storage.staff import accounts as staff
from storage.staff.accounts import Role
from storage.stats.periods import Period, last_month, parse_period

JOB_NAME = "monthly-statistics"


def answer(ctx: Ctx, arg: str) -> list[Reply] | None:
    """The replies to `/stats [period]`; None when this chat may not see statistics.

    The summary text is read in the turn; the chart and the workbook follow it, drawn after
    the commit (`handlers.stats.drawing`) so that the turn holds no lock while they are."""
    member = authorise(ctx, Role.COMPLAINT, Role.INTEGRITY)
    if member is None:
        return None
    now = ctx.now()
    period = last_month(now) if not arg else parse_period(arg)
    if period is None:
        return [Reply(f"{stats_msg.BAD_PERIOD.format(period=arg)}\n{msg.STATS_HELP}")]
    if period.start > now:
        label = stats_msg.period_label(period)
        return [Reply(stats_msg.PAGE_FUTURE_PERIOD.format(period=label))]
    tips = Role.INTEGRITY in staff.roles_of(member)
    text, files = replies_for(ctx.session, ctx.org, period, now, tips=tips)
    return [Reply(f"{text}\n\n{msg.STATS_HELP}"), files]


def replies_for(
    session: Session, org: Organisation, period: Period, now: datetime, *, tips: bool
) -> tuple[str, Reply]:
    """The summary text, and the placeholder for its chart and workbook."""
    assert org.id is not None
    days = org_settings.peek_deadline_days(session, org.id)
    summary = staff_summary(session, org=org, period=period, now=now, deadline_days=days, tips=tips)
    return summary.text, drawing.request(org.id, period, now=now, deadline_days=days, tips=tips)


def monthly_text(summary: str) -> str:
    """The first message of the monthly summary (the office shows it as a preview)."""
    return f"{msg.MONTHLY_INTRO}\n\n{summary}"


def send_monthly_summary(
    session: Session, now: datetime, org_id: int, *, due: datetime | None = None
) -> int:
    """Queue the statistics of the month before `due` (default: before now) for every
    administrator; returns how many were sent.

    Run by the scheduler on the first of the month; `due` is when that run was due, so a run
    caught up later still summarises the right month. The chart and the workbook are drawn
    by the outbox's sender, after this job's transaction.
    """
    admins = staff.with_role(session, org_id, Role.ADMIN)
    if not admins:
        return 0
    org = session.get(Organisation, org_id)
    assert org is not None
    text, files = replies_for(session, org, last_month(due or now), now, tips=True)
    replies = [Reply(monthly_text(text)), files]
    for admin in admins:
        outbound.send(
            session, org_id=org_id, channel=admin.channel, chat_id=admin.chat_id,
            replies=replies, now=now,
        )  # fmt: skip
    return len(admins)
