"""The daily limits as a citizen meets them: before a case is started, when it is confirmed,
and for each file (`storage.protect.intake` keeps the counts)."""

from __future__ import annotations

from handlers.flow import Ctx
from messages.citizen import limits as msg
from storage.protect import intake


def filing_refused(ctx: Ctx) -> str | None:
    """Why this chat may not file a new case today (the refusal is counted), or None."""
    event = ctx.event
    refused = intake.filing_refused(
        ctx.session, ctx.org_id, event.channel.value, event.chat_id, ctx.now()
    )
    if refused is None:
        return None
    limit, size = refused
    intake.record_hit(ctx.session, ctx.org_id, limit, ctx.now())
    return msg.refused(limit.value, size)


def refused_at_confirm(ctx: Ctx) -> str | None:
    """The refusal at the confirmation, saying the draft is kept; None when the case may be
    filed (and then it is counted, in the filing transaction)."""
    text = filing_refused(ctx)
    if text is not None:
        return f"{text}\n{msg.DRAFT_KEPT}"
    event = ctx.event
    intake.count_filing(ctx.session, ctx.org_id, event.channel.value, event.chat_id, ctx.now())
    return None


def upload_refused(ctx: Ctx, size: int) -> str | None:
    """Why this file cannot be kept (the refusal is counted), or None (then it is counted)."""
    event = ctx.event
    channel, chat = event.channel.value, event.chat_id
    refused = intake.upload_refused(ctx.session, ctx.org_id, channel, chat, ctx.now(), size)
    if refused is None:
        intake.count_upload(ctx.session, channel, chat, ctx.now())
        return None
    limit, quota = refused
    intake.record_hit(ctx.session, ctx.org_id, limit, ctx.now())
    return msg.refused(limit.value, quota)
