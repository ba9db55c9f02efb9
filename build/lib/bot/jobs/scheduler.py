"""The scheduler inside `complaintbot serve`: runs registered jobs once per period.

A job is a plain function of `(session, now)` (or `(session, now, org_id)` when registered
per organisation) living in handlers/ or storage/. Its last period is stored in `job_run`,
locked while it runs, and written in the job's own transaction, so a restart neither skips nor
repeats a period, several workers run it once, and a failed run is retried on the next tick.
After downtime a job catches up once (for the latest period), not once per missed period.

    from bot.jobs.scheduler import Daily, Monthly, register
    register("reminders", Daily(org_setting=org_settings.reminder_time), remind, per_org=True)
    register("monthly-stats", Monthly(day=1, at=time(7, 0)), send_summary)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from messages.format import BANGKOK
from storage import jobs
from storage.models import Organisation
from storage.timeutil import utcnow

log = logging.getLogger(__name__)

TICK_SECONDS = 30.0


@dataclass(frozen=True)
class Daily:
    """Every day at `at` (Asia/Bangkok), or at the time an organisation setting names."""

    at: time = time(8, 0)
    org_setting: Callable[[Session, int], time] | None = None

    def period(self, session: Session, org_id: int, now: datetime) -> str | None:
        at = self.org_setting(session, org_id) if self.org_setting and org_id else self.at
        local = now.astimezone(BANGKOK)
        day = local.date() if local.time() >= at else local.date() - timedelta(days=1)
        return day.isoformat()


@dataclass(frozen=True)
class Monthly:
    """On `day` of every month at `at` (Asia/Bangkok)."""

    day: int = 1
    at: time = time(8, 0)

    def period(self, session: Session, org_id: int, now: datetime) -> str | None:
        local = now.astimezone(BANGKOK)
        year, month = local.year, local.month
        if (local.day, local.time()) < (self.day, self.at):
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return f"{year:04d}-{month:02d}"


@dataclass(frozen=True)
class Hourly:
    """Every hour on the hour (Asia/Bangkok): for what must not wait a day, like drafts."""

    def period(self, session: Session, org_id: int, now: datetime) -> str | None:
        return now.astimezone(BANGKOK).strftime("%Y-%m-%dT%H")


Schedule = Daily | Monthly | Hourly


@dataclass(frozen=True)
class Job:
    name: str
    schedule: Schedule
    run: Callable[..., object]
    per_org: bool = False


JOBS: dict[str, Job] = {}


def register(name: str, schedule: Schedule, run: Callable[..., object], *, per_org=False) -> Job:
    """Add a job to the jobs every `complaintbot serve` runs (the name is its key in the DB)."""
    job = Job(name, schedule, run, per_org)
    JOBS[name] = job
    return job


def default_jobs() -> dict[str, Job]:
    """The registered jobs, after importing the modules that register them."""
    from handlers.cases import reminders
    from storage import org_settings
    from storage.queues import outbox

    if reminders.JOB_NAME not in JOBS:
        daily = Daily(org_setting=org_settings.reminder_time)
        register(reminders.JOB_NAME, daily, reminders.remind, per_org=True)
    if "outbox-prune" not in JOBS:
        register("outbox-prune", Daily(time(3, 0)), outbox.prune)
    return dict(JOBS)


class Scheduler:
    def __init__(
        self,
        db: Engine,
        jobs_: dict[str, Job] | None = None,
        clock: Callable[[], datetime] = utcnow,
        on_ran: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.jobs = default_jobs() if jobs_ is None else jobs_
        self.clock = clock
        self.on_ran = on_ran  # e.g. wake the outbox sender: jobs write notices
        self._task: asyncio.Task | None = None
        self.routes: list = []

    def run_due(self) -> list[tuple[str, int, str]]:
        """Run every job whose current period has not run yet; returns what ran."""
        now = self.clock()
        ran = []
        for job in self.jobs.values():
            for org_id in self._orgs() if job.per_org else [0]:
                period = self._run_one(job, org_id, now)
                if period is not None:
                    ran.append((job.name, org_id, period))
        if ran and self.on_ran is not None:
            self.on_ran()
        return ran

    def _orgs(self) -> list[int]:
        with Session(self.db) as session:
            return list(session.exec(select(Organisation.id).order_by(Organisation.id)).all())

    def _run_one(self, job: Job, org_id: int, now: datetime) -> str | None:
        try:
            with Session(self.db) as session, session.begin():
                period = job.schedule.period(session, org_id, now)
                row = jobs.claim(session, job.name, org_id, period) if period else None
                if row is None:
                    return None
                if job.per_org:
                    job.run(session, now, org_id)
                else:
                    job.run(session, now)
                jobs.done(session, row, period, now)
                log.info("job %s ran for %s (org %s)", job.name, period, org_id)
                return period
        except Exception:
            log.exception("job %s failed (org %s); retried on the next tick", job.name, org_id)
            return None

    # -- inside serve ------------------------------------------------------------------------

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _loop(self) -> None:
        while True:
            await asyncio.to_thread(self.run_due)
            await asyncio.sleep(TICK_SECONDS)
