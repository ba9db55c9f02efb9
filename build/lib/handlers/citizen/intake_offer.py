"""Offers made when a citizen types a complaint or a tip at the main menu instead of pressing.

A complaint is offered for filing with the typed text as its description and a proposed
category (one tap accepts or changes it), then the complaint flow goes on from the next
missing step. Corruption is never filed as an ordinary complaint on its own: the tip
channel's notice comes first and the citizen chooses; the text moves into a tip only if
they say so, and choosing the ordinary channel is answered with what that channel records.
"""

from __future__ import annotations

from enum import StrEnum

from handlers import menu
from handlers.cases.lifecycle import ComplaintCategory
from handlers.citizen import complaint as complaint_flow
from handlers.citizen import tip as tip_flow
from handlers.flow import Ctx, Flow, Step, ask, finish, retry
from handlers.types import Choice, Reply, Turn
from messages import common
from messages.citizen import complaint as complaint_msg
from messages.citizen import tip as tip_msg
from messages.understand import replies as msg

NAME = "offer"

ACCEPT = "o:yes"
TIP_KEEP, TIP_FRESH, PLAIN = "o:tip:keep", "o:tip:fresh", "o:plain"


class S(StrEnum):
    COMPLAINT = "complaint"  # proposed category: accept or change
    TIP = "tip"  # tip channel or ordinary complaint


def offer_complaint(ctx: Ctx, description: str, category: str, *before: Reply) -> Turn:
    data = {"description": description, "proposed": category}
    return ask(ctx, S.COMPLAINT, FLOW, *before, data=data)


def offer_tip(ctx: Ctx, text: str, tip_category: str, complaint_category: str) -> Turn:
    data = {"text": text, "tip_category": tip_category, "complaint_category": complaint_category}
    return ask(ctx, S.TIP, FLOW, Reply(tip_msg.NOTICE), data=data)


def prompt_complaint(ctx: Ctx) -> Reply:
    proposed = ctx.data["proposed"]
    label = complaint_msg.CATEGORY_LABELS[proposed]
    others = [
        Choice(complaint_msg.CATEGORY_LABELS[c], complaint_flow.CAT + c)
        for c in ComplaintCategory
        if c != proposed
    ]
    text = msg.propose_complaint(ctx.data["description"], label)
    return Reply(text, menu.with_cancel(Choice(msg.BUTTON_ACCEPT, ACCEPT), *others))


def on_complaint(ctx: Ctx) -> Turn:
    """The proposed category, or another: then the complaint goes on with the typed text."""
    choice = ctx.event.choice or ""
    if choice == ACCEPT:
        category = ctx.data["proposed"]
    elif choice.startswith(complaint_flow.CAT):
        category = choice.removeprefix(complaint_flow.CAT)
    else:
        return retry(ctx, FLOW, msg.not_a_choice(ctx.event.text or ""))
    data = {"category": category, "description": ctx.data["description"]}
    return complaint_flow.continue_after_category(ctx, data)


def prompt_tip(ctx: Ctx) -> Reply:
    choices = (
        Choice(msg.BUTTON_TIP_KEEP, TIP_KEEP),
        Choice(msg.BUTTON_TIP_FRESH, TIP_FRESH),
        Choice(msg.BUTTON_PLAIN, PLAIN),
    )
    return Reply(msg.TIP_OFFER, menu.with_cancel(*choices))


def on_tip(ctx: Ctx) -> Turn:
    """The citizen's choice of channel; the typed text goes only where they send it."""
    choice = ctx.event.choice
    if choice == TIP_KEEP:
        data = {"conduct": ctx.data["text"], "proposed": ctx.data["tip_category"]}
        return tip_flow.after_notice(ctx, data)
    if choice == TIP_FRESH:
        return tip_flow.after_notice(ctx, {})
    if choice == PLAIN:
        category = ctx.data.get("complaint_category") or ComplaintCategory.SERVICE.value
        if category == ComplaintCategory.OTHER.value:
            category = ComplaintCategory.SERVICE.value  # officials' conduct, most likely
        return offer_complaint(ctx, ctx.data["text"], category, Reply(msg.PLAIN_RECORDS_CHAT))
    return retry(ctx, FLOW, msg.not_a_choice(ctx.event.text or ""))


def _keeps_no_files(ctx: Ctx) -> None:
    """An offer holds only the typed text, which goes with the conversation's data."""


def leave(ctx: Ctx) -> Turn:
    return finish(Reply(common.CANCELLED), menu.main_menu())


FLOW = Flow(
    name=NAME,
    start=leave,
    steps={
        S.COMPLAINT: Step(on_complaint, prompt_complaint),
        S.TIP: Step(on_tip, prompt_tip),
    },
    discard=_keeps_no_files,
)
