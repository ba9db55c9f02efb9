"""The host's console in a real browser: a host-admin finds organisations among many, adds
one with its tambon, types its LINE account's secrets once (sealed, never shown again) and
sees it healthy against the fake LINE API; bad settings and files are refused line by line
with nothing saved; and every other role is refused with 403 in Thai."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from messages.office import host as host_msg
from storage import org_settings, orgs
from storage.hosting import accounts
from storage.hosting.place_models import PlaceOrg
from storage.models import Organisation
from storage.staff.accounts import Role
from tests.fake_line import FakeLine, serving
from tests.fake_telegram import TOKEN as TELEGRAM_TOKEN
from tests.fake_telegram import FakeTelegram
from tests.office_helpers import (
    ONE_BROWSER,
    browser,
    check_screenshot,
    fits_the_screen,
    log_in,
    office,
)
from tests.test_office_login import bound_officer
from tests.waiting import DEADLINE

pytestmark = ONE_BROWSER

LINE_SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
LINE_TOKEN = "host-console-line-access-token"
MANY = 120


def many_orgs(core) -> None:
    with Session(core.db) as session, session.begin():
        session.add_all(Organisation(slug=f"org-{n:03d}", name=f"อบต.ทดสอบที่ {n}")
                        for n in range(MANY))  # fmt: skip


def write_csv(path, rows) -> str:
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    return str(path)


@pytest.fixture
def telegram():
    fake = FakeTelegram().start()
    yield fake
    fake.stop()


@pytest.mark.long
async def test_a_host_adds_an_organisation_with_its_line_account_and_sees_it_healthy(
    make_core, tmp_path, telegram
):
    fake = FakeLine(access_token=LINE_TOKEN)
    async with serving(fake.app()) as line_api:
        core = make_core({"LINE_API_HOST": line_api, "TELEGRAM_API_BASE_URL": telegram.base_url})
        many_orgs(core)
        host = await bound_officer(core, Role.HOST_ADMIN, "ผู้ให้บริการ")
        officer = await bound_officer(core, Role.COMPLAINT)
        admin = await bound_officer(core, Role.ADMIN, "ปลัด")
        others = [officer, admin, await bound_officer(core, Role.INTEGRITY, "นิติกร"),
                  await bound_officer(core, Role.PLAN, "นักวิเคราะห์")]  # fmt: skip
        async with office(core) as base, browser() as chrome:
            desk = await chrome.new_context(viewport={"width": 1280, "height": 900})
            page = await desk.new_page()
            await log_in(page, host, base)
            await page.click("#nav-host")
            await page.wait_for_url(f"{base}/office/host/")
            assert int(await page.inner_text("#org-total")) == MANY + 1  # and the default one
            assert await page.locator("#orgs tbody tr").count() == 50
            await page.click("#next-page")
            await page.wait_for_selector("text=หน้า 2 จาก 3")
            await page.fill("input[name=q]", "ที่ 11")
            await page.click("#org-search button")
            await page.wait_for_selector("#orgs tr[data-slug=org-011]")
            assert await page.inner_text("#org-total") == "11"  # 11, 110…119

            # Adding: a bad slug and an unknown tambon are refused, nothing is added.
            await page.click("#host-nav >> text=เพิ่มหน่วยงาน")
            await page.fill("input[name=slug]", "namcham")
            await page.fill("input[name=name]", "อบต.น้ำชำ")
            await page.select_option("select[name=type]", "อบต.")
            await page.fill("textarea[name=tambons]", "999999")
            await page.click("#add-org")
            await page.wait_for_selector("#problem")
            assert "999999" in await page.inner_text("#problem")
            with Session(core.db) as session:
                assert orgs.by_slug(session, "namcham") is None
            await page.fill("textarea[name=tambons]", "540101")
            await page.click("#add-org")
            await page.wait_for_url(f"{base}/office/host/org/namcham?done=added")
            assert await page.inner_text("#line-state") == "ยังไม่ตั้ง"

            # The LINE account: typed once, sealed, never shown again.
            await page.fill("#line-form input[name=secret]", LINE_SECRET)
            await page.fill("#line-form input[name=token]", LINE_TOKEN)
            await page.click("#line-save")
            await page.wait_for_url(f"{base}/office/host/org/namcham?done=line")
            assert await page.inner_text("#line-state") == "ตั้งแล้ว"
            html = await page.content()
            assert LINE_SECRET not in html and LINE_TOKEN not in html
            assert await page.input_value("#line-form input[name=token]") == ""
            with Session(core.db) as session:
                org = orgs.by_slug(session, "namcham")
                row = accounts.get(session, "line", "namcham")
                assert (row.secret, row.token, row.org_id) == (LINE_SECRET, LINE_TOKEN, org.id)
                assert (org.kind, len(session.exec(select(PlaceOrg)).all())) == ("sao", 1)

            # Healthy once LINE's console points the webhook here (the doctor's check).
            await page.click("#check-accounts")
            await page.wait_for_selector("#health [data-platform=line][data-state=failing]")
            assert "webhook" in await page.inner_text("#health")
            fake.webhook_endpoint, fake.webhook_active = f"{base}/line/namcham/webhook", True
            await page.click("#check-accounts")
            await page.wait_for_selector("#health [data-platform=line][data-state=ok]")
            assert "อบต.เขาทอง" in await page.inner_text("#health")  # the fake's display name

            # Telegram: the bot's token, then its webhook registered from here.
            await page.fill("#telegram-form input[name=token]", TELEGRAM_TOKEN)
            await page.click("#telegram-save")
            await page.wait_for_url(f"{base}/office/host/org/namcham?done=telegram")
            await page.click("#telegram-webhook")
            await page.wait_for_url(f"{base}/office/host/org/namcham?done=webhook")
            with Session(core.db) as session:
                secret = accounts.get(session, "telegram", "namcham").webhook_secret
            assert telegram.webhook == {"url": f"{base}/telegram/namcham/webhook", "secret": secret}
            await page.click("#check-accounts")
            await page.wait_for_selector("#health [data-platform=telegram][data-state=ok]")
            assert await page.locator("#health [data-state=ok]").count() == 2
            check_screenshot(await page.screenshot(full_page=True), "office-host-org-desktop",
                             keep=core.db.dialect.name == "sqlite")  # fmt: skip

            # Settings: one bad value and nothing of the form is saved.
            await page.fill("#settings-form input[name=name]", "อบต.น้ำชำใหม่")
            await page.fill("#settings-form input[name=deadline-days]", "0")
            await page.click("#save-settings")
            await page.wait_for_selector("#problem")
            assert "deadline-days" in await page.inner_text("#problem")
            with Session(core.db) as session:
                assert orgs.by_slug(session, "namcham").name == "อบต.น้ำชำ"
            await page.fill("#settings-form input[name=deadline-days]", "20")
            await page.click("#save-settings")
            await page.wait_for_url(f"{base}/office/host/org/namcham?done=saved")
            with Session(core.db) as session:
                org = orgs.by_slug(session, "namcham")
                assert org.name == "อบต.น้ำชำใหม่"
                assert org_settings.get(session, org.id).deadline_days == 20

            await page.click("#host-nav >> text=สุขภาพบัญชี")
            await page.wait_for_selector("#summary")
            for platform in ("line", "telegram"):
                row = page.locator(f"#summary tr[data-platform={platform}]")
                assert (await row.locator(".ok").inner_text(), await row.locator(".failing")
                        .inner_text()) == ("1", "0")  # fmt: skip
            assert "org-000" in await page.inner_text("#unreachable")

            # Files: every bad line reported, nothing imported until the file is clean.
            bad_map = write_csv(tmp_path / "map.csv", [["org", "subdistrict_code"],
                                                       ["namcham", "540102"], ["nobody", "540101"],
                                                       ["namcham", "12"]])  # fmt: skip
            await page.click("#host-nav >> text=ตารางตำบล")
            await page.set_input_files("input[name=file]", bad_map)
            await page.click("#import-file")
            await page.wait_for_selector("#problems")
            problems = await page.locator("#problems li").all_inner_texts()
            assert [p.split(":")[0] for p in problems] == ["บรรทัด 3", "บรรทัด 4"]
            with Session(core.db) as session:
                assert len(session.exec(select(PlaceOrg)).all()) == 1

            bad_orgs = write_csv(tmp_path / "orgs.csv", [
                ["slug", "name", "type", "tambons", "deadline-days"],
                ["bankhok", "อบต.บ้านโคก", "อบต.", "540103", "15"],
                ["Bad", "ชื่อ", "อบต.", "", ""], ["bankhok", "ซ้ำ", "", "", "x"],
            ])  # fmt: skip
            await page.click("#host-nav >> text=นำเข้าไฟล์หน่วยงาน")
            await page.set_input_files("input[name=file]", bad_orgs)
            await page.click("#import-file")
            await page.wait_for_selector("#problems")
            problems = await page.locator("#problems li").all_inner_texts()
            assert [p.split(":")[0] for p in problems] == ["บรรทัด 3", "บรรทัด 4", "บรรทัด 4"]
            good_orgs = write_csv(tmp_path / "good.csv", [
                ["slug", "name", "type", "tambons", "deadline-days"],
                ["bankhok", "อบต.บ้านโคก", "อบต.", "540103", "15"],
            ])  # fmt: skip
            await page.set_input_files("input[name=file]", good_orgs)
            await page.click("#check-file")
            await page.wait_for_selector("#done")
            with Session(core.db) as session:
                assert orgs.by_slug(session, "bankhok") is None  # checked only
            await page.set_input_files("input[name=file]", good_orgs)
            await page.click("#import-file")
            await page.wait_for_selector("#done >> text=นำเข้าแล้ว")
            with Session(core.db) as session:
                assert orgs.by_slug(session, "bankhok").name == "อบต.บ้านโคก"

            # A phone: the list and the upload page fit.
            phone = await chrome.new_context(viewport={"width": 390, "height": 844})
            await phone.add_cookies(await desk.cookies())
            small = await phone.new_page()
            await small.goto(f"{base}/office/host/upload/orgs")
            await small.set_input_files("input[name=file]", bad_orgs)
            await small.click("#check-file")
            await small.wait_for_selector("#problems")
            await fits_the_screen(small, "#problems", "#upload")
            check_screenshot(await small.screenshot(full_page=True), "office-host-import-phone",
                             keep=core.db.dialect.name == "sqlite")  # fmt: skip
            await small.goto(f"{base}/office/host/?q=namcham")
            await fits_the_screen(small, "#orgs", "#host-nav")
            check_screenshot(await small.screenshot(), "office-host-orgs-phone",
                             keep=core.db.dialect.name == "sqlite")  # fmt: skip
            host_cookies = {c["name"]: c["value"] for c in await desk.cookies()}

            # The province's shared account, on a page of its own.
            await page.click("#host-nav >> text=บัญชีกลาง")
            await page.locator("#org-title", has_text="บัญชีกลางของจังหวัด").wait_for()
            await page.fill("#telegram-form input[name=token]", "12345:not a token")
            await page.click("#telegram-save")
            await page.wait_for_selector("#account-problem")  # a space inside: refused
            await page.fill("#telegram-form input[name=token]", "12345:SHAREDTOKEN")
            await page.click("#telegram-save")
            await page.wait_for_url(f"{base}/office/host/org/shared?done=telegram")
            with Session(core.db) as session:
                assert accounts.get(session, "telegram", "shared").org_id is None

            # Every other role: 403, in Thai, for every host page and form.
            for other in others:
                context = await chrome.new_context()
                them = await context.new_page()
                await log_in(them, other, base)
                assert await them.locator("#nav-host").count() == 0
                for path in ("host/", "host/org/namcham", "host/health", "host/upload/map",
                             "host/organisations.csv", "host/org/namcham/health"):  # fmt: skip
                    answer = await them.goto(f"{base}/office/{path}")
                    assert answer.status == 403, path
                    assert host_msg.HOST_ONLY in await them.content()
                cookies = {c["name"]: c["value"] for c in await context.cookies()}
                async with httpx.AsyncClient(timeout=DEADLINE, cookies=cookies) as client:
                    token = cookies["office_csrf"]
                    posts = [
                        ("host/new", {"slug": "evil", "name": "x"}, None),
                        ("host/org/namcham", {"name": "x"}, None),
                        ("host/org/namcham/account/line", {"secret": "s", "token": "t"}, None),
                        ("host/upload/orgs", {"action": "import"},
                         {"file": ("o.csv", Path(good_orgs).read_bytes(), "text/csv")}),
                    ]  # fmt: skip
                    for path, form, files in posts:
                        sent = {**form, "csrftoken": token}
                        answer = await client.post(f"{base}/office/{path}", data=sent, files=files)
                        assert answer.status_code == 403, path
                        assert host_msg.HOST_ONLY in answer.text
                await context.close()
            async with httpx.AsyncClient(timeout=DEADLINE, cookies=host_cookies) as client:
                forged = await client.post(
                    f"{base}/office/host/upload/orgs", data={"csrftoken": "forged"},
                    files={"file": ("o.csv", b"slug,name\nevil,x\n", "text/csv")},
                )  # fmt: skip
                assert forged.status_code == 403
                export = await client.get(f"{base}/office/host/organisations.csv")
                assert export.status_code == 200 and "namcham,อบต.น้ำชำใหม่,อบต.,540101" in (
                    export.content.decode("utf-8-sig"))  # fmt: skip
        with Session(core.db) as session:
            assert orgs.by_slug(session, "evil") is None
            assert orgs.by_slug(session, "namcham").name == "อบต.น้ำชำใหม่"
            assert accounts.get(session, "line", "namcham").token == LINE_TOKEN
        assert not re.search(LINE_TOKEN, "".join(c.path for c in fake.calls))
