"""Once the informant has saved the code, the message that showed it goes (where it can)."""

from __future__ import annotations

import pytest

from bot.channels.telegram.channel import make_channel
from handlers import menu
from handlers.citizen import tip as tip_flow
from messages import common
from messages.citizen import tip as tip_msg
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.line_harness import running_line_bot, texts, tracking_code
from tests.telegram_chat import TelegramChat
from tests.test_telegram_e2e import file_tip as telegram_tip
from tests.test_tip_flow import file_tip as console_tip
from tests.transcript import Chat

INFORMANT = 6_123_987_450


@pytest.fixture
async def telegram(make_core):
    fake = FakeTelegram().start()
    core = make_core({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": fake.base_url})
    channel = make_channel(core.settings, core)
    await channel.start()
    yield fake, channel
    await channel.stop()
    fake.stop()


async def test_telegram_deletes_the_message_with_the_code(telegram):
    fake, channel = telegram
    chat = TelegramChat(fake, channel, INFORMANT)
    code = await telegram_tip(chat)
    shown = chat.menu_with(tip_msg.BUTTON_CODE_SAVED)
    assert code in shown["text"]

    answer = await chat.press(tip_msg.BUTTON_CODE_SAVED, on=shown)
    assert answer == [tip_msg.CODE_MESSAGE_DELETED]
    [deleted] = fake.calls_to("deleteMessage")
    assert int(deleted.params["message_id"]) == shown["message_id"]
    assert all(code not in m.get("text", "") for m in fake.messages(INFORMANT))


async def test_line_cannot_delete_so_the_informant_is_told_how(db_url, tmp_path):
    async with running_line_bot(db_url, tmp_path) as line:
        informant = line.user()
        await informant.press(menu.TIP)
        await informant.press(tip_flow.UNDERSTOOD)
        await informant.press(tip_flow.CAT + "bribe")
        await informant.say("ปลัดเรียกรับเงินค่าอนุญาตก่อสร้างโดยไม่ออกใบเสร็จ")
        await informant.press(tip_flow.SKIP)
        await informant.press(tip_flow.SKIP)
        await informant.press(tip_flow.EV_SKIP)
        await informant.press(tip_flow.ANONYMOUS)
        filed = await informant.press(tip_flow.CONFIRM)
        tracking_code(filed)
        assert texts(await informant.press(tip_flow.CODE_SAVED)) == [tip_msg.CODE_MESSAGE_STAYS]


async def test_the_button_works_later_and_leaves_a_draft_in_progress_alone(make_core, tmp_path):
    core = make_core()
    chat = Chat(core)
    await console_tip(chat, tmp_path)
    await chat.press(common.MENU_TIP)
    await chat.press(tip_msg.BUTTON_UNDERSTOOD)
    out = await chat.say(tip_flow.CODE_SAVED)  # typed is not pressed: only a button counts
    assert tip_msg.CODE_MESSAGE_STAYS not in out
