"""Collecting photos, files and a location during a flow's evidence step."""

from __future__ import annotations

from dataclasses import asdict

from handlers.cases.lifecycle import EvidenceDraft
from handlers.flow import Ctx

MAX_FILES = 5


def drafts(data: dict) -> list[EvidenceDraft]:
    return [EvidenceDraft(**item) for item in data.get("evidence", [])]


def add_attachments(ctx: Ctx, data: dict) -> tuple[dict, int, int]:
    """Append the event's attachments to the draft, up to MAX_FILES.

    Returns the new draft, how many were kept and how many were refused (and deleted).
    """
    evidence = list(data.get("evidence", []))
    kept = refused = 0
    for attachment in ctx.event.attachments:
        if len(evidence) >= MAX_FILES:
            ctx.deps.files.delete(attachment.key)
            refused += 1
            continue
        draft = EvidenceDraft(
            attachment.kind.value, attachment.key, attachment.mime, attachment.size,
            attachment.name,
        )  # fmt: skip
        evidence.append(asdict(draft))
        kept += 1
    return {**data, "evidence": evidence}, kept, refused


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
    data, kept, refused = add_attachments(ctx, data)
    notes = [saved.format(count=len(data["evidence"]), limit=MAX_FILES)] if kept else []
    if refused:
        notes.append(full.format(limit=MAX_FILES))
    return data, notes
