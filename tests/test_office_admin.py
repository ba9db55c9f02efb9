"""The office's administration in a real browser: an administrator invites a colleague (the
code and its QR codes shown once; the colleague binds with it in the chat), changes their
role and removes them (each ends the colleague's web session at once), then reads and exports
the audit log; the settings page refuses a bad value with its Thai reason and saves a good
one, showing what citizens will read; every other role is refused."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from messages import common
from messages import staff as staff_msg
from messages.citizen import limits
from messages.office import admin as msg
from messages.org_rules import WHY_DAYS
from storage import org_settings
from storage.office.models import OfficeSession
from storage.staff.accounts import Role
from storage.staff.models import StaffEvent, StaffInvite, StaffMember
from tests.office_helpers import (
    ONE_BROWSER,
    browser,
    check_screenshot,
    fits_the_screen,
    log_in,
    office,
)
from tests.staff_helpers import file_complaint, file_tip, reference_in, tip_round
from tests.test_office_login import bound_officer
from tests.transcript import Chat

pytestmark = ONE_BROWSER

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LINKS = {"TELEGRAM_BOT_USERNAME": "khaothong_bot", "LINE_BASIC_ID": "@123abcde"}


def member_named(core, name: str) -> StaffMember:
    with Session(core.db) as session:
        return session.exec(select(StaffMember).where(StaffMember.name == name)).one()


def open_sessions(core, member_id: int) -> int:
    with Session(core.db) as session:
        rows = session.exec(select(OfficeSession).where(OfficeSession.member_id == member_id))
        return sum(1 for row in rows if row.ended_at is None)


@pytest.mark.long
async def test_invite_change_role_remove_and_the_audit_log(make_core):
    core = make_core(LINKS)
    admin = await bound_officer(core, Role.ADMIN, "ปลัดสมชาย")
    citizen = Chat(core, chat_id="citizen", user_id="citizen")
    complaint = await file_complaint(citizen, notify=False, description="ไฟถนนดับทั้งซอยสาม")
    await file_tip(citizen, "มีการเรียกรับเงินใต้โต๊ะในการออกใบอนุญาตก่อสร้าง")
    tip_round(core)
    reference = reference_in(await admin.inbox())
    await admin.say(f"/content {reference}")  # a tip opened: logged
    await admin.say(f"/take {reference}")  # a tip's status change: dated by its day
    await admin.say(f"/take {complaint}")  # a complaint's status change

    async with office(core) as base, browser() as chrome:
        page = await (await chrome.new_context(viewport=DESKTOP)).new_page()
        await log_in(page, admin, base)
        await page.click("header nav >> text=เจ้าหน้าที่")
        await page.wait_for_url(f"{base}/office/staff")
        await page.fill("#invite-form input[name=name]", "สมใจ")
        await page.select_option("#invite-form select[name=role]", "complaint")
        await page.click("#make-invite")
        await page.wait_for_selector("#invite")
        code = re.fullmatch(r"/staff ([A-Z0-9]{10})", await page.inner_text("#invite-code"))[1]
        hrefs = [
            await a.get_attribute("href") for a in await page.query_selector_all("a.invite-link")
        ]
        assert hrefs == [
            f"https://t.me/khaothong_bot?start=staff_{code}",
            f"https://line.me/R/oaMessage/%40123abcde/?%2Fstaff%20{code}",
        ]
        for qr in await page.query_selector_all("img.qr"):  # drawn on the server, no CDN
            assert (await qr.get_attribute("src")).startswith("data:image/svg+xml")
            assert (await qr.bounding_box())["width"] >= 150
        check_screenshot(await page.screenshot(full_page=True), "office-staff-desktop",
                         keep=core.db.dialect.name == "sqlite")  # fmt: skip
        with Session(core.db) as session:
            [invite] = session.exec(select(StaffInvite).where(StaffInvite.name == "สมใจ")).all()
            assert code not in invite.code_hash  # only the hash is kept
        await page.goto(f"{base}/office/staff")
        assert code not in await page.content()  # shown once

        colleague = Chat(core, chat_id="colleague", user_id="colleague")
        assert "ลงทะเบียนคุณสมใจ" in await colleague.say(f"/staff {code}")
        mate = member_named(core, "สมใจ")
        theirs = await (await chrome.new_context(viewport=PHONE)).new_page()
        await log_in(theirs, colleague, base)
        assert open_sessions(core, mate.id) == 1

        await page.goto(f"{base}/office/staff")
        row = page.locator(f"tr[data-member='{mate.id}']")
        assert "–" not in await row.locator("td[data-label='ใช้งานล่าสุด']").inner_text()
        await row.locator("select[name=role]").select_option("integrity")
        await row.locator("button.change-role").click()
        await page.wait_for_selector("#done")
        assert msg.ROLE_CHANGED.format(name="สมใจ") in await page.inner_text("#done")
        assert open_sessions(core, mate.id) == 0
        assert (await theirs.goto(f"{base}/office/")).status == 401  # logged out at once
        row = page.locator(f"tr[data-member='{mate.id}']")
        assert staff_msg.ROLE_LABELS["integrity"] in await row.inner_text()
        assert member_named(core, "สมใจ").roles == "integrity"

        await log_in(theirs, colleague, base)  # back in, with the new role
        assert reference in await theirs.inner_text("main")  # the tips' queue
        asked: list[str] = []

        async def answer(dialog) -> None:
            asked.append(dialog.message)
            await (dialog.dismiss() if len(asked) == 1 else dialog.accept())

        page.on("dialog", answer)
        await page.locator(f"tr[data-member='{mate.id}'] button.remove").click()  # dismissed
        assert member_named(core, "สมใจ").removed_at is None and len(asked) == 1
        await page.locator(f"tr[data-member='{mate.id}'] button.remove").click()
        assert len(asked) == 2 and "สมใจ" in asked[0]
        await page.wait_for_selector("#done")
        assert await page.locator(f"tr[data-member='{mate.id}']").count() == 0
        assert (await theirs.goto(f"{base}/office/")).status == 401
        assert await colleague.say("/tips") == await colleague.say("/nonsense")  # not staff

        await page.click("header nav >> text=บันทึกการใช้งาน")
        await page.wait_for_url(f"{base}/office/audit")
        shown = await page.inner_text("#audit")
        for kind in msg.AUDIT_KINDS.values():
            assert kind in shown, kind
        assert reference in shown and "ไฟถนน" not in shown and "ใต้โต๊ะ" not in shown
        tip_rows = [line for line in shown.splitlines() if reference in line]
        assert tip_rows and all(" น." not in line for line in tip_rows if "สถานะ" in line)
        await page.select_option("select[name=kind]", "roles")
        await page.select_option("select[name=member]", str(mate.id))
        await page.click("#apply")
        await page.wait_for_url("**/audit?*")
        assert await page.inner_text("#total") == "1"
        assert staff_msg.ROLE_LABELS["integrity"] in await page.inner_text("#audit")
        await page.goto(f"{base}/office/audit")
        total = int(await page.inner_text("#total"))
        with Session(core.db) as session:
            kinds = sorted(e.kind for e in session.exec(select(StaffEvent)).all())
        assert kinds == ["bind", "bind", "invite", "invite", "remove", "roles"]

        answer = await page.request.get(base + await page.get_attribute("#export-csv", "href"))
        body = await answer.body()
        assert body.startswith(b"\xef\xbb\xbf")
        table = list(csv.reader(io.StringIO(body[3:].decode("utf-8"))))
        assert table[0] == msg.AUDIT_HEADINGS and len(table) == total + 1
        assert any(r[1] == msg.AUDIT_KINDS["remove"] and "สมใจ" in r[3] for r in table)
        answer = await page.request.get(base + await page.get_attribute("#export-xlsx", "href"))
        sheet = load_workbook(io.BytesIO(await answer.body())).active
        assert sheet.title == msg.AUDIT_SHEET
        assert [[c or "" for c in r] for r in sheet.iter_rows(values_only=True)] == table

        await page.set_viewport_size(PHONE)
        await fits_the_screen(page, "#audit", "#export-csv")
        check_screenshot(await page.screenshot(), "office-audit-phone",
                         keep=core.db.dialect.name == "sqlite")  # fmt: skip


async def test_settings_refuse_a_bad_value_and_show_what_citizens_read(make_core):
    core = make_core()
    admin = await bound_officer(core, Role.ADMIN, "ปลัดสมชาย")
    async with office(core) as base, browser() as chrome:
        page = await (await chrome.new_context(viewport=PHONE)).new_page()
        await log_in(page, admin, base)
        await page.click("header nav >> text=ตั้งค่า")
        await page.wait_for_url(f"{base}/office/settings")
        assert await page.input_value("#setting-deadline-days") == "15"
        await page.fill("#setting-deadline-days", "0")
        await page.fill("#setting-filings-per-chat", "8")
        await page.click("#save-settings")
        await page.wait_for_selector("#problem")
        problem = page.locator(".field-problem[data-key='deadline-days']")
        assert await problem.inner_text() == WHY_DAYS
        assert await page.input_value("#setting-deadline-days") == "0"  # kept to correct
        with Session(core.db) as session:
            rules = org_settings.get(session, core.org_id)
            assert (rules.deadline_days, rules.filings_per_chat) == (15, 5)  # nothing saved

        await page.fill("#setting-deadline-days", "10")
        await page.fill("#setting-office-hours", "ทุกวัน 08.00–20.00 น.")
        await page.fill("#setting-external-contacts", "• ศูนย์ดำรงธรรมจังหวัด โทร 1567")
        await page.click("#save-settings")
        await page.wait_for_selector("#done")
        preview = await page.locator("pre.chat-preview").all_inner_texts()
        citizen = Chat(core, chat_id="citizen", user_id="citizen")
        await citizen.open()
        assert (await citizen.press(common.MENU_CONTACT)).startswith(preview[0])  # word for word
        assert "ภายใน 10 วัน" in preview[0] and "ทุกวัน 08.00–20.00 น." in preview[0]
        assert "ศูนย์ดำรงธรรมจังหวัด โทร 1567" in preview[1]
        assert preview[2] == limits.refused("filings-chat", 8)
        with Session(core.db) as session:
            rules = org_settings.get(session, core.org_id)
            assert (rules.deadline_days, rules.filings_per_chat) == (10, 8)
        await fits_the_screen(page, "#settings-form", "#preview")
        check_screenshot(await page.screenshot(), "office-settings-phone", keep=False)
        await page.set_viewport_size(DESKTOP)
        check_screenshot(await page.screenshot(), "office-settings-desktop",
                         keep=core.db.dialect.name == "sqlite")  # fmt: skip


@pytest.mark.long
async def test_other_roles_are_refused_the_administration_pages(make_core):
    core = make_core()
    async with office(core) as base, browser() as chrome:
        anonymous = await (await chrome.new_context()).new_page()
        for path in ("/staff", "/audit", "/audit.csv", "/settings"):
            assert (await anonymous.goto(f"{base}/office{path}")).status == 401
        for role in (Role.COMPLAINT, Role.INTEGRITY, Role.PLAN, Role.HOST_ADMIN):
            chat = await bound_officer(core, role, f"คน{role.value}")
            page = await (await chrome.new_context()).new_page()
            await log_in(page, chat, base)
            refused = ["/audit", "/audit.csv", "/audit.xlsx", "/settings"]
            if role is not Role.HOST_ADMIN:
                refused.append("/staff")
            for path in refused:
                answer = await page.goto(f"{base}/office{path}")
                assert answer.status == 403, (role, path)
                assert msg.FORBIDDEN in await page.inner_text("main")
            cookies = {c["name"]: c["value"] for c in await page.context.cookies()}
            form = {"csrftoken": cookies["office_csrf"], "role": "admin", "name": "x"}
            answer = await page.request.post(f"{base}/office/staff/invite", form=form)
            if role is Role.HOST_ADMIN:  # staff accounts, as on the command line, never tips
                assert answer.status == 400
                assert staff_msg.HOST_ADMIN_NO_TIP_ROLES in await answer.text()
                await page.goto(f"{base}/office/staff")
                offered = await page.locator("#invite-form option").all_inner_texts()
                assert staff_msg.ROLE_LABELS["integrity"] not in offered
            else:
                assert answer.status == 403
            form = {"csrftoken": cookies["office_csrf"], "deadline-days": "3"}
            assert (await page.request.post(f"{base}/office/settings", form=form)).status == 403
        with Session(core.db) as session:
            assert org_settings.get(session, core.org_id).deadline_days == 15
            assert session.exec(select(StaffInvite).where(StaffInvite.name == "x")).first() is None
