"""Chat accounts of a deployment: each organisation's own LINE / Telegram account, and the
shared ones that route citizens to their organisation.

The secrets are sealed with the deployment's keyring (purpose "account"); they are read only
to talk to the platform and are never printed.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel

from storage.crypto import SealedText
from storage.timeutil import utcnow

SHARED = "shared"  # the owner name of the shared accounts; no organisation may take it


class ChatAccount(SQLModel, table=True):
    """One bot account: `key` is "<platform>:<slug>" or "<platform>:shared"."""

    __tablename__ = "chat_account"

    key: str = Field(max_length=96, primary_key=True)
    platform: str = Field(max_length=16)  # "line" or "telegram"
    org_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    secret: str = Field(default="", sa_column=Column(SealedText("account"), nullable=False))
    token: str = Field(default="", sa_column=Column(SealedText("account"), nullable=False))
    # Telegram: the secret token Telegram sends with every webhook post to this account.
    webhook_secret: str = Field(default="", sa_column=Column(SealedText("account"), nullable=False))
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(sa.DateTime(timezone=True), nullable=False)
    )
