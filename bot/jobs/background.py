"""What `complaintbot serve` runs besides the channels: the outbox sender and the scheduler,
with the jobs that need this deployment's file store and settings."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlmodel import Session

from bot.app import Core
from bot.jobs.outbox_sender import OutboxSender
from bot.jobs.scheduler import Daily, Hourly, Job, Scheduler, default_jobs
from bot.jobs.stats_summary import cleanup_job, monthly_summary_job
from handlers.cases import retention
from storage.protect import guess_limit


def retention_jobs(core: Core) -> dict[str, Job]:
    """Closed tips' content after `tip_retention_days`, drafts after `draft_hours`, and old
    guess counts; a run that deleted anything has the database files scrubbed after it."""
    settings, files, scrubber = core.settings, core.files, core.engine.scrubber

    def purge_tips(session: Session, now: datetime) -> None:
        keep = timedelta(days=settings.tip_retention_days)
        if retention.purge_closed_tips(session, now, files, keep=keep):
            scrubber.due = True

    def expire_drafts(session: Session, now: datetime) -> None:
        max_age = timedelta(hours=settings.draft_hours)
        if retention.expire_drafts(session, now, files, max_age=max_age):
            scrubber.due = True

    jobs = (
        Job("tip-retention", Daily(time(2, 30)), purge_tips),
        Job("draft-expiry", Hourly(), expire_drafts),
        Job("guess-limit-prune", Daily(time(3, 15)), guess_limit.prune),
    )
    return {job.name: job for job in jobs}


def serve_jobs(core: Core) -> dict[str, Job]:
    """Every job `serve` runs: the registered ones, and those built on the file store."""
    summary, cleanup = monthly_summary_job(), cleanup_job(core.files)
    return {**default_jobs(), summary.name: summary, cleanup.name: cleanup, **retention_jobs(core)}


def background_runners(core: Core, channels: list) -> list:
    """The sender delivers through every channel that can (`outbox_channel`), woken after
    each committed turn and each job run; the scheduler runs the jobs."""
    deliverers = {
        runner.outbox_channel: runner for runner in channels if hasattr(runner, "outbox_channel")
    }
    sender = OutboxSender(core.db, deliverers, files=core.files)
    core.engine.after_commit = sender.wake

    def after_jobs() -> None:
        sender.wake()  # jobs write notices
        core.engine.scrubber.after_jobs()  # and may have deleted what must not linger

    return [sender, Scheduler(core.db, serve_jobs(core), on_ran=after_jobs)]
