"""Handling rows of both streams, tip references, two-way messages, the tip access log and
ratings. Repositories never commit; nothing here reads or writes a tip's tracking code."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from storage.staff.models import CaseHandling, CaseMessage, Rating, TipAccessLog
from storage.timeutil import day_start

REFERENCE_NUMBERS = 10_000  # ทจ-2567-0000 .. ทจ-2567-9999 per fiscal year


def for_case(session: Session, stream: str, case_id: int) -> CaseHandling | None:
    return session.exec(
        select(CaseHandling).where(CaseHandling.stream == stream, CaseHandling.case_id == case_id)
    ).first()


def ensure(session: Session, org_id: int, stream: str, case_id: int) -> CaseHandling:
    """The case's handling row, created if missing (safely when two turns do it at once:
    cases filed before the staff side existed get theirs when staff first list them)."""
    row = for_case(session, stream, case_id)
    if row is not None:
        return row
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(CaseHandling)
        .values(org_id=org_id, stream=stream, case_id=case_id, unit="", referred_to="",
                notify=False, rating_asked=False)
        .on_conflict_do_nothing()
    )  # fmt: skip
    return session.exec(
        select(CaseHandling)
        .where(CaseHandling.stream == stream, CaseHandling.case_id == case_id)
        .execution_options(populate_existing=True)
    ).one()


def by_reference(session: Session, org_id: int, reference: str) -> CaseHandling | None:
    return session.exec(
        select(CaseHandling).where(
            CaseHandling.org_id == org_id, CaseHandling.reference == reference
        )
    ).first()


def new_tip_reference(session: Session, org_id: int, prefix: str) -> str:
    """A random unused number within the fiscal year (`prefix` ends in the year and a dash),
    so that references do not reveal the order tips arrived in."""
    while True:
        reference = f"{prefix}{secrets.randbelow(REFERENCE_NUMBERS):04d}"
        if by_reference(session, org_id, reference) is None:
            return reference


def add_message(
    session: Session, handling: CaseHandling, body: str, now: datetime, staff_id: int | None
) -> CaseMessage:
    """Add to the case's exchange; a tip's message is dated by its day only (like the tip)."""
    last = session.exec(
        select(sa.func.max(CaseMessage.seq)).where(CaseMessage.handling_id == handling.id)
    ).one()
    at = day_start(now) if handling.stream == "tip" else now
    row = CaseMessage(
        org_id=handling.org_id, handling_id=handling.id, from_staff_id=staff_id, body=body,
        at=at, seq=(last or 0) + 1,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def open_questions(session: Session, handling: CaseHandling) -> list[CaseMessage]:
    return list(
        session.exec(
            select(CaseMessage)
            .where(
                CaseMessage.handling_id == handling.id,
                CaseMessage.from_staff_id.is_not(None),
                CaseMessage.answered.is_(False),
            )
            .order_by(CaseMessage.seq)
        ).all()
    )


def messages(session: Session, handling: CaseHandling) -> list[CaseMessage]:
    return list(
        session.exec(
            select(CaseMessage)
            .where(CaseMessage.handling_id == handling.id)
            .order_by(CaseMessage.seq)
        ).all()
    )


def log_tip_view(session: Session, org_id: int, reference: str, actor: str, now: datetime) -> None:
    session.add(TipAccessLog(org_id=org_id, reference=reference, actor=actor, at=now))


def access_log(session: Session, org_id: int, limit: int = 50) -> list[TipAccessLog]:
    return list(
        session.exec(
            select(TipAccessLog)
            .where(TipAccessLog.org_id == org_id)
            .order_by(TipAccessLog.id.desc())
            .limit(limit)
        ).all()
    )


def rate(
    session: Session, org_id: int, complaint_id: int, score: int, comment: str, now: datetime
) -> Rating | None:
    """Keep the first rating of a complaint; a second one is ignored (None)."""
    taken = session.exec(select(Rating).where(Rating.complaint_id == complaint_id)).first()
    if taken is not None:
        return None
    row = Rating(org_id=org_id, complaint_id=complaint_id, score=score, comment=comment, at=now)
    session.add(row)
    session.flush()
    return row


def rating_of(session: Session, complaint_id: int) -> Rating | None:
    return session.exec(select(Rating).where(Rating.complaint_id == complaint_id)).first()
