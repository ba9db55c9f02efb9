"""A complaint's photos, the only case files staff may receive by signed link.

LINE shows an officer a photo only from an HTTPS URL. A link to a case file is honoured only
while the key belongs to a photo of a complaint: never a tip's evidence, never a document, and
no longer once retention or an erasure has removed the photo.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, select

from storage.models import ComplaintFile


def complaint_photos(session: Session, keys: Iterable[str]) -> dict[str, ComplaintFile]:
    """The complaint photos among `keys`, by key (one query for a whole turn's replies)."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = session.exec(
        select(ComplaintFile).where(ComplaintFile.key.in_(wanted), ComplaintFile.kind == "photo")
    ).all()
    return {row.key: row for row in rows}
