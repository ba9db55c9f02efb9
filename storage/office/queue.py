"""The office's queue as a query: a stream's cases of one organisation with their handling
rows, filtered, counted by status, sorted by due date and paged. Tips are never searched by
content (it is sealed); their reference is what staff type."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, or_
from sqlmodel import Session, select

from storage.models import Complaint, Tip
from storage.staff import case_handling
from storage.staff.models import CaseHandling

PAGE_SIZE = 25


@dataclass
class Filters:
    status: str = ""
    category: str = ""
    channel: str = ""
    assignee: int | None = None
    unit: str = ""
    overdue: bool = False
    received_from: datetime | None = None  # UTC bounds of the Bangkok days typed
    received_to: datetime | None = None
    search: str = ""
    newest_due_first: bool = False
    page: int = 1


@dataclass
class Page:
    rows: list[tuple[Complaint | Tip, CaseHandling]]
    total: int
    counts: dict[str, int] = field(default_factory=dict)
    page: int = 1
    pages: int = 1


def _model(stream: str):
    return Tip if stream == "tip" else Complaint


def _filtered(stream: str, org_id: int, filters: Filters, today: date, *, status: bool):
    model = _model(stream)
    handling = CaseHandling
    query = (
        select(model, handling)
        .join(
            handling,
            (handling.case_id == model.id) & (handling.stream == stream),
            isouter=True,
        )
        .where(model.org_id == org_id)
    )
    if status and filters.status:
        query = query.where(model.status == filters.status)
    if filters.category:
        query = query.where(model.category == filters.category)
    if filters.channel and stream != "tip":
        query = query.where(Complaint.channel == filters.channel)
    if filters.assignee is not None:
        query = query.where(handling.assignee_id == filters.assignee)
    if filters.unit:
        query = query.where(handling.unit == filters.unit)
    if filters.overdue:
        query = query.where(model.due_on < today, model.status.in_(("received", "in_progress")))
    if filters.received_from is not None:
        query = query.where(model.received_at >= filters.received_from)
    if filters.received_to is not None:
        query = query.where(model.received_at < filters.received_to)
    words = filters.search.strip()
    if words:
        digits = "".join(ch for ch in words if ch.isdigit())
        if stream == "tip":
            query = query.where(handling.reference.contains(words, autoescape=True))
        else:
            conditions = [Complaint.description.icontains(words, autoescape=True)]
            if len(digits) >= 4:
                conditions.append(Complaint.code.contains(digits))
            query = query.where(or_(*conditions))
    return query


def cases(
    session: Session, stream: str, org_id: int, filters: Filters, today: date,
    *, paged: bool = True,
) -> Page:  # fmt: skip
    """One page of the stream's cases that pass `filters` (all of them when not `paged`)."""
    model = _model(stream)
    query = _filtered(stream, org_id, filters, today, status=True)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    due = model.due_on.desc() if filters.newest_due_first else model.due_on.asc()
    query = query.order_by(due, model.id)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, filters.page), pages)
    if paged:
        query = query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    rows = []
    for case, handling in session.exec(query).all():
        if handling is None:  # filed before the staff side existed
            handling = case_handling.ensure(session, org_id, stream, case.id)
        rows.append((case, handling))
    counted = _filtered(stream, org_id, filters, today, status=False).subquery()
    counts = dict(
        session.exec(select(counted.c.status, func.count()).group_by(counted.c.status)).all()
    )
    return Page(rows, total, counts, page, pages)
