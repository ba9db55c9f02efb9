"""The monthly statistics summary as a scheduled job: administrators get last month's figures
on the first of each month at 08:00 Asia/Bangkok (text, chart and workbook, via the outbox)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlmodel import Session, select

from bot.jobs.scheduler import Daily, Job, Monthly
from bot.shared_links import LIFETIME
from handlers.staff.stats_chat import JOB_NAME, send_monthly_summary
from messages.format import BANGKOK
from storage.files import FileStore
from storage.links import registry as shared_files
from storage.staff.models import StaffMember

SCHEDULE = Monthly(day=1, at=time(8, 0))
CLEANUP_JOB = "shared-files-cleanup"
# A file outlives every link to it: links are signed at delivery, and the outbox may retry.
KEEP_FILES = LIFETIME + timedelta(days=2)


def due_at(session: Session, now: datetime) -> datetime:
    """When the run that is current at `now` was due: 08:00 on the 1st, Asia/Bangkok. A run
    caught up after downtime (or the first run of a new deployment) summarises the month
    before that, never twice the same month."""
    year, month = (int(part) for part in str(SCHEDULE.period(session, 0, now)).split("-"))
    return datetime.combine(date(year, month, SCHEDULE.day), SCHEDULE.at, tzinfo=BANGKOK)


def staffed_orgs(session: Session, now: datetime) -> set[int]:
    """The organisations with someone on staff (administrators among them, or nobody to
    send to): the only ones the monthly summary has work for."""
    rows = session.exec(
        select(StaffMember.org_id).where(StaffMember.removed_at.is_(None)).distinct()  # type: ignore[union-attr]
    )
    return set(rows.all())


def monthly_summary_job() -> Job:
    """The job: it queues the text and what to draw; the outbox's sender draws the chart and
    the workbook after the job's transaction (`handlers.stats.drawing`). `bot.jobs.background`
    adds it to the registered jobs (`default_jobs`) beside the file store's cleanup."""

    def run(session: Session, now: datetime, org_id: int) -> None:
        send_monthly_summary(session, now, org_id, due=due_at(session, now))

    return Job(JOB_NAME, SCHEDULE, run, per_org=True, due=staffed_orgs)


def cleanup_job(files: FileStore) -> Job:
    """Every night: statistics files no link can reach any more leave the store."""

    def run(session: Session, now: datetime) -> None:
        keys = shared_files.forget_older_than(session, now - KEEP_FILES)
        # The rows are deleted first; should the commit then fail, they stay and the next
        # night removes them (a missing file is refused with 404 meanwhile).
        session.flush()
        for key in keys:
            files.delete(key)

    return Job(CLEANUP_JOB, Daily(at=time(3, 0)), run)
