"""The anti-corruption action plan as data: plans, items, budgets per year, progress reports.

The shape follows e-PlanNACC, the system the organisations already report in: an item has a
number, a มิติ (1–4), a kind and a title; its progress is reported per fiscal year and round
(6 or 12 months). Reports are never overwritten: each one is a new row and the newest wins,
so the history of what was reported stays. Money is Numeric(14,2), never float.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel

from storage.timeutil import utcnow

MONEY = sa.Numeric(14, 2)


class PlanStatus(StrEnum):
    """The four statuses of the e-PlanNACC table, in its column order."""

    PENDING = "pending"  # รอรายงาน
    IN_PROGRESS = "in_progress"  # อยู่ระหว่างดำเนินการ
    DONE = "done"  # ดำเนินการแล้วเสร็จ
    CANNOT = "cannot"  # ไม่สามารถดำเนินการได้


class ItemKind(StrEnum):
    PROJECT = "project"  # โครงการ
    ACTIVITY = "activity"  # กิจกรรม
    MEASURE = "measure"  # มาตรการ
    OTHER = "other"  # the title names none of the three


ROUNDS = (6, 12)


class Plan(SQLModel, table=True):
    __tablename__ = "plan"
    __table_args__ = (sa.UniqueConstraint("org_id", "year_from", "year_to"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    title: str = Field(max_length=500)
    year_from: int  # Buddhist-era fiscal years, inclusive
    year_to: int
    dimension_names: dict = Field(default_factory=dict, sa_column=Column(sa.JSON, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(sa.DateTime(timezone=True), nullable=False)
    )


class PlanItem(SQLModel, table=True):
    __tablename__ = "plan_item"
    __table_args__ = (sa.UniqueConstraint("plan_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    number: int
    dimension: int
    kind: str = Field(max_length=16)
    title: str = Field(sa_column=Column(sa.Text, nullable=False))
    unit: str = Field(default="", max_length=255)  # responsible unit


class PlanItemBudget(SQLModel, table=True):
    """The budget the plan sets aside for an item in one fiscal year."""

    __tablename__ = "plan_item_budget"
    __table_args__ = (sa.UniqueConstraint("item_id", "fiscal_year"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    item_id: int = Field(foreign_key="plan_item.id", index=True)
    fiscal_year: int
    amount: Decimal = Field(default=Decimal("0.00"), sa_column=Column(MONEY, nullable=False))


class PlanProgressReport(SQLModel, table=True):
    """One report of one item for a fiscal year and round; later rows supersede earlier."""

    __tablename__ = "plan_progress_report"
    __table_args__ = (sa.Index("ix_plan_report_item_round", "item_id", "fiscal_year", "round"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    item_id: int = Field(foreign_key="plan_item.id")
    fiscal_year: int
    round: int  # 6 or 12 (months)
    status: str = Field(max_length=16)
    budget: Decimal = Field(default=Decimal("0.00"), sa_column=Column(MONEY, nullable=False))
    spent: Decimal = Field(default=Decimal("0.00"), sa_column=Column(MONEY, nullable=False))
    result: str = Field(default="", sa_column=Column(sa.Text, nullable=False))
    as_of: date
    reporter: str = Field(default="", max_length=255)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(sa.DateTime(timezone=True), nullable=False)
    )


class PlanQuestion(SQLModel, table=True):
    """A question a citizen typed about the plan, so plan officers see what people ask: the
    item it matched, or (when no item did) the question's words. Nothing of who asked, and
    no time finer than the day."""

    __tablename__ = "plan_question"
    __table_args__ = (sa.Index("ix_plan_question_org_day", "org_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id")
    day: date  # Bangkok
    item_id: int | None = Field(default=None, foreign_key="plan_item.id")
    text: str = Field(default="", max_length=200)  # only when no item matched
