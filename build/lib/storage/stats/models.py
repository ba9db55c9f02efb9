"""The content-free record of cases that statistics are computed from.

Kept apart from the case tables on purpose: a retention policy may delete a complaint's or a
tip's content, and the monthly figures must not change when it does. These rows hold no text,
no names, no chat or user ids: only which organisation, stream, category and channel kind
(`line`, `walk-in`, …), when the case was received and every status it passed through. There
is no foreign key to the case tables, so deleting content never touches them.

Each status row is valid over the half-open interval [at, until): "what was the status at the
end of March" is one indexed point lookup per case instead of a scan of its whole history.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

# The `until` of a case's current status: a real timestamp keeps the interval indexable.
FOREVER = datetime(9999, 12, 31, tzinfo=UTC)


def _ts(**kwargs) -> sa.Column:
    return sa.Column(sa.DateTime(timezone=True), **kwargs)


class StatsCase(SQLModel, table=True):
    """One row per case, written when it is filed (by the bot, `case add` or an import)."""

    __tablename__ = "stats_case"
    __table_args__ = (
        sa.UniqueConstraint("org_id", "stream", "case_id"),
        # covering: the period's cases by category, channel and first answer, table untouched
        sa.Index(
            "ix_stats_case_received",
            "org_id",
            "stream",
            "received_at",
            "category",
            "channel",
            "first_answer_at",
            "answer_days",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id")
    stream: str = Field(max_length=16)
    case_id: int  # the id in the stream's own table; no foreign key (content may be deleted)
    category: str = Field(max_length=32)
    channel: str = Field(max_length=16)  # a kind of channel, never a chat
    received_at: datetime = Field(sa_column=_ts(nullable=False))
    first_answer_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    answer_days: int | None = None  # calendar days (Bangkok) from receipt to the first answer


class StatsStatus(SQLModel, table=True):
    """One status a case held, from `at` until the next change (FOREVER while current)."""

    __tablename__ = "stats_status"
    __table_args__ = (
        sa.Index("ix_stats_status_case", "case_ref", "at"),
        # status of the period's cases at its end: an index-only range over their receipt
        sa.Index(
            "ix_stats_status_received", "org_id", "stream", "received_at", "at", "until", "status"
        ),
        # completions within a period (covering), and the cases still open at its end
        sa.Index(
            "ix_stats_status_at", "org_id", "stream", "status", "at", "previous", "case_ref", "days"
        ),
        sa.Index("ix_stats_status_until", "org_id", "stream", "status", "until", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id")
    stream: str = Field(max_length=16)
    case_ref: int = Field(foreign_key="stats_case.id")
    status: str = Field(max_length=16)
    previous: str = Field(default="", max_length=16)  # "" for the first (received)
    at: datetime = Field(sa_column=_ts(nullable=False))
    until: datetime = Field(sa_column=_ts(nullable=False))
    received_at: datetime = Field(sa_column=_ts(nullable=False))  # the case's, copied
    days: int = 0  # calendar days (Bangkok) from the case's receipt to `at`


class StatsRating(SQLModel, table=True):
    """A citizen's rating of how a case was handled (1–5); the latest per case counts."""

    __tablename__ = "stats_rating"
    __table_args__ = (
        sa.UniqueConstraint("case_ref"),
        sa.Index("ix_stats_rating_at", "org_id", "stream", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id")
    stream: str = Field(max_length=16)
    case_ref: int = Field(foreign_key="stats_case.id")
    score: int
    at: datetime = Field(sa_column=_ts(nullable=False))
