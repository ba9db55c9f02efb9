"""What the holder of a tracking code is shown: the case's status card, or why not.

Shared by the tracking flow, a code typed anywhere else, and the follow-up exchange.
"""

from __future__ import annotations

from dataclasses import replace

from handlers import menu
from handlers.cases.codes import CodeProblem, FoundCode, masked
from handlers.cases.lifecycle import CaseView, Stream, find_case
from handlers.citizen import erasure
from handlers.flow import Ctx
from handlers.types import HistoryEntry, Reply, StatusCard
from messages.citizen import tracking as msg
from messages.format import thai_date, thai_datetime
from storage.protect import guess_limit


def status_reply(view: CaseView) -> Reply:
    """The public face of a case: status, dates and public notes, with a masked code."""
    when = thai_date if view.stream is Stream.TIP else thai_datetime  # tips: never the hour
    history = tuple(
        HistoryEntry(when(c.at), msg.STATUS_LABELS[c.status], c.public_note) for c in view.history
    )
    card = StatusCard(
        masked_code=masked(view.code),
        stream_label=msg.STREAM_LABELS[view.stream],
        status=view.status.value,
        status_label=msg.STATUS_LABELS[view.status],
        received_text=thai_date(view.received_at),
        due_text=thai_date(view.due_on),
        history=history,
    )
    text = msg.status_text(
        card.masked_code, view.stream, view.status, card.received_text, card.due_text,
        [(h.at_text, h.status_label, h.note) for h in history],
    )  # fmt: skip
    return Reply(text, (menu.MENU_CHOICE,), card=card)


def answer(ctx: Ctx, found: FoundCode) -> Reply:
    """One reply for a code: its status, or why it cannot be answered. Nothing else.

    A typo or a wrong length is not a guess; a well-formed code that matches nothing is,
    and too many of those make the chat wait (storage.protect.guess_limit).
    """
    refused = before_guess(ctx, found)
    if refused is not None:
        return refused
    view = find_case(ctx.session, ctx.org_id, found.digits)
    if view is None:
        return missed(ctx)
    if view.stream is Stream.TIP:
        ctx.scrub_after()
    reply = status_reply(view)
    erase = (
        erasure.offer(ctx.session, ctx.org_id, found.digits) if view.stream == "complaint" else None
    )
    return replace(reply, choices=(erase, *reply.choices)) if erase else reply


def before_guess(ctx: Ctx, found: FoundCode) -> Reply | None:
    """Why `found` is not looked up at all: a typo or a wrong length (not a guess, so not
    counted), or the chat (or everyone) has guessed too often. None: go ahead and look.

    Every path that acts on a code a chat typed or a button carried (look-ups, answers
    through the code, erasure) asks this first, so no path probes codes past the limit."""
    if found.problem is CodeProblem.TYPO:
        return Reply(msg.TYPO)
    if found.problem is CodeProblem.LENGTH:
        return Reply(msg.WRONG_LENGTH.format(count=len(found.digits)))
    event = ctx.event
    limit = guess_limit.refused(
        ctx.session, event.channel.value, event.chat_id, ctx.now(), org_id=ctx.org_id
    )
    if limit is not None:  # even a right code: guessing must not pay off
        text = msg.EVERYONE_WAITS if limit.everyone else msg.TOO_MANY_TRIES
        return Reply(text.format(minutes=limit.minutes))
    return None


def missed(ctx: Ctx) -> Reply:
    """A well-formed code that matched nothing: count the guess and say so."""
    event = ctx.event
    guess_limit.record_miss(
        ctx.session, event.channel.value, event.chat_id, ctx.now(), org_id=ctx.org_id
    )
    return Reply(msg.NOT_FOUND)
