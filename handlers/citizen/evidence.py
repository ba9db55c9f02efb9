"""Collecting photos, files and a location during a flow's evidence step."""

from __future__ import annotations

from dataclasses import asdict

from handlers.cases.lifecycle import EvidenceDraft
from handlers.citizen import limits
from handlers.flow import Ctx

MAX_FILES = 5


def drafts(data: dict) -> list[EvidenceDraft]:
    return [EvidenceDraft(**item) for item in data.get("evidence", [])]


def add_attachments(ctx: Ctx, data: dict) -> tuple[dict, int, int, str | None]:
    """Append the event's attachments to the draft, up to MAX_FILES and the daily limits.

    Returns the new draft, how many were kept, how many were refused (and deleted) for the
    draft being full, and why files were refused by a daily limit (None if none was).
    """
    evidence = list(data.get("evidence", []))
    kept = refused = 0
    limited = None
    for attachment in ctx.event.attachments:
        if len(evidence) >= MAX_FILES:
            ctx.deps.files.delete(attachment.key)
            refused += 1
            continue
        why = limits.upload_refused(ctx, attachment.size)
        if why is not None:
            ctx.deps.files.delete(attachment.key)
            limited = why
            continue
        draft = EvidenceDraft(
            attachment.kind.value, attachment.key, attachment.mime, attachment.size,
            attachment.name,
        )  # fmt: skip
        evidence.append(asdict(draft))
        kept += 1
    return {**data, "evidence": evidence}, kept, refused, limited


def discard_files(ctx: Ctx) -> None:
    """Delete the files a draft collected: the draft is being abandoned."""
    for item in ctx.data.get("evidence", []):
        ctx.deps.files.delete(item["key"])


def take_attachments(ctx: Ctx, data: dict, saved: str, full: str) -> tuple[dict, list[str]]:
    """Keep the event's files in the draft; notes say what was kept and what was refused.

    `saved` and `full` are the flow's texts, with `{count}` and `{limit}` placeholders.
    """
    if not ctx.event.attachments:
        return data, []
    data, kept, refused, limited = add_attachments(ctx, data)
    notes = [saved.format(count=len(data["evidence"]), limit=MAX_FILES)] if kept else []
    if refused:
        notes.append(full.format(limit=MAX_FILES))
    if limited:
        notes.append(limited)
    return data, notes
