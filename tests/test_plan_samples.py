"""The sample plans say what their documents print: counts per status, spending, percentage."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import Session

from storage import orgs
from storage.plan import importer as plan_import
from storage.plan import repo as plan_repo
from storage.plan.models import PlanStatus
from storage.plan.samples import SAMPLE_DIR, load_sample_plans


def summary_of(session: Session, slug: str) -> plan_repo.PlanSummary:
    org = orgs.by_slug(session, slug)
    assert org is not None
    plan = plan_repo.latest_plan(session, org.id)
    assert plan is not None
    fiscal_year, round_ = plan_repo.latest_period(session, plan) or (plan.year_from, 12)
    return plan_repo.summary(session, plan, fiscal_year, round_)


def counts(summary: plan_repo.PlanSummary) -> tuple[int, int, int, int, int]:
    c = summary.overall.counts
    return (
        summary.overall.total,
        c[PlanStatus.PENDING],
        c[PlanStatus.IN_PROGRESS],
        c[PlanStatus.DONE],
        c[PlanStatus.CANNOT],
    )


def test_khokphutsa_matches_its_printed_summary(engine):
    # 000: "จำนวน 15 โครงการ, รอการรายงาน 0, อยู่ระหว่างดำเนินการ 0, ดำเนินการแล้วเสร็จ 15,
    # ไม่สามารถดำเนินการได้ 0, เบิกจ่ายงบประมาณ 4,840.00 บาท คิดเป็นร้อยละ 4.84"
    with Session(engine) as session, session.begin():
        load_sample_plans(session)
        s = summary_of(session, "khokphutsa")
        assert (s.fiscal_year, s.round) == (2566, 12)
        assert counts(s) == (15, 0, 0, 15, 0)
        assert s.overall.spent == Decimal("4840.00")
        assert plan_repo.spent_percent(s.overall.spent, s.overall.budget) == Decimal("4.84")
        assert s.as_of is not None and s.as_of.isoformat() == "2024-01-12"  # ๑๒ มกราคม ๒๕๖๗


def test_satengnok_matches_its_printed_summary(engine):
    # 003: "จำนวน 65 โครงการ, รอการรายงาน 10, อยู่ระหว่างดำเนินการ 0, ดำเนินการแล้วเสร็จ 54,
    # ไม่สามารถดำเนินการได้ 1, เบิกจ่ายงบประมาณ 595,655.00 บาท คิดเป็นร้อยละ 42.89"
    with Session(engine) as session, session.begin():
        load_sample_plans(session)
        s = summary_of(session, "satengnok")
        assert (s.fiscal_year, s.round) == (2565, 12)
        assert counts(s) == (65, 10, 0, 54, 1)
        assert s.overall.spent == Decimal("595655.00")
        assert plan_repo.spent_percent(s.overall.spent, s.overall.budget) == Decimal("42.89")
        assert s.as_of is not None and s.as_of.isoformat() == "2023-02-13"


def test_khaothong_matches_its_printed_plan_table(engine):
    # 002 ส่วนที่ ๒: "รวมทั้งสิ้น จำนวน ๑๕ โครงการ/กิจกรรม/มาตรการ", "จำนวน - บาท" every year;
    # มิติ ๑: items 1–2, มิติ ๒: 3–10, มิติ ๓: 11–12, มิติ ๔: 13–15. Nothing reported yet.
    with Session(engine) as session, session.begin():
        load_sample_plans(session)
        s = summary_of(session, "khaothong")
        assert (s.plan.year_from, s.plan.year_to) == (2566, 2570)
        assert counts(s) == (15, 15, 0, 0, 0)
        assert {d: t.total for d, t in s.by_dimension.items()} == {1: 2, 2: 8, 3: 2, 4: 3}
        for year in range(2566, 2571):
            yearly = plan_repo.summary(session, s.plan, year, 12)
            assert yearly.overall.budget == Decimal("0.00")
        assert not s.reported


def test_loading_the_samples_twice_changes_nothing(engine):
    with Session(engine) as session, session.begin():
        load_sample_plans(session)
        load_sample_plans(session)
        s = summary_of(session, "satengnok")
        assert counts(s) == (65, 10, 0, 54, 1)
        assert len(plan_repo.items(session, s.plan)) == 65
        org = orgs.by_slug(session, "khaothong")
        assert org is not None and org.phone == "075-664584"


SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
SEED_OF = {"khokphutsa": "000_", "satengnok": "003_", "khaothong": "002_"}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents are not beside the repo")
@pytest.mark.parametrize("slug", sorted(SEED_OF))
def test_every_sample_title_and_amount_is_in_its_document(slug):
    """Transcribed, not invented: titles and amounts appear verbatim in the seed."""
    document = next(SEEDS.glob(f"{SEED_OF[slug]}*.txt")).read_text(encoding="utf-8")
    squashed = re.sub(r"\s+", "", document)
    rows = plan_import.parse_rows(
        plan_import.read_lines(SAMPLE_DIR / f"{slug}.csv"), need_status=False
    )
    for row in rows:
        assert re.sub(r"\s+", "", row.title) in squashed, row.title
        for amount in (row.budget, row.spent):
            if amount:
                assert f"{amount:,.2f}" in document, (row.number, amount)
