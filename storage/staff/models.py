"""Tables of the staff side: accounts and invites, organisation settings, case handling, the
outbox, scheduled-job runs, the tip access log, two-way messages and ratings.

Nothing here links a tip to a chat: tip rows are reached by their staff reference only, and
all free text that may concern a tip is sealed (`SealedText("tip")`).
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from storage.crypto import SealedText
from storage.row_ids import random_id_column
from storage.timeutil import utcnow


def _ts(**kwargs) -> sa.Column:
    return sa.Column(sa.DateTime(timezone=True), **kwargs)


def _int(default: int) -> sa.Column:
    return sa.Column(sa.Integer, nullable=False, server_default=str(default))


class OrgSettings(SQLModel, table=True):
    """Per-organisation rules the bot quotes: deadline, office hours, contacts, units."""

    __tablename__ = "org_settings"

    org_id: int = Field(foreign_key="organisation.id", primary_key=True)
    deadline_days: int = 15
    office_hours: str = Field(default="", max_length=255)
    contact_channels: str = Field(default="", sa_column=Column(sa.Text, nullable=False))
    units: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    reminder_time: str = Field(default="08:00", max_length=5)  # HH:MM, Asia/Bangkok
    # Complaint notices go to one staff group per channel when set: {"telegram": "-100..."}.
    staff_groups: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Where else a tip about the organisation's own executives can go (the shared channel says
    # so before a tip is written); "" means the default, `messages.org_defaults`.
    external_contacts: str = Field(
        default="", sa_column=Column(sa.Text, nullable=False, server_default="")
    )
    # Tip notices (new tips, informants' answers) leave in rounds of this many minutes,
    # counted from midnight in Bangkok: the round is all an officer's phone can tell.
    tip_round_minutes: int = Field(default=60, sa_column=_int(60))
    # Filing limits (tips and complaints together) per chat and per organisation a day,
    # files per chat a day, and the disk the organisation's case files may fill.
    filings_per_chat: int = Field(default=5, sa_column=_int(5))
    filings_per_org: int = Field(default=300, sa_column=_int(300))
    uploads_per_chat: int = Field(default=30, sa_column=_int(30))
    disk_quota_mb: int = Field(default=5000, sa_column=_int(5000))


class StaffMember(SQLModel, table=True):
    """A chat account bound as staff, with its roles (comma separated)."""

    __tablename__ = "staff_member"
    __table_args__ = (sa.UniqueConstraint("org_id", "channel", "chat_id"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(default="", max_length=255)
    roles: str = Field(max_length=128)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=128)
    user_id: str = Field(default="", max_length=128)
    bound_at: datetime = Field(default_factory=utcnow, sa_column=_ts(nullable=False))
    removed_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class StaffInvite(SQLModel, table=True):
    """A one-time invite; only a hash of its code is stored."""

    __tablename__ = "staff_invite"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    code_hash: str = Field(max_length=64, unique=True)
    roles: str = Field(max_length=128)
    name: str = Field(default="", max_length=255)
    created_at: datetime = Field(sa_column=_ts(nullable=False))
    expires_at: datetime = Field(sa_column=_ts(nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class BindAttempt(SQLModel, table=True):
    """A failed `/staff CODE`, keyed by a hash of the chat, to limit guessing."""

    __tablename__ = "staff_bind_attempt"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id")
    chat_key: str = Field(max_length=64, index=True)
    at: datetime = Field(sa_column=_ts(nullable=False))


class CaseHandling(SQLModel, table=True):
    """How a case is being handled: unit, officer, referral, deadline follow-up.

    For tips it also holds the staff reference (ทจ-2567-4821), the only name staff use.
    """

    __tablename__ = "case_handling"
    __table_args__ = (
        sa.UniqueConstraint("stream", "case_id"),
        sa.UniqueConstraint("org_id", "reference"),
    )

    id: int | None = Field(default=None, sa_column=random_id_column())
    org_id: int = Field(foreign_key="organisation.id", index=True)
    stream: str = Field(max_length=16)
    case_id: int
    reference: str | None = Field(default=None, max_length=32)
    unit: str = Field(default="", max_length=255)
    assignee_id: int | None = Field(default=None, foreign_key="staff_member.id")
    referred_to: str = Field(default="", max_length=255)
    notify: bool = False  # the complainant asked to be told of progress in their chat
    explained_on: date | None = None  # the day an overdue case was last explained
    rating_asked: bool = False


class CaseMessage(SQLModel, table=True):
    """A question from staff to the code holder, or the code holder's answer (sealed)."""

    __tablename__ = "case_message"

    id: int | None = Field(default=None, sa_column=random_id_column())
    org_id: int = Field(foreign_key="organisation.id")
    handling_id: int = Field(foreign_key="case_handling.id", index=True)
    from_staff_id: int | None = Field(default=None, foreign_key="staff_member.id")
    body: str = Field(sa_column=Column(SealedText("tip", ("handling_id",)), nullable=False))
    at: datetime = Field(sa_column=_ts(nullable=False))  # a tip's: the day only
    answered: bool = False  # for a question: the code holder has answered it
    # The order within the case's exchange (ids are random, a tip's times are days).
    seq: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False, server_default="0"))


class TipAccessLog(SQLModel, table=True):
    """Every view of a tip's content: who, which tip, when."""

    __tablename__ = "tip_access_log"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    reference: str = Field(max_length=32)
    actor: str = Field(max_length=255)
    at: datetime = Field(sa_column=_ts(nullable=False))


class Rating(SQLModel, table=True):
    """A complainant's 1-5 rating of how their complaint was handled."""

    __tablename__ = "complaint_rating"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    complaint_id: int = Field(foreign_key="complaint.id", unique=True)
    score: int
    comment: str = Field(default="", sa_column=Column(sa.Text, nullable=False))
    at: datetime = Field(sa_column=_ts(nullable=False))


class OutboxMessage(SQLModel, table=True):
    """A message to a chat other than the sender's, written in the transaction that caused it
    and delivered after commit by `bot.jobs.outbox_sender`."""

    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id")
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=128)
    payload: dict = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=_ts(nullable=False))
    next_attempt_at: datetime = Field(sa_column=_ts(nullable=False, index=True))
    attempts: int = 0
    # Sending progress (bot.send_progress): units attempted and accepted by the platform.
    attempted_parts: int = 0
    sent_parts: int = 0
    sent_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    gave_up_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class JobRun(SQLModel, table=True):
    """The last period a scheduled job ran for (per organisation; 0 = not per organisation)."""

    __tablename__ = "job_run"

    job: str = Field(max_length=64, primary_key=True)
    org_id: int = Field(default=0, primary_key=True)
    period: str = Field(default="", max_length=32)
    ran_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class TipRoundNotice(SQLModel, table=True):
    """A tip notice waiting for its round: a new tip, or an informant's answer to `staff_id`.

    `round_at` (the round it leaves in) is its only time: nothing here is finer than the
    round. Deleted when the round sends it.
    """

    __tablename__ = "tip_round_notice"
    __table_args__ = (sa.Index("ix_tip_round_notice_due", "round_at", "org_id"),)

    id: int | None = Field(default=None, sa_column=random_id_column())
    org_id: int = Field(foreign_key="organisation.id")
    kind: str = Field(max_length=16)  # "tip" or "answer"
    handling_id: int = Field(foreign_key="case_handling.id")
    staff_id: int | None = Field(default=None, foreign_key="staff_member.id")
    round_at: datetime = Field(sa_column=_ts(nullable=False))


class StaffEvent(SQLModel, table=True):
    """A change to staff accounts, for the audit log: an invite made, a chat bound, roles
    changed, an account removed; who did it (`actor`), to whom (`subject`), exactly when."""

    __tablename__ = "staff_event"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    kind: str = Field(max_length=16)  # invite, bind, roles, remove
    actor: str = Field(max_length=255)
    subject: str = Field(max_length=255)
    detail: str = Field(default="", max_length=255)  # the roles given
    at: datetime = Field(sa_column=_ts(nullable=False))
