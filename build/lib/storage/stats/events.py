"""Writing the content-free statistics record, in the transaction that changes the case.

`handlers.cases.lifecycle` calls `record_filed` and `record_status` next to its own writes,
so a case and its statistics are committed together or not at all. `record_rating` is for the staff
feature that asks citizens to rate how their case was handled.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from messages.format import local_date
from storage.stats.models import FOREVER, StatsCase, StatsRating, StatsStatus
from storage.timeutil import as_utc

RECEIVED = "received"


def _days(since: datetime, until: datetime) -> int:
    """Calendar days in Bangkok, as people count a deadline ("within 15 days")."""
    return (local_date(as_utc(until)) - local_date(as_utc(since))).days


def record_filed(
    session: Session,
    *,
    org_id: int,
    stream: str,
    case_id: int,
    category: str,
    channel: str,
    at: datetime,
) -> StatsCase:
    """A new case: its row and its first status, `received`, from `at` on."""
    at = as_utc(at)
    case = StatsCase(
        org_id=org_id, stream=str(stream), case_id=case_id, category=category,
        channel=channel, received_at=at,
    )  # fmt: skip
    session.add(case)
    session.flush()
    assert case.id is not None
    session.add(
        StatsStatus(
            org_id=org_id, stream=str(stream), case_ref=case.id, status=RECEIVED, at=at,
            until=FOREVER, received_at=at, days=0,
        )
    )  # fmt: skip
    return case


def _case(
    session: Session, org_id: int, stream: str, case_id: int, *, lock: bool = False
) -> StatsCase | None:
    """The case's record; `lock` holds its row (PostgreSQL) so that two changes to one case
    at once cut its status intervals one after the other."""
    query = select(StatsCase).where(
        StatsCase.org_id == org_id, StatsCase.stream == str(stream), StatsCase.case_id == case_id
    )
    return session.exec(query.with_for_update() if lock else query).first()


def record_status(
    session: Session, *, org_id: int, stream: str, case_id: int, status: str, at: datetime
) -> None:
    """A status change at `at`, which may lie before later changes (a back-dated record).

    The status held at `at` is cut short there and the new one lasts until the next change.
    """
    case = _case(session, org_id, stream, case_id, lock=True)
    if case is None:  # a case older than the record: nothing to keep consistent with
        return
    at = max(as_utc(at), as_utc(case.received_at))
    held = session.exec(
        select(StatsStatus)
        .where(StatsStatus.case_ref == case.id, StatsStatus.at <= at)
        .order_by(StatsStatus.at.desc(), StatsStatus.id.desc())  # type: ignore[union-attr]
    ).first()
    assert held is not None  # record_filed wrote the first status at receipt
    following = session.exec(
        select(StatsStatus)
        .where(StatsStatus.case_ref == case.id, StatsStatus.at > at)
        .order_by(StatsStatus.at, StatsStatus.id)
    ).first()
    session.add(
        StatsStatus(
            org_id=org_id, stream=str(stream), case_ref=case.id, status=str(status),
            previous=held.status, at=at, until=as_utc(held.until), received_at=case.received_at,
            days=_days(case.received_at, at),
        )
    )  # fmt: skip
    held.until = at
    session.add(held)
    if following is not None:
        following.previous = str(status)
        session.add(following)
    if status != RECEIVED and (case.first_answer_at is None or at < as_utc(case.first_answer_at)):
        case.first_answer_at = at
        case.answer_days = _days(case.received_at, at)
        session.add(case)


def record_rating(
    session: Session, *, org_id: int, stream: str, case_id: int, score: int, at: datetime
) -> None:
    """A citizen's 1–5 rating of a case; rating again replaces the earlier one."""
    if not 1 <= score <= 5:
        raise ValueError("a rating is 1 to 5")
    case = _case(session, org_id, stream, case_id)
    if case is None:
        return
    rating = session.exec(select(StatsRating).where(StatsRating.case_ref == case.id)).first()
    if rating is None:
        rating = StatsRating(org_id=org_id, stream=str(stream), case_ref=case.id, score=score,
                             at=as_utc(at))  # fmt: skip
    else:
        rating.score, rating.at = score, as_utc(at)
    session.add(rating)


def backfill(connection: sa.Connection) -> None:
    """Record the cases filed before the statistics record existed (run by its migration).

    Tips never stored a channel, so theirs is `unknown`.
    """
    session = Session(bind=connection)
    streams = (
        ("complaint", "complaint", "complaint_status_change", "complaint_id", "channel"),
        ("tip", "tip", "tip_status_change", "tip_id", "'unknown'"),
    )
    for stream, table, changes, column, channel in streams:
        cases = connection.execute(
            sa.text(
                f"select id, org_id, category, {channel} as kind, received_at from {table}"
                " order by id"
            ).columns(received_at=sa.DateTime(timezone=True))
        ).all()
        for case_id, org_id, category, kind, received_at in cases:
            record_filed(
                session, org_id=org_id, stream=stream, case_id=case_id, category=category,
                channel=kind, at=as_utc(received_at),
            )  # fmt: skip
            history = connection.execute(
                sa.text(
                    f"select status, at from {changes} where {column} = :id order by at, id"
                ).columns(at=sa.DateTime(timezone=True)),
                {"id": case_id},
            ).all()
            for index, (status, at) in enumerate(history):
                if index == 0 and status == RECEIVED:
                    continue  # the filing itself
                session.flush()
                record_status(
                    session, org_id=org_id, stream=stream, case_id=case_id, status=status,
                    at=as_utc(at),
                )  # fmt: skip
    session.flush()
