"""Tables of informant protection: counters of wrong tracking codes, for the guess limit.

A counter says how many wrong codes a chat (by a keyed hash of it) or everyone together
typed in one window of time, never which codes: a list of tried codes would itself be a
list of near-misses worth stealing.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class CodeGuessWindow(SQLModel, table=True):
    __tablename__ = "code_guess_window"

    scope: str = Field(max_length=80, primary_key=True)  # "all" or "chat:<keyed hash>"
    window_start: datetime = Field(
        sa_column=sa.Column(sa.DateTime(timezone=True), primary_key=True)
    )
    misses: int = 0
