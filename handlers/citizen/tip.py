"""Corruption tip (แจ้งเบาะแสการทุจริต): a separate, anonymous-by-default stream.

What the published complaint guidelines ask for: the conduct, who (optional), when and where
(optional), evidence (optional). The draft lives in the conversation only while the tip is
being written; a conversation back at the menu has no row, so the draft is deleted the
moment the tip is filed or dropped. `file_tip` takes no chat or user: nothing stored can
link the tip to a chat account.
"""

from __future__ import annotations

from enum import StrEnum

from handlers import inputs, menu
from handlers.cases import notices
from handlers.cases.codes import pretty
from handlers.cases.lifecycle import TipCategory, file_tip
from handlers.citizen import evidence, limits
from handlers.flow import Ctx, Expect, Flow, Step, ask, finish, retry, stay
from handlers.types import Choice, Reply, Turn
from handlers.understand.reading import understand
from messages import common
from messages.citizen import tip as msg
from messages.understand import replies as understand_msg
from storage.org_settings import peek_deadline_days

NAME = "tip"
MIN_CONDUCT = 10


class S(StrEnum):
    NOTICE = "notice"
    CATEGORY = "category"
    CONDUCT = "conduct"
    ACCUSED = "accused"
    WHEN_WHERE = "when_where"
    EVIDENCE = "evidence"
    IDENTITY = "identity"
    INFORMANT_NAME = "informant_name"
    INFORMANT_CONTACT = "informant_contact"
    CONFIRM = "confirm"


UNDERSTOOD = "t:ok"
CAT = "t:cat:"
SKIP = "t:skip"
EV_DONE, EV_SKIP = "t:ev:done", "t:ev:skip"
ANONYMOUS, IDENTIFIED = "t:anon", "t:named"
CONFIRM = "t:confirm"
CODE_SAVED = "t:saved"  # under the message showing the code; works from anywhere, no state


def start(ctx: Ctx) -> Turn:
    """Be honest about what anonymity means here before anything is typed (unless a daily
    limit says no new case can be filed today: then before anything is typed, too)."""
    refused = limits.filing_refused(ctx)
    if refused is not None:
        return finish(Reply(refused), menu.main_menu())
    return ask(ctx, S.NOTICE, FLOW, data={})


def prompt_notice(ctx: Ctx) -> Reply:
    return Reply(msg.NOTICE, menu.with_cancel(Choice(msg.BUTTON_UNDERSTOOD, UNDERSTOOD)))


def on_notice(ctx: Ctx) -> Turn:
    return ask(ctx, S.CATEGORY, FLOW)


def after_notice(ctx: Ctx, data: dict) -> Turn:
    """Into the tip flow with the notice already shown (offered from a typed text)."""
    return ask(ctx, S.CATEGORY, FLOW, data=data)


def prompt_category(ctx: Ctx) -> Reply:
    """The categories; one proposed from the citizen's own words comes first."""
    proposed = ctx.data.get("proposed")
    order = sorted(TipCategory, key=lambda c: c != proposed)
    choices = [Choice(msg.CATEGORY_LABELS[c], CAT + c) for c in order]
    return Reply(msg.ASK_CATEGORY, menu.with_cancel(*choices))


def on_category(ctx: Ctx) -> Turn:
    """Keep the category; the conduct next, unless it was typed before (then who).

    A typed text is read for its category ("ฮั้วประมูล" is procurement) and, when it tells
    what happened, kept as the conduct.
    """
    data = {k: v for k, v in ctx.data.items() if k != "proposed"}
    if ctx.event.choice is None:
        text = ctx.event.text or ""
        reading = understand(text)
        if reading.intent != "tip" or reading.category in (None, "other"):
            return retry(ctx, FLOW, understand_msg.not_a_choice(text))
        category = reading.category
        if reading.has_story:
            data["conduct"] = text
    else:
        category = ctx.event.choice.removeprefix(CAT)
    data["category"] = category
    checked = inputs.free_text(data.get("conduct"), minimum=MIN_CONDUCT)
    if checked.problem:
        data.pop("conduct", None)
        return ask(ctx, S.CONDUCT, FLOW, data=data)
    return ask(ctx, S.ACCUSED, FLOW, data={**data, "conduct": checked.value})


def prompt_conduct(ctx: Ctx) -> Reply:
    return Reply(msg.ASK_CONDUCT, menu.with_cancel())


def on_conduct(ctx: Ctx) -> Turn:
    checked = inputs.free_text(ctx.event.text, minimum=MIN_CONDUCT)
    if checked.problem:
        return retry(ctx, FLOW, checked.problem)
    return ask(ctx, S.ACCUSED, FLOW, data={**ctx.data, "conduct": checked.value})


def prompt_accused(ctx: Ctx) -> Reply:
    return Reply(msg.ASK_ACCUSED, menu.with_cancel(Choice(common.BUTTON_SKIP, SKIP)))


def _optional_text(ctx: Ctx, field: str, next_step: S) -> Turn:
    """An optional free-text answer: the skip button or a checked text."""
    if ctx.event.choice == SKIP:
        return ask(ctx, next_step, FLOW, data={**ctx.data, field: ""})
    checked = inputs.free_text(ctx.event.text)
    if checked.problem:
        return retry(ctx, FLOW, checked.problem)
    return ask(ctx, next_step, FLOW, data={**ctx.data, field: checked.value})


def on_accused(ctx: Ctx) -> Turn:
    return _optional_text(ctx, "accused", S.WHEN_WHERE)


def prompt_when_where(ctx: Ctx) -> Reply:
    return Reply(msg.ASK_WHEN_WHERE, menu.with_cancel(Choice(common.BUTTON_SKIP, SKIP)))


def on_when_where(ctx: Ctx) -> Turn:
    return _optional_text(ctx, "when_where", S.EVIDENCE)


def prompt_evidence(ctx: Ctx) -> Reply:
    if ctx.data.get("evidence") or ctx.data.get("place_added"):
        first = Choice(common.BUTTON_DONE, EV_DONE)
    else:
        first = Choice(common.BUTTON_SKIP, EV_SKIP)
    return Reply(msg.ASK_EVIDENCE, menu.with_cancel(first))


def on_evidence(ctx: Ctx) -> Turn:
    """Collect evidence files. A shared phone location is refused: it may locate the informant."""
    event = ctx.event
    if event.choice in (EV_DONE, EV_SKIP):
        return ask(ctx, S.IDENTITY, FLOW)
    data, notes = evidence.take_attachments(
        ctx, ctx.data, msg.EVIDENCE_FILE_SAVED, msg.EVIDENCE_FULL
    )
    if event.location:
        notes.append(msg.LOCATION_NOT_STORED)
    if event.text and not notes:  # a place in words: kept with "when and where"
        checked = inputs.free_text(event.text, maximum=500)
        if checked.problem:
            return retry(ctx, FLOW, checked.problem)
        when_where = " ".join(p for p in (data.get("when_where", ""), checked.value) if p)
        data = {**data, "when_where": when_where, "place_added": True}
        notes.append(understand_msg.place_saved(checked.value))
    if not notes:
        notes.append(msg.EVIDENCE_NEED_MEDIA)
    return stay(ctx, FLOW, notes, data)


def prompt_identity(ctx: Ctx) -> Reply:
    return Reply(
        msg.ASK_IDENTITY,
        menu.with_cancel(
            Choice(msg.BUTTON_ANONYMOUS, ANONYMOUS), Choice(msg.BUTTON_IDENTIFIED, IDENTIFIED)
        ),
    )


def on_identity(ctx: Ctx) -> Turn:
    if ctx.event.choice == IDENTIFIED:
        return ask(ctx, S.INFORMANT_NAME, FLOW)
    return ask(ctx, S.CONFIRM, FLOW, data={**ctx.data, "name": "", "contact": ""})


def prompt_informant_name(ctx: Ctx) -> Reply:
    return Reply(msg.ASK_INFORMANT_NAME, menu.with_cancel())


def on_informant_name(ctx: Ctx) -> Turn:
    checked = inputs.person_name(ctx.event.text, common.NEED_WORDS)
    if checked.problem:
        return retry(ctx, FLOW, checked.problem)
    return ask(ctx, S.INFORMANT_CONTACT, FLOW, data={**ctx.data, "name": checked.value})


def prompt_informant_contact(ctx: Ctx) -> Reply:
    return Reply(msg.ASK_INFORMANT_CONTACT, menu.with_cancel())


def on_informant_contact(ctx: Ctx) -> Turn:
    checked = inputs.phone_or_email(ctx.event.text, msg.CONTACT_INVALID)
    if checked.problem:
        return retry(ctx, FLOW, checked.problem)
    return ask(ctx, S.CONFIRM, FLOW, data={**ctx.data, "contact": checked.value})


def prompt_confirm(ctx: Ctx) -> Reply:
    d = ctx.data
    text = msg.summary(
        d["category"], d["conduct"], d.get("accused", ""), d.get("when_where", ""),
        len(d.get("evidence", [])), d.get("name", ""),
    )  # fmt: skip
    return Reply(text, menu.with_cancel(Choice(common.BUTTON_CONFIRM, CONFIRM)))


def on_confirm(ctx: Ctx) -> Turn:
    """File the tip; its code is shown this once and never again in this chat."""
    refused = limits.refused_at_confirm(ctx)
    if refused is not None:  # the draft stays: nothing typed is lost
        return retry(ctx, FLOW, refused)
    d = ctx.data
    tip, code = file_tip(
        ctx.session,
        org_id=ctx.org_id,
        now=ctx.now(),
        category=d["category"],
        conduct=d["conduct"],
        accused=d.get("accused", ""),
        when_where=d.get("when_where", ""),
        evidence=evidence.drafts(d),
        informant_name=d.get("name", ""),
        informant_contact=d.get("contact", ""),
        channel=ctx.event.channel.value,  # the kind only (line, telegram), for statistics
    )
    notices.on_tip_filed(ctx.session, ctx.org_id, tip, ctx.now())
    days = peek_deadline_days(ctx.session, ctx.org_id)
    saved = (Choice(msg.BUTTON_CODE_SAVED, CODE_SAVED),)
    return finish(Reply(msg.filed(pretty(code), tip.due_on, days), saved), menu.main_menu())


def code_saved(ctx: Ctx) -> Reply:
    """The informant has the code: delete the bot's message that showed it, where possible.

    The pressed button carries that message's id (Telegram), so nothing had to be stored
    to remember it; LINE cannot delete a sent message, so the informant is told how to.
    """
    ref = ctx.event.message_ref
    if ref:
        return Reply(msg.CODE_MESSAGE_DELETED, delete_ref=ref)
    return Reply(msg.CODE_MESSAGE_STAYS)


FLOW = Flow(
    name=NAME,
    start=start,
    steps={
        S.NOTICE: Step(on_notice, prompt_notice),
        S.CATEGORY: Step(on_category, prompt_category, Expect.TEXT),
        S.CONDUCT: Step(on_conduct, prompt_conduct, Expect.TEXT),
        S.ACCUSED: Step(on_accused, prompt_accused, Expect.TEXT),
        S.WHEN_WHERE: Step(on_when_where, prompt_when_where, Expect.TEXT),
        S.EVIDENCE: Step(on_evidence, prompt_evidence, Expect.MEDIA),
        S.IDENTITY: Step(on_identity, prompt_identity),
        S.INFORMANT_NAME: Step(on_informant_name, prompt_informant_name, Expect.TEXT),
        S.INFORMANT_CONTACT: Step(on_informant_contact, prompt_informant_contact, Expect.TEXT),
        S.CONFIRM: Step(on_confirm, prompt_confirm),
    },
    discard=evidence.discard_files,
    scrub_on_exit=True,
)
