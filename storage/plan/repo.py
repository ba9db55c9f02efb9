"""Reading and writing plans. Functions take a session and never commit: callers own the
transaction, so an import or a CLI update is all-or-nothing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import Session, col, select

from messages.plan import vocab
from storage.plan.models import (
    ItemKind,
    Plan,
    PlanItem,
    PlanItemBudget,
    PlanProgressReport,
    PlanStatus,
)

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ItemView:
    """An item as a citizen sees it for one fiscal year and round: its newest report."""

    id: int
    number: int
    dimension: int
    kind: str
    title: str
    unit: str
    status: PlanStatus
    budget: Decimal
    spent: Decimal
    result: str
    as_of: date | None
    reporter: str


@dataclass
class Tally:
    """Counts per status and money, for a whole plan or one มิติ."""

    total: int = 0
    counts: dict[PlanStatus, int] = field(default_factory=lambda: dict.fromkeys(PlanStatus, 0))
    budget: Decimal = ZERO
    spent: Decimal = ZERO

    def add(self, view: ItemView) -> None:
        self.total += 1
        self.counts[view.status] += 1
        self.budget += view.budget
        self.spent += view.spent


@dataclass
class PlanSummary:
    """What the documents print under "สรุปผลการขับเคลื่อนแผนฯ", plus the split per มิติ."""

    plan: Plan
    fiscal_year: int
    round: int
    overall: Tally
    by_dimension: dict[int, Tally]
    as_of: date | None
    reported: bool  # False when nothing was reported for this year and round


def kind_of(title: str) -> ItemKind:
    """The kind an e-PlanNACC title starts with (โครงการ/กิจกรรม/มาตรการ)."""
    head = title.strip().lstrip("“\"'").strip()
    for word, kind in vocab.KIND_PREFIXES:
        if head.startswith(word):
            return ItemKind(kind)
    return ItemKind.OTHER


def latest_plan(session: Session, org_id: int) -> Plan | None:
    """The organisation's newest plan (by the last fiscal year it covers)."""
    query = (
        select(Plan)
        .where(Plan.org_id == org_id)
        .order_by(col(Plan.year_to).desc(), col(Plan.id).desc())
    )
    return session.exec(query).first()


def plan_for_year(session: Session, org_id: int, fiscal_year: int) -> Plan | None:
    query = (
        select(Plan)
        .where(Plan.org_id == org_id, Plan.year_from <= fiscal_year, Plan.year_to >= fiscal_year)
        .order_by(col(Plan.id).desc())
    )
    return session.exec(query).first()


def ensure_plan(
    session: Session,
    org_id: int,
    *,
    title: str,
    year_from: int,
    year_to: int,
    dimension_names: dict[str, str] | None = None,
) -> Plan:
    """The plan covering exactly these years, created if missing."""
    plan = session.exec(
        select(Plan).where(
            Plan.org_id == org_id, Plan.year_from == year_from, Plan.year_to == year_to
        )
    ).first()
    if plan is None:
        plan = Plan(
            org_id=org_id,
            title=title,
            year_from=year_from,
            year_to=year_to,
            dimension_names=dict(dimension_names or {}),
        )
        session.add(plan)
        session.flush()
    return plan


def items(session: Session, plan: Plan) -> list[PlanItem]:
    query = select(PlanItem).where(PlanItem.plan_id == plan.id).order_by(col(PlanItem.number))
    return list(session.exec(query))


def item_by_number(session: Session, plan: Plan, number: int) -> PlanItem | None:
    query = select(PlanItem).where(PlanItem.plan_id == plan.id, PlanItem.number == number)
    return session.exec(query).first()


def upsert_item(
    session: Session,
    plan: Plan,
    *,
    number: int,
    dimension: int,
    title: str,
    kind: str | None = None,
    unit: str = "",
) -> tuple[PlanItem, bool]:
    """The item with this number, created or brought up to date; True when created."""
    item = item_by_number(session, plan, number)
    created = item is None
    if item is None:
        item = PlanItem(org_id=plan.org_id, plan_id=plan.id, number=number, dimension=0, kind="")
    item.dimension = dimension
    item.title = title
    item.kind = kind or kind_of(title).value
    if unit or created:
        item.unit = unit
    session.add(item)
    session.flush()
    return item, created


def set_budget(session: Session, item: PlanItem, fiscal_year: int, amount: Decimal) -> None:
    row = session.exec(
        select(PlanItemBudget).where(
            PlanItemBudget.item_id == item.id, PlanItemBudget.fiscal_year == fiscal_year
        )
    ).first()
    if row is None:
        row = PlanItemBudget(org_id=item.org_id, item_id=item.id, fiscal_year=fiscal_year)
    row.amount = amount
    session.add(row)


def budget_for(session: Session, item_id: int, fiscal_year: int) -> Decimal:
    row = session.exec(
        select(PlanItemBudget).where(
            PlanItemBudget.item_id == item_id, PlanItemBudget.fiscal_year == fiscal_year
        )
    ).first()
    return row.amount if row else ZERO


def add_report(
    session: Session,
    item: PlanItem,
    *,
    fiscal_year: int,
    round: int,
    status: PlanStatus,
    budget: Decimal,
    spent: Decimal,
    result: str,
    as_of: date,
    reporter: str,
) -> PlanProgressReport:
    """A new report row; earlier reports stay as history."""
    report = PlanProgressReport(
        org_id=item.org_id,
        item_id=item.id,
        fiscal_year=fiscal_year,
        round=round,
        status=status.value,
        budget=budget,
        spent=spent,
        result=result,
        as_of=as_of,
        reporter=reporter,
    )
    session.add(report)
    session.flush()
    return report


def latest_report(
    session: Session, item_id: int, fiscal_year: int, round: int
) -> PlanProgressReport | None:
    query = (
        select(PlanProgressReport)
        .where(
            PlanProgressReport.item_id == item_id,
            PlanProgressReport.fiscal_year == fiscal_year,
            PlanProgressReport.round == round,
        )
        .order_by(col(PlanProgressReport.id).desc())
    )
    return session.exec(query).first()


def report_history(session: Session, item_id: int) -> list[PlanProgressReport]:
    query = (
        select(PlanProgressReport)
        .where(PlanProgressReport.item_id == item_id)
        .order_by(col(PlanProgressReport.id))
    )
    return list(session.exec(query))


def latest_period(session: Session, plan: Plan) -> tuple[int, int] | None:
    """The newest (fiscal year, round) anything of this plan was reported for."""
    query = (
        select(PlanProgressReport.fiscal_year, PlanProgressReport.round)
        .join(PlanItem, col(PlanItem.id) == col(PlanProgressReport.item_id))
        .where(PlanItem.plan_id == plan.id)
        .order_by(col(PlanProgressReport.fiscal_year).desc(), col(PlanProgressReport.round).desc())
    )
    row = session.exec(query).first()
    return (row[0], row[1]) if row else None


def item_views(session: Session, plan: Plan, fiscal_year: int, round: int) -> list[ItemView]:
    """Every item of the plan with its newest report for the period (pending if none).

    Three queries whatever the plan's size: items, budgets, reports.
    """
    plan_items = items(session, plan)
    ids = [i.id for i in plan_items]
    budgets = {
        b.item_id: b.amount
        for b in session.exec(
            select(PlanItemBudget).where(
                col(PlanItemBudget.item_id).in_(ids), PlanItemBudget.fiscal_year == fiscal_year
            )
        )
    }
    newest: dict[int, PlanProgressReport] = {}
    for report in session.exec(
        select(PlanProgressReport)
        .where(
            col(PlanProgressReport.item_id).in_(ids),
            PlanProgressReport.fiscal_year == fiscal_year,
            PlanProgressReport.round == round,
        )
        .order_by(col(PlanProgressReport.id))
    ):
        newest[report.item_id] = report  # later ids overwrite: the newest wins
    return [_view(i, newest.get(i.id), budgets.get(i.id, ZERO)) for i in plan_items]


def item_view(session: Session, item: PlanItem, fiscal_year: int, round: int) -> ItemView:
    report = latest_report(session, item.id, fiscal_year, round)
    return _view(item, report, budget_for(session, item.id, fiscal_year))


def _view(item: PlanItem, report: PlanProgressReport | None, budget: Decimal) -> ItemView:
    if report is None:
        return ItemView(
            item.id, item.number, item.dimension, item.kind, item.title, item.unit,
            PlanStatus.PENDING, budget, ZERO, "", None, "",
        )  # fmt: skip
    return ItemView(
        item.id, item.number, item.dimension, item.kind, item.title, item.unit,
        PlanStatus(report.status), Decimal(report.budget), Decimal(report.spent),
        report.result, report.as_of, report.reporter,
    )  # fmt: skip


def summarise(views: Iterable[ItemView], plan: Plan, fiscal_year: int, round: int) -> PlanSummary:
    overall = Tally()
    by_dimension: dict[int, Tally] = {}
    as_of: date | None = None
    for view in views:
        overall.add(view)
        by_dimension.setdefault(view.dimension, Tally()).add(view)
        if view.as_of is not None and (as_of is None or view.as_of > as_of):
            as_of = view.as_of
    return PlanSummary(
        plan, fiscal_year, round, overall, dict(sorted(by_dimension.items())), as_of,
        reported=as_of is not None,
    )  # fmt: skip


def summary(session: Session, plan: Plan, fiscal_year: int, round: int) -> PlanSummary:
    return summarise(item_views(session, plan, fiscal_year, round), plan, fiscal_year, round)


def spent_percent(part: Decimal, whole: Decimal) -> Decimal:
    """Spending as a percentage of budget, rounded half-up to 2 places as the reports print."""
    if not whole:
        return ZERO
    return (part * 100 / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def report_progress(
    session: Session,
    item: PlanItem,
    *,
    fiscal_year: int,
    round: int,
    status: PlanStatus,
    as_of: date,
    spent: Decimal | None = None,
    budget: Decimal | None = None,
    result: str | None = None,
    reporter: str = "",
) -> PlanProgressReport:
    """A new report of one item for a round, what is not given carried over from the item's
    last report of that round (`complaintbot plan set` and the office's item form)."""
    before = item_view(session, item, fiscal_year, round)
    return add_report(
        session, item, fiscal_year=fiscal_year, round=round, status=status,
        budget=before.budget if budget is None else budget,
        spent=before.spent if spent is None else spent,
        result=before.result if result is None else result,
        as_of=as_of, reporter=reporter or before.reporter,
    )  # fmt: skip
