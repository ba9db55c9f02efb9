"""The office's statistics page in a real browser, for each role that may open it: a period
picked in either era, the figures and files of `complaintbot stats` (the workbook read back
and compared with the command line's JSON), the public page's address, the monthly summary's
preview, and the ITA O24 table on one A4 page; console trials counted nowhere; every other
role refused, here and on the plan page. Screenshots at phone and desktop widths."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from messages.citizen.tracking import STATUS_LABELS
from messages.office import plan as plan_page_msg
from messages.office import statistics as page_msg
from messages.stats import chat as stats_chat_msg
from messages.stats import labels as stats_msg
from storage.staff.accounts import Role
from storage.timeutil import utcnow
from tests import stats_fixture
from tests.office_helpers import (
    ONE_BROWSER,
    browser,
    check_screenshot,
    fits_the_screen,
    log_in,
    office,
)
from tests.staff_helpers import file_complaint
from tests.test_office_login import bound_officer
from tests.transcript import Chat
from tests.waiting import DEADLINE

pytestmark = ONE_BROWSER

TRIAL_CHANNEL = "ทดสอบระบบ"


def figures_column(stream: dict) -> list:
    """A stream's JSON figures in the order of the workbook's summary rows."""
    return [
        stream["received"], *(stream["status_at_end"][s] for s in STATUS_LABELS),
        stream["completed_in_period"], stream["open_at_end"], stream["answered_within_deadline"],
        stream["median_days_to_completion"],
    ]  # fmt: skip


def a4_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@pytest.mark.long
async def test_statistics_for_each_role_match_the_command_line(
    make_core, db_url, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("COMPLAINTBOT_DATABASE_URL", db_url)
    monkeypatch.setenv("COMPLAINTBOT_DATA_DIR", str(tmp_path / "data"))
    core = make_core()
    stats_fixture.build(core.db, core.org_id, capsys)  # FY 2567, figures known
    admin = await bound_officer(core, Role.ADMIN, "สมชาย")
    complaints = await bound_officer(core, Role.COMPLAINT, "สมศรี")
    integrity = await bound_officer(core, Role.INTEGRITY, "สมหญิง")
    planner = await bound_officer(core, Role.PLAN, "สมปอง")
    host = await bound_officer(core, Role.HOST_ADMIN, "สมหมาย")
    trial = Chat(core, chat_id="trial", user_id="trial")  # a console trial, this month
    await file_complaint(trial, notify=False, description="ลองใช้ระบบ ไฟถนนดับ")
    march = json.loads(stats_fixture.run_cli(capsys, "stats", "--period", "2567-03",
                                             "--format", "json"))  # fmt: skip
    year = json.loads(stats_fixture.run_cli(capsys, "stats", "--period", "2567",
                                            "--format", "json"))  # fmt: skip
    now = utcnow()

    async with office(core) as base, browser() as chrome:
        desktop = await chrome.new_context(viewport={"width": 1280, "height": 900},
                                           accept_downloads=True)  # fmt: skip
        page = await desktop.new_page()
        await log_in(page, admin, base)
        await page.click("#nav-stats")
        await page.wait_for_url(f"{base}/office/stats")
        await page.select_option("select[name=kind]", "quarter")  # only its own field shows
        assert await page.is_visible("select[name=quarter]")
        assert not await page.is_visible("select[name=month]")
        await page.select_option("select[name=kind]", "month")
        assert not await page.is_visible("select[name=quarter]")
        await page.select_option("select[name=month]", "3")
        await page.fill("input[name=year]", "2024")  # the Christian era is March 2567 too
        await page.click("#show-period")
        await page.wait_for_url("**kind=month**")
        assert await page.inner_text("#stats-title") == "สถิติเรื่องร้องเรียน มีนาคม 2567"
        assert await page.input_value("input[name=year]") == "2567"
        summary = await page.inner_text("#summary-table")
        assert "ร้องเรียนการทุจริต (มีนาคม 2567)" in summary
        first = page.locator("#summary-table tbody tr").first.locator("td")
        assert [await first.nth(i).inner_text() for i in (1, 2)] == [
            str(march["complaints"]["received"]), str(march["tips"]["received"])]  # fmt: skip
        assert await page.is_visible("#categories-tip")
        monthly = await page.inner_text("#monthly-text")
        assert monthly.startswith(stats_chat_msg.MONTHLY_INTRO) and "มีนาคม 2567" in monthly
        assert await page.input_value("#public-url") == f"{base}/stats/{core.settings.org_slug}"
        shown = await page.inner_text("main")
        assert TRIAL_CHANNEL not in shown
        async with page.expect_response("**/stats/file.png?*") as chart:
            await page.locator("#chart").scroll_into_view_if_needed()  # loaded when seen
        assert (await chart.value).ok
        await page.locator("#chart").evaluate("img => img.decode()")
        assert await page.locator("#chart").evaluate("img => img.naturalWidth") > 300
        await page.evaluate("window.scrollTo(0, 0)")

        async with page.expect_download() as waiting:
            await page.click("#download-xlsx")
        download = await waiting.value
        assert download.suggested_filename == f"stats-{core.settings.org_slug}-2567-03.xlsx"
        book = load_workbook(io.BytesIO(Path(await download.path()).read_bytes()))
        sheet = book[stats_msg.SUMMARY_SHEET]
        rows = list(sheet.iter_rows(min_row=7, max_row=6 + len(figures_column(march["tips"])),
                                    values_only=True))  # fmt: skip
        assert [r[1] for r in rows] == figures_column(march["complaints"])
        assert [r[2] for r in rows] == figures_column(march["tips"])
        assert [r[3] for r in rows] == figures_column(march["fiscal_year_to_date"]["complaints"])
        assert [r[4] for r in rows] == figures_column(march["fiscal_year_to_date"]["tips"])
        sheets = [ws.iter_rows(values_only=True) for ws in book.worksheets]
        assert not any(TRIAL_CHANNEL in str(v) for rows_of in sheets for r in rows_of for v in r)
        tips_sheet = book[stats_msg.STREAM_SHORT["tip"]]  # the staff workbook: tips broken down
        assert tips_sheet.cell(row=6, column=1).value == stats_msg.CATEGORY_HEADING
        check_screenshot(await page.screenshot(), "office-stats-desktop",
                         keep=core.db.dialect.name == "sqlite")  # fmt: skip

        cookies = {c["name"]: c["value"] for c in await desktop.cookies()}
        async with httpx.AsyncClient(timeout=DEADLINE, cookies=cookies) as client:
            csv_file = await client.get(f"{base}/office/stats/file.csv?period=2567-03")
            assert csv_file.content.startswith(b"\xef\xbb\xbf")
            assert TRIAL_CHANNEL not in csv_file.content.decode("utf-8-sig")
            html = await client.get(f"{base}/office/stats/file.html?period=2567-03")
            assert "มีนาคม 2567" in html.text and html.headers["content-type"].startswith(
                "text/html")  # fmt: skip
            png = await client.get(f"{base}/office/stats/file.png?period=2567-03")
            assert png.content.startswith(b"\x89PNG")
            this_month = f"{now.year + 543}-{now.month:02d}"  # the trial's month, Buddhist era
            current = await client.get(f"{base}/office/stats/file.json?period={this_month}")
            assert current.status_code == 404  # only the four files are offered
            csv_now = await client.get(f"{base}/office/stats/file.csv?period={this_month}")
            assert TRIAL_CHANNEL not in csv_now.content.decode("utf-8-sig")
        await page.goto(f"{base}/office/stats?period={this_month}")
        assert TRIAL_CHANNEL not in await page.inner_text("main")
        received = page.locator("#summary-table tbody tr").first.locator("td").nth(1)
        assert await received.inner_text() == "0"  # the trial is not a complaint

        assert (await page.goto(f"{base}/office/plan")).status == 200  # administrators: both
        await page.goto(f"{base}/office/stats?period=2567-03")
        await page.click("#o24-link")
        await page.wait_for_url("**/stats/o24?year=2567")
        o24 = page.locator("#o24-table tbody tr")
        assert await o24.count() == 13  # October to September, and the year
        total = [await o24.last.locator("td").nth(i).inner_text() for i in range(4)]
        tips = year["tips"]
        assert total == [stats_msg.TOTAL, str(tips["received"]),
                         str(tips["completed_in_period"]), str(tips["open_at_end"])]  # fmt: skip
        await page.emulate_media(media="print")
        assert not await page.is_visible("header") and await page.is_visible("#o24-table")
        assert a4_pages(await page.pdf(prefer_css_page_size=True)) == 1
        check_screenshot(await page.screenshot(), "office-o24-print",
                         keep=core.db.dialect.name == "sqlite")  # fmt: skip
        await page.emulate_media(media="screen")

        phone = await chrome.new_context(viewport={"width": 390, "height": 844})
        page = await phone.new_page()
        await log_in(page, complaints, base)
        await page.goto(f"{base}/office/stats?period=2567-03")
        assert await page.is_visible("#categories-complaint")
        assert await page.locator("#categories-tip, #o24-link, #monthly").count() == 0
        assert stats_msg.STREAM_SHORT["tip"] not in await page.inner_text("#summary-table")
        await fits_the_screen(page, "#period-form", "#downloads", "#public-url")
        check_screenshot(await page.screenshot(), "office-stats-phone",
                         keep=core.db.dialect.name == "sqlite")  # fmt: skip
        refused = await page.goto(f"{base}/office/stats/o24")
        assert refused.status == 403
        assert (await page.goto(f"{base}/office/plan")).status == 403
        assert plan_page_msg.REFUSED in await page.inner_text("main")
        cookies = {c["name"]: c["value"] for c in await phone.cookies()}
        async with httpx.AsyncClient(timeout=DEADLINE, cookies=cookies) as client:
            public = await client.get(f"{base}/office/stats/file.xlsx?period=2567-03")
        book = load_workbook(io.BytesIO(public.content))  # tips as the published totals only
        assert book[stats_msg.STREAM_SHORT["tip"]].cell(row=6, column=1).value == (
            stats_msg.TIPS_TOTALS_NOTE)  # fmt: skip

        for officer, stats_ok, plan_ok in ((integrity, True, False), (planner, False, True),
                                           (host, False, False)):  # fmt: skip
            context = await chrome.new_context()
            page = await context.new_page()
            await log_in(page, officer, base)
            answer = await page.goto(f"{base}/office/stats?period=2567-03")
            assert answer.status == (200 if stats_ok else 403)
            if stats_ok:  # integrity officers: the tips broken down, no monthly preview
                assert await page.is_visible("#categories-tip")
                assert await page.locator("#monthly").count() == 0
            else:
                assert page_msg.REFUSED in await page.inner_text("main")
                assert await page.locator("#nav-stats").count() == 0
                download = await page.goto(f"{base}/office/stats/file.xlsx?period=2567-03")
                assert download.status == 403
            assert (await page.goto(f"{base}/office/plan")).status == (200 if plan_ok else 403)
            await context.close()

        async with httpx.AsyncClient(timeout=DEADLINE) as client:  # nobody logged in
            assert (await client.get(f"{base}/office/stats")).status_code == 401
            assert (await client.get(f"{base}/office/plan")).status_code == 401
