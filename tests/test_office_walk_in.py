"""A complaint received at the counter, by phone or by letter, keyed into the office's form
in a real browser: filed with its photo, announced to officers like any case, and answered
with a printable receipt slip carrying the tracking code for the citizen."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, select

from handlers.cases.codes import pretty
from storage.models import Complaint, ComplaintFile
from tests.office_helpers import (
    ONE_BROWSER,
    browser,
    check_screenshot,
    fits_the_screen,
    log_in,
    office,
)
from tests.photos import TELLTALES, jpeg_with_gps
from tests.test_office_login import bound_officer
from tests.waiting import DEADLINE

pytestmark = ONE_BROWSER

LETTER = "ขอให้ตัดกิ่งไม้ที่บังสายไฟหน้าบ้านเลขที่ 12 หมู่ 3 ก่อนฤดูฝน"


@pytest.mark.long
async def test_a_letter_is_filed_and_a_receipt_printed(make_core, tmp_path):
    core = make_core()
    officer = await bound_officer(core)
    photo = tmp_path / "letter.jpg"
    photo.write_bytes(jpeg_with_gps())
    async with office(core) as base, browser() as chrome:
        page = await (await chrome.new_context(viewport={"width": 390, "height": 844})).new_page()
        await log_in(page, officer, base)
        await page.click("text=รับเรื่องที่สำนักงาน")
        await page.wait_for_url(f"{base}/office/walk-in")
        await page.select_option("select[name=channel]", "letter")
        await page.select_option("select[name=category]", "road")
        await page.click("#file-case")  # no text yet: refused, nothing filed
        assert await page.locator("#problem").count() == 0  # the browser asks first (required)
        await page.fill("textarea[name=text]", "  ...  ")
        await page.click("#file-case")
        await page.wait_for_selector("#problem")
        with Session(core.db) as session:
            assert session.exec(select(Complaint)).all() == []

        await page.fill("textarea[name=text]", LETTER)
        await page.fill("input[name=name]", "นางสมใจ ใจดี")
        await page.fill("input[name=contact]", "081-234-5678")
        await page.set_input_files("input[name=photos]", str(photo))
        await page.click("#file-case")
        await page.wait_for_url(f"{base}/office/receipt/*")
        with Session(core.db) as session:
            case = session.exec(select(Complaint)).one()
            [stored] = session.exec(select(ComplaintFile)).all()
        assert case.channel == "letter" and case.description == LETTER
        assert case.complainant_phone == "081-234-5678"
        assert not any(t in core.files.read(stored.key) for t in TELLTALES)
        assert await page.inner_text("#receipt-code") == pretty(case.code)
        assert "องค์การบริหารส่วนตำบล" in await page.inner_text("#receipt")
        await fits_the_screen(page, "#receipt", "#receipt-code")
        check_screenshot(await page.screenshot(), "office-receipt-phone",
                         keep=core.db.dialect.name == "sqlite")  # fmt: skip
        assert pretty(case.code) in await officer.inbox()  # announced like any case

        await page.emulate_media(media="print")
        assert await page.is_visible("#receipt-code") and not await page.is_visible("header")

        cookies = {c["name"]: c["value"] for c in await page.context.cookies()}
        async with httpx.AsyncClient(timeout=DEADLINE, cookies=cookies) as client:
            form = {"channel": "phone", "category": "road", "received": "2026-12-01",
                    "text": "ส่งมาจากที่อื่น", "csrftoken": "forged"}  # fmt: skip
            files = {"photos": ("x.jpg", jpeg_with_gps(), "image/jpeg")}
            forged = await client.post(f"{base}/office/walk-in", data=form, files=files)
            assert forged.status_code == 403
            form["csrftoken"] = cookies["office_csrf"]
            same_site = await client.post(f"{base}/office/walk-in", data=form, files=files)
            assert same_site.status_code == 303  # the office's own token passes
        with Session(core.db) as session:
            assert len(session.exec(select(Complaint)).all()) == 2
