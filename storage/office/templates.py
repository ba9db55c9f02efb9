"""Per-organisation response templates, edited by an administrator in the office."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.office.models import ResponseTemplate


def listing(session: Session, org_id: int) -> list[ResponseTemplate]:
    return list(
        session.exec(
            select(ResponseTemplate)
            .where(ResponseTemplate.org_id == org_id)
            .order_by(ResponseTemplate.title, ResponseTemplate.id)
        ).all()
    )


def add(session: Session, org_id: int, title: str, body: str) -> ResponseTemplate:
    row = ResponseTemplate(org_id=org_id, title=title[:255], body=body)
    session.add(row)
    session.flush()
    return row


def remove(session: Session, org_id: int, template_id: int) -> bool:
    row = session.get(ResponseTemplate, template_id)
    if row is None or row.org_id != org_id:
        return False
    session.delete(row)
    return True
