"""Plan questions that combine the data: counts per status and per มิติ, money per มิติ, the
largest and smallest item by budget or spending, lists of items by status, "budgeted but
nothing spent" or "something spent" (with their figures).

`parse` recognises such a question (None for the rest, which the item search answers);
`answer` computes it from the items' views for one period. Both are pure functions, so the
plan flow and the evaluation in tests/test_plan_eval.py run exactly the same code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from difflib import SequenceMatcher

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
    kind: str  # "count", "money", "largest", "smallest" or "list"
    dimension: int | None = None
    statuses: tuple[str, ...] = ()
    unspent: bool = False  # budgeted but nothing spent
    measure: str = "budget"  # for "largest" and "smallest": "budget" or "spent"
    spent: bool = False  # something spent
    per_dimension: bool = False  # for "count": each มิติ on its own line

    def listing(self) -> dict:
        """What the plan flow keeps in the conversation to page through a list."""
        return {
            "statuses": list(self.statuses), "unspent": self.unspent, "spent": self.spent,
            "dim": self.dimension,
        }  # fmt: skip


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


def dimension_names(plan: Plan) -> dict[int, str]:
    """Each มิติ's name in the plan (the national framework's where the plan has none)."""
    return {d: dimension_name(plan, d) for d in plan_msg.DEFAULT_DIMENSION_NAMES}


def dimension_named(question: str, names: dict[int, str]) -> int | None:
    """The มิติ a question names in words ("มิติสังคมที่ไม่ทนต่อการทุจริต"), if one."""
    norm = normalise(question)
    says_dimension = bool(plan_vocab.DIMENSION_WORD.search(norm))
    best, chosen = 0, None
    for dimension, name in names.items():
        core = plan_vocab.DIMENSION_NAME_NOISE.sub("", normalise(name))
        if not core:
            continue
        match = SequenceMatcher(None, norm, core, autojunk=False).find_longest_match()
        enough = DIMENSION_NAMED_WITH_WORD if says_dimension else max(16, 0.6 * len(core))
        if match.size >= enough and match.size > best:
            best, chosen = match.size, dimension
    return chosen


DIMENSION_NAMED_WITH_WORD = 8  # letters of a มิติ's name after "มิติ"; more without it


def parse(question: str, dimensions: dict[int, str] | None = None) -> Query | None:
    norm = normalise(question)
    found = plan_vocab.DIMENSION.search(norm)
    dimension = int(found.group(1)) if found and 1 <= int(found.group(1)) <= 4 else None
    if dimension is None and dimensions:
        dimension = dimension_named(question, dimensions)
    statuses: tuple[str, ...] = ()
    for pattern, codes in vocab.STATUS:
        if pattern.search(norm):
            statuses = codes
            break
    unspent = bool(vocab.UNSPENT.search(norm))
    spent = not unspent and bool(vocab.SPENT_SOME.search(norm))
    per_dimension = dimension is None and bool(vocab.PER_DIMENSION.search(norm))
    for extreme, pattern in (("largest", vocab.LARGEST), ("smallest", vocab.SMALLEST)):
        if pattern.search(norm) and vocab.MONEY.search(norm):
            measure = "spent" if vocab.SPENDING.search(norm) else "budget"
            return Query(extreme, dimension, measure=measure)
    money = vocab.MONEY.search(norm) and not statuses and not unspent and not spent
    if money and (dimension is not None or per_dimension or vocab.TOTAL.search(norm)):
        return Query("money", dimension)
    if vocab.HOW_MANY.search(norm):
        if unspent or spent:
            return Query("count", dimension, unspent=unspent, spent=spent)
        if per_dimension:
            return Query("count", None, statuses, per_dimension=True)
        if statuses or dimension is not None:
            return Query("count", dimension, statuses)
        return None  # "how many items" for the whole plan: the summary answers it
    if (unspent or spent or statuses) and vocab.WHICH.search(norm):
        return Query("list", dimension, () if unspent or spent else statuses, unspent, spent=spent)
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
    if listing.get("spent"):
        return [v for v in chosen if v.spent > 0]
    statuses = set(listing.get("statuses") or ())
    return [v for v in chosen if v.status.value in statuses]


def answer(
    query: Query, views: list[plan_repo.ItemView], plan: Plan, fiscal_year: int, round_: int
) -> Answer:
    period = plan_msg.period(fiscal_year, round_)
    where = _scope(plan, query.dimension)
    scoped = _in_scope(views, query.dimension)
    if query.kind == "count":
        if query.unspent or query.spent:
            chosen = selected(views, query.listing())
            what = msg.list_what([], query.unspent, query.spent)
            text = msg.count_unspent(where, period, what, len(chosen))
            if query.spent:  # few, and the question is about money: name them with figures
                text += "\n" + "\n".join(_with_figures(v) for v in chosen)
            return Answer("count", text, items=tuple(v.id for v in chosen[:PAGE_SIZE]))
        if query.per_dimension:
            return Answer("count", _per_dimension(query, views, plan, fiscal_year, round_, period))
        tally = plan_repo.summarise(scoped, plan, fiscal_year, round_).overall
        by_status = {s.value: n for s, n in tally.counts.items()}
        if not query.statuses:
            return Answer("count", msg.counts(where, period, tally.total, by_status))
        count = sum(by_status[s] for s in query.statuses)
        text = msg.count_of(where, period, list(query.statuses), count, tally.total)
        return Answer("count", text)
    if query.kind == "money":
        return Answer("money", _money(query, views, plan, fiscal_year, round_, where, period))
    if query.kind in ("largest", "smallest"):
        return _extreme(query, scoped, where, period)
    items = selected(views, query.listing())
    if not items:
        what = msg.list_what(list(query.statuses), query.unspent, query.spent)
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


def _extreme(query: Query, scoped: list[plan_repo.ItemView], where: str, period: str) -> Answer:
    """The largest or the smallest item by budget or spending; the smallest among the items
    with any (an item with no budget is not the one with the smallest budget)."""
    amount_of = (lambda v: v.spent) if query.measure == "spent" else (lambda v: v.budget)
    amounts = [amount_of(v) for v in scoped if amount_of(v) > 0]
    if not amounts:
        empty = msg.NONE_SPENT if query.measure == "spent" else msg.NONE_BUDGETED
        return Answer(query.kind, empty.format(where=where, period=period))
    chosen = max(amounts) if query.kind == "largest" else min(amounts)
    tied = [v for v in scoped if amount_of(v) == chosen]
    what = query.measure if query.kind == "largest" else f"{query.measure}_least"
    text = msg.largest(where, period, what, chosen, [(v.number, v.title) for v in tied])
    return Answer(query.kind, text, items=tuple(v.id for v in tied))


def _with_figures(view: plan_repo.ItemView) -> str:
    return msg.item_with_figures(view.number, view.title, view.budget, view.spent)


def _per_dimension(
    query: Query, views: list[plan_repo.ItemView], plan: Plan, fiscal_year: int, round_: int,
    period: str,
) -> str:  # fmt: skip
    """Each มิติ's count (of a status, if asked), with its budget and spending."""
    summary = plan_repo.summarise(views, plan, fiscal_year, round_)
    rows = []
    for dimension, tally in summary.by_dimension.items():
        by_status = {s.value: n for s, n in tally.counts.items()}
        count = sum(by_status[s] for s in query.statuses) if query.statuses else tally.total
        rows.append((_scope(plan, dimension), count, tally.total, tally.budget, tally.spent))
    return msg.per_dimension_counts(period, list(query.statuses), rows)


def page(views: list[plan_repo.ItemView], plan: Plan, listing: dict, number: int) -> Page:
    """One page of a list, numbered from 0, clamped to the pages there are."""
    items = selected(views, listing)
    pages = max(1, math.ceil(len(items) / PAGE_SIZE))
    number = min(max(number, 0), pages - 1)
    shown = items[number * PAGE_SIZE : (number + 1) * PAGE_SIZE]
    money = bool(listing.get("unspent") or listing.get("spent"))
    what = msg.list_what(
        list(listing.get("statuses") or ()),
        bool(listing.get("unspent")),
        bool(money and listing.get("spent")),
    )
    header = msg.list_header(what, _scope(plan, listing.get("dim")), len(items), number + 1, pages)
    if money:  # a list chosen by money shows the money
        lines = [_with_figures(v) for v in shown]
    else:
        lines = [f"{v.number}. {plan_msg.shorten(v.title, 120)}" for v in shown]
    return Page(
        "\n".join([header, *lines]),
        tuple(v.id for v in shown),
        tuple(plan_msg.item_label(v.number, v.title) for v in shown),
        number,
        pages,
    )
