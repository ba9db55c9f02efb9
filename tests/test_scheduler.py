"""The scheduler runs each job once per period: across restarts, after downtime (once, not
once per missed day), and with several workers at the same moment. Time is injected."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time

from sqlmodel import Session, select

from bot.jobs.scheduler import Daily, Job, Monthly, Scheduler
from handlers.cases import reminders
from storage import jobs
from storage.models import Organisation
from tests.staff_helpers import Clock
from tests.waiting import eventually_sync

# 09:00 in Bangkok is 02:00 UTC.
MORNING = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def counting_job(name: str, schedule, calls: list, *, per_org: bool = False, hold=None):
    def run(session: Session, now: datetime, *org) -> None:
        if hold is not None:
            hold()  # e.g. until the other workers are claiming the job too
        calls.append((now, *org))

    return {name: Job(name, schedule, run, per_org)}


def test_a_daily_job_runs_once_a_day_and_once_after_downtime(engine):
    calls: list = []
    clock = Clock(MORNING)
    scheduler = Scheduler(engine, counting_job("daily", Daily(clock_time(8, 0)), calls), clock)
    assert [r[2] for r in scheduler.run_due()] == ["2026-03-02"]
    clock.advance(hours=5)
    assert scheduler.run_due() == []
    clock.advance(hours=17)  # 07:00 in Bangkok the next day: before 08:00
    assert scheduler.run_due() == []
    clock.advance(hours=1)
    assert [r[2] for r in scheduler.run_due()] == ["2026-03-03"]

    restarted = Scheduler(engine, counting_job("daily", Daily(clock_time(8, 0)), calls), clock)
    assert restarted.run_due() == []  # a restart repeats nothing
    clock.advance(days=5)  # five days down: one catch-up run, not five
    assert [r[2] for r in restarted.run_due()] == ["2026-03-08"]
    assert restarted.run_due() == []
    assert len(calls) == 3
    with Session(engine) as session:
        assert jobs.last(session, "daily").period == "2026-03-08"


def test_several_workers_at_the_same_moment_run_a_job_once(engine, monkeypatch):
    """The worker that runs the job holds it until every other worker is claiming it too
    (waiting for the lock, or finding it taken): the runs overlap by construction."""
    calls: list = []
    clock = Clock(MORNING)
    claiming = []
    claim = jobs.claim

    def counted_claim(*args, **kwargs):
        claiming.append(threading.get_ident())
        return claim(*args, **kwargs)

    monkeypatch.setattr(jobs, "claim", counted_claim)
    workers_count = 3

    def until_all_claim() -> None:
        eventually_sync(lambda: len(claiming) >= workers_count, what="every worker claims")
        time.sleep(0.05)  # not needed for the assertion: lets them reach the database

    job = counting_job("busy", Daily(clock_time(8, 0)), calls, hold=until_all_claim)
    workers = [Scheduler(engine, job, clock) for _ in range(workers_count)]
    errors: list[BaseException] = []

    def tick(worker: Scheduler) -> None:
        try:
            worker.run_due()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=tick, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(calls) == 1
    assert len(set(claiming)) == workers_count


def test_a_failed_run_is_retried_on_the_next_tick_and_per_org_jobs_run_per_org(engine):
    with Session(engine) as session, session.begin():
        session.add(Organisation(slug="a", name="A"))
        session.add(Organisation(slug="b", name="B"))
    outcomes = iter([RuntimeError("database went away"), None, None])
    seen = []

    def flaky(session: Session, now: datetime, org_id: int) -> None:
        outcome = next(outcomes)
        if outcome:
            raise outcome
        seen.append(org_id)

    clock = Clock(MORNING)
    scheduler = Scheduler(engine, {"flaky": Job("flaky", Daily(), flaky, True)}, clock)
    assert len(scheduler.run_due()) == 1  # the first organisation's run failed
    assert len(scheduler.run_due()) == 1  # and is retried
    assert scheduler.run_due() == []
    assert len(seen) == 2 and len(set(seen)) == 2


def test_a_monthly_job_runs_on_its_day_and_catches_up_once():
    monthly = Monthly(day=1, at=clock_time(7, 0))
    at = datetime(2026, 3, 1, 0, 30, tzinfo=UTC)  # 07:30 in Bangkok, 1 March
    assert monthly.period(None, 0, at) == "2026-03"
    assert monthly.period(None, 0, at - timedelta(hours=1)) == "2026-02"
    new_year = datetime(2025, 12, 31, 23, 0, tzinfo=UTC)  # 06:00 on 1 January in Bangkok
    assert monthly.period(None, 0, new_year) == "2025-12"


def add_orgs(engine, count: int) -> list[int]:
    with Session(engine) as session, session.begin():
        for i in range(count):
            session.add(Organisation(slug=f"org{i:03d}", name=f"Organisation {i}"))
    with Session(engine) as session:
        return sorted(session.exec(select(Organisation.id)).all())


def test_a_tick_costs_the_organisations_with_work_due_not_every_organisation(engine, monkeypatch):
    """A per-organisation job runs (and claims its row, a write) only for the organisations
    its `due` query names, and only once per period; a tick with nothing due writes nothing."""
    ids = add_orgs(engine, 40)
    busy = {ids[3], ids[17]}
    ran: list[int] = []
    job = Job("per-org", Daily(clock_time(8, 0)), lambda s, now, org: ran.append(org), True,
              due=lambda session, now: set(busy))  # fmt: skip
    claimed: list[int] = []
    claim = jobs.claim

    def counted_claim(session, name, org_id, period):
        claimed.append(org_id)
        return claim(session, name, org_id, period)

    monkeypatch.setattr(jobs, "claim", counted_claim)
    clock = Clock(MORNING)
    scheduler = Scheduler(engine, {job.name: job}, clock)
    assert sorted(org for _name, org, _period in scheduler.run_due()) == sorted(busy)
    assert sorted(claimed) == sorted(busy) and sorted(ran) == sorted(busy)

    claimed.clear()
    clock.advance(minutes=30)
    assert scheduler.run_due() == []
    assert claimed == []  # done for today: not even claimed again

    busy.add(ids[25])  # work for another organisation the same day: only it runs
    clock.advance(minutes=1)
    assert [org for _name, org, _period in scheduler.run_due()] == [ids[25]]
    clock.advance(days=1)
    assert sorted(org for _name, org, _period in scheduler.run_due()) == sorted(busy)
    with Session(engine) as session:
        assert jobs.last(session, "per-org", ids[0]) is None  # never due: never ran
        assert jobs.last(session, "per-org", ids[25]).period == "2026-03-03"


def test_organisations_with_no_case_near_its_deadline_cost_no_reminder_run(engine):
    add_orgs(engine, 30)
    scheduler = Scheduler(engine, None, Clock(MORNING))
    ran = scheduler.run_due()
    assert reminders.JOB_NAME not in {name for name, _org, _period in ran}
    assert all(org == 0 for _name, org, _period in ran)  # only the deployment-wide jobs ran
    assert scheduler.run_due() == []
