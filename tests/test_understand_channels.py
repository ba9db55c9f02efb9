"""Free text and typed answers through the real adapters: Telegram (python-telegram-bot over
HTTP to the fake Bot API) and LINE (signed webhooks, line-bot-sdk to the fake Messaging API),
on SQLite and PostgreSQL. The console covers every detail (tests/test_understand_chat.py);
here each path is walked once per channel to show the adapters carry it unchanged."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlmodel import Session, select

from bot.app import Core
from bot.channels.telegram.channel import make_channel
from handlers.citizen import complaint as complaint_flow
from handlers.citizen import intake_offer
from handlers.citizen import tip as tip_flow
from messages import common
from messages.citizen import complaint as complaint_msg
from messages.citizen import tip as tip_msg
from messages.citizen import tracking
from messages.plan import answers as answers_msg
from messages.understand import replies as msg
from storage.models import Complaint, Conversation, Tip
from storage.plan.samples import load_sample_plans
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.line_harness import LineBot, buttons, running_line_bot, texts, tracking_code
from tests.telegram_chat import TelegramChat

POTHOLE = "ถนนหน้าบ้านเป็นหลุมใหญ่ รถล้มบ่อย"
BRIBE = "ปลัดเรียกเงินห้าพันค่าออกใบอนุญาตก่อสร้าง ไม่ออกใบเสร็จ"
OTHER_TEXTS = [
    ("เรื่องที่แจ้งไว้ถึงไหนแล้วครับ", tracking.ASK_CODE),
    ("สวัสดีครับ", msg.GREETING),
    ("ขอบคุณมากครับ", msg.THANKS),
    ("บอทนี้ทำอะไรได้บ้าง", common.HELP),
    ("ราคาทองวันนี้เท่าไหร่", msg.CAN_DO),
    ("ที่ยังไม่รายงานผลมีกี่ข้อ", "สถานะรอรายงาน 15 รายการ จากทั้งหมด 15 รายการ"),
    ("โครงการปลูกป่าชายเลนใช้เงินไปเท่าไร", answers_msg.NOT_IN_PLAN.split("“")[0]),
]


@pytest.fixture
def samples(engine):
    with Session(engine) as session, session.begin():
        load_sample_plans(session)  # the default organisation (khaothong) gets its plan


# -- Telegram -------------------------------------------------------------------------------


@pytest.fixture
async def telegram(samples, make_core) -> AsyncIterator[tuple[FakeTelegram, Core, object]]:
    fake = FakeTelegram().start()
    core = make_core({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": fake.base_url})
    channel = make_channel(core.settings, core)
    await channel.start()
    yield fake, core, channel
    await channel.stop()
    fake.stop()


async def test_telegram_a_typed_complaint_is_offered_and_filed(telegram):
    fake, core, channel = telegram
    chat = TelegramChat(fake, channel, 111_222_333)
    out = await chat.say(POTHOLE)
    assert out == [msg.propose_complaint(POTHOLE, complaint_msg.CATEGORY_LABELS["road"])]
    out = await chat.press(msg.BUTTON_ACCEPT)
    assert out == [complaint_msg.ASK_EVIDENCE]
    out = await chat.say("หน้าวัดหนองบัว ซอย 3")
    assert out == [msg.place_saved("หน้าวัดหนองบัว ซอย 3")]
    await chat.press(common.BUTTON_DONE)
    out = await chat.say("นายสมชาย ใจดี 0812345678")
    assert "ผู้ร้อง: นายสมชาย ใจดี โทร 0812345678" in out[-1]
    await chat.press(common.BUTTON_CONFIRM)
    with Session(core.db) as session:
        complaint = session.exec(select(Complaint)).one()
        assert (complaint.description, complaint.location_title) == (POTHOLE, "หน้าวัดหนองบัว ซอย 3")
        assert complaint.channel == "telegram"


async def test_telegram_corruption_offers_the_tip_channel_and_files_a_tip(telegram):
    fake, core, channel = telegram
    chat = TelegramChat(fake, channel, 777_888_999)
    out = await chat.say(BRIBE)
    assert out == [tip_msg.NOTICE, msg.TIP_OFFER]
    await chat.press(msg.BUTTON_TIP_KEEP)
    out = await chat.press(tip_msg.CATEGORY_LABELS["bribe"])
    assert out == [tip_msg.ASK_ACCUSED]
    await chat.press(common.BUTTON_SKIP)
    await chat.press(common.BUTTON_SKIP)
    await chat.say("ไม่มี")
    await chat.press(tip_msg.BUTTON_ANONYMOUS)
    await chat.press(common.BUTTON_CONFIRM)
    with Session(core.db) as session:
        assert session.exec(select(Tip)).one().conduct == BRIBE
        assert session.exec(select(Complaint)).all() == []
        assert session.exec(select(Conversation)).all() == []


@pytest.mark.parametrize(("typed", "answer"), OTHER_TEXTS)
async def test_telegram_other_free_texts(telegram, typed, answer):
    fake, _, channel = telegram
    chat = TelegramChat(fake, channel, 111_222_333)
    out = await chat.say(typed)
    assert any(answer in text for text in out), out
    assert common.DIDNT_UNDERSTAND not in out


# -- LINE -----------------------------------------------------------------------------------


@pytest.fixture
async def line(samples, db_url, tmp_path) -> AsyncIterator[LineBot]:
    async with running_line_bot(db_url, tmp_path) as bot:
        yield bot


async def test_line_a_typed_complaint_is_offered_and_filed(line: LineBot):
    citizen = line.user()
    sent = await citizen.say(POTHOLE)
    assert texts(sent) == [msg.propose_complaint(POTHOLE, complaint_msg.CATEGORY_LABELS["road"])]
    assert next(iter(buttons(sent))) == intake_offer.ACCEPT
    await citizen.press(complaint_flow.CAT + "nuisance")  # change the category with one tap
    sent = await citizen.say("ข้าม")
    assert complaint_flow.CONTACT_YES in buttons(sent)
    sent = await citizen.say("0812345678")
    assert texts(sent) == [msg.contact_phone_taken("0812345678"), complaint_msg.ASK_NAME]
    await citizen.say("สมหญิง รักดี")
    code = tracking_code(await citizen.press(complaint_flow.CONFIRM))
    with Session(line.core.db) as session:
        complaint = session.exec(select(Complaint)).one()
        assert complaint.code == code.replace("-", "")
        assert (complaint.category, complaint.channel) == ("nuisance", "line")


async def test_line_corruption_can_go_to_the_ordinary_channel_with_a_warning(line: LineBot):
    citizen = line.user()
    sent = await citizen.say(BRIBE)
    assert texts(sent) == [tip_msg.NOTICE, msg.TIP_OFFER]
    assert list(buttons(sent))[:3] == [intake_offer.TIP_KEEP, intake_offer.TIP_FRESH,
                                       intake_offer.PLAIN]  # fmt: skip
    sent = await citizen.press(intake_offer.PLAIN)
    assert texts(sent)[0] == msg.PLAIN_RECORDS_CHAT
    sent = await citizen.press(intake_offer.TIP_FRESH)  # the old offer's button: stale now
    assert texts(sent)[0] == common.STALE_BUTTON
    await citizen.say("ใช่")
    await citizen.press(complaint_flow.EV_SKIP)
    await citizen.press(complaint_flow.CONTACT_NO)
    await citizen.press(complaint_flow.CONFIRM)
    with Session(line.core.db) as session:
        assert session.exec(select(Complaint)).one().category == "service"
        assert session.exec(select(Tip)).all() == []


async def test_line_a_fresh_tip_starts_without_the_text(line: LineBot):
    citizen = line.user()
    await citizen.say(BRIBE)
    sent = await citizen.press(intake_offer.TIP_FRESH)
    assert texts(sent) == [tip_msg.ASK_CATEGORY]
    sent = await citizen.press(tip_flow.CAT + "bribe")
    assert texts(sent) == [tip_msg.ASK_CONDUCT]


@pytest.mark.parametrize(("typed", "answer"), OTHER_TEXTS)
async def test_line_other_free_texts(line: LineBot, typed, answer):
    sent = await line.user().say(typed)
    assert any(answer in text for text in texts(sent)), texts(sent)
    assert common.DIDNT_UNDERSTAND not in texts(sent)
