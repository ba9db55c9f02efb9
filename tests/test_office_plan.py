"""The anti-corruption plan in the office, as a plan officer uses it in a real browser: what
citizens asked in the chat this month (per item, and the questions no item matched, with
nothing of who asked), an e-PlanNACC table with a bad row refused with its row and reason and
nothing imported, the clean table imported, an item's round reported, and the template.
Screenshots at phone and desktop widths."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from sqlmodel import Session, select

from messages import common
from messages.plan import status as plan_msg
from messages.plan.vocab import TEMPLATE_HEADERS
from storage.plan import repo as plan_repo
from storage.plan.models import PlanItem, PlanProgressReport, PlanQuestion
from storage.plan.samples import load_sample_plans
from storage.staff.accounts import Role
from tests.office_helpers import (
    ONE_BROWSER,
    browser,
    check_screenshot,
    fits_the_screen,
    log_in,
    office,
)
from tests.test_office_login import bound_officer
from tests.transcript import Chat
from tests.waiting import DEADLINE

pytestmark = ONE_BROWSER

HEADER = ",".join(TEMPLATE_HEADERS)
ROWS = [
    '1,มาตรการเผยแพร่ข้อมูลการจัดซื้อจัดจ้างบนเว็บไซต์,2,"10,000",2500,อยู่ระหว่างดำเนินการ,,,กองคลัง',
    "2,โครงการอบรมคุณธรรมจริยธรรมพนักงาน,1,๕๐๐๐๐,0,รอรายงาน,,,สำนักปลัด",
]
BAD_ROW = "3,กิจกรรมตรวจสอบทรัพย์สิน,7,-,,ดำเนินการแล้วเสร็จ,,,สำนักปลัด"
UNMATCHED = "สร้างสะพานลอยหน้าโรงเรียน"


@pytest.mark.long
async def test_a_plan_officer_reads_questions_imports_the_table_and_reports_an_item(
    make_core, engine, tmp_path
):
    with Session(engine) as session, session.begin():
        load_sample_plans(session)
    core = make_core(org_slug="satengnok")
    citizen = Chat(core, chat_id="citizen", user_id="citizen")
    await citizen.open()
    await citizen.press(common.MENU_PLAN)
    assert "ข้อ 41" in await citizen.say("โครงการอบรมต่อต้านคอร์รัปชันใช้เงินไปเท่าไร")
    assert "ข้อ 21" in await citizen.say("No Gift Policy ทำแล้วหรือยัง")
    assert "ข้อ 21" in await citizen.say("มาตรการไม่รับของขวัญ no gift policy")
    await citizen.say(UNMATCHED)
    columns = {c["name"] for c in sa.inspect(engine).get_columns("plan_question")}
    assert columns == {"id", "org_id", "day", "item_id", "text"}  # nothing of who, or when
    with Session(engine) as session:
        kept = session.exec(select(PlanQuestion)).all()
    assert sorted(q.text for q in kept if q.item_id is None) == [UNMATCHED]

    planner = await bound_officer(core, Role.PLAN, "สมปอง")
    bad = tmp_path / "plan-bad.csv"
    bad.write_text("\n".join([HEADER, *ROWS, BAD_ROW]) + "\n", encoding="utf-8")
    good = tmp_path / "plan.csv"
    good.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8-sig")

    async with office(core) as base, browser() as chrome:
        context = await chrome.new_context(viewport={"width": 1280, "height": 900},
                                           accept_downloads=True)  # fmt: skip
        page = await context.new_page()
        await log_in(page, planner, base)
        await page.wait_for_url(f"{base}/office/plan")  # a plan officer starts at the plan
        assert "ปีงบประมาณ พ.ศ. 2565 รอบ 12 เดือน" in await page.inner_text("#plan-summary")
        asked = page.locator("#asked-items tbody tr")
        assert await page.inner_text("#asked-total") == "4"
        assert [await asked.nth(i).locator("td").first.inner_text() for i in range(2)] == [
            "21", "41"]  # fmt: skip
        assert await asked.first.locator("td").last.inner_text() == "2"
        assert await page.inner_text("#unmatched") == UNMATCHED
        assert "citizen" not in await page.inner_text("#questions")
        check_screenshot(await page.screenshot(), "office-plan-desktop",
                         keep=core.db.dialect.name == "sqlite")  # fmt: skip

        async with page.expect_download() as waiting:
            await page.click("#template-link")
        saved = Path(await (await waiting.value).path())
        template = load_workbook(io.BytesIO(saved.read_bytes()))
        assert [c.value for c in template.active[1]] == list(TEMPLATE_HEADERS)

        await page.fill("input[name=fiscal_year]", "2025")  # the Christian era: FY 2568
        await page.select_option("#upload-form select[name=round]", "6")
        await page.set_input_files("input[name=table]", str(bad))
        await page.click("#upload-button")
        await page.wait_for_selector("#problem")
        [row] = await page.locator("#problems tbody tr").all()
        cells = [await c.inner_text() for c in await row.locator("td").all()]
        assert cells == ["แถวที่ 4", plan_msg.IMPORT_REASONS["dimension"], "7"]
        with Session(engine) as session:
            assert plan_repo.plan_for_year(session, core.org_id, 2568) is None  # nothing
            items_before = len(session.exec(select(PlanItem)).all())

        await page.set_input_files("input[name=table]", str(good))
        await page.click("#upload-button")
        await page.wait_for_selector("#done")
        assert "นำเข้า 2 รายการแล้ว" in await page.inner_text("#done"), page.url
        assert "ปีงบประมาณ พ.ศ. 2568 รอบ 6 เดือน" in await page.inner_text("#plan-summary"), page.url
        with Session(engine) as session:
            assert len(session.exec(select(PlanItem)).all()) == items_before + 2

        phone = await chrome.new_context(viewport={"width": 390, "height": 844})
        small = await phone.new_page()
        await log_in(small, planner, base)
        await small.goto(f"{base}/office/plan?fy=2568&round=6")
        await small.click("#items tr[data-number='2'] a")
        await small.wait_for_url("**/plan/item/2?**")
        await small.select_option("select[name=status]", "done")
        await small.fill("input[name=spent]", "เยอะ")
        await small.click("#save-item")
        await small.wait_for_selector("#problem")  # unreadable money: nothing recorded
        await small.fill("input[name=spent]", "12,500.50")
        await small.fill("textarea[name=result]", "อบรมพนักงาน 40 คน")
        await fits_the_screen(small, "#item-form", "#save-item")
        check_screenshot(await small.screenshot(), "office-plan-phone",
                         keep=core.db.dialect.name == "sqlite")  # fmt: skip
        await small.click("#save-item")
        await small.wait_for_selector("#done")
        row = small.locator("#items tr[data-number='2']")
        assert await row.locator(".status").inner_text() == plan_msg.STATUS_LABELS["done"]
        assert await row.locator(".spent").inner_text() == "12,500.50"
        await fits_the_screen(small, "#upload-form", "#questions")
        with Session(engine) as session:
            reports = session.exec(select(PlanProgressReport)).all()
            [newest] = [r for r in reports if r.result == "อบรมพนักงาน 40 คน"]
        assert (newest.fiscal_year, newest.round, newest.status) == (2568, 6, "done")
        assert newest.reporter == "สมปอง" and str(newest.budget) == "50000.00"

        await small.goto(f"{base}/office/plan?done=โปรดโทรแจ้งรหัสผ่านที่เบอร์นี้")
        assert await small.locator("#done").count() == 0  # only what the office itself did
        cookies = {c["name"]: c["value"] for c in await phone.cookies()}
        async with httpx.AsyncClient(timeout=DEADLINE, cookies=cookies) as client:
            files = {"table": ("plan.csv", good.read_bytes(), "text/csv")}
            form = {"fiscal_year": "2569", "round": "6", "csrftoken": "forged"}
            forged = await client.post(f"{base}/office/plan/import", data=form, files=files)
            assert forged.status_code == 403
        with Session(engine) as session:
            assert plan_repo.plan_for_year(session, core.org_id, 2569) is None
