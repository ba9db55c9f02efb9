"""What the chat and the monthly summary send to staff: one call per audience.

The staff feature calls `staff_statistics` when someone asks (a menu button, a typed period)
and `last_month_statistics` on the first of each month for administrators. Complaint
officers see the complaint stream; integrity officers and administrators see both, with the
tips broken down. Nothing here sends anything: it returns the text and the files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from handlers.stats.chart import render_png
from handlers.stats.workbook import render_xlsx
from messages.stats.labels import summary_text
from storage.models import Organisation
from storage.stats import figures as stats
from storage.stats.periods import Period, last_month


@dataclass(frozen=True)
class StaffStatistics:
    report: stats.Report
    text: str  # the chat message
    png: bytes  # the chart, to send as an image (published figures: tips as totals)
    xlsx: bytes  # the workbook, to send as a document
    file_stem: str  # e.g. "stats-khaothong-2567-03", for the files' names


def staff_statistics(
    session: Session,
    *,
    org: Organisation,
    period: Period,
    deadline_days: int,
    now: datetime,
    tips: bool,
) -> StaffStatistics:
    """The period's statistics for staff. `tips=False` for complaint officers: no tip
    stream in the text, and the workbook shows tips only as the published totals."""
    assert org.id is not None
    report = stats.report(
        session, org_id=org.id, org_slug=org.slug, org_name=org.name, period=period,
        deadline_days=deadline_days, now=now, by_month=True,
    )  # fmt: skip
    return StaffStatistics(
        report=report,
        text=summary_text(report, staff=True, tips=tips),
        png=render_png(report),
        xlsx=render_xlsx(report, public=not tips),
        file_stem=f"stats-{org.slug}-{period.slug}",
    )


def last_month_statistics(
    session: Session, *, org: Organisation, deadline_days: int, now: datetime
) -> StaffStatistics:
    """The monthly summary for administrators, sent on the first of the month."""
    return staff_statistics(
        session, org=org, period=last_month(now), deadline_days=deadline_days, now=now, tips=True
    )
