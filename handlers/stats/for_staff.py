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
class StaffSummary:
    report: stats.Report
    text: str  # the chat message
    file_stem: str  # e.g. "stats-khaothong-2567-03", for the files' names


@dataclass(frozen=True)
class StaffStatistics:
    report: stats.Report
    text: str  # the chat message
    png: bytes  # the chart, to send as an image (published figures: tips as totals)
    xlsx: bytes  # the workbook, to send as a document
    file_stem: str  # e.g. "stats-khaothong-2567-03", for the files' names


def staff_summary(
    session: Session,
    *,
    org: Organisation,
    period: Period,
    deadline_days: int,
    now: datetime,
    tips: bool,
) -> StaffSummary:
    """The period's figures and text for staff, without the files (a read: cheap enough
    for a turn's transaction). `tips=False` for complaint officers: no tip stream."""
    assert org.id is not None
    report = stats.report(
        session, org_id=org.id, org_slug=org.slug, org_name=org.name, period=period,
        deadline_days=deadline_days, now=now, by_month=True,
    )  # fmt: skip
    return StaffSummary(
        report=report,
        text=summary_text(report, staff=True, tips=tips),
        file_stem=f"stats-{org.slug}-{period.slug}",
    )


def staff_files(report: stats.Report, *, tips: bool) -> tuple[bytes, bytes]:
    """The chart and the workbook: slow, so drawn outside any transaction
    (`handlers.stats.drawing`). Without `tips` the workbook shows tips as published totals."""
    return render_png(report), render_xlsx(report, public=not tips)


def staff_statistics(
    session: Session,
    *,
    org: Organisation,
    period: Period,
    deadline_days: int,
    now: datetime,
    tips: bool,
) -> StaffStatistics:
    """The period's statistics for staff with their files drawn at once."""
    summary = staff_summary(
        session, org=org, period=period, deadline_days=deadline_days, now=now, tips=tips
    )
    png, xlsx = staff_files(summary.report, tips=tips)
    return StaffStatistics(summary.report, summary.text, png, xlsx, summary.file_stem)


def last_month_statistics(
    session: Session, *, org: Organisation, deadline_days: int, now: datetime
) -> StaffStatistics:
    """The monthly summary for administrators, sent on the first of the month."""
    return staff_statistics(
        session, org=org, period=last_month(now), deadline_days=deadline_days, now=now, tips=True
    )
