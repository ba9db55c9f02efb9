"""Tables of the shared provincial channel: which organisation answers for which tambon,
and which organisation each chat of the shared account has chosen.

A shared chat is found by a keyed hash of its chat id (`storage.crypto` mac), never the id
itself; its pending choice (the places offered) is sealed like a conversation draft.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel

from storage.crypto import SealedJSON
from storage.timeutil import utcnow


class PlaceOrg(SQLModel, table=True):
    """One tambon the host maps to one organisation (a tambon may have two: เทศบาล and อบต.)."""

    __tablename__ = "place_org"
    __table_args__ = (sa.UniqueConstraint("subdistrict_code", "org_id"),)

    id: int | None = Field(default=None, primary_key=True)
    subdistrict_code: str = Field(max_length=6, index=True)  # geothai's 6-digit code
    org_id: int = Field(foreign_key="organisation.id", index=True)
    subdistrict_th: str = Field(max_length=128)
    district_th: str = Field(max_length=128)
    province_th: str = Field(max_length=128)
    lat: float | None = Field(default=None)
    lon: float | None = Field(default=None)


class SharedChat(SQLModel, table=True):
    """A chat of the shared account: the organisation chosen for it, or the question pending."""

    __tablename__ = "shared_chat"
    __table_args__ = (sa.UniqueConstraint("account", "chat_key"),)

    id: int | None = Field(default=None, primary_key=True)
    account: str = Field(max_length=64)  # e.g. "line:shared"
    chat_key: str = Field(max_length=64)
    org_id: int | None = Field(default=None, foreign_key="organisation.id")
    step: str | None = Field(default=None, max_length=32)
    data: dict = Field(
        default_factory=dict, sa_column=Column(SealedJSON("shared-chat"), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False)
    )
