"""The Telegram channel over real HTTP: PTB's Application against the fake Bot API.

The core here is a recording stand-in (scripted replies), so these tests pin down what the
adapter itself does: polling and webhook intake, downloads, limits, ordering, errors.
End-to-end tests through the real conversation engine are in test_telegram_e2e.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session
from starlette.applications import Starlette
from telegram.error import InvalidToken

from bot.channels.telegram.channel import WEBHOOK_PATH, TelegramChannel, make_channel
from bot.config import Settings
from handlers.types import AttachmentKind, Choice, Event, Notice, Reply
from messages import common
from messages.channels import telegram as msg
from storage.queues import inbox
from tests import telegram_updates as tg
from tests.fake_telegram import TOKEN, FakeTelegram, free_socket, serving
from tests.stub_core import StubCore, stub_core
from tests.waiting import DEADLINE

CHAT = 111_222_333
OTHER_CHAT = 444_555_666
SECRET = "s3cret-Token_for-tests"


@pytest.fixture
def fake():
    server = FakeTelegram().start()
    yield server
    server.stop()


def settings_for(fake: FakeTelegram, tmp_path: Path, **extra) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'unused.db'}",
        files_dir=tmp_path / "files",
        org_slug="khaothong",
        org_name="องค์การบริหารส่วนตำบลเขาทอง",
        telegram_bot_token=TOKEN,
        telegram_api_base_url=fake.base_url,
        **extra,
    )


@pytest.fixture
def core(tmp_path: Path) -> Iterator[StubCore]:
    stub = stub_core(tmp_path)
    yield stub
    stub.db.dispose()


@pytest.fixture
async def polling(fake: FakeTelegram, core: StubCore, tmp_path: Path):
    channel = make_channel(settings_for(fake, tmp_path), core)
    await channel.start()
    yield channel
    await channel.stop()


def test_no_token_means_no_telegram_channel(fake, core, tmp_path):
    settings = settings_for(fake, tmp_path)
    settings = Settings(**{**settings.__dict__, "telegram_bot_token": ""})
    assert make_channel(settings, core) is None


def test_webhook_mode_refuses_to_run_without_a_secret(fake, core, tmp_path):
    settings = settings_for(
        fake, tmp_path, telegram_webhook_url="https://example.org/telegram/webhook"
    )
    with pytest.raises(ValueError, match="TELEGRAM_WEBHOOK_SECRET"):
        make_channel(settings, core)


async def test_polling_start_publishes_thai_commands_and_drops_any_webhook(fake, polling):
    await fake.wait_for(lambda: fake.calls_to("getUpdates"))
    methods = [c.method for c in fake.calls]
    assert methods.index("getMe") < methods.index("setMyCommands") < methods.index("getUpdates")
    assert "deleteWebhook" in methods
    [commands] = fake.calls_to("setMyCommands")
    assert commands.params["commands"] == [
        {"command": name, "description": text} for name, text in msg.COMMANDS
    ]
    assert {c["command"] for c in commands.params["commands"]} == {
        "start", "help", "menu", "cancel", "track"}  # fmt: skip
    assert polling.routes == []


async def test_a_polled_message_reaches_the_core_and_its_reply_comes_back_with_buttons(
    fake, polling, core
):
    core.engine.answer = [Reply("เลือกบริการ:", (Choice("ร้องเรียน/ร้องทุกข์", "menu:complaint"),))]
    update_id = fake.push(tg.text(CHAT, "สวัสดีค่ะ"))
    [sent] = await fake.wait_for_messages(CHAT, 1)
    assert sent["text"] == "เลือกบริการ:"
    assert sent["reply_markup"] == {
        "inline_keyboard": [[{"text": "ร้องเรียน/ร้องทุกข์", "callback_data": "menu:complaint"}]]
    }
    [event] = core.engine.events
    assert event.text == "สวัสดีค่ะ"
    assert event.event_id.endswith(f":{update_id}")
    await fake.wait_for(lambda: fake.pending_updates() == 0)  # confirmed through the offset


async def test_a_pressed_button_is_answered_and_its_menu_shows_what_was_chosen(fake, polling, core):
    core.engine.answer = [Reply("เลือกบริการ:", (Choice("ติดตามเรื่อง", "menu:track"),))]
    fake.push(tg.text(CHAT, "/start"))
    await fake.wait_for_messages(CHAT, 1)
    menu_message = fake.calls_to("sendMessage")[0]
    shown = {
        "message_id": 1,
        "date": 0,
        "chat": tg.private_chat(CHAT),
        "text": menu_message.params["text"],
        "reply_markup": menu_message.params["reply_markup"],
    }
    core.engine.answer = [Reply("กรุณาพิมพ์รหัสติดตามเรื่อง 16 หลัก")]
    fake.push(tg.callback(CHAT, "menu:track", shown))
    await fake.wait_for_messages(CHAT, 2)
    # The spinner is stopped by a task of its own, alongside the turn: wait for that call.
    await fake.wait_for(lambda: fake.calls_to("answerCallbackQuery"))
    await polling.drain()
    assert len(fake.calls_to("answerCallbackQuery")) == 1
    assert core.engine.events[-1].choice == "menu:track"
    [edit] = fake.calls_to("editMessageText")
    assert edit.params["text"] == msg.chosen("เลือกบริการ:", "ติดตามเรื่อง")
    assert "reply_markup" not in edit.params


async def test_a_photo_is_downloaded_largest_size_into_the_file_store(fake, polling, core):
    picture = b"\xff\xd8\xff\xe0" + b"jpeg-bytes" * 1000
    file_id = fake.add_file(picture, path="photos/file_7.jpg")
    fake.push(tg.photo(CHAT, file_id, size=len(picture), caption="ถนนพัง"))
    await fake.wait_for_messages(CHAT, 1)
    assert [c.params["file_id"] for c in fake.calls_to("getFile")] == [file_id]
    [event] = core.engine.events
    [attachment] = event.attachments
    assert attachment.kind is AttachmentKind.PHOTO
    assert attachment.size == len(picture)
    assert attachment.key.endswith(".jpg")
    assert core.files.read(attachment.key) == picture
    assert event.text == "ถนนพัง"


async def test_a_file_over_the_limit_gets_a_thai_note_and_never_reaches_the_core(
    fake, polling, core
):
    big = fake.add_file(b"x", reported_size=25 * 1024 * 1024)
    fake.push(tg.document(CHAT, big, size=25 * 1024 * 1024))
    [sent] = await fake.wait_for_messages(CHAT, 1)
    assert sent["text"] == msg.file_too_big(20 * 1024 * 1024)
    assert core.engine.events == []
    assert fake.calls_to("getFile") == []


async def test_a_file_telegram_refuses_as_too_big_gets_the_same_note(fake, polling, core):
    unknown_size = fake.add_file(b"x", too_big=True)
    fake.push(tg.document(CHAT, unknown_size, size=None))
    [sent] = await fake.wait_for_messages(CHAT, 1)
    assert sent["text"] == msg.file_too_big(20 * 1024 * 1024)
    assert core.engine.events == []


async def test_the_configured_upload_limit_applies_when_smaller(fake, core, tmp_path):
    channel = make_channel(settings_for(fake, tmp_path, max_upload_bytes=1000), core)
    await channel.start()
    try:
        file_id = fake.add_file(b"y" * 1500)  # the document does not say its size
        fake.push(tg.document(CHAT, file_id, size=None))
        [sent] = await fake.wait_for_messages(CHAT, 1)
    finally:
        await channel.stop()
    assert sent["text"] == msg.file_too_big(1000)
    assert core.engine.events == []
    assert not list((tmp_path / "files").rglob("*.*"))


async def test_edited_messages_channel_posts_and_group_chatter_are_ignored(fake, polling, core):
    fake.push(tg.edited(CHAT))
    fake.push(tg.channel_post())
    fake.push(tg.group_text("ใครไปตลาดบ้าง"))
    fake.push(tg.text(CHAT, "หลังจากนั้น"))
    await fake.wait_for_messages(CHAT, 1)
    assert [e.text for e in core.engine.events] == ["หลังจากนั้น"]
    assert len(fake.calls_to("sendMessage")) == 1


async def test_one_chat_runs_in_order_while_other_chats_go_ahead(fake, polling, core):
    release = asyncio.Event()
    seen: list[str] = []

    async def handle(event: Event) -> list[Reply]:
        if event.text == "first":
            await release.wait()  # the first turn of CHAT is slow
        seen.append(f"{event.chat_id}:{event.text}")
        if event.chat_id == str(OTHER_CHAT):
            release.set()
        return [Reply(event.text or "")]

    core.engine.respond = handle
    fake.push(tg.text(CHAT, "first"))
    fake.push(tg.text(CHAT, "second"))
    fake.push(tg.text(OTHER_CHAT, "other"))
    await fake.wait_for_messages(CHAT, 2)
    assert seen == [f"{OTHER_CHAT}:other", f"{CHAT}:first", f"{CHAT}:second"]
    assert fake.sent_texts(CHAT) == ["first", "second"]


async def test_a_failing_turn_is_logged_without_content_and_answered_with_an_apology(
    fake, polling, core, caplog
):
    core.engine.fail = True
    with caplog.at_level(logging.DEBUG):
        fake.push(tg.text(CHAT, "ข้อความลับของผู้แจ้ง"))
        [sent] = await fake.wait_for_messages(CHAT, 1)
    assert sent["text"] == msg.APOLOGY
    assert "RuntimeError" in caplog.text
    assert "ข้อความลับ" not in caplog.text
    assert str(CHAT) not in caplog.text
    assert TOKEN not in caplog.text


async def test_a_redelivered_update_keeps_no_second_copy_of_its_file(fake, polling, core):
    core.engine.answer = []  # what the engine returns for an event id it already processed
    file_id = fake.add_file(b"photo")
    fake.push(tg.photo(CHAT, file_id, size=5))
    await fake.wait_for(lambda: core.engine.events)
    await polling.drain()
    assert not list(core.files.stored_keys())
    assert fake.sent(CHAT) == []


# -- webhook ----------------------------------------------------------------------------------


@pytest.fixture
async def webhook(fake: FakeTelegram, core: StubCore, tmp_path: Path):
    """The channel in webhook mode, served by uvicorn; Telegram (the fake) posts to it."""
    sock = free_socket()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}{WEBHOOK_PATH}"
    settings = settings_for(fake, tmp_path, telegram_webhook_url=url,
                            telegram_webhook_secret=SECRET)  # fmt: skip
    channel = make_channel(settings, core)
    assert isinstance(channel, TelegramChannel)
    async with serving(Starlette(routes=channel.routes), sock) as base:
        await channel.start()
        yield channel, base
        await channel.stop()


async def test_webhook_start_registers_the_url_with_its_secret(fake, webhook):
    channel, base = webhook
    [call] = fake.calls_to("setWebhook")
    assert call.params["url"] == base + WEBHOOK_PATH
    assert call.params["secret_token"] == SECRET
    assert fake.calls_to("getUpdates") == []
    assert [r.path for r in channel.routes] == [WEBHOOK_PATH]


async def test_an_update_posted_by_telegram_is_stored_before_the_post_returns_then_answered(
    fake, webhook, core
):
    channel, _ = webhook
    fake.push(tg.text(CHAT, "ร้องเรียนค่ะ"))
    await fake.wait_for(lambda: fake.webhook_statuses)
    assert fake.webhook_statuses == [200]
    await channel.drain()
    assert fake.sent_texts(CHAT) == ["รับทราบ"]
    assert core.engine.events[0].text == "ร้องเรียนค่ะ"
    with Session(core.db) as session:
        assert inbox.count(session) == 0  # delivered, so deleted


@pytest.mark.parametrize("header", [None, "", "wrong-secret", SECRET + "x"])
async def test_a_webhook_post_without_the_right_secret_is_refused_and_changes_nothing(
    fake, webhook, core, header
):
    _, base = webhook
    headers = {} if header is None else {"X-Telegram-Bot-Api-Secret-Token": header}
    async with httpx.AsyncClient(timeout=DEADLINE) as client:
        response = await client.post(
            base + WEBHOOK_PATH, json={"update_id": 9, **tg.text(CHAT, "ปลอม")}, headers=headers
        )
    assert response.status_code == 403
    assert core.engine.events == []
    assert fake.sent() == []


async def test_a_webhook_post_that_is_not_an_update_is_a_bad_request(fake, webhook, core):
    _, base = webhook
    async with httpx.AsyncClient(timeout=DEADLINE) as client:
        response = await client.post(
            base + WEBHOOK_PATH,
            content=b"not json",
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
    assert response.status_code == 400
    assert core.engine.events == []


async def test_a_button_is_answered_even_while_the_chat_is_still_busy(fake, polling, core):
    release = asyncio.Event()

    async def handle(event: Event) -> list[Reply]:
        await release.wait()
        return [Reply("ช้าหน่อย")]

    core.engine.respond = handle
    fake.push(tg.text(CHAT, "เรื่องแรก"))
    fake.push(tg.callback(CHAT, "menu:track"))
    await fake.wait_for(lambda: fake.calls_to("answerCallbackQuery"))
    assert fake.sent(CHAT) == []  # the first turn has not finished, the spinner is stopped
    release.set()
    await fake.wait_for_messages(CHAT, 2)


async def test_a_wrong_token_stops_the_start_with_telegrams_refusal(fake, core, tmp_path):
    settings = settings_for(fake, tmp_path)
    settings = Settings(**{**settings.__dict__, "telegram_bot_token": "42:not-the-token"})
    channel = make_channel(settings, core)
    with pytest.raises(InvalidToken):
        await channel.start()
    await channel.stop()  # harmless after a failed start


async def test_a_citizen_who_blocked_the_bot_is_not_sent_an_apology(fake, polling, core, caplog):
    fake.blocked.add(CHAT)
    with caplog.at_level(logging.INFO, logger="bot.channels.telegram.channel"):
        fake.push(tg.text(CHAT, "ยังอยู่ไหม"))
        await fake.wait_for(lambda: fake.calls_to("sendMessage"))
        await polling.drain()
    assert len(fake.calls_to("sendMessage")) == 1  # the reply, refused; no apology after it
    assert "no longer reachable" in caplog.text
    assert len(core.engine.events) == 1


async def test_a_reply_with_an_image_and_a_file_sends_them_from_the_file_store(fake, polling, core):
    chart = core.files.save(b"\x89PNG chart", suffix="png")
    sheet = core.files.save(b"PK report", suffix="xlsx")
    core.engine.answer = [Reply("สถิติปีนี้", image_key=chart, file_key=sheet)]
    fake.push(tg.text(CHAT, "สถิติ"))
    await fake.wait_for_messages(CHAT, 1)
    [photo] = fake.calls_to("sendPhoto")
    [document] = fake.calls_to("sendDocument")
    assert b"\x89PNG chart" in photo.files.values()
    assert b"PK report" in document.files.values()
    methods = [c.method for c in fake.calls if c.method.startswith("send")]
    assert methods == ["sendPhoto", "sendDocument", "sendMessage"]


async def test_a_long_reply_arrives_in_parts_with_the_buttons_under_the_last(fake, polling, core):
    long_text = "\n".join(f"รายการที่ {i}: รหัส 1234-5678-9012-3456 ดำเนินการแล้ว" for i in range(400))
    core.engine.answer = [Reply(long_text, (Choice("เมนูหลัก", "menu"),))]
    fake.push(tg.text(CHAT, "ขอดูทั้งหมด"))
    await fake.wait_for(lambda: any("reply_markup" in m for m in fake.sent(CHAT)))
    parts = fake.sent(CHAT)
    assert len(parts) > 1
    assert all(len(p["text"]) <= 4096 for p in parts)
    assert ["reply_markup" in p for p in parts] == [False] * (len(parts) - 1) + [True]
    assert "\n".join(p["text"] for p in parts) == long_text


async def test_a_menu_keeps_its_buttons_when_the_turn_failed(fake, polling, core):
    core.engine.answer = [Reply(common.INTERNAL_ERROR, notice=Notice.FAILED)]
    fake.push(tg.callback(CHAT, "menu:track", {
        "message_id": 1, "date": 0, "chat": tg.private_chat(CHAT), "text": "เลือกบริการ:",
        "reply_markup": {"inline_keyboard": [[{"text": "ติดตามเรื่อง",
                                               "callback_data": "menu:track"}]]}}))  # fmt: skip
    [sent] = await fake.wait_for_messages(CHAT, 1)
    assert sent["text"] == common.INTERNAL_ERROR
    assert fake.calls_to("editMessageText") == fake.calls_to("editMessageReplyMarkup") == []
