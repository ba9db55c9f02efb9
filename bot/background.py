"""What `complaintbot serve` runs besides the channels: the outbox sender and the scheduler."""

from __future__ import annotations

from bot.app import Core
from bot.outbox_sender import OutboxSender
from bot.scheduler import Scheduler, default_jobs
from bot.stats_jobs import cleanup_job, monthly_summary_job


def background_runners(core: Core, channels: list) -> list:
    """The sender delivers through every channel that can (`outbox_channel`), woken after
    each committed turn and each job run; the scheduler runs the registered jobs."""
    deliverers = {
        runner.outbox_channel: runner for runner in channels if hasattr(runner, "outbox_channel")
    }
    sender = OutboxSender(core.db, deliverers)
    core.engine.after_commit = sender.wake
    # These two use the file store, so they are built here rather than registered globally.
    summary, cleanup = monthly_summary_job(core.files), cleanup_job(core.files)
    jobs = {**default_jobs(), summary.name: summary, cleanup.name: cleanup}
    return [sender, Scheduler(core.db, jobs, on_ran=sender.wake)]
