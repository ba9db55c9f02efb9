"""General complaint (ร้องเรียน/ร้องทุกข์): category, description, evidence, contact, confirm."""

from __future__ import annotations

from enum import StrEnum

from handlers import inputs, menu
from handlers.cases import notices
from handlers.cases.codes import pretty
from handlers.cases.lifecycle import ComplaintCategory, file_complaint
from handlers.citizen import evidence, limits
from handlers.flow import Ctx, Expect, Flow, Step, ask, finish, retry, stay
from handlers.types import Choice, Reply, Turn
from handlers.understand.reading import understand
from messages import common
from messages.citizen import complaint as msg
from messages.citizen import followup
from messages.understand import replies as understand_msg
from storage.org_settings import peek_deadline_days

NAME = "complaint"
MIN_DESCRIPTION = 10


class S(StrEnum):
    CATEGORY = "category"
    DESCRIPTION = "description"
    EVIDENCE = "evidence"
    CONTACT = "contact"
    NAME = "name"
    PHONE = "phone"
    CONFIRM = "confirm"


CAT = "c:cat:"
EV_DONE, EV_SKIP = "c:ev:done", "c:ev:skip"
CONTACT_YES, CONTACT_NO = "c:ct:yes", "c:ct:no"
CONFIRM = "c:confirm"
CONFIRM_NOTIFY = "c:confirm:notify"  # file, and tell me of progress in this chat


def start(ctx: Ctx) -> Turn:
    """Open the flow with an empty draft (unless a daily limit says no more today)."""
    refused = limits.filing_refused(ctx)
    if refused is not None:
        return finish(Reply(refused), menu.main_menu())
    return ask(ctx, S.CATEGORY, FLOW, data={})


def prompt_category(ctx: Ctx) -> Reply:
    choices = [Choice(msg.CATEGORY_LABELS[c], CAT + c) for c in ComplaintCategory]
    return Reply(msg.ASK_CATEGORY, menu.with_cancel(*choices))


def on_category(ctx: Ctx) -> Turn:
    """Keep the category and ask for the story.

    A typed text instead of a button is read for its category ("ไฟถนนดับ" is a road); a
    text that tells the story is kept as the description too.
    """
    if ctx.event.choice is None:
        text = ctx.event.text or ""
        reading = understand(text)
        if reading.intent != "complaint" or reading.category in (None, "other"):
            return retry(ctx, FLOW, understand_msg.not_a_choice(text))
        data = {**ctx.data, "category": reading.category}
        if reading.has_story:
            data["description"] = text
        return continue_after_category(ctx, data)
    category = ctx.event.choice.removeprefix(CAT)
    return continue_after_category(ctx, {**ctx.data, "category": category})


def continue_after_category(ctx: Ctx, data: dict) -> Turn:
    """The next missing step once the category is known: the story, unless it was typed."""
    checked = inputs.free_text(data.get("description"), minimum=MIN_DESCRIPTION)
    if checked.problem:
        data = {k: v for k, v in data.items() if k != "description"}
        return ask(ctx, S.DESCRIPTION, FLOW, data=data)
    return ask(ctx, S.EVIDENCE, FLOW, data={**data, "description": checked.value})


def prompt_description(ctx: Ctx) -> Reply:
    return Reply(msg.ASK_DESCRIPTION, menu.with_cancel())


def on_description(ctx: Ctx) -> Turn:
    """Accept a description with real words in it, of a sensible length."""
    checked = inputs.free_text(ctx.event.text, minimum=MIN_DESCRIPTION)
    if checked.problem:
        return retry(ctx, FLOW, checked.problem)
    return ask(ctx, S.EVIDENCE, FLOW, data={**ctx.data, "description": checked.value})


def prompt_evidence(ctx: Ctx) -> Reply:
    has_any = ctx.data.get("evidence") or ctx.data.get("location") or ctx.data.get("place")
    first = Choice(common.BUTTON_DONE, EV_DONE) if has_any else Choice(common.BUTTON_SKIP, EV_SKIP)
    return Reply(msg.ASK_EVIDENCE, menu.with_cancel(first))


def on_evidence(ctx: Ctx) -> Turn:
    """Collect photos and a location until the citizen says done (or skips)."""
    event = ctx.event
    if event.choice in (EV_DONE, EV_SKIP):
        return ask(ctx, S.CONTACT, FLOW)
    data, replies = evidence.take_attachments(
        ctx, ctx.data, msg.EVIDENCE_FILE_SAVED, msg.EVIDENCE_FULL
    )
    if event.location:
        loc = event.location
        data = {**data, "location": [loc.latitude, loc.longitude, loc.title[:255]]}
        replies.append(msg.LOCATION_SAVED)
    if event.text and not replies:  # a place described in words: kept as the location
        checked = inputs.free_text(event.text, maximum=255)
        if checked.problem:
            return retry(ctx, FLOW, checked.problem)
        data = {**data, "place": checked.value}
        replies.append(understand_msg.place_saved(checked.value))
    if not replies:
        replies.append(msg.EVIDENCE_NEED_MEDIA)
    return stay(ctx, FLOW, replies, data)


def prompt_contact(ctx: Ctx) -> Reply:
    return Reply(
        msg.ASK_CONTACT,
        menu.with_cancel(
            Choice(msg.BUTTON_GIVE_CONTACT, CONTACT_YES), Choice(msg.BUTTON_NO_CONTACT, CONTACT_NO)
        ),
    )


def on_contact(ctx: Ctx) -> Turn:
    """Contact details are optional; ask for them only if offered.

    A typed phone number or name is the offer itself: keep it, ask only for what is missing.
    """
    if ctx.event.choice == CONTACT_YES:
        return ask(ctx, S.NAME, FLOW)
    if ctx.event.choice == CONTACT_NO:
        return ask(ctx, S.CONFIRM, FLOW, data={**ctx.data, "name": "", "phone": ""})
    text = ctx.event.text or ""
    phone, rest = inputs.phone_in(text)
    looks_like_name = bool(phone) or bool(understand_msg.NAME_START.match(rest))
    name = inputs.person_name(rest, msg.NAME_INVALID) if rest.strip() and looks_like_name else None
    data = dict(ctx.data)
    notes = []
    if phone:
        data["phone"] = phone
        notes.append(understand_msg.contact_phone_taken(phone))
    if name is not None and not name.problem and len(name.value) >= 2:
        data["name"] = name.value
        notes.append(understand_msg.contact_name_taken(name.value))
    if not notes:
        return retry(ctx, FLOW, understand_msg.not_a_choice(text))
    before = [Reply(" ".join(notes))]
    if "name" not in data:
        return ask(ctx, S.NAME, FLOW, *before, data=data)
    if "phone" not in data:
        return ask(ctx, S.PHONE, FLOW, *before, data=data)
    return ask(ctx, S.CONFIRM, FLOW, *before, data=data)


def prompt_name(ctx: Ctx) -> Reply:
    return Reply(msg.ASK_NAME, menu.with_cancel())


def on_name(ctx: Ctx) -> Turn:
    checked = inputs.person_name(ctx.event.text, msg.NAME_INVALID)
    if checked.problem:
        return retry(ctx, FLOW, checked.problem)
    following = S.CONFIRM if ctx.data.get("phone") else S.PHONE  # a phone typed earlier
    return ask(ctx, following, FLOW, data={**ctx.data, "name": checked.value})


def prompt_phone(ctx: Ctx) -> Reply:
    return Reply(msg.ASK_PHONE, menu.with_cancel())


def on_phone(ctx: Ctx) -> Turn:
    checked = inputs.thai_phone(ctx.event.text, msg.PHONE_INVALID)
    if checked.problem:
        return retry(ctx, FLOW, checked.problem)
    return ask(ctx, S.CONFIRM, FLOW, data={**ctx.data, "phone": checked.value})


def prompt_confirm(ctx: Ctx) -> Reply:
    d = ctx.data
    files = d.get("evidence", [])
    photos = sum(1 for f in files if f["kind"] == "photo")
    text = msg.summary(
        d["category"], d["description"], photos, len(files) - photos,
        bool(d.get("location") or d.get("place")), d.get("name", ""), d.get("phone", ""),
    )  # fmt: skip
    choices = (
        Choice(common.BUTTON_CONFIRM, CONFIRM),
        Choice(followup.BUTTON_CONFIRM_NOTIFY, CONFIRM_NOTIFY),
    )
    return Reply(f"{text}\n{followup.NOTIFY_CHOICE}", menu.with_cancel(*choices))


def on_confirm(ctx: Ctx) -> Turn:
    """File the complaint and hand out its tracking code."""
    refused = limits.refused_at_confirm(ctx)
    if refused is not None:  # the draft stays: nothing typed is lost
        return retry(ctx, FLOW, refused)
    d, event = ctx.data, ctx.event
    location = d.get("location")
    if d.get("place"):  # the place in words names the spot; shared coordinates stay
        lat, lon = (location[0], location[1]) if location else (None, None)
        location = [lat, lon, d["place"][:255]]
    complaint = file_complaint(
        ctx.session,
        org_id=ctx.org_id,
        now=ctx.now(),
        category=d["category"],
        description=d["description"],
        channel=event.channel.value,
        chat_id=event.chat_id,
        user_id=event.user_id,
        evidence=evidence.drafts(d),
        location=(location[0], location[1], location[2]) if location else None,
        name=d.get("name", ""),
        phone=d.get("phone", ""),
    )
    notices.on_complaint_filed(
        ctx.session, ctx.org_id, complaint, ctx.now(), notify=event.choice == CONFIRM_NOTIFY
    )
    days = peek_deadline_days(ctx.session, ctx.org_id)
    filed = msg.filed(pretty(complaint.code), complaint.due_on, days)
    return finish(Reply(filed), menu.main_menu())


FLOW = Flow(
    name=NAME,
    start=start,
    steps={
        S.CATEGORY: Step(on_category, prompt_category, Expect.TEXT),
        S.DESCRIPTION: Step(on_description, prompt_description, Expect.TEXT),
        S.EVIDENCE: Step(on_evidence, prompt_evidence, Expect.MEDIA),
        S.CONTACT: Step(on_contact, prompt_contact, Expect.TEXT),
        S.NAME: Step(on_name, prompt_name, Expect.TEXT),
        S.PHONE: Step(on_phone, prompt_phone, Expect.TEXT),
        S.CONFIRM: Step(on_confirm, prompt_confirm),
    },
    discard=evidence.discard_files,
)
