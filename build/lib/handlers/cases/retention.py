"""Retention jobs: what is deleted, when. Plain functions of `(session, now, files)`.

The scheduler in `bot/` calls them (and records each run); tests call them with any `now`.
On SQLite, call `storage.protect.residue.scrub(engine)` after a run that deleted anything, so the
deleted rows' old page versions leave the write-ahead log as well.

- `purge_closed_tips`: a tip's content (what the informant wrote, notes, evidence files) is
  deleted `keep` after its case was closed; its category, status and dates stay, so the
  statistics do not change.
- `expire_drafts`: a conversation left half-way (a tip being written, a complaint with a
  phone number) is deleted with its files after `max_age`; so is a shared-channel chat
  still asked where its matter is (a chosen organisation is kept: it is the chat's setting).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, delete, select

from handlers.cases.lifecycle import Status
from storage.files import FileStore
from storage.hosting.place_models import SharedChat
from storage.models import Conversation, Tip, TipFile, TipStatusChange

TIP_CONTENT_DAYS = 365
DRAFT_HOURS = 24
CLOSED = (Status.COMPLETED, Status.REFERRED, Status.CLOSED)


def purge_closed_tips(
    session: Session, now: datetime, files: FileStore, *, keep: timedelta | None = None
) -> int:
    """Delete the content of tips closed more than `keep` ago; returns how many."""
    keep = timedelta(days=TIP_CONTENT_DAYS) if keep is None else keep
    tips = session.exec(
        select(Tip).where(
            Tip.status.in_([s.value for s in CLOSED]),
            Tip.updated_at < now - keep,
            Tip.content_deleted_at.is_(None),
        )
    ).all()
    for tip in tips:
        tip.conduct = tip.accused = tip.when_where = ""
        tip.informant_name = tip.informant_contact = ""
        tip.content_deleted_at = now
        session.add(tip)
        for item in session.exec(select(TipFile).where(TipFile.tip_id == tip.id)).all():
            files.delete(item.key)
            session.delete(item)
        for change in session.exec(
            select(TipStatusChange).where(TipStatusChange.tip_id == tip.id)
        ).all():
            change.public_note = change.internal_note = ""
            session.add(change)
    return len(tips)


def expire_drafts(
    session: Session, now: datetime, files: FileStore, *, max_age: timedelta | None = None
) -> int:
    """Delete conversations untouched for `max_age`, with the files their drafts hold."""
    max_age = timedelta(hours=DRAFT_HOURS) if max_age is None else max_age
    asked = session.exec(
        delete(SharedChat).where(SharedChat.org_id.is_(None), SharedChat.updated_at < now - max_age)
    ).rowcount
    stale = session.exec(select(Conversation).where(Conversation.updated_at < now - max_age)).all()
    for convo in stale:
        for item in (convo.data or {}).get("evidence", []):
            files.delete(item["key"])
        session.exec(
            delete(Conversation).where(
                Conversation.org_id == convo.org_id,
                Conversation.channel == convo.channel,
                Conversation.chat_id == convo.chat_id,
            )
        )
    return len(stale) + asked
