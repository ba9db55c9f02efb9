"""Limits on what one chat, and one organisation, may file and upload in a day.

One chat that files without limit spends the LINE account's push quota, buries real cases
and fills the disk, and an anonymous sender cannot be blocked. So cases (tips and complaints
together) and files are counted per chat and per organisation per day, and an
organisation's case files have a storage quota (their sizes summed from the rows, so it
holds wherever the files are kept: on disk or in the database). A chat's counter is keyed
by a keyed hash of the chat *and the day* (`storage.crypto`): it names no chat, cannot be
followed from one day to the next, and holds no time finer than the day; past days'
counters are deleted by the `intake-prune` job. Refusals are counted per organisation and
kind (`limit_hit`), never who.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, delete, select

from messages.format import local_date
from storage import crypto, org_settings
from storage.models import ComplaintFile, TipFile
from storage.protect.models import IntakeCount, LimitHit

FILING, UPLOAD = "filing", "upload"
KEEP_HITS = timedelta(days=400)  # refusal counts: a year of them for the officers


class Limit(StrEnum):
    FILINGS_PER_CHAT = "filings-chat"
    FILINGS_PER_ORG = "filings-org"
    UPLOADS_PER_CHAT = "uploads-chat"
    DISK = "disk"


def _chat_scope(what: str, channel: str, chat_id: str, day: date) -> str:
    data = f"{channel}\0{chat_id}\0{day.isoformat()}".encode()
    return f"{what}:chat:" + crypto.keyring().mac(data, "intake")[:48]


def _org_scope(what: str, org_id: int) -> str:
    return f"{what}:org:{org_id}"


def _counts(session: Session, scopes: list[str], day: date) -> dict[str, int]:
    rows = session.exec(
        select(IntakeCount).where(IntakeCount.scope.in_(scopes), IntakeCount.day == day)
    ).all()
    return {row.scope: row.count for row in rows}


def _add(session: Session, scopes: list[str], day: date) -> None:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for scope in scopes:
        stmt = insert(IntakeCount).values(scope=scope, day=day, count=1)
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=["scope", "day"], set_={"count": IntakeCount.count + 1}
            )
        )


def filing_refused(
    session: Session, org_id: int, channel: str, chat_id: str, now: datetime
) -> tuple[Limit, int] | None:
    """The limit (and its size) a new case from this chat would pass today, or None."""
    day, rules = local_date(now), org_settings.limits(session, org_id)
    chat, org = _chat_scope(FILING, channel, chat_id, day), _org_scope(FILING, org_id)
    counts = _counts(session, [chat, org], day)
    if counts.get(chat, 0) >= rules.filings_per_chat:
        return Limit.FILINGS_PER_CHAT, rules.filings_per_chat
    if counts.get(org, 0) >= rules.filings_per_org:
        return Limit.FILINGS_PER_ORG, rules.filings_per_org
    return None


def count_filing(session: Session, org_id: int, channel: str, chat_id: str, now: datetime) -> None:
    """One case filed: counted for the chat and the organisation, in the filing transaction."""
    day = local_date(now)
    _add(session, [_chat_scope(FILING, channel, chat_id, day), _org_scope(FILING, org_id)], day)


def disk_used(session: Session, org_id: int) -> int:
    """Bytes of the organisation's case files (complaints and tips)."""
    total = 0
    for model in (ComplaintFile, TipFile):
        query = select(sa.func.coalesce(sa.func.sum(model.size), 0)).where(model.org_id == org_id)
        total += session.exec(query).one()
    return total


def upload_refused(
    session: Session, org_id: int, channel: str, chat_id: str, now: datetime, size: int
) -> tuple[Limit, int] | None:
    """The limit a file of `size` bytes from this chat would pass now, or None."""
    day, rules = local_date(now), org_settings.limits(session, org_id)
    chat = _chat_scope(UPLOAD, channel, chat_id, day)
    if _counts(session, [chat], day).get(chat, 0) >= rules.uploads_per_chat:
        return Limit.UPLOADS_PER_CHAT, rules.uploads_per_chat
    if disk_used(session, org_id) + size > rules.disk_quota_mb * 1024 * 1024:
        return Limit.DISK, rules.disk_quota_mb
    return None


def count_upload(session: Session, channel: str, chat_id: str, now: datetime) -> None:
    day = local_date(now)
    _add(session, [_chat_scope(UPLOAD, channel, chat_id, day)], day)


def record_hit(session: Session, org_id: int, limit: Limit, now: datetime) -> None:
    """Count one refusal for the officers: the organisation, the day and the limit only."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(LimitHit).values(org_id=org_id, day=local_date(now), kind=limit.value, hits=1)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["org_id", "day", "kind"], set_={"hits": LimitHit.hits + 1}
        )
    )


def hits(session: Session, org_id: int, since: date) -> dict[Limit, int]:
    """Refusals per limit from `since` (a day) on."""
    rows = session.exec(
        select(LimitHit.kind, sa.func.sum(LimitHit.hits))
        .where(LimitHit.org_id == org_id, LimitHit.day >= since)
        .group_by(LimitHit.kind)
    ).all()
    return {Limit(kind): int(total) for kind, total in rows}


def prune(session: Session, now: datetime) -> int:
    """Delete the counters of past days (a daily job) and refusal counts older than a year."""
    today = local_date(now)
    gone = session.exec(delete(IntakeCount).where(IntakeCount.day < today)).rowcount
    session.exec(delete(LimitHit).where(LimitHit.day < today - KEEP_HITS))
    return gone
