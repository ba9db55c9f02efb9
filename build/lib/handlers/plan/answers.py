"""Plan questions that combine the data: counts per status, money per มิติ, the largest item,
lists of items by status or "budgeted but nothing spent".

`parse` recognises such a question (None for the rest, which the item search answers);
`answer` computes it from the items' views for one period. Both are pure functions, so the
plan flow and the evaluation in tests/test_plan_eval.py run exactly the same code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from handlers.plan.search import normalise
from messages.plan import answer_vocab as vocab
from messages.plan import answers as msg
from messages.plan import status as plan_msg
from messages.plan import vocab as plan_vocab
from storage.plan import repo as plan_repo
from storage.plan.models import Plan

PAGE_SIZE = 9  # as the มิติ lists: with next, previous, มิติ and menu, LINE's 13 buttons


@dataclass(frozen=True)
class Query:
    kind: str  # "count", "money", "largest" or "list"
    dimension: int | None = None
    statuses: tuple[str, ...] = ()
    unspent: bool = False  # budgeted but nothing spent
    measure: str = "budget"  # for "largest": "budget" or "spent"

    def listing(self) -> dict:
        """What the plan flow keeps in the conversation to page through a list."""
        return {"statuses": list(self.statuses), "unspent": self.unspent, "dim": self.dimension}


@dataclass(frozen=True)
class Answer:
    kind: str
    text: str
    items: tuple[int, ...] = ()  # item ids to offer as buttons
    listing: dict | None = None  # a list to page through (the plan flow's list step)


@dataclass(frozen=True)
class Page:
    text: str
    item_ids: tuple[int, ...] = field(default_factory=tuple)
    labels: tuple[str, ...] = ()
    page: int = 0
    pages: int = 1


def parse(question: str) -> Query | None:
    norm = normalise(question)
    found = plan_vocab.DIMENSION.search(norm)
    dimension = int(found.group(1)) if found and 1 <= int(found.group(1)) <= 4 else None
    statuses: tuple[str, ...] = ()
    for pattern, codes in vocab.STATUS:
        if pattern.search(norm):
            statuses = codes
            break
    unspent = bool(vocab.UNSPENT.search(norm))
    if vocab.LARGEST.search(norm) and vocab.MONEY.search(norm):
        measure = "spent" if vocab.SPENDING.search(norm) else "budget"
        return Query("largest", dimension, measure=measure)
    money = vocab.MONEY.search(norm) and not statuses and not unspent
    if money and (dimension is not None or vocab.TOTAL.search(norm)):
        return Query("money", dimension)
    if vocab.HOW_MANY.search(norm):
        if unspent:
            return Query("count", dimension, unspent=True)
        if statuses or dimension is not None:
            return Query("count", dimension, statuses)
        return None  # "how many items" for the whole plan: the summary answers it
    if (unspent or statuses) and vocab.WHICH.search(norm):
        return Query("list", dimension, () if unspent else statuses, unspent)
    return None


def dimension_name(plan: Plan, dimension: int) -> str:
    named = (plan.dimension_names or {}).get(str(dimension))
    return str(named or plan_msg.DEFAULT_DIMENSION_NAMES.get(dimension, ""))


def _scope(plan: Plan, dimension: int | None) -> str:
    name = dimension_name(plan, dimension) if dimension is not None else ""
    return msg.scope(dimension, name)


def _in_scope(views: list[plan_repo.ItemView], dimension: int | None) -> list[plan_repo.ItemView]:
    return [v for v in views if dimension is None or v.dimension == dimension]


def selected(views: list[plan_repo.ItemView], listing: dict) -> list[plan_repo.ItemView]:
    """The items a list shows, in plan order."""
    chosen = _in_scope(views, listing.get("dim"))
    if listing.get("unspent"):
        return [v for v in chosen if v.budget > 0 and v.spent == 0]
    statuses = set(listing.get("statuses") or ())
    return [v for v in chosen if v.status.value in statuses]


def answer(
    query: Query, views: list[plan_repo.ItemView], plan: Plan, fiscal_year: int, round_: int
) -> Answer:
    period = plan_msg.period(fiscal_year, round_)
    where = _scope(plan, query.dimension)
    scoped = _in_scope(views, query.dimension)
    if query.kind == "count":
        if query.unspent:
            count = len(selected(views, query.listing()))
            what = msg.list_what([], True)
            return Answer("count", msg.count_unspent(where, period, what, count))
        tally = plan_repo.summarise(scoped, plan, fiscal_year, round_).overall
        by_status = {s.value: n for s, n in tally.counts.items()}
        if not query.statuses:
            return Answer("count", msg.counts(where, period, tally.total, by_status))
        count = sum(by_status[s] for s in query.statuses)
        text = msg.count_of(where, period, list(query.statuses), count, tally.total)
        return Answer("count", text)
    if query.kind == "money":
        return Answer("money", _money(query, views, plan, fiscal_year, round_, where, period))
    if query.kind == "largest":
        return _largest(query, scoped, where, period)
    items = selected(views, query.listing())
    if not items:
        what = msg.list_what(list(query.statuses), query.unspent)
        return Answer("list", msg.LIST_EMPTY.format(what=what, where=where, period=period))
    first = page(views, plan, query.listing(), 0)
    return Answer("list", first.text, listing=query.listing())


def _money(
    query: Query, views: list[plan_repo.ItemView], plan: Plan, fiscal_year: int, round_: int,
    where: str, period: str,
) -> str:  # fmt: skip
    summary = plan_repo.summarise(views, plan, fiscal_year, round_)
    dimension = query.dimension
    tally = summary.overall if dimension is None else summary.by_dimension.get(dimension)
    if tally is None:
        return plan_msg.DIMENSION_EMPTY.format(dimension=query.dimension)
    share = plan_repo.spent_percent(tally.spent, tally.budget)
    text = msg.money(where, period, tally.budget, tally.spent, share)
    if query.dimension is None:  # the whole plan: each มิติ as well
        rows = [
            (_scope(plan, d), t.budget, t.spent, plan_repo.spent_percent(t.spent, t.budget))
            for d, t in summary.by_dimension.items()
        ]
        text += "\n" + msg.per_dimension_money(rows)
    return text


def _largest(query: Query, scoped: list[plan_repo.ItemView], where: str, period: str) -> Answer:
    amount_of = (lambda v: v.spent) if query.measure == "spent" else (lambda v: v.budget)
    top = max((amount_of(v) for v in scoped), default=Decimal(0))
    if top <= 0:
        empty = msg.NONE_SPENT if query.measure == "spent" else msg.NONE_BUDGETED
        return Answer("largest", empty.format(where=where, period=period))
    tied = [v for v in scoped if amount_of(v) == top]
    text = msg.largest(where, period, query.measure, top, [(v.number, v.title) for v in tied])
    return Answer("largest", text, items=tuple(v.id for v in tied))


def page(views: list[plan_repo.ItemView], plan: Plan, listing: dict, number: int) -> Page:
    """One page of a list, numbered from 0, clamped to the pages there are."""
    items = selected(views, listing)
    pages = max(1, math.ceil(len(items) / PAGE_SIZE))
    number = min(max(number, 0), pages - 1)
    shown = items[number * PAGE_SIZE : (number + 1) * PAGE_SIZE]
    what = msg.list_what(list(listing.get("statuses") or ()), bool(listing.get("unspent")))
    header = msg.list_header(what, _scope(plan, listing.get("dim")), len(items), number + 1, pages)
    lines = [f"{v.number}. {plan_msg.shorten(v.title, 120)}" for v in shown]
    return Page(
        "\n".join([header, *lines]),
        tuple(v.id for v in shown),
        tuple(plan_msg.item_label(v.number, v.title) for v in shown),
        number,
        pages,
    )
