"""The inbox: every webhook or polled event, stored before it is acknowledged.

A row holds one platform event until its replies are delivered, then it is deleted. The
event and its replies are sealed (`storage.crypto`, purpose "inbox"): they carry chat
ids and possibly a tip's words. The chat is kept only as a keyed hash, enough to keep each chat's
events in arrival order (`id`) without naming the chat.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel

from storage.timeutil import utcnow

PENDING = "pending"  # stored, not processed yet
DONE = "done"  # the turn is committed; its replies wait in `replies` for delivery


class InboxEvent(SQLModel, table=True):
    __tablename__ = "inbox_event"
    __table_args__ = (
        sa.UniqueConstraint("org_id", "event_key"),
        sa.Index("ix_inbox_event_chat", "org_id", "channel", "chat_key", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)  # arrival order
    org_id: int = Field(foreign_key="organisation.id")
    channel: str = Field(max_length=16)
    chat_key: str = Field(max_length=64)  # keyed hash of the chat, never the chat id
    event_key: str = Field(max_length=64)  # hash of the platform's event id, for redeliveries
    payload: bytes = Field(sa_column=Column(sa.LargeBinary, nullable=False))  # sealed event
    replies: bytes | None = Field(default=None, sa_column=Column(sa.LargeBinary))  # sealed
    state: str = Field(default=PENDING, max_length=16)
    failures: int = Field(default=0)  # processing or delivery attempts that raised
    received_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(sa.DateTime(timezone=True), nullable=False)
    )
