"""The plan-status service: the summary, browsing by มิติ, and questions in plain Thai.

Every step also accepts a typed question, so a citizen who knows what they want never has
to click through. The flow's data remembers only the plan, period and what is on screen.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, OrderedDict
from dataclasses import replace
from enum import StrEnum
from threading import Lock

from handlers import menu
from handlers.flow import Ctx, Expect, Flow, Step, ask, finish
from handlers.plan import answers as plan_answers
from handlers.plan.search import STRONG, SURE, AnswerKind, Doc, PlanIndex, SearchResult, normalise
from handlers.types import Choice, Reply, Turn
from messages.format import fiscal_year_be, local_date
from messages.plan import answers as answers_msg
from messages.plan import status as msg
from messages.plan import vocab as plan_vocab
from storage.plan import questions as asked
from storage.plan import repo as plan_repo
from storage.plan.models import Plan, PlanItem, PlanStatus

NAME = "plan"
UNSURE = 0.45  # a single match weaker than this is offered as the nearest, not asserted
PAGE_SIZE = 9  # with next, previous, มิติ and menu: 13 buttons, LINE's quick-reply limit

ASK = "plan:ask"
HOME = "plan:home"
SUMMARY = "plan:sum"
NEXT = "plan:next"
PREV = "plan:prev"
LIST = "plan:list"


def dim_code(dimension: int) -> str:
    return f"plan:dim:{dimension}"


def item_code(item_id: int) -> str:
    return f"plan:item:{item_id}"


class S(StrEnum):
    HOME = "home"  # summary shown, choose a มิติ
    DIMENSION = "dim"  # items of one มิติ, a page at a time
    ITEM = "item"  # one item's card
    QUESTION = "ask"  # waiting for a typed question
    CHOOSE = "choose"  # several items matched a question
    LIST = "list"  # items of a status, or budgeted with nothing spent, a page at a time


# --- the plan and its period ------------------------------------------------------------


def _plan(ctx: Ctx) -> Plan | None:
    plan_id = ctx.data.get("plan")
    if plan_id is not None:
        plan = ctx.session.get(Plan, plan_id)
        if plan is not None and plan.org_id == ctx.org_id:
            return plan
    return plan_repo.latest_plan(ctx.session, ctx.org_id)


def current_period(ctx: Ctx, plan: Plan) -> tuple[int, int]:
    """The newest reported (fiscal year, round); with no report yet, this fiscal year."""
    reported = plan_repo.latest_period(ctx.session, plan)
    if reported is not None:
        return reported
    today = local_date(ctx.now())
    year = min(max(fiscal_year_be(today), plan.year_from), plan.year_to)
    first_half = today.month >= 10 or today.month <= 3  # October–March: the 6-month round
    return year, 6 if first_half and year == fiscal_year_be(today) else 12


def _period(ctx: Ctx, plan: Plan) -> tuple[int, int]:
    """The period this conversation is looking at (the current one if it has none)."""
    if "fy" in ctx.data and "round" in ctx.data:
        return int(ctx.data["fy"]), int(ctx.data["round"])
    return current_period(ctx, plan)


def _fresh_data(ctx: Ctx, plan: Plan) -> dict:
    fiscal_year, round_ = current_period(ctx, plan)
    return {"plan": plan.id, "fy": fiscal_year, "round": round_}


def _dimension_name(plan: Plan, dimension: int) -> str:
    """The plan's own name for a มิติ; the current national framework's when it has none."""
    named = (plan.dimension_names or {}).get(str(dimension))
    return str(named or msg.DEFAULT_DIMENSION_NAMES.get(dimension, ""))


# --- search index, cached per plan content ---------------------------------------------

_INDEX_CACHE: OrderedDict[str, PlanIndex] = OrderedDict()
_INDEX_LOCK = Lock()


def plan_index(views: list[plan_repo.ItemView]) -> PlanIndex:
    """The index for these items; rebuilt only when a title or result changes."""
    docs = [Doc(v.id, v.number, v.dimension, v.title, v.result) for v in views]
    key = hashlib.sha256(repr(docs).encode()).hexdigest()
    with _INDEX_LOCK:
        index = _INDEX_CACHE.get(key)
        if index is not None:
            _INDEX_CACHE.move_to_end(key)
            return index
    index = PlanIndex.build(docs)
    with _INDEX_LOCK:
        _INDEX_CACHE[key] = index
        while len(_INDEX_CACHE) > 32:
            _INDEX_CACHE.popitem(last=False)
    return index


# --- replies ------------------------------------------------------------------------------


def summary_text(summary: plan_repo.PlanSummary) -> str:
    """The summary as the reports print it; also what `complaintbot plan summary` shows."""
    plan = summary.plan
    dimensions = [
        (d, _dimension_name(plan, d), t.total, t.counts[PlanStatus.DONE])
        for d, t in summary.by_dimension.items()
    ]
    overall = summary.overall
    return msg.summary_text(
        title=plan.title,
        fiscal_year=summary.fiscal_year,
        round_=summary.round,
        total=overall.total,
        counts={status.value: n for status, n in overall.counts.items()},
        budget=overall.budget,
        spent=overall.spent,
        spent_percent=plan_repo.spent_percent(overall.spent, overall.budget),
        as_of=summary.as_of,
        dimensions=dimensions,
    )


def summary_reply(ctx: Ctx, plan: Plan, fiscal_year: int, round_: int) -> Reply:
    return Reply(summary_text(plan_repo.summary(ctx.session, plan, fiscal_year, round_)))


def card_reply(ctx: Ctx, plan: Plan, item: PlanItem, *buttons: Choice) -> Reply:
    fiscal_year, round_ = _period(ctx, plan)
    view = plan_repo.item_view(ctx.session, item, fiscal_year, round_)
    text = msg.item_card(
        number=view.number,
        title=view.title,
        dimension=view.dimension,
        dimension_name=_dimension_name(plan, view.dimension),
        kind=view.kind,
        unit=view.unit,
        status=view.status.value,
        fiscal_year=fiscal_year,
        round_=round_,
        budget=view.budget,
        spent=view.spent,
        spent_percent=plan_repo.spent_percent(view.spent, view.budget),
        result=view.result,
        as_of=view.as_of,
    )
    return Reply(text, buttons)


def _dimension_choices(ctx: Ctx, plan: Plan) -> list[Choice]:
    counts = Counter(i.dimension for i in plan_repo.items(ctx.session, plan))
    return [Choice(msg.dimension_label(d, n), dim_code(d)) for d, n in sorted(counts.items())]


# --- steps --------------------------------------------------------------------------------


def start(ctx: Ctx) -> Turn:
    """The summary for the newest period, then the มิติ to browse."""
    plan = plan_repo.latest_plan(ctx.session, ctx.org_id)
    if plan is None:
        return finish(Reply(msg.NO_PLAN), menu.main_menu())
    data = _fresh_data(ctx, plan)
    probe = _with_data(ctx, data)
    return ask(probe, S.HOME, FLOW, summary_reply(probe, plan, data["fy"], data["round"]))


def prompt_home(ctx: Ctx) -> Reply:
    plan = _plan(ctx)
    if plan is None:
        return Reply(msg.NO_PLAN, (menu.MENU_CHOICE,))
    choices = _dimension_choices(ctx, plan)
    choices += [Choice(msg.BUTTON_ASK, ASK), menu.MENU_CHOICE]
    return Reply(msg.CHOOSE_DIMENSION, tuple(choices))


def on_home(ctx: Ctx) -> Turn:
    return _common(ctx) or ask(ctx, S.HOME, FLOW)


def prompt_dimension(ctx: Ctx) -> Reply:
    plan = _plan(ctx)
    assert plan is not None
    dimension = int(ctx.data.get("dim", 1))
    items = [i for i in plan_repo.items(ctx.session, plan) if i.dimension == dimension]
    if not items:
        return Reply(
            msg.DIMENSION_EMPTY.format(dimension=dimension),
            (Choice(msg.BUTTON_DIMENSIONS, HOME), menu.MENU_CHOICE),
        )
    pages = max(1, math.ceil(len(items) / PAGE_SIZE))
    page = min(max(int(ctx.data.get("page", 0)), 0), pages - 1)
    shown = items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    choices = [Choice(msg.item_label(i.number, i.title), item_code(i.id)) for i in shown]
    if page + 1 < pages:
        choices.append(Choice(msg.BUTTON_NEXT, NEXT))
    if page > 0:
        choices.append(Choice(msg.BUTTON_PREV, PREV))
    choices += [Choice(msg.BUTTON_DIMENSIONS, HOME), menu.MENU_CHOICE]
    name = _dimension_name(plan, dimension)
    lines = [f"{i.number}. {msg.shorten(i.title, 120)}" for i in shown]
    header = msg.DIMENSION_HEADER.format(
        dimension=dimension, name=name, count=len(items), page=page + 1, pages=pages
    )
    return Reply("\n".join([header, *lines]), tuple(choices))


def on_dimension(ctx: Ctx) -> Turn:
    choice = ctx.event.choice
    if choice in (NEXT, PREV):
        step = 1 if choice == NEXT else -1
        data = {**ctx.data, "page": int(ctx.data.get("page", 0)) + step}
        return ask(ctx, S.DIMENSION, FLOW, data=data)
    return _common(ctx) or ask(ctx, S.DIMENSION, FLOW)


def prompt_item(ctx: Ctx) -> Reply:
    plan = _plan(ctx)
    item = ctx.session.get(PlanItem, ctx.data.get("item"))
    assert plan is not None
    if item is None or item.plan_id != plan.id:
        return Reply(msg.CHOOSE_DIMENSION, (Choice(msg.BUTTON_DIMENSIONS, HOME), menu.MENU_CHOICE))
    buttons = []
    if "dim" in ctx.data:
        buttons.append(Choice(msg.BUTTON_BACK_TO_LIST, LIST))
    buttons += [
        Choice(msg.BUTTON_DIMENSIONS, HOME),
        Choice(msg.BUTTON_ASK, ASK),
        Choice(msg.BUTTON_SUMMARY, SUMMARY),
        menu.MENU_CHOICE,
    ]
    return card_reply(ctx, plan, item, *buttons)


def on_item(ctx: Ctx) -> Turn:
    if ctx.event.choice == LIST:
        return ask(ctx, S.DIMENSION, FLOW)
    return _common(ctx) or ask(ctx, S.ITEM, FLOW)


def prompt_question(ctx: Ctx) -> Reply:
    buttons = (Choice(msg.BUTTON_DIMENSIONS, HOME), Choice(msg.BUTTON_SUMMARY, SUMMARY))
    return Reply(msg.ASK_QUESTION, (*buttons, menu.MENU_CHOICE))


def on_question(ctx: Ctx) -> Turn:
    return _common(ctx) or ask(ctx, S.QUESTION, FLOW)


def prompt_choose(ctx: Ctx) -> Reply:
    """Items to pick from: close matches, the nearest to a name not in the plan, or the
    largest item(s) just answered (then `header` is that answer)."""
    candidates = [ctx.session.get(PlanItem, i) for i in ctx.data.get("candidates", [])]
    choices = [Choice(msg.item_label(i.number, i.title), item_code(i.id)) for i in candidates if i]
    choices += [Choice(msg.BUTTON_DIMENSIONS, HOME), menu.MENU_CHOICE]
    if ctx.data.get("header"):
        return Reply(ctx.data["header"], tuple(choices))
    lines = [f"{i.number}. {msg.shorten(i.title, 120)}" for i in candidates if i]
    return Reply("\n".join([msg.SEVERAL_FOUND, *lines]), tuple(choices))


def on_choose(ctx: Ctx) -> Turn:
    return _common(ctx) or ask(ctx, S.CHOOSE, FLOW)


def prompt_list(ctx: Ctx) -> Reply:
    plan = _plan(ctx)
    assert plan is not None
    views = plan_repo.item_views(ctx.session, plan, *_period(ctx, plan))
    listing, number = ctx.data.get("listing", {}), int(ctx.data.get("page", 0))
    shown = plan_answers.page(views, plan, listing, number)
    pairs = zip(shown.item_ids, shown.labels, strict=True)
    choices = [Choice(label, item_code(i)) for i, label in pairs]
    if shown.page + 1 < shown.pages:
        choices.append(Choice(msg.BUTTON_NEXT, NEXT))
    if shown.page > 0:
        choices.append(Choice(msg.BUTTON_PREV, PREV))
    choices += [Choice(msg.BUTTON_DIMENSIONS, HOME), menu.MENU_CHOICE]
    return Reply(shown.text, tuple(choices))


def on_list(ctx: Ctx) -> Turn:
    choice = ctx.event.choice
    if choice in (NEXT, PREV):
        step = 1 if choice == NEXT else -1
        data = {**ctx.data, "page": int(ctx.data.get("page", 0)) + step}
        return ask(ctx, S.LIST, FLOW, data=data)
    return _common(ctx) or ask(ctx, S.LIST, FLOW)


def _common(ctx: Ctx) -> Turn | None:
    """Buttons and typed questions that mean the same in every step."""
    choice = ctx.event.choice
    data = {k: v for k, v in ctx.data.items() if k in ("plan", "fy", "round", "dim", "page")}
    if choice == HOME:
        return ask(ctx, S.HOME, FLOW, data=_base(ctx.data))
    if choice == SUMMARY:
        plan = _plan(ctx)
        assert plan is not None
        reply = summary_reply(ctx, plan, *_period(ctx, plan))
        return ask(ctx, S.HOME, FLOW, reply, data=_base(ctx.data))
    if choice == ASK:
        return ask(ctx, S.QUESTION, FLOW, data=_base(ctx.data))
    if choice and choice.startswith("plan:dim:"):
        dimension = int(choice.rsplit(":", 1)[1])
        return ask(ctx, S.DIMENSION, FLOW, data={**_base(ctx.data), "dim": dimension, "page": 0})
    if choice and choice.startswith("plan:item:"):
        return ask(ctx, S.ITEM, FLOW, data={**data, "item": int(choice.rsplit(":", 1)[1])})
    if ctx.event.text:
        plan = _plan(ctx)
        if plan is None:
            return None
        return _answer(ctx, plan, ctx.event.text, _base(ctx.data), always=True)
    return None


def _base(data: dict) -> dict:
    return {k: data[k] for k in ("plan", "fy", "round") if k in data}


def _with_data(ctx: Ctx, data: dict) -> Ctx:
    return replace(ctx, flow=NAME, data=data)


def _answer(ctx: Ctx, plan: Plan, text: str, data: dict, *, always: bool) -> Turn | None:
    """Turn a search result into the next step; None when it is not about the plan."""
    if "fy" not in data or "round" not in data or data.get("plan") != plan.id:
        data = {**data, **_fresh_data(ctx, plan)}
    probe = _with_data(ctx, data)
    views = plan_repo.item_views(ctx.session, plan, data["fy"], data["round"])
    dimensions = plan_answers.dimension_names(plan)
    query = plan_answers.parse(text, dimensions)
    if query is not None:  # counts, money per มิติ, the largest, lists: computed
        return _combined(probe, plan, query, views, data)
    result: SearchResult = plan_index(views).search(text)
    named = plan_answers.dimension_named(text, dimensions)
    if named is not None and not (result.kind is AnswerKind.ITEM and result.ranked[0][1] >= SURE):
        result = SearchResult(AnswerKind.DIMENSION, dimension=named, about_plan=True)
    if not always and not _about_plan(text, result):
        return None
    weak = result.kind is AnswerKind.ITEM and result.ranked and result.ranked[0][1] < UNSURE
    if result.kind is AnswerKind.ITEM and result.top is not None and not weak:
        _note(ctx, result.top, text)
        return ask(probe, S.ITEM, FLOW, data={**data, "item": result.top})
    if result.kind is AnswerKind.CHOOSE:
        candidates = [item_id for item_id, _ in result.ranked]
        return ask(probe, S.CHOOSE, FLOW, data={**data, "candidates": candidates})
    if result.kind is AnswerKind.SUMMARY:
        return ask(probe, S.HOME, FLOW, summary_reply(probe, plan, data["fy"], data["round"]))
    if result.kind is AnswerKind.DIMENSION and result.dimension is not None:
        return ask(probe, S.DIMENSION, FLOW, data={**data, "dim": result.dimension, "page": 0})
    question = msg.shorten(text, 60)
    _note(ctx, None, text)  # below: no item matched
    if result.missing:  # not in this plan: say so, with what the plan has
        summary = plan_repo.summarise(views, plan, data["fy"], data["round"])
        dimensions = [
            (msg.dimension_title(d, _dimension_name(plan, d)), t.total)
            for d, t in summary.by_dimension.items()
        ]
        period = msg.period(data["fy"], data["round"])
        reply = answers_msg.not_in_plan(question, period, summary.overall.total, dimensions)
        return ask(probe, S.HOME, FLOW, Reply(reply))
    if result.ranked:  # a weak match: say it is not found, and offer the nearest items
        nearest = [item_id for item_id, _ in result.ranked[:3]]
        header = answers_msg.NEAREST.format(question=question)
        return ask(probe, S.CHOOSE, FLOW, data={**data, "candidates": nearest, "header": header})
    return ask(probe, S.HOME, FLOW, Reply(msg.NOT_FOUND.format(question=question)))


def _note(ctx: Ctx, item_id: int | None, text: str) -> None:
    """Keep the question for the plan officers' page: the day and what it matched only."""
    asked.record(ctx.session, org_id=ctx.org_id, day=local_date(ctx.now()), item_id=item_id,
                 text=text)  # fmt: skip


def _combined(probe: Ctx, plan: Plan, query: plan_answers.Query, views: list, data: dict) -> Turn:
    answered = plan_answers.answer(query, views, plan, data["fy"], data["round"])
    if answered.listing is not None:
        data = {**data, "listing": answered.listing, "page": 0}
        return ask(probe, S.LIST, FLOW, data=data)
    if answered.items:
        data = {**data, "candidates": list(answered.items), "header": answered.text}
        return ask(probe, S.CHOOSE, FLOW, data=data)
    return ask(probe, S.HOME, FLOW, Reply(answered.text), data=data)


def _about_plan(text: str, result: SearchResult) -> bool:
    """Free text at the main menu: answer only what is clearly a question about the plan."""
    norm = normalise(text)
    if plan_vocab.INTAKE_CUES.search(norm) and not plan_vocab.PLAN_WORDS.search(norm):
        return False  # "อยากร้องเรียน…", "แจ้งเบาะแส…": the complaint and tip services
    if result.kind in (AnswerKind.SUMMARY, AnswerKind.DIMENSION, AnswerKind.NONE):
        # A plan question with no matching item is still answered: "not found" + มิติ list.
        return result.about_plan
    if result.kind in (AnswerKind.ITEM, AnswerKind.CHOOSE):
        best = result.ranked[0][1] if result.ranked else 0.0
        return best >= STRONG or (result.about_plan and best >= 0.45)
    return False


def answer_plan_question(ctx: Ctx, text: str, *, always: bool = False) -> Turn | None:
    """For the router: free text typed at the main menu, answered if it is about the plan.

    Returns the turn into this flow (card, choice, summary or มิติ list), or None when the
    text is not a plan question (the router then does what it would have done). With
    `always`, the text is known to be about the plan: it is answered even with no match.
    """
    plan = plan_repo.latest_plan(ctx.session, ctx.org_id)
    if plan is None or not text.strip():
        return None
    return _answer(ctx, plan, text, _fresh_data(ctx, plan), always=always)


FLOW = Flow(
    name=NAME,
    start=start,
    steps={
        S.HOME: Step(on_home, prompt_home, Expect.TEXT),
        S.DIMENSION: Step(on_dimension, prompt_dimension, Expect.TEXT),
        S.ITEM: Step(on_item, prompt_item, Expect.TEXT),
        S.QUESTION: Step(on_question, prompt_question, Expect.TEXT),
        S.CHOOSE: Step(on_choose, prompt_choose, Expect.TEXT),
        S.LIST: Step(on_list, prompt_list, Expect.TEXT),
    },
)
