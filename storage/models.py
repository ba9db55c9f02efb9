"""The tables of the core: organisations, conversations, and the two separate intake streams.

General complaints and corruption tips live in separate tables on purpose (the plans require
the corruption channel to be separate "to protect the informant"). No tip table has a column
that could hold a chat id, a user id or a display name.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel

from storage.crypto import SealedJSON, SealedText
from storage.row_ids import random_id_column
from storage.timeutil import utcnow


def _ts(**kwargs) -> sa.Column:
    return sa.Column(sa.DateTime(timezone=True), **kwargs)


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=255)
    phone: str = Field(default="", max_length=64)
    website: str = Field(default="", max_length=255)
    address: str = Field(default="", max_length=500)
    # "municipality" (เทศบาล) or "sao" (อบต.); "" when not said (`storage.hosting.org_fields`).
    kind: str = Field(default="", max_length=16)


class Conversation(SQLModel, table=True):
    """Where each chat is in the dialogue; the only conversation state there is.

    `chat_id` holds a keyed hash of the chat id (`storage.conversations.chat_key`), never the
    id itself, and `data` (the draft: a tip being written, a complainant's phone) is sealed.
    """

    __tablename__ = "conversation"

    org_id: int = Field(foreign_key="organisation.id", primary_key=True)
    channel: str = Field(max_length=16, primary_key=True)
    chat_id: str = Field(max_length=128, primary_key=True)
    flow: str | None = Field(default=None, max_length=32)
    step: str | None = Field(default=None, max_length=32)
    data: dict = Field(
        default_factory=dict, sa_column=Column(SealedJSON("conversation"), nullable=False)
    )
    version: int = Field(default=0)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts(nullable=False))


class ProcessedEvent(SQLModel, table=True):
    """Hashes of handled platform event ids, so a redelivered event runs once.

    Only a hash is kept: the raw id is not needed, and a hash cannot be matched to a chat.
    """

    __tablename__ = "processed_event"

    org_id: int = Field(foreign_key="organisation.id", primary_key=True)
    key: str = Field(max_length=64, primary_key=True)
    processed_at: datetime = Field(default_factory=utcnow, sa_column=_ts(nullable=False))


class Complaint(SQLModel, table=True):
    """A general complaint (ร้องเรียน/ร้องทุกข์). It remembers its chat to notify the citizen."""

    __tablename__ = "complaint"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    code: str = Field(max_length=16, unique=True)
    category: str = Field(max_length=32)
    description: str = Field(sa_column=Column(sa.Text, nullable=False))
    latitude: float | None = None
    longitude: float | None = None
    location_title: str = Field(default="", max_length=255)
    complainant_name: str = Field(default="", max_length=255)
    complainant_phone: str = Field(default="", max_length=32)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=128)
    user_id: str = Field(max_length=128)
    status: str = Field(max_length=16)
    received_at: datetime = Field(sa_column=_ts(nullable=False))
    due_on: date
    updated_at: datetime = Field(sa_column=_ts(nullable=False))


class ComplaintFile(SQLModel, table=True):
    __tablename__ = "complaint_file"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id")
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    kind: str = Field(max_length=16)
    key: str = Field(max_length=128)
    mime: str = Field(default="", max_length=128)
    size: int = 0
    name: str = Field(default="", max_length=255)


class ComplaintStatusChange(SQLModel, table=True):
    __tablename__ = "complaint_status_change"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id")
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    status: str = Field(max_length=16)
    at: datetime = Field(sa_column=_ts(nullable=False))
    actor: str = Field(max_length=128)
    public_note: str = Field(default="", sa_column=Column(sa.Text, nullable=False))
    internal_note: str = Field(default="", sa_column=Column(sa.Text, nullable=False))


def _sealed(purpose: str, row: tuple[str, ...] = ()) -> sa.Column:
    return Column(SealedText(purpose, row), nullable=False)


class Tip(SQLModel, table=True):
    """A corruption tip (แจ้งเบาะแสการทุจริต). Deliberately no channel, chat or user column.

    What the informant wrote is sealed (`storage.crypto`); the tracking code is kept only as
    a keyed hash, so a copy of the database can neither read a tip nor answer as its
    informant. `id` is random and `received_at` is the local date at midnight, so neither
    the rows nor their times tell in which order, or at what hour, tips arrived.
    """

    __tablename__ = "tip"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    code_hash: str = Field(max_length=80, unique=True)  # `<key id>:<HMAC>` of the code
    category: str = Field(max_length=32)
    conduct: str = Field(sa_column=_sealed("tip.conduct", ("id",)))
    accused: str = Field(default="", sa_column=_sealed("tip.accused", ("id",)))
    when_where: str = Field(default="", sa_column=_sealed("tip.when_where", ("id",)))
    informant_name: str = Field(default="", sa_column=_sealed("tip.informant", ("id",)))
    informant_contact: str = Field(default="", sa_column=_sealed("tip.informant", ("id",)))
    status: str = Field(max_length=16)
    received_at: datetime = Field(sa_column=_ts(nullable=False))
    due_on: date
    updated_at: datetime = Field(sa_column=_ts(nullable=False))
    # Set when retention deleted what the informant wrote (status and dates stay).
    content_deleted_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class TipFile(SQLModel, table=True):
    __tablename__ = "tip_file"

    id: int | None = Field(default=None, sa_column=random_id_column())
    org_id: int = Field(foreign_key="organisation.id")
    tip_id: int = Field(foreign_key="tip.id", index=True)
    kind: str = Field(max_length=16)
    key: str = Field(max_length=128)
    mime: str = Field(default="", max_length=128)
    size: int = 0


class TipStatusChange(SQLModel, table=True):
    __tablename__ = "tip_status_change"

    id: int | None = Field(default=None, sa_column=random_id_column())
    org_id: int = Field(foreign_key="organisation.id")
    tip_id: int = Field(foreign_key="tip.id", index=True)
    status: str = Field(max_length=16)
    at: datetime = Field(sa_column=_ts(nullable=False))
    actor: str = Field(max_length=128)
    # Notes on a tip can quote it: sealed like the tip itself.
    public_note: str = Field(default="", sa_column=_sealed("tip.note", ("tip_id",)))
    internal_note: str = Field(default="", sa_column=_sealed("tip.note", ("tip_id",)))
