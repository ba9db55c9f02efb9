"""Tables of informant protection: counters of wrong tracking codes, for the guess limit.

A counter says how many wrong codes a chat (by a keyed hash of it) or everyone together
typed in one window of time, never which codes: a list of tried codes would itself be a
list of near-misses worth stealing.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class CodeGuessWindow(SQLModel, table=True):
    __tablename__ = "code_guess_window"

    scope: str = Field(max_length=80, primary_key=True)  # "all" or "chat:<keyed hash>"
    window_start: datetime = Field(
        sa_column=sa.Column(sa.DateTime(timezone=True), primary_key=True)
    )
    misses: int = 0


class IntakeCount(SQLModel, table=True):
    """How many cases (or files) one chat, or one organisation, filed on one day.

    A chat's scope is a keyed hash of the chat together with the day, so a counter names no
    chat, cannot be followed from one day to the next, and holds no time finer than the day;
    counters of past days are deleted. Tips and complaints count together.
    """

    __tablename__ = "intake_count"

    scope: str = Field(max_length=80, primary_key=True)  # "filing:chat:<hash>", "filing:org:3"
    day: date = Field(primary_key=True)
    count: int = 0


class LimitHit(SQLModel, table=True):
    """How often a limit refused something, per organisation and day: counts, never who."""

    __tablename__ = "limit_hit"

    org_id: int = Field(foreign_key="organisation.id", primary_key=True)
    day: date = Field(primary_key=True)
    kind: str = Field(max_length=16, primary_key=True)  # a `storage.protect.intake` limit
    hits: int = 0
