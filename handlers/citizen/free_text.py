"""Free text at the main menu (or while browsing the plan): do what the citizen asked for.

`handlers.understand.reading` reads the text; this module turns the reading into the next turn:
an offer to file a complaint or a tip, the plan's answer, the tracking question, the
contact details, help, a greeting, or the menu with one line on what the bot can do.
"""

from __future__ import annotations

from sqlmodel import Session

from handlers import menu
from handlers.citizen import complaint as complaint_flow
from handlers.citizen import intake_offer, tracking
from handlers.citizen import tip as tip_flow
from handlers.flow import Ctx, finish
from handlers.plan import answers as plan_answers
from handlers.plan import flow as plan_flow
from handlers.plan.search import STRONG, AnswerKind
from handlers.types import Reply, Turn
from handlers.understand.reading import PlanHint, Reading, understand
from messages import common
from messages.contact import contact_and_process
from messages.understand import replies as msg
from storage.plan import repo as plan_repo

SWITCH_FROM_PLAN_AT = 0.5  # confidence a complaint or tip needs to leave the plan browser


def plan_hint(session: Session, org_id: int) -> PlanHint | None:
    """How surely a text names an item or มิติ of the organisation's newest plan."""
    plan = plan_repo.latest_plan(session, org_id)
    if plan is None:
        return None
    period = plan_repo.latest_period(session, plan) or (plan.year_from, 12)
    views = plan_repo.item_views(session, plan, *period)
    index = plan_flow.plan_index(views)
    dimensions = plan_answers.dimension_names(plan)

    def hint(text: str) -> float:
        if plan_answers.dimension_named(text, dimensions) is not None:
            return 1.0
        result = index.search(text)
        if result.kind is AnswerKind.DIMENSION:
            return 1.0
        if result.kind in (AnswerKind.ITEM, AnswerKind.CHOOSE) and result.ranked:
            best = result.ranked[0][1]
            return best if best >= STRONG else 0.0
        return 0.0

    return PlanHint.of(hint, [*(v.title for v in views), *dimensions.values()])


def read(ctx: Ctx, text: str) -> Reading:
    """The reading the conversation acts on (the same as `complaintbot understand --org`)."""
    return understand(text, plan_hint(ctx.session, ctx.org_id))


def answer_at_menu(ctx: Ctx, text: str) -> Turn:
    reading = read(ctx, text)
    if reading.ask is not None:  # a costly pair: ask which before anything starts
        return _ask_which(ctx, text, reading)
    if reading.intent == "complaint":
        return _complaint(ctx, text, reading)
    if reading.intent == "tip":
        return _tip(ctx, text, reading)
    if reading.intent == "plan":
        answered = plan_flow.answer_plan_question(ctx, text, always=True)
        if answered is not None:
            return answered
        return finish(Reply(msg.CAN_DO), menu.main_menu())
    if reading.intent == "track":
        turn = tracking.FLOW.start(ctx)
        return Turn([Reply(msg.TRACK_FIRST), *turn.replies], turn.flow, turn.step, turn.data)
    if reading.intent == "contact":
        org = ctx.org
        text = contact_and_process(org.name, org.phone, org.website, org.address)
        return finish(Reply(text), menu.main_menu())
    if reading.intent == "help":
        return finish(Reply(common.HELP), menu.main_menu())
    if reading.intent == "greeting":
        return finish(menu.main_menu(msg.THANKS if reading.thanks else msg.GREETING))
    return finish(menu.main_menu(msg.CAN_DO))


def switch_from_plan(ctx: Ctx, text: str) -> Turn | None:
    """While browsing the plan: a text that is clearly a complaint or a tip starts its intake."""
    hint = plan_hint(ctx.session, ctx.org_id)
    if hint is not None and hint(text) > 0:  # names an item ("…จัดซื้อจัดจ้าง"): a plan question
        return None
    reading = understand(text)
    if reading.intent not in ("complaint", "tip") or reading.confidence < SWITCH_FROM_PLAN_AT:
        return None
    if reading.ask is not None:  # a tip or a complaint: ask which, as at the menu
        return _ask_which(ctx, text, reading)
    if reading.intent == "tip":
        return _tip(ctx, text, reading)
    return _complaint(ctx, text, reading)


def _ask_which(ctx: Ctx, text: str, reading: Reading) -> Turn:
    other = "plan" if "plan" in (reading.intent, reading.ask) else "complaint"
    return intake_offer.offer_which(
        ctx, text.strip(), other, reading.tip_category, reading.complaint_category
    )


def _complaint(ctx: Ctx, text: str, reading: Reading) -> Turn:
    if not reading.has_story:  # "อยากร้องเรียน": nothing to keep, start from the category
        return complaint_flow.FLOW.start(ctx)
    return intake_offer.offer_complaint(ctx, text.strip(), reading.category or "other")


def _tip(ctx: Ctx, text: str, reading: Reading) -> Turn:
    if not reading.has_story:  # "แจ้งเบาะแสทุจริต": the tip service as the menu starts it
        return tip_flow.FLOW.start(ctx)
    return intake_offer.offer_tip(
        ctx, text.strip(), reading.category or "other", reading.complaint_category
    )
