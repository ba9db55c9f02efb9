"""The last run of each scheduled job, and the lock that lets only one worker run it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from storage.staff.models import JobRun


def claim(session: Session, job: str, org_id: int, period: str) -> JobRun | None:
    """The job's run row, locked for this transaction, if `period` has not run yet.

    None when it already ran for `period`, or (PostgreSQL) another worker holds the row right
    now. SQLite transactions begin IMMEDIATE, so there a second worker waits and then sees the
    period done. Call `done` in the same transaction as the job's own writes.
    """
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(JobRun).values(job=job, org_id=org_id, period="").on_conflict_do_nothing()
    )
    row = session.exec(
        select(JobRun)
        .where(JobRun.job == job, JobRun.org_id == org_id)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    ).first()
    if row is None or row.period >= period:
        return None
    return row


def done(session: Session, row: JobRun, period: str, now: datetime) -> None:
    row.period, row.ran_at = period, now
    session.add(row)


def periods(
    session: Session, names: Sequence[str], org_ids: Sequence[int]
) -> dict[tuple[str, int], str]:
    """The last period run of each of the jobs `names` for each of `org_ids`, in one query
    (pairs that never ran are absent)."""
    if not names or not org_ids:
        return {}
    rows = session.exec(
        select(JobRun.job, JobRun.org_id, JobRun.period).where(
            JobRun.job.in_(names),  # type: ignore[attr-defined]
            JobRun.org_id.in_(org_ids),  # type: ignore[attr-defined]
        )
    )
    return {(job, org_id): period for job, org_id, period in rows}


def last(session: Session, job: str, org_id: int = 0) -> JobRun | None:
    return session.get(JobRun, (job, org_id))
