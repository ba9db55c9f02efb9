"""An officer's day on Telegram: the real python-telegram-bot over HTTP against the fake Bot
API, the outbox sender running as in `complaintbot serve`, on SQLite and PostgreSQL."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session, select

from bot.channels.telegram.channel import make_channel
from bot.jobs.outbox_sender import OutboxSender
from bot.jobs.scheduler import Scheduler
from bot.web.office.staff_page import invite_links
from handlers.cases.codes import pretty
from messages import common, staff
from messages.citizen import complaint as complaint_msg
from messages.citizen import followup, tracking
from storage.staff.accounts import Role
from storage.staff.models import Rating, TipAccessLog
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.staff_helpers import Clock, invite_code, reference_in, tip_round, use_clock
from tests.telegram_chat import TelegramChat
from tests.test_telegram_e2e import code_in, file_tip

CITIZEN, OFFICER, INTEGRITY, INFORMANT = 111_000_001, 111_000_002, 111_000_003, 111_000_004
DESCRIPTION = "ท่อประปาแตกหน้าตลาดสด น้ำไหลนองถนนมาสองวันแล้ว"


@pytest.fixture
def fake():
    server = FakeTelegram().start()
    yield server
    server.stop()


@pytest.fixture
async def office(fake, make_core):
    core = make_core({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": fake.base_url})
    clock = Clock()
    use_clock(core, clock)
    channel = make_channel(core.settings, core)
    await channel.start()
    sender = OutboxSender(core.db, {"telegram": channel}, clock=clock)
    core.engine.after_commit = sender.wake
    await sender.start()
    yield core, channel, clock
    await sender.stop()
    await channel.stop()


async def arrived(fake: FakeTelegram, chat_id: int, *words: str) -> str:
    """Wait until the outbox sender has sent `chat_id` a message with all of `words`."""

    def found() -> str | None:
        texts = fake.sent_texts(chat_id)
        return next((t for t in reversed(texts) if all(w in t for w in words)), None)

    return await fake.wait_for(found)


async def test_notice_take_update_notify_rate_and_a_tip_question_on_telegram(fake, office):
    core, channel, clock = office
    officer = TelegramChat(fake, channel, OFFICER)
    [bound] = await officer.say(f"/staff {invite_code(core, Role.COMPLAINT, 'สมศรี')}")
    assert "ลงทะเบียนคุณสมศรี" in bound
    integrity = TelegramChat(fake, channel, INTEGRITY)
    await integrity.say(f"/staff {invite_code(core, Role.INTEGRITY, 'สมปอง')}")

    citizen = TelegramChat(fake, channel, CITIZEN)
    await citizen.say("/start")
    await citizen.press(common.MENU_COMPLAINT)
    await citizen.press(complaint_msg.CATEGORY_LABELS["water"])
    await citizen.say(DESCRIPTION)
    await citizen.location(8.0863, 98.9063)
    await citizen.press(common.BUTTON_DONE)
    await citizen.press(complaint_msg.BUTTON_NO_CONTACT)
    code = code_in(await citizen.press(followup.BUTTON_CONFIRM_NOTIFY))

    notice = await arrived(fake, OFFICER, code)
    assert DESCRIPTION[:15] in notice
    await fake.wait_for(lambda: fake.calls_to("sendLocation"))
    [pin] = fake.calls_to("sendLocation")
    assert (pin.params["chat_id"], float(pin.params["latitude"])) == (OFFICER, 8.0863)

    taken = await officer.press(staff.BUTTON_TAKE)
    assert staff.TAKEN.format(key=code) in taken[0]
    await arrived(fake, CITIZEN, tracking.STATUS_LABELS["in_progress"])

    await officer.say(f"/status {code}")
    await officer.press(tracking.STATUS_LABELS["completed"])
    await officer.say("เปลี่ยนท่อช่วงที่แตกเรียบร้อยแล้ว")
    await officer.press(staff.BUTTON_SKIP_NOTE)
    await arrived(fake, CITIZEN, "เปลี่ยนท่อช่วงที่แตก")
    await arrived(fake, CITIZEN, followup.ASK_RATING)
    out = await citizen.press(followup.RATING_LABELS[3])
    assert followup.ASK_COMMENT in out[-1]
    assert followup.RATED in (await citizen.press(common.BUTTON_SKIP))[0]
    with Session(core.db) as session:
        assert session.exec(select(Rating)).one().score == 4

    informant = TelegramChat(fake, channel, INFORMANT)
    tip_code = await file_tip(informant)
    tip_round(core)
    tip_notice = await arrived(fake, INTEGRITY, staff.new_tip("", "")[:20])
    reference = reference_in(tip_notice)
    assert tip_code not in tip_notice
    content = await integrity.press(staff.BUTTON_CONTENT)
    assert "ห้าพันบาท" in content[0]
    await integrity.say(f"/ask {reference}")
    await integrity.say("มีใบเสร็จหรือหลักฐานการโอนเงินไหม")
    looked = await informant.say(f"/track {tip_code}")
    assert any("ใบเสร็จ" in t for t in looked)
    await informant.press(followup.BUTTON_REPLY)
    await informant.say("ไม่มีใบเสร็จ แต่มีพยานเห็นตอนจ่ายเงิน")
    tip_round(core)
    answered = await arrived(fake, INTEGRITY, reference, "💬")
    assert "พยาน" not in answered
    with Session(core.db) as session:
        assert len(session.exec(select(TipAccessLog)).all()) == 1

    # Sixteen days on, the morning job asks for an explanation of the overdue complaint.
    other = await _second_complaint(citizen)
    clock.advance(days=16)
    assert Scheduler(core.db, clock=clock, on_ran=core.engine.after_commit).run_due()
    await arrived(fake, OFFICER, "⏰", pretty(other))
    await officer.press(staff.explain_label(pretty(other)))
    await officer.say("รอช่างจากการประปาส่วนภูมิภาค")
    await arrived(fake, CITIZEN, "รอช่างจากการประปาส่วนภูมิภาค")


async def _second_complaint(citizen: TelegramChat) -> str:
    await citizen.say("/start")
    await citizen.press(common.MENU_COMPLAINT)
    await citizen.press(complaint_msg.CATEGORY_LABELS["road"])
    await citizen.say("ไฟส่องสว่างทางเข้าหมู่บ้านดับทั้งแนว มืดมากตอนกลางคืน")
    await citizen.press(common.BUTTON_SKIP)
    await citizen.press(complaint_msg.BUTTON_NO_CONTACT)
    return code_in(await citizen.press(followup.BUTTON_CONFIRM_NOTIFY)).replace("-", "")


async def test_an_invite_link_from_the_office_binds_a_colleague_on_telegram(fake, office):
    """The office's Telegram link opens the bot with `/start staff_CODE`: that binds like
    `/staff CODE`, once; any other payload of /start is still the welcome."""
    core, channel, _clock = office
    [link] = invite_links(invite_code(core, Role.COMPLAINT, "สมใจ"), "khaothong_bot", "")
    assert link.url.startswith("https://t.me/khaothong_bot?start=staff_")
    start = parse_qs(urlsplit(link.url).query)["start"][0]
    colleague = TelegramChat(fake, channel, 111_000_009)
    [bound] = await colleague.say(f"/start {start}")
    assert "ลงทะเบียนคุณสมใจ" in bound
    await colleague.say("/staff")
    assert colleague.menu_with(staff.BUTTON_QUEUE)  # a complaint officer's menu
    again = TelegramChat(fake, channel, 111_000_010)
    assert "ลงทะเบียน" not in "".join(await again.say(f"/start {start}"))  # spent
    assert "ลงทะเบียน" not in "".join(await again.say("/start hello"))
