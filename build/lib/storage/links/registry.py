"""Registering files that may be shared by signed link, and finding them again."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, select

from storage.links.models import SharedFile


def register(
    session: Session, *, key: str, org_id: int, name: str, mime: str, now: datetime
) -> SharedFile:
    """Mark a stored file as one that staff may receive by link (statistics only)."""
    row = SharedFile(key=key, org_id=org_id, name=name, mime=mime, created_at=now)
    session.add(row)
    session.flush()
    return row


def find(session: Session, key: str) -> SharedFile | None:
    return session.get(SharedFile, key)


def registered(session: Session, keys: Iterable[str]) -> dict[str, SharedFile]:
    """The registered files among `keys`, by key (one query for a whole turn's replies)."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = session.exec(select(SharedFile).where(SharedFile.key.in_(wanted))).all()
    return {row.key: row for row in rows}


def forget_older_than(session: Session, cutoff: datetime) -> list[str]:
    """Unregister the files registered before `cutoff`; returns their keys, for the caller to
    delete from the file store once this transaction commits."""
    rows = session.exec(select(SharedFile).where(SharedFile.created_at < cutoff)).all()
    for row in rows:
        session.delete(row)
    return [row.key for row in rows]
