"""One turn of conversation: global words first, then the current step of the current flow.

The router does the generic checks so that steps stay short: a typed number picks the
prompt's button, a button from an old message is answered as stale, the wrong kind of input
gets the step's question again, and the draft is untouched by all of these.
"""

from __future__ import annotations

from dataclasses import replace

from handlers import menu
from handlers.cases.codes import find_code, is_only_code
from handlers.citizen import complaint as complaint_flow
from handlers.citizen import (
    erasure,
    followup,
    free_text,
    intake_offer,
    lookup,
    tracking,
    typed_answers,
)
from handlers.citizen import tip as tip_flow
from handlers.flow import Ctx, Expect, Flow, Step, finish
from handlers.plan import flow as plan_flow
from handlers.staff import chat as staff_flow
from handlers.types import Choice, EventKind, Notice, Reply, Turn
from messages import common
from messages.contact import contact_and_process
from messages.format import arabic_digits
from storage import org_settings

FLOWS: dict[str, Flow] = {
    flow.name: flow
    for flow in (
        complaint_flow.FLOW,
        tip_flow.FLOW,
        tracking.FLOW,
        plan_flow.FLOW,
        followup.FLOW,
        intake_offer.FLOW,
    )
}
STARTS = {
    menu.COMPLAINT: complaint_flow.FLOW,
    menu.TIP: tip_flow.FLOW,
    menu.TRACK: tracking.FLOW,
    menu.PLAN: plan_flow.FLOW,
}


def position(ctx: Ctx) -> tuple[Flow | None, Step | None]:
    """The flow and step the conversation is in (None, None at the main menu)."""
    flow = FLOWS.get(ctx.flow or "")
    return flow, flow.steps.get(ctx.step or "") if flow else None


def route(ctx: Ctx) -> Turn:
    turn = _route(ctx)
    if turn.again_at_menu:  # the step passed the event back: take it as if at the main menu
        return _route(replace(ctx, flow=None, step=None, data={}))
    return turn


def _route(ctx: Ctx) -> Turn:
    event = ctx.event
    flow, step = position(ctx)
    if event.kind is EventKind.UNFOLLOW:
        return _leave(ctx, flow)
    if event.kind is EventKind.FOLLOW:
        return _leave(ctx, flow, Reply(common.welcome(ctx.org.name)), menu.main_menu())
    # Staff commands and steps, and rating buttons sent by the outbox; None: a citizen turn.
    special = staff_flow.intercept(ctx) or (followup.intercept(ctx) if event.is_private else None)
    if special is not None:
        return special
    if not event.is_private:
        return _unchanged(ctx, Reply(common.GROUP_CHAT))
    if event.choice == tip_flow.CODE_SAVED:  # the tip code's message: any time, no state
        return _unchanged(ctx, tip_flow.code_saved(ctx))
    if erasure.handles(event.choice):  # PDPA: the button carries the complaint's code
        return _unchanged(ctx, erasure.answer(ctx))
    # Built once per turn: a prompt may query the database (the plan flow's do).
    prompt = step.prompt(ctx) if step else menu.main_menu()
    ctx = _resolve_typed_choice(ctx, prompt)
    event = ctx.event
    word = (event.text or "").strip().lower()
    has_draft = flow is not None and flow.discard is not None
    if event.choice == menu.MENU or word in common.WORDS_MENU:
        greeting = common.welcome(ctx.org.name) if word == "/start" else common.MAIN_MENU
        dropped = [Reply(common.CANCELLED)] if has_draft else []  # say the draft is gone
        return _leave(ctx, flow, *dropped, menu.main_menu(greeting))
    if event.choice == menu.CANCEL or word in common.WORDS_CANCEL:
        if has_draft:
            return _leave(ctx, flow, Reply(common.CANCELLED), menu.main_menu())
        note = [] if ctx.flow else [Reply(common.NOTHING_TO_CANCEL)]  # browsing: just leave
        return _leave(ctx, flow, *note, menu.main_menu())
    if word in common.WORDS_HELP:
        return _unchanged(ctx, Reply(common.HELP), prompt)
    if event.kind is EventKind.UNSUPPORTED:
        return _unchanged(ctx, Reply(common.UNSUPPORTED_MESSAGE), prompt)
    if flow is None or step is None:
        return _idle(ctx)
    return _in_step(ctx, flow, step, prompt)


def _in_step(ctx: Ctx, flow: Flow, step: Step, prompt: Reply) -> Turn:
    event = ctx.event
    if event.text and is_only_code(event.text) and flow is not tracking.FLOW:
        found = find_code(event.text)
        if found is not None:  # a code pasted mid-flow: answer it, keep the draft
            return _unchanged(ctx, lookup.answer(ctx, found), prompt)
    if flow is plan_flow.FLOW and event.text and event.choice is None:
        switched = free_text.switch_from_plan(ctx, event.text)
        if switched is not None:  # "อยากร้องเรียน…" while browsing: that intake instead
            return switched
    if event.choice is not None:
        if event.choice not in {c.code for c in prompt.choices}:
            stale = common.STALE_MENU_IN_FLOW if event.choice in STARTS else common.STALE_BUTTON
            return _unchanged(ctx, Reply(stale, notice=Notice.STALE), prompt)
        return step.handle(ctx)
    if step.expect == Expect.MEDIA:
        return step.handle(ctx)
    if step.expect == Expect.TEXT and event.text is not None:
        _drop_files(ctx)  # a caption was sent with a photo: the text is what this step wants
        return step.handle(ctx)
    if step.expect == Expect.CHOICE and event.text:  # say what was read, then ask again
        return _unchanged(ctx, Reply(typed_answers.unclear(event.text)), prompt)
    problem = common.NEED_TEXT if step.expect == Expect.TEXT else common.NEED_CHOICE
    return _unchanged(ctx, Reply(problem), prompt)


def _idle(ctx: Ctx) -> Turn:
    """At the main menu: start a service, answer a code, or show the menu."""
    event = ctx.event
    if event.choice is not None:
        return _start(ctx, event.choice)
    _drop_files(ctx)
    if event.text:
        found = find_code(event.text)
        if found is not None:
            return followup.answer_code(ctx, found)
        return free_text.answer_at_menu(ctx, event.text)
    return finish(Reply(common.NEED_CHOICE), menu.main_menu())


def _start(ctx: Ctx, choice: str) -> Turn:
    flow = STARTS.get(choice)
    if flow is not None:
        return flow.start(ctx)
    if choice == menu.CONTACT:
        org = ctx.org
        rules = org_settings.get(ctx.session, org.id)
        text = contact_and_process(
            org.name, org.phone, org.website, org.address, days=rules.deadline_days,
            office_hours=rules.office_hours, channels=rules.contact_channels,
        )  # fmt: skip
        return finish(Reply(text), menu.main_menu())
    return finish(Reply(common.STALE_BUTTON, notice=Notice.STALE), menu.main_menu())


def _resolve_typed_choice(ctx: Ctx, prompt: Reply) -> Ctx:
    """Typing a button's number or label is the same as pressing it.

    A bare small number picks a button even in a text step: no real answer is just "1".
    """
    event = ctx.event
    if event.text is None or event.choice is not None:
        return ctx
    picked = _picked_choice(event.text, prompt)
    if picked is None:
        return ctx
    return replace(ctx, event=replace(event, text=None, choice=picked.code))


def _picked_choice(text: str, prompt: Reply) -> Choice | None:
    """An exact button label picks that button; so does `2` (or `๒`) for the second.

    Then what clearly means one button: a close misspelling of its label, or a typed
    "no"/"yes" where the step has such a button (`handlers.citizen.typed_answers`).
    """
    stripped = text.strip()
    for choice in prompt.choices:
        if stripped == choice.label:
            return choice
    word = arabic_digits(stripped).rstrip(".)")
    if word.isdigit() and 1 <= int(word) <= len(prompt.choices):
        return prompt.choices[int(word) - 1]
    return typed_answers.meant_choice(stripped, prompt.choices)


def _unchanged(ctx: Ctx, *replies: Reply) -> Turn:
    """Answer without touching the conversation's flow, step or draft."""
    _drop_files(ctx)
    return Turn(list(replies), ctx.flow, ctx.step, ctx.data)


def _leave(ctx: Ctx, flow: Flow | None, *replies: Reply) -> Turn:
    """Abandon the current flow, if any, deleting what its draft collected."""
    if flow is not None and flow.discard is not None:
        flow.discard(ctx)
    _drop_files(ctx)
    return finish(*replies)


def _drop_files(ctx: Ctx) -> None:
    """Files the adapter saved for this event that no step took: delete them now."""
    for attachment in ctx.event.attachments:
        ctx.deps.files.delete(attachment.key)
