"""Statistics in the chat: `/stats [period]` for staff, and the monthly summary for admins.

Complaint officers get the complaint stream only (the workbook shows tips as the published
totals); integrity officers and administrators get both streams with the tips broken down.
Plan officers have no statistics command: they handle the action plan, not cases. The chart
and the workbook are stored in the file store and registered as shareable, so the LINE
adapter may hand out signed links to exactly these files and nothing else.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from handlers import outbound
from handlers.flow import Ctx
from handlers.staff.auth import authorise
from handlers.stats.for_staff import StaffStatistics, last_month_statistics, staff_statistics
from handlers.types import Reply
from messages.stats import chat as msg
from messages.stats import labels as stats_msg
from storage import org_settings
from storage.files import FileStore
from storage.links import registry as shared_files
from storage.models import Organisation
from storage.staff import accounts as staff
from storage.staff.accounts import Role
from storage.stats.periods import last_month, parse_period

JOB_NAME = "monthly-statistics"
PNG = "image/png"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def answer(ctx: Ctx, arg: str) -> list[Reply] | None:
    """The replies to `/stats [period]`; None when this chat may not see statistics."""
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
    out = staff_statistics(
        ctx.session, org=ctx.org, period=period, now=now,
        deadline_days=org_settings.peek_deadline_days(ctx.session, ctx.org.id),
        tips=Role.INTEGRITY in staff.roles_of(member),
    )  # fmt: skip
    return replies_for(ctx.session, ctx.deps.files, ctx.org, out, now, footer=msg.STATS_HELP)


def replies_for(
    session: Session,
    files: FileStore,
    org: Organisation,
    out: StaffStatistics,
    now: datetime,
    *,
    footer: str = "",
) -> list[Reply]:
    """The summary text, the chart as an image and the workbook as a document."""
    assert org.id is not None
    png_key = files.save(out.png, suffix="png")
    xlsx_key = files.save(out.xlsx, suffix="xlsx")
    png_name, xlsx_name = f"{out.file_stem}.png", f"{out.file_stem}.xlsx"
    for key, name, mime in ((png_key, png_name, PNG), (xlsx_key, xlsx_name, XLSX)):
        shared_files.register(session, key=key, org_id=org.id, name=name, mime=mime, now=now)
    text = f"{out.text}\n\n{footer}" if footer else out.text
    return [
        Reply(text),
        Reply("", image_key=png_key),
        Reply("", file_key=xlsx_key, file_name=xlsx_name),
    ]


def monthly_text(summary: str) -> str:
    """The first message of the monthly summary (the office shows it as a preview)."""
    return f"{msg.MONTHLY_INTRO}\n\n{summary}"


def send_monthly_summary(
    session: Session, now: datetime, org_id: int, *, files: FileStore, due: datetime | None = None
) -> int:
    """Queue the statistics of the month before `due` (default: before now) for every
    administrator; returns how many were sent.

    Run by the scheduler on the first of the month; `due` is when that run was due, so a run
    caught up later still summarises the right month. The files are made once for all.
    """
    admins = staff.with_role(session, org_id, Role.ADMIN)
    if not admins:
        return 0
    org = session.get(Organisation, org_id)
    assert org is not None
    days = org_settings.peek_deadline_days(session, org_id)
    if due is None:
        out = last_month_statistics(session, org=org, deadline_days=days, now=now)
    else:
        out = staff_statistics(
            session, org=org, period=last_month(due), deadline_days=days, now=now, tips=True
        )
    replies = replies_for(session, files, org, out, now)
    replies[0] = Reply(monthly_text(replies[0].text))
    for admin in admins:
        outbound.send(
            session, org_id=org_id, channel=admin.channel, chat_id=admin.chat_id,
            replies=replies, now=now,
        )  # fmt: skip
    return len(admins)
