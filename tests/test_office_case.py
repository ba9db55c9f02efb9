"""Working a case in the office, in a real browser: the photo shown to the officer from an
authenticated route, the location, a status change with a public note that reaches the
complainant through the fake Telegram and LINE platforms (the internal note stays inside),
the print form, response templates, and a tip revealed only by a logged POST."""

from __future__ import annotations

import io
import logging

import httpx
import pytest
import pytest_asyncio
from PIL import Image
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from bot.channels.telegram.channel import make_channel
from bot.jobs.outbox_sender import OutboxSender
from handlers.cases.codes import pretty
from messages import common
from messages.citizen import complaint as complaint_msg
from messages.citizen import followup, tracking
from storage.models import Complaint
from storage.staff.accounts import Role
from storage.staff.models import TipAccessLog
from tests.fake_line import serving
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.line_harness import running_line_bot, texts, tracking_code
from tests.office_helpers import (
    ONE_BROWSER,
    browser,
    check_screenshot,
    fits_the_screen,
    link_in,
    log_in,
    office,
)
from tests.photos import jpeg_with_gps
from tests.staff_helpers import file_tip, invite_code, reference_in, tip_round
from tests.telegram_chat import TelegramChat
from tests.test_office_login import bound_officer
from tests.test_telegram_e2e import code_in
from tests.transcript import Chat
from tests.waiting import DEADLINE

pytestmark = ONE_BROWSER

CITIZEN, OFFICER = 222_000_001, 222_000_002
BURST_PIPE = "ท่อประปาแตกหน้าตลาดสด น้ำไหลนองถนนมาสองวันแล้ว"
PUBLIC_NOTE = "เปลี่ยนท่อช่วงที่แตกเรียบร้อยแล้ว ขอบคุณที่แจ้ง"
INTERNAL_NOTE = "ใช้งบซ่อมบำรุงหมวดประปา ใบสั่งงานเลขที่ 45"
BRIBE = "เจ้าหน้าที่กองช่างเรียกรับเงินห้าพันบาทเพื่อเร่งออกใบอนุญาตก่อสร้าง"


@pytest.fixture
def fake():
    server = FakeTelegram().start()
    yield server
    server.stop()


@pytest_asyncio.fixture(loop_scope="session")  # the loop of the module's tests
async def telegram(fake, make_core):
    core = make_core({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": fake.base_url})
    channel = make_channel(core.settings, core)
    await channel.start()
    sender = OutboxSender(core.db, {"telegram": channel})
    core.engine.after_commit = sender.wake
    await sender.start()
    yield core, channel
    await sender.stop()
    await channel.stop()


async def arrived(fake: FakeTelegram, chat_id: int, *words: str) -> str:
    def found() -> str | None:
        return next((t for t in reversed(fake.sent_texts(chat_id)) if all(w in t for w in words)),
                    None)  # fmt: skip

    return await fake.wait_for(found)


async def change_status_in_the_office(page, base: str, code: str, *, shots: bool, keep: bool):
    """Open the case from the queue, check the photo, and complete it with both notes."""
    await page.goto(f"{base}/office/")
    await page.click(f"#cases a:has-text('{pretty(code)}')")
    await page.wait_for_url(f"{base}/office/case/{code}")
    if shots:
        photo = page.locator("#photos img").first
        await photo.wait_for()
        assert await photo.evaluate("img => img.complete && img.naturalWidth > 0")
    if shots:
        await fits_the_screen(page, "#case-head", "#timeline", "#actions")
        check_screenshot(await page.screenshot(), "office-case-desktop", keep=keep)
    await page.select_option("#status-select", "completed")
    await page.fill("#public-note", PUBLIC_NOTE)
    await page.fill("#status-form textarea[name=internal]", INTERNAL_NOTE)
    await page.click("#save-status")
    await page.wait_for_url(f"{base}/office/case/{code}?done=status")
    timeline = await page.inner_text("#timeline")
    assert PUBLIC_NOTE in timeline and INTERNAL_NOTE in timeline
    assert tracking.STATUS_LABELS["completed"] in await page.inner_text("#case-status")


@pytest.mark.long
async def test_a_case_worked_in_the_office_reaches_the_complainant_on_telegram(fake, telegram):
    core, channel = telegram
    officer = TelegramChat(fake, channel, OFFICER)
    await officer.say(f"/staff {invite_code(core, Role.COMPLAINT, 'สมศรี')}")
    citizen = TelegramChat(fake, channel, CITIZEN)
    await citizen.say("/start")
    await citizen.press(common.MENU_COMPLAINT)
    await citizen.press(complaint_msg.CATEGORY_LABELS["water"])
    await citizen.say(BURST_PIPE)
    await citizen.photo(jpeg_with_gps())
    await citizen.location(8.0863, 98.9063)
    await citizen.press(common.BUTTON_DONE)
    await citizen.press(complaint_msg.BUTTON_NO_CONTACT)
    code = code_in(await citizen.press(followup.BUTTON_CONFIRM_NOTIFY)).replace("-", "")

    async with office(core) as base, browser() as chrome:
        [answer] = await officer.say("/web")
        link = link_in(answer)
        context = await chrome.new_context(viewport={"width": 1280, "height": 900})
        page = await context.new_page()
        await page.goto(link)
        await page.click("#login-button")
        await page.wait_for_url(f"{base}/office/")
        await arrived(fake, OFFICER, "มีการเข้าสู่หน้าเว็บเจ้าหน้าที่")

        await page.goto(f"{base}/office/case/{code}")
        assert await page.get_attribute("#map-link", "href") is not None  # no tile server set
        photo_url = base + await page.get_attribute("#photos img", "src")
        cookies = {c["name"]: c["value"] for c in await context.cookies()}
        async with httpx.AsyncClient(timeout=DEADLINE, cookies=cookies) as client:
            served = await client.get(photo_url)
            assert served.headers["content-type"] == "image/jpeg"
            assert served.headers["cache-control"] == "no-store"
            assert b"InformantCam" not in served.content  # stored without its EXIF
        async with httpx.AsyncClient(timeout=DEADLINE) as stranger:
            assert (await stranger.get(photo_url)).status_code == 401

        keep = core.db.dialect.name == "sqlite"
        await change_status_in_the_office(page, base, code, shots=True, keep=keep)
        told = await arrived(fake, CITIZEN, PUBLIC_NOTE)
        assert tracking.STATUS_LABELS["completed"] in told
        await arrived(fake, CITIZEN, followup.ASK_RATING)
        assert not any(INTERNAL_NOTE in t for t in fake.sent_texts(CITIZEN))

        phone = await (await chrome.new_context(
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
        )).new_page()  # fmt: skip
        [answer] = await officer.say("/web")
        await phone.goto(link_in(answer))
        await phone.click("#login-button")
        await phone.goto(f"{base}/office/case/{code}")
        await fits_the_screen(phone, "#case-head", "#timeline", "#photos img")
        check_screenshot(await phone.screenshot(), "office-case-phone", keep=keep)

        await page.emulate_media(media="print")
        assert await page.is_visible(".print-head") and not await page.is_visible("#actions")
        assert "องค์การบริหารส่วนตำบล" in await page.inner_text(".print-head")
        assert "2569" in await page.inner_text("#case-head") or "256" in await page.inner_text(
            "#case-head"
        )  # Buddhist-era dates
        pdf = await page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")


async def test_a_case_worked_in_the_office_reaches_the_complainant_on_line(db_url, tmp_path):
    async with running_line_bot(db_url, tmp_path) as bot:
        core, fake = bot.core, bot.fake
        sender = OutboxSender(core.db, {"line": bot.channel})
        officer, citizen = bot.user(), bot.user()
        await officer.say(f"/staff {invite_code(core, Role.COMPLAINT, 'สมศรี')}")
        await citizen.follow()
        await citizen.press("menu:complaint")
        await citizen.press("c:cat:water")
        await citizen.say(BURST_PIPE)
        await citizen.send_image(jpeg_with_gps())
        await citizen.press("c:ev:done")
        await citizen.press("c:ct:no")
        code = tracking_code(await citizen.press("c:confirm:notify")).replace("-", "")
        await sender.run_once()

        async with office(core) as base, browser() as chrome:
            link = link_in(texts(await officer.say("/web"))[0])
            page = await (await chrome.new_context()).new_page()
            await page.goto(link)
            await page.click("#login-button")
            await page.wait_for_url(f"{base}/office/")
            await change_status_in_the_office(page, base, code, shots=True, keep=False)
        await sender.run_once()
        news = texts(fake.pushes(citizen.user_id))
        assert any(PUBLIC_NOTE in t and tracking.STATUS_LABELS["completed"] in t for t in news)
        assert not any(INTERNAL_NOTE in t for t in news)
        assert any("มีการเข้าสู่หน้าเว็บ" in t for t in texts(fake.pushes(officer.user_id)))


def tile_server() -> Starlette:
    """A map tile server on loopback: every tile a green square, every request counted."""
    image = Image.new("RGB", (256, 256), (120, 200, 120))
    out = io.BytesIO()
    image.save(out, "PNG")
    served: list[str] = []

    async def tile(request) -> Response:
        served.append(request.url.path)
        return Response(out.getvalue(), media_type="image/png")

    app = Starlette(routes=[Route("/{z}/{x}/{y}.png", tile)])
    app.state.served = served
    return app


@pytest.mark.long
async def test_templates_actions_and_a_refusal_leave_the_case_right(make_core):
    tiles = tile_server()
    async with serving(tiles) as tile_base:
        await _work_a_case(make_core, f"{tile_base}/{{z}}/{{x}}/{{y}}.png", tiles.state.served)


async def _work_a_case(make_core, tile_url: str, tiles_served: list[str]) -> None:
    core = make_core({"COMPLAINTBOT_MAP_TILE_URL": tile_url})
    admin = await bound_officer(core, Role.ADMIN, "ปลัด")
    citizen = Chat(core, chat_id="citizen", user_id="citizen")
    from tests.staff_helpers import file_complaint

    code = (await file_complaint(citizen, notify=True, description=BURST_PIPE)).replace("-", "")
    with Session(core.db) as session, session.begin():
        from storage import org_settings

        settings = org_settings.get(session, core.org_id)
        settings.units = ["กองช่าง", "กองคลัง"]
        session.add(settings)
    async with office(core) as base, browser() as chrome:
        page = await (await chrome.new_context()).new_page()
        await log_in(page, admin, base)
        await page.goto(f"{base}/office/templates")
        await page.fill("input[name=title]", "รับเรื่องแล้ว")
        await page.fill("textarea[name=body]", "ได้รับเรื่องแล้ว เจ้าหน้าที่จะออกตรวจภายใน 3 วัน")
        await page.click("form.block button")
        await page.locator("#templates", has_text="ออกตรวจภายใน 3 วัน").wait_for()

        await page.goto(f"{base}/office/case/{code}")
        await page.locator("#map img.leaflet-tile-loaded").first.wait_for()  # Leaflet drew
        assert tiles_served and await page.locator("#map .leaflet-marker-icon").count() == 1
        await page.click("#take")
        await page.wait_for_url("**done=take")
        assert "ปลัด" in await page.inner_text("#case-head")
        await page.select_option("select[name=unit]", "กองคลัง")
        await page.click("form:has(select[name=unit]) button")
        await page.wait_for_url("**done=assign")
        assert "กองคลัง" in await page.inner_text("#case-head")

        await page.select_option("#template-select", label="รับเรื่องแล้ว")
        assert "ออกตรวจภายใน 3 วัน" in await page.input_value("#public-note")
        await page.select_option("#status-select", "in_progress")
        await page.click("#save-status")
        await page.wait_for_url("**done=status")
        assert "ออกตรวจภายใน 3 วัน" in await citizen.inbox()

        await page.fill("form:has(input[value=ask]) textarea", "   ")  # nothing to ask
        await page.click("form:has(input[value=ask]) button")
        await page.locator("#problem").wait_for()  # refused, with the reason shown
        await page.fill("form:has(input[value=ask]) textarea", "ขอภาพจุดที่ท่อแตกเพิ่มเติม")
        await page.click("form:has(input[value=ask]) button")
        await page.wait_for_url("**done=ask")
        assert "ขอภาพจุดที่ท่อแตกเพิ่มเติม" in await citizen.inbox()
        await page.fill("form:has(input[value=refer]) input[name=agency]", "การประปาส่วนภูมิภาค")
        await page.click("form:has(input[value=refer]) button")
        await page.wait_for_url("**done=refer")
        with Session(core.db) as session:
            assert session.exec(select(Complaint)).one().status == "referred"
        assert "การประปาส่วนภูมิภาค" in await citizen.inbox()


async def test_a_tip_stays_hidden_until_read_and_the_reading_is_logged(make_core, caplog):
    caplog.set_level(logging.DEBUG)
    core = make_core()
    integrity = await bound_officer(core, Role.INTEGRITY, "สมปอง")
    informant = Chat(core, chat_id="informant", user_id="informant")
    tip_code = await file_tip(informant, BRIBE)
    tip_round(core)  # tip notices leave in rounds
    reference = reference_in(await integrity.inbox())
    key = "T" + reference.removeprefix("ทจ")
    async with office(core) as base, browser() as chrome:
        page = await (await chrome.new_context()).new_page()
        await log_in(page, integrity, base)
        await page.click(f"#cases a:has-text('{reference}')")
        await page.wait_for_url(f"{base}/office/case/{key}")
        assert BRIBE not in await page.content() and tip_code not in await page.content()
        with Session(core.db) as session:
            assert session.exec(select(TipAccessLog)).all() == []
        async with page.expect_response(f"{base}/office/case/{key}/reveal") as revealed:
            await page.click("#reveal")
        answer = await revealed.value
        assert answer.headers["cache-control"] == "no-store"
        assert BRIBE in await page.inner_text("#revealed")
        assert BRIBE not in await page.title() and BRIBE not in page.url
        with Session(core.db) as session:
            [logged] = session.exec(select(TipAccessLog)).all()
        assert logged.reference == reference and "สมปอง" in logged.actor
    assert not any(BRIBE in r.getMessage() for r in caplog.records)
