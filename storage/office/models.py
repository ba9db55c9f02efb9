"""Tables of the staff office. Every secret a browser or a chat holds is kept as a keyed
hash only, so a copy of the database cannot log anyone in."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel


def _ts(**kwargs) -> sa.Column:
    return sa.Column(sa.DateTime(timezone=True), **kwargs)


class OfficeLoginLink(SQLModel, table=True):
    """A one-time link sent to an officer's chat by `/web`: valid minutes, spent once."""

    __tablename__ = "office_login_link"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=80, unique=True)
    org_id: int = Field(foreign_key="organisation.id")
    member_id: int = Field(foreign_key="staff_member.id", index=True)
    created_at: datetime = Field(sa_column=_ts(nullable=False))
    expires_at: datetime = Field(sa_column=_ts(nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class OfficeLoginCode(SQLModel, table=True):
    """A short code a browser shows; the officer confirms it in the chat (`/web CODE`).

    `browser_hash` binds it to the browser that asked for it (a cookie only that browser has).
    """

    __tablename__ = "office_login_code"

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=80, index=True)
    browser_hash: str = Field(max_length=80, unique=True)
    browser: str = Field(default="", max_length=128)  # "Chrome บน Windows", for the confirm
    created_at: datetime = Field(sa_column=_ts(nullable=False))
    expires_at: datetime = Field(sa_column=_ts(nullable=False))
    org_id: int | None = Field(default=None, foreign_key="organisation.id")
    member_id: int | None = Field(default=None, foreign_key="staff_member.id")
    confirmed_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    used_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class OfficeSession(SQLModel, table=True):
    """A logged-in browser. The cookie holds a random id; this row holds its hash."""

    __tablename__ = "office_session"

    id: int | None = Field(default=None, primary_key=True)
    id_hash: str = Field(max_length=80, unique=True)
    org_id: int = Field(foreign_key="organisation.id")
    member_id: int = Field(foreign_key="staff_member.id", index=True)
    roles: str = Field(max_length=128)  # the roles at login: a change of role ends it
    browser: str = Field(default="", max_length=128)
    created_at: datetime = Field(sa_column=_ts(nullable=False))
    seen_at: datetime = Field(sa_column=_ts(nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class OfficeLoginAttempt(SQLModel, table=True):
    """A login attempt (link, code or confirm) by a hashed client address, for rate limits."""

    __tablename__ = "office_login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    client_key: str = Field(max_length=80, index=True)
    at: datetime = Field(sa_column=_ts(nullable=False))


class ResponseTemplate(SQLModel, table=True):
    """A reply an organisation uses often, inserted into a public note in the office."""

    __tablename__ = "office_response_template"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    title: str = Field(max_length=255)
    body: str = Field(sa_column=Column(sa.Text, nullable=False))
