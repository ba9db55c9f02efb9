"""What citizens ask about the plan, kept for plan officers: per question, the day it was
asked and the item it matched, or its words when no item did. Never who asked."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from storage.plan.models import PlanItem, PlanQuestion

MAX_TEXT = 200


@dataclass(frozen=True)
class AskedItem:
    number: int
    title: str
    count: int


@dataclass(frozen=True)
class Asked:
    """The questions of a span of days: how often each item was asked about, and the
    questions no item matched (newest day first, repeats counted)."""

    items: list[AskedItem]
    unmatched: list[tuple[str, int]]
    total: int


def record(
    session: Session, *, org_id: int, day: date, item_id: int | None, text: str = ""
) -> None:
    """One question; `text` is kept only when it matched no item."""
    words = "" if item_id is not None else " ".join(text.split())[:MAX_TEXT]
    session.add(PlanQuestion(org_id=org_id, day=day, item_id=item_id, text=words))


def asked_between(session: Session, org_id: int, first: date, last: date) -> Asked:
    rows = session.exec(
        select(PlanQuestion.item_id, PlanQuestion.text).where(
            PlanQuestion.org_id == org_id, col(PlanQuestion.day) >= first,
            col(PlanQuestion.day) <= last,
        ).order_by(col(PlanQuestion.day).desc(), col(PlanQuestion.id).desc())
    ).all()  # fmt: skip
    per_item = Counter(item_id for item_id, _ in rows if item_id is not None)
    unmatched = Counter(text for item_id, text in rows if item_id is None and text)
    found = {
        item.id: item
        for item in session.exec(select(PlanItem).where(col(PlanItem.id).in_(list(per_item))))
    }
    items = [
        AskedItem(found[item_id].number, found[item_id].title, n)
        for item_id, n in per_item.most_common()
        if item_id in found
    ]
    return Asked(items, list(unmatched.items()), len(rows))
