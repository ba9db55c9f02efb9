"""The scheduler inside `complaintbot serve`: runs registered jobs once per period.

A job is a plain function of `(session, now)` (or `(session, now, org_id)` when registered
per organisation) living in handlers/ or storage/. Its last period is stored in `job_run`,
locked while it runs, and written in the job's own transaction, so a restart neither skips nor
repeats a period, several workers run it once, and a failed run is retried on the next tick.
After downtime a job catches up once (for the latest period), not once per missed period.

A tick costs what is due, not the number of organisations: the last periods are read in one
query and only jobs behind are claimed (a write); a per-organisation job names the
organisations that may have work (`due`: one query, e.g. those with open cases near their
deadline), and only those behind on their period run. Organisations with nothing to do never
cost a run.

    from bot.jobs.scheduler import Daily, Monthly, register
    register("reminders", Daily(org_setting=org_settings.reminder_time), remind, per_org=True,
             due=orgs_with_cases_due)
    register("monthly-stats", Monthly(day=1, at=time(7, 0)), send_summary)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from messages.format import BANGKOK
from storage import jobs
from storage.db import READS_ONLY
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


@dataclass(frozen=True)
class Minutely:
    """Every minute: for work that is due at its own times, found by one indexed query (tip
    rounds), so that a tick costs what is due, not a claim per organisation."""

    def period(self, session: Session, org_id: int, now: datetime) -> str | None:
        return now.astimezone(BANGKOK).strftime("%Y-%m-%dT%H:%M")


Schedule = Daily | Monthly | Hourly | Minutely


# (session, now) -> the organisations that may have work for a per-organisation job now
Due = Callable[[Session, datetime], Iterable[int]]


@dataclass(frozen=True)
class Job:
    name: str
    schedule: Schedule
    run: Callable[..., object]
    per_org: bool = False
    due: Due | None = None  # per_org only; None: every organisation (small deployments, tests)


JOBS: dict[str, Job] = {}


def register(
    name: str,
    schedule: Schedule,
    run: Callable[..., object],
    *,
    per_org: bool = False,
    due: Due | None = None,
) -> Job:
    """Add a job to the jobs every `complaintbot serve` runs (the name is its key in the DB)."""
    job = Job(name, schedule, run, per_org, due)
    JOBS[name] = job
    return job


def default_jobs() -> dict[str, Job]:
    """The registered jobs, after importing the modules that register them."""
    from handlers.cases import reminders, tip_rounds
    from storage import org_settings
    from storage.protect import intake
    from storage.queues import outbox

    if reminders.JOB_NAME not in JOBS:
        daily = Daily(org_setting=org_settings.reminder_time)
        register(reminders.JOB_NAME, daily, reminders.remind, per_org=True,
                 due=reminders.orgs_with_cases_due)  # fmt: skip
    if "outbox-prune" not in JOBS:
        register("outbox-prune", Daily(time(3, 0)), outbox.prune)
    if "intake-prune" not in JOBS:  # yesterday's per-chat counters are deleted at once
        register("intake-prune", Daily(time(0, 0)), intake.prune)
    if tip_rounds.JOB_NAME not in JOBS:
        register(tip_rounds.JOB_NAME, Minutely(), tip_rounds.send_due)
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
        self._reader = db.execution_options(**READS_ONLY)  # SQLite: no write lock to look
        self.jobs = default_jobs() if jobs_ is None else jobs_
        self.clock = clock
        self.on_ran = on_ran  # e.g. wake the outbox sender: jobs write notices
        self._task: asyncio.Task | None = None
        self.routes: list = []

    def run_due(self) -> list[tuple[str, int, str]]:
        """Run every job whose current period has not run yet; returns what ran."""
        now = self.clock()
        ran = []
        for job, org_id in self.behind(now):
            period = self._run_one(job, org_id, now)
            if period is not None:
                ran.append((job.name, org_id, period))
        if ran and self.on_ran is not None:
            self.on_ran()
        return ran

    def behind(self, now: datetime) -> list[tuple[Job, int]]:
        """(job, organisation) pairs whose current period has not run, read without a write:
        one query for the jobs of the whole deployment, and per organisation job one for the
        organisations that may have work and one for their last periods. Each is claimed
        (and checked again under its lock) by `_run_one`."""
        behind = []
        with Session(self._reader) as session, session.begin():
            whole = [j.name for j in self.jobs.values() if not j.per_org]
            last_whole = jobs.periods(session, whole, [0])
            for job in self.jobs.values():
                last, candidates = last_whole, [0]
                if job.per_org:
                    candidates = sorted(set(self._candidates(session, job, now)))
                    last = jobs.periods(session, [job.name], candidates)
                for org_id in candidates:
                    period = job.schedule.period(session, org_id, now)
                    if period and last.get((job.name, org_id), "") < period:
                        behind.append((job, org_id))
        return behind

    @staticmethod
    def _candidates(session: Session, job: Job, now: datetime) -> Iterable[int]:
        if job.due is not None:
            return job.due(session, now)
        return session.exec(select(Organisation.id)).all()

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
