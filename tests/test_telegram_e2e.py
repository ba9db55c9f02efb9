"""End to end on Telegram: real python-telegram-bot, real HTTP, the real engine and database.

The fake Bot API (tests/fake_telegram.py) plays Telegram; the bot runs exactly as
`complaintbot serve` runs it (core from `build_core`, channel from `make_channel`), on
SQLite and on PostgreSQL.
"""

from __future__ import annotations

import re

import httpx
import pytest
from sqlmodel import Session, select
from starlette.applications import Starlette

from bot.channels.telegram.channel import WEBHOOK_PATH, make_channel
from bot.channels.telegram.render import MAX_TEXT, utf16_len
from handlers.cases.codes import masked
from handlers.cases.lifecycle import ComplaintCategory, TipCategory
from messages import common
from messages.channels import telegram
from messages.citizen import complaint as complaint_msg
from messages.citizen import tip as tip_msg
from messages.citizen.tracking import STATUS_LABELS
from storage.models import Complaint, ComplaintFile, Conversation, Tip
from tests import telegram_updates as tg
from tests.fake_telegram import TOKEN, FakeTelegram, free_socket, serving
from tests.telegram_chat import TelegramChat
from tests.waiting import DEADLINE

SECRET = "webhook-secret_0123456789"
CITIZEN = 111_222_333
INFORMANT = 777_888_999
PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40
DESCRIPTION = "ถนนหน้าโรงเรียนบ้านเขาทองเป็นหลุมลึก รถจักรยานยนต์ล้มไปแล้วสองคัน"
CONDUCT = "เจ้าหน้าที่เรียกเงินห้าพันบาทเพื่อเร่งออกใบอนุญาตก่อสร้าง โดยไม่ออกใบเสร็จ"


@pytest.fixture
def fake():
    server = FakeTelegram().start()
    yield server
    server.stop()


@pytest.fixture
async def polling_bot(fake, make_core):
    core = make_core({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": fake.base_url})
    channel = make_channel(core.settings, core)
    await channel.start()
    yield core, channel
    await channel.stop()


@pytest.fixture
async def webhook_bot(fake, make_core):
    sock = free_socket()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}{WEBHOOK_PATH}"
    core = make_core(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": fake.base_url,
            "TELEGRAM_WEBHOOK_URL": url,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
        }
    )
    channel = make_channel(core.settings, core)
    async with serving(Starlette(routes=channel.routes), sock):
        await channel.start()
        yield core, channel
        await channel.stop()


def code_in(texts: list[str]) -> str:
    for text in texts:
        match = re.search(r"\d{4}-\d{4}-\d{4}-\d{4}", text)
        if match:
            return match.group()
    raise AssertionError(f"no tracking code in {texts}")


async def file_complaint(chat: TelegramChat, *, photo: bytes | None = None,
                         location: tuple[float, float] | None = None) -> str:  # fmt: skip
    """The complaint dialogue, as a citizen taps through it; returns the shown code."""
    await chat.say("/start")
    await chat.press(common.MENU_COMPLAINT)
    await chat.press(complaint_msg.CATEGORY_LABELS[ComplaintCategory.ROAD])
    assert await chat.say(DESCRIPTION) == [complaint_msg.ASK_EVIDENCE]
    if photo is not None:
        saved = await chat.photo(photo)
        assert saved[0] == complaint_msg.EVIDENCE_FILE_SAVED.format(count=1, limit=5)
    if location is not None:
        assert (await chat.location(*location))[0] == complaint_msg.LOCATION_SAVED
    await chat.press(common.BUTTON_DONE if photo or location else common.BUTTON_SKIP)
    await chat.press(complaint_msg.BUTTON_NO_CONTACT)
    return code_in(await chat.press(common.BUTTON_CONFIRM))


async def file_tip(chat: TelegramChat) -> str:
    await chat.say("/start")
    [notice] = await chat.press(common.MENU_TIP)
    assert notice == tip_msg.NOTICE
    await chat.press(tip_msg.BUTTON_UNDERSTOOD)
    await chat.press(tip_msg.CATEGORY_LABELS[TipCategory.BRIBE])
    await chat.say(CONDUCT)
    await chat.press(common.BUTTON_SKIP)  # who
    await chat.press(common.BUTTON_SKIP)  # when and where
    await chat.press(common.BUTTON_SKIP)  # evidence
    await chat.press(tip_msg.BUTTON_ANONYMOUS)
    return code_in(await chat.press(common.BUTTON_CONFIRM))


async def test_a_citizen_files_a_complaint_with_a_photo_and_a_location_by_polling(
    fake, polling_bot
):
    core, channel = polling_bot
    chat = TelegramChat(fake, channel, CITIZEN)
    code = await file_complaint(chat, photo=PHOTO, location=(8.0863, 98.9063))

    with Session(core.db) as session:
        complaint = session.exec(select(Complaint)).one()
        assert complaint.code == code.replace("-", "")
        assert (complaint.channel, complaint.chat_id) == ("telegram", str(CITIZEN))
        assert complaint.description == DESCRIPTION
        assert (complaint.latitude, complaint.longitude) == (8.0863, 98.9063)
        [stored] = session.exec(select(ComplaintFile)).all()
        assert stored.kind == "photo"
        assert core.files.read(stored.key) == PHOTO
        assert session.exec(select(Conversation)).all() == []

    # Every pressed menu was answered and now shows what was chosen instead of buttons.
    presses = sum(1 for c in fake.calls_to("answerCallbackQuery"))
    assert presses == 5
    edits = [c.params["text"] for c in fake.calls_to("editMessageText")]
    assert edits[-1].endswith(telegram.chosen("", common.BUTTON_CONFIRM).strip())

    [status] = await chat.say(f"/track {code}")
    assert masked(code.replace("-", "")) in status
    assert STATUS_LABELS["received"] in status


async def test_an_informant_files_a_tip_over_the_webhook_and_both_codes_can_be_tracked(
    fake, webhook_bot
):
    core, channel = webhook_bot
    citizen = TelegramChat(fake, channel, CITIZEN)
    informant = TelegramChat(fake, channel, INFORMANT)
    complaint_code = await file_complaint(citizen)
    tip_code = await file_tip(informant)
    assert set(fake.webhook_statuses) == {200}

    with Session(core.db) as session:
        tip = session.exec(select(Tip)).one()
        assert tip_code.replace("-", "") not in tip.code_hash  # kept only as a keyed hash
        assert tip.conduct == CONDUCT
        assert session.exec(select(Conversation)).all() == []

    digits = tip_code.replace("-", "")
    [tip_status] = await informant.say(f"/track {tip_code}")
    assert masked(digits) in tip_status
    [complaint_status] = await citizen.say(complaint_code)  # a pasted code works too
    assert masked(complaint_code.replace("-", "")) in complaint_status
    await informant.say("/track")
    [found] = await informant.say(tip_code.replace("-", " "))
    assert masked(digits) in found


async def test_a_stale_button_is_answered_politely_and_loses_its_buttons(fake, polling_bot):
    _, channel = polling_bot
    chat = TelegramChat(fake, channel, CITIZEN)
    await chat.say("/start")
    old_menu = chat.menu_with(common.MENU_COMPLAINT)
    await chat.press(common.MENU_COMPLAINT, on=old_menu)
    # The citizen scrolls up and taps the same main menu again while in the complaint flow.
    answer = await chat.press(common.MENU_TIP, on=old_menu)
    assert answer[0] == common.STALE_MENU_IN_FLOW
    assert len(fake.calls_to("answerCallbackQuery")) == 2
    assert fake.calls_to("editMessageReplyMarkup")  # the stale menu's buttons are gone
    # A button nobody offers any more (an old category menu) is stale as well.
    category = chat.menu_with(complaint_msg.CATEGORY_LABELS[ComplaintCategory.ROAD])
    await chat.press(complaint_msg.CATEGORY_LABELS[ComplaintCategory.ROAD], on=category)
    stale = await chat.press(complaint_msg.CATEGORY_LABELS[ComplaintCategory.ROAD], on=category)
    assert stale[0] == common.STALE_BUTTON


async def test_a_20000_character_message_is_refused_politely_and_every_reply_fits(
    fake, polling_bot
):
    core, channel = polling_bot
    chat = TelegramChat(fake, channel, CITIZEN)
    await chat.say("/start")
    await chat.press(common.MENU_COMPLAINT)
    await chat.press(complaint_msg.CATEGORY_LABELS[ComplaintCategory.ROAD])
    huge = ("น้ำท่วมขังหน้าบ้านหลายวันแล้ว " * 700)[:20_000]
    answer = await chat.say(huge)
    assert answer[0] == common.too_long(3000)
    assert all(utf16_len(text) <= MAX_TEXT for text in fake.sent_texts())
    # The draft is intact: a proper description still moves on.
    assert await chat.say(DESCRIPTION) == [complaint_msg.ASK_EVIDENCE]
    with Session(core.db) as session:
        assert session.exec(select(Complaint)).all() == []


async def test_the_same_update_delivered_twice_files_one_complaint(fake, webhook_bot):
    core, channel = webhook_bot
    chat = TelegramChat(fake, channel, CITIZEN)
    await chat.say("/start")
    await chat.press(common.MENU_COMPLAINT)
    await chat.press(complaint_msg.CATEGORY_LABELS[ComplaintCategory.ROAD])
    await chat.say(DESCRIPTION)
    await chat.press(common.BUTTON_SKIP)
    await chat.press(complaint_msg.BUTTON_NO_CONTACT)
    confirm = chat.menu_with(common.BUTTON_CONFIRM)
    update = tg.callback(CITIZEN, "c:confirm", confirm)
    update["update_id"] = 900_000_001
    first = await chat.send(update)
    again = await chat.send(update)  # Telegram timed out on the first POST and re-sent it
    assert code_in(first)
    assert again == []
    assert fake.webhook_statuses[-2:] == [200, 200]
    with Session(core.db) as session:
        assert len(session.exec(select(Complaint)).all()) == 1


@pytest.mark.parametrize("secret", [None, "wrong-secret"])
async def test_a_webhook_call_with_a_wrong_secret_is_refused_and_changes_nothing(
    fake, webhook_bot, secret
):
    core, channel = webhook_bot
    chat = TelegramChat(fake, channel, CITIZEN)
    await chat.say("/start")
    await chat.press(common.MENU_COMPLAINT)
    sent_before = len(fake.sent())
    with Session(core.db) as session:
        [before] = session.exec(select(Conversation)).all()
        state = (before.flow, before.step, before.version)
    forged = {"update_id": 900_000_002, **tg.text(CITIZEN, "ยกเลิก")}
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    async with httpx.AsyncClient(timeout=DEADLINE) as client:
        response = await client.post(
            core.settings.telegram_webhook_url, json=forged, headers=headers
        )
    assert response.status_code == 403
    await channel.drain()
    assert len(fake.sent()) == sent_before
    with Session(core.db) as session:
        [after] = session.exec(select(Conversation)).all()
        assert (after.flow, after.step, after.version) == state


async def test_in_a_group_the_bot_only_asks_to_be_messaged_privately(fake, polling_bot):
    core, channel = polling_bot
    group = -1_001_234_567_890
    chat = TelegramChat(fake, channel, group)
    answer = await chat.send(tg.group_text("/start@khaothong_test_bot", chat_id=group))
    assert answer == [common.GROUP_CHAT]
    assert "reply_markup" not in fake.sent(group)[0]
    with Session(core.db) as session:
        assert session.exec(select(Conversation)).all() == []


async def test_blocking_the_bot_mid_tip_deletes_the_draft(fake, polling_bot):
    core, channel = polling_bot
    informant = TelegramChat(fake, channel, INFORMANT)
    await informant.say("/start")
    await informant.press(common.MENU_TIP)
    await informant.press(tip_msg.BUTTON_UNDERSTOOD)
    await informant.press(tip_msg.CATEGORY_LABELS[TipCategory.BRIBE])
    await informant.say(CONDUCT)
    with Session(core.db) as session:
        assert session.exec(select(Conversation)).one().flow == "tip"
    fake.push(tg.blocked(INFORMANT))
    await fake.wait_for(lambda: fake.pending_updates() == 0)
    await fake.wait_for(lambda: _no_conversation(core))
    await channel.drain()
    assert fake.calls_to("sendMessage")[-1].params["text"] != common.INTERNAL_ERROR


def _no_conversation(core) -> bool:
    with Session(core.db) as session:
        return session.exec(select(Conversation)).all() == []
