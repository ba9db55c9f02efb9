"""Bot API updates, in Telegram's documented JSON shapes, become the events the core expects."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.events import chat_key, parse
from handlers import menu
from handlers.types import AttachmentKind, Channel, EventKind, Location
from tests import telegram_updates as tg

BOT_ID = 123456789
BOT_NAME = "khaothong_test_bot"
CHAT = 111_222_333


def read(data: dict, update_id: int = 700_000_001):
    update = Update.de_json({"update_id": update_id, **data}, None)
    return parse(update, BOT_ID, BOT_NAME)


def test_a_private_text_message_is_an_event_with_its_text_and_ids():
    incoming = read(tg.text(CHAT, "ถนนหน้าบ้านเป็นหลุมค่ะ"), update_id=42)
    event = incoming.event
    assert event.channel is Channel.TELEGRAM
    assert (event.chat_id, event.user_id) == (str(CHAT), str(CHAT))
    assert event.event_id == f"{BOT_ID}:42"
    assert event.kind is EventKind.MESSAGE
    assert event.text == "ถนนหน้าบ้านเป็นหลุมค่ะ"
    assert event.is_private is True
    assert incoming.files == ()


def test_commands_become_the_words_the_core_knows_everywhere():
    for command, word in [("/start", "/start"), ("/start deep-link-payload", "/start"),
                          ("/menu", "/menu"), ("/cancel@khaothong_test_bot", "/cancel"),
                          ("/HELP", "/help")]:  # fmt: skip
        assert read(tg.text(CHAT, command)).event.text == word


def test_track_with_a_code_passes_the_code_as_text_and_without_one_opens_tracking():
    with_code = read(tg.text(CHAT, "/track 1234-5678-9012-3456")).event
    assert with_code.text == "1234-5678-9012-3456"
    assert with_code.choice is None
    bare = read(tg.text(CHAT, "/track")).event
    assert bare.choice == menu.TRACK
    assert bare.text is None


def test_an_unknown_command_is_passed_on_as_text():
    assert read(tg.text(CHAT, "/weather")).event.text == "/weather"


def test_a_pressed_button_is_a_choice_with_the_callback_data():
    event = read(tg.callback(CHAT, "menu:complaint"), update_id=77).event
    assert event.choice == "menu:complaint"
    assert event.text is None
    assert event.chat_id == str(CHAT)
    assert event.event_id == f"{BOT_ID}:77"
    assert event.is_private is True


def test_a_photo_asks_for_the_largest_size_only_and_keeps_its_caption():
    incoming = read(tg.photo(CHAT, "AgACAgUAAxk-big", size=345_678, caption="ไฟดับทั้งซอย"))
    assert incoming.event.text == "ไฟดับทั้งซอย"
    assert len(incoming.files) == 1
    ref = incoming.files[0]
    assert (ref.kind, ref.file_id, ref.size) == (AttachmentKind.PHOTO, "AgACAgUAAxk-big", 345_678)
    assert ref.mime == "image/jpeg"
    assert ref.suffix == "jpg"


def test_a_document_is_a_file_with_its_name_type_and_extension():
    ref = read(tg.document(CHAT, "BQACAgUAAxk", size=2048, name="ใบเสร็จ.PDF")).files[0]
    assert ref.kind is AttachmentKind.FILE
    assert (ref.name, ref.mime, ref.suffix, ref.size) == ("ใบเสร็จ.PDF", "application/pdf",
                                                          "PDF", 2048)  # fmt: skip


def test_a_document_without_a_size_is_still_taken_its_size_checked_on_download():
    ref = read(tg.document(CHAT, "BQAC", size=None, name="scan", mime="image/png")).files[0]
    assert ref.size is None
    assert ref.suffix == "png"


def test_a_shared_location_and_a_venue_become_locations():
    assert read(tg.location(CHAT, 8.0863, 98.9063)).event.location == Location(8.0863, 98.9063)
    place = read(tg.venue(CHAT, title="ตลาดเขาทอง")).event.location
    assert place == Location(8.0863, 98.9063, "ตลาดเขาทอง")


def test_a_sticker_is_an_unsupported_message_the_core_answers_politely():
    assert read(tg.sticker(CHAT)).event.kind is EventKind.UNSUPPORTED


def test_a_command_in_a_group_is_a_non_private_event_without_files():
    event = read(tg.group_text("/start@khaothong_test_bot")).event
    assert event.is_private is False
    assert event.chat_id == "-1001234567890"


def test_a_group_message_mentioning_or_replying_to_the_bot_is_answered():
    assert read(tg.group_text("@Khaothong_Test_Bot ร้องเรียนได้ไหม")).event.is_private is False
    bot_message = tg.message(chat=tg.group_chat(), text="สวัสดี")
    bot_message["from"] = {"id": BOT_ID, "is_bot": True, "first_name": "เขาทอง"}
    reply = tg.group_text("ขอแจ้งเรื่องหน่อย", reply_to_message=bot_message)
    assert read(reply).event.is_private is False


def test_group_chatter_not_addressed_to_the_bot_and_join_notices_are_ignored():
    assert read(tg.group_text("ใครไปตลาดบ้าง")) is None
    assert read(tg.group_text("/start@some_other_bot")) is None
    assert read(tg.join_notice()) is None


def test_edited_messages_and_channel_posts_are_ignored():
    assert read(tg.edited(CHAT)) is None
    assert read(tg.channel_post()) is None


def test_updates_of_one_chat_share_a_key_for_ordering():
    assert chat_key(Update.de_json({"update_id": 1, **tg.text(CHAT)}, None)) == str(CHAT)
    assert chat_key(Update.de_json({"update_id": 2, **tg.callback(CHAT, "x")}, None)) == str(CHAT)


def test_a_video_is_taken_as_a_file():
    video = {"file_id": "BAACAgUAAxk", "file_unique_id": "AgADv", "width": 1280, "height": 720,
             "duration": 12, "mime_type": "video/mp4", "file_size": 3_000_000}  # fmt: skip
    ref = read({"message": tg.message(CHAT, video=video)}).files[0]
    assert (ref.kind, ref.mime, ref.suffix) == (AttachmentKind.FILE, "video/mp4", "mp4")


def test_a_photo_in_a_group_is_never_downloaded():
    photo = tg.photo(CHAT, "AgAC-group", size=1000, caption="@khaothong_test_bot ดูรูปนี้")
    photo["message"]["chat"] = tg.group_chat()
    incoming = read(photo)
    assert incoming.event.is_private is False
    assert incoming.files == ()
    assert incoming.event.attachments == ()


def test_blocking_the_bot_in_a_private_chat_is_an_unfollow():
    event = read(tg.blocked(CHAT)).event
    assert event.kind is EventKind.UNFOLLOW
    assert event.chat_id == str(CHAT)
