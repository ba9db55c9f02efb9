"""The office's queue in a real browser: counts per status, filters, search, sorting by due
date, paging and the exports; and scoping: another organisation's case and a tip, opened by
a complaint officer by URL and by form, are refused. Screenshots at phone and desktop widths."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import httpx
import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from handlers.cases.codes import pretty
from handlers.cases.lifecycle import Stream
from handlers.cases.records import add_case
from messages.office import pages as page_msg
from storage import orgs
from storage.staff.accounts import Role
from storage.timeutil import utcnow
from tests.office_helpers import (
    ONE_BROWSER,
    browser,
    check_screenshot,
    fits_the_screen,
    log_in,
    office,
)
from tests.staff_helpers import file_tip, reference_in, tip_round
from tests.test_office_login import bound_officer
from tests.transcript import Chat
from tests.waiting import DEADLINE

pytestmark = ONE_BROWSER

STREETLIGHT = "ไฟถนนดับทั้งซอยหน้าโรงเรียน มืดมากตอนกลางคืน"
WATER = "น้ำประปาไม่ไหลสามวันแล้วที่หมู่ 4"
BRIBE = "เจ้าหน้าที่เรียกรับเงินเพื่อเร่งออกใบอนุญาตก่อสร้าง"


def record(core, org_id: int, *, category: str, text: str, days_ago: int, channel: str) -> str:
    with Session(core.db) as session, session.begin():
        recorded = add_case(
            session, org_id=org_id, stream=Stream.COMPLAINT, channel=channel, category=category,
            text=text, received_at=utcnow() - timedelta(days=days_ago), announce=False,
        )  # fmt: skip
        return recorded.code


def other_organisation(core) -> int:
    with Session(core.db) as session, session.begin():
        return orgs.ensure(session, slug="nongbua", name="อบต.หนองบัว").id


@pytest.mark.long
async def test_the_queue_filters_sorts_pages_and_exports(make_core):
    core = make_core()
    officer = await bound_officer(core)
    late = record(core, core.org_id, category="road", text=STREETLIGHT, days_ago=20,
                  channel="walk-in")  # fmt: skip
    water = record(core, core.org_id, category="water", text=WATER, days_ago=2, channel="phone")
    for n in range(28):  # enough for a second page
        record(core, core.org_id, category="waste", text=f"ขยะกองที่ซอย {n + 1}", days_ago=1,
               channel="letter")  # fmt: skip
    informant = Chat(core, chat_id="informant", user_id="informant")
    await file_tip(informant, BRIBE)
    elsewhere = record(core, other_organisation(core), category="road", text="ถนนของที่อื่น",
                       days_ago=1, channel="walk-in")  # fmt: skip

    async with office(core) as base, browser() as chrome:
        context = await chrome.new_context(viewport={"width": 1280, "height": 900})
        page = await context.new_page()
        await log_in(page, officer, base)
        assert await page.inner_text("#total") == "30"
        received = page.locator('#counts a[data-status="received"] b')
        assert await received.inner_text() == "30"
        first = await page.locator("#cases a.case-link").first.inner_text()
        assert first == pretty(late)  # the earliest due date first
        assert await page.locator("#cases tbody tr").count() == 25
        await page.click("#pager a")
        await page.wait_for_url("**page=2")
        assert await page.locator("#cases tbody tr").count() == 5
        text = await page.inner_text("#cases")
        assert BRIBE not in text and "ถนนของที่อื่น" not in text

        await page.goto(f"{base}/office/")
        await page.click("details.more summary")
        await page.select_option("select[name=category]", "water")
        await page.click("#apply")
        await page.wait_for_url("**category=water**")
        assert [await a.inner_text() for a in await page.locator("#cases a.case-link").all()] == [
            pretty(water)
        ]

        await page.goto(f"{base}/office/")
        await page.click("details.more summary")
        await page.check("input[name=overdue]")
        await page.click("#apply")
        await page.wait_for_url("**overdue=1**")
        assert await page.inner_text("#total") == "1" and pretty(late) in await page.inner_text(
            "#cases"
        )

        await page.goto(f"{base}/office/")
        await page.fill("input[name=q]", "มืดมาก")
        await page.click("#apply")
        await page.wait_for_url("**q=**")
        assert await page.inner_text("#total") == "1"
        await page.fill("input[name=q]", late[-8:])
        await page.click("#apply")
        await page.wait_for_url(f"**q={late[-8:]}**")
        assert await page.inner_text("#total") == "1"

        today = utcnow().date()
        await page.goto(
            f"{base}/office/?from={(today - timedelta(days=3)).isoformat()}"
            f"&to={today.isoformat()}&channel=phone&sort=due-desc"
        )
        assert await page.inner_text("#total") == "1"

        await page.goto(f"{base}/office/?channel=letter")
        cookies = {c["name"]: c["value"] for c in await context.cookies()}
        csv_url = await page.get_attribute("#export-csv", "href")
        xlsx_url = await page.get_attribute("#export-xlsx", "href")
        async with httpx.AsyncClient(timeout=DEADLINE, cookies=cookies) as client:
            data = (await client.get(base + csv_url)).content
            assert data.startswith(b"\xef\xbb\xbf")
            rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
            assert rows[0] == page_msg.EXPORT_HEADINGS["complaint"] and len(rows) == 29
            assert all(r[3] == "หนังสือ/จดหมาย" for r in rows[1:])
            book = load_workbook(io.BytesIO((await client.get(base + xlsx_url)).content))
            assert book.active.max_row == 29
            assert (
                await httpx.AsyncClient(timeout=DEADLINE).get(base + csv_url)
            ).status_code == 401

        keep = core.db.dialect.name == "sqlite"  # one copy for the docs
        await page.goto(f"{base}/office/")
        await fits_the_screen(page, "#cases", "#filters")
        check_screenshot(await page.screenshot(full_page=False), "office-queue-desktop", keep=keep)
        phone = await chrome.new_context(viewport={"width": 390, "height": 844},
                                         is_mobile=True, has_touch=True)  # fmt: skip
        small = await phone.new_page()
        await log_in(small, officer, base)
        await fits_the_screen(small, "#cases", "#filters", "#counts")
        check_screenshot(await small.screenshot(full_page=False), "office-queue-phone", keep=keep)

        # Scoping: another organisation's case, by URL and by form (tips: the next test).
        assert (await page.goto(f"{base}/office/case/{elsewhere}")).status == 404
        csrf = cookies["office_csrf"]
        async with httpx.AsyncClient(timeout=DEADLINE, cookies=cookies) as client:
            forged = await client.post(f"{base}/office/case/{elsewhere}/act",
                                       data={"action": "take", "csrftoken": csrf})  # fmt: skip
            assert forged.status_code == 404


async def test_tips_are_listed_by_reference_for_integrity_officers_only(make_core):
    core = make_core()
    complaint_officer = await bound_officer(core)
    integrity = await bound_officer(core, Role.INTEGRITY, "สมปอง")
    informant = Chat(core, chat_id="informant", user_id="informant")
    tip_code = await file_tip(informant, BRIBE)
    tip_round(core)  # tip notices leave in rounds
    reference = reference_in(await integrity.inbox())
    ascii_key = "T" + reference.removeprefix("ทจ")

    async with office(core) as base, browser() as chrome:
        context = await chrome.new_context()
        page = await context.new_page()
        await log_in(page, integrity, base)
        listed = await page.inner_text("#cases")
        assert reference in listed and BRIBE not in listed and tip_code not in listed
        cookies = {c["name"]: c["value"] for c in await context.cookies()}
        async with httpx.AsyncClient(timeout=DEADLINE, cookies=cookies) as client:
            data = (await client.get(f"{base}/office/export.csv")).content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(data)))
        assert rows[0] == page_msg.EXPORT_HEADINGS["tip"] and rows[1][0] == reference
        assert BRIBE not in data and tip_code not in data and tip_code.replace("-", "") not in data

        officer_context = await chrome.new_context()
        officer_page = await officer_context.new_page()
        await log_in(officer_page, complaint_officer, base)
        assert (await officer_page.goto(f"{base}/office/case/{ascii_key}")).status == 404
        assert reference not in await officer_page.content()
        cookies = {c["name"]: c["value"] for c in await officer_context.cookies()}
        async with httpx.AsyncClient(timeout=DEADLINE, cookies=cookies) as client:
            for path in ("reveal", "act"):
                refused = await client.post(
                    f"{base}/office/case/{ascii_key}/{path}",
                    data={"action": "take", "csrftoken": cookies["office_csrf"]},
                )
                assert refused.status_code == 404
