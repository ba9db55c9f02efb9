"""Bot API update JSON as Telegram documents and sends it (https://core.telegram.org/bots/api).

Builders for the shapes the tests use, so every test feeds the adapter what Telegram really
sends: a private text message, a command, a callback query, a photo in several sizes, a
document, a location, a group message, an edited message and a channel post.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

_message_ids = itertools.count(5001)


def user(user_id: int = 111_222_333, first_name: str = "สมชาย") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "th"}


def private_chat(chat_id: int = 111_222_333, first_name: str = "สมชาย") -> dict[str, Any]:
    return {"id": chat_id, "first_name": first_name, "type": "private"}


def group_chat(chat_id: int = -1_001_234_567_890) -> dict[str, Any]:
    return {"id": chat_id, "title": "กลุ่มหมู่บ้านเขาทอง", "type": "supergroup"}


def message(chat_id: int = 111_222_333, *, chat: dict | None = None, **content: Any) -> dict:
    """A `Message` object: every message has message_id, date and chat."""
    chat = chat or private_chat(chat_id)
    body = {"message_id": next(_message_ids), "date": int(time.time()), "chat": chat}
    if chat["type"] != "channel":
        body["from"] = user(chat_id if chat["type"] == "private" else 111_222_333)
    body.update(content)
    return body


def text(chat_id: int = 111_222_333, words: str = "สวัสดีค่ะ", **extra: Any) -> dict:
    """An update with a private text message; a leading /command gets its entity."""
    content: dict[str, Any] = {"text": words}
    if words.startswith("/"):
        length = len(words.split(" ", 1)[0])
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return {"message": message(chat_id, **content, **extra)}


def photo(chat_id: int, file_id: str, *, size: int, caption: str | None = None) -> dict:
    """A photo as Telegram sends it: the same picture in several sizes, smallest first."""
    sizes = [
        {"file_id": f"{file_id}-thumb", "file_unique_id": "AQADs", "width": 90, "height": 67,
         "file_size": 1200},
        {"file_id": f"{file_id}-medium", "file_unique_id": "AQADm", "width": 320, "height": 240,
         "file_size": 15000},
        {"file_id": file_id, "file_unique_id": "AQADx", "width": 1280, "height": 960,
         "file_size": size},
    ]  # fmt: skip
    content: dict[str, Any] = {"photo": sizes}
    if caption is not None:
        content["caption"] = caption
    return {"message": message(chat_id, **content)}


def document(chat_id: int, file_id: str, *, size: int | None, name: str = "หลักฐาน.pdf",
             mime: str = "application/pdf") -> dict:  # fmt: skip
    doc: dict[str, Any] = {"file_id": file_id, "file_unique_id": "AgADd", "file_name": name,
                           "mime_type": mime}  # fmt: skip
    if size is not None:
        doc["file_size"] = size
    return {"message": message(chat_id, document=doc)}


def location(chat_id: int, latitude: float = 8.0863, longitude: float = 98.9063) -> dict:
    return {"message": message(chat_id, location={"latitude": latitude, "longitude": longitude})}


def venue(chat_id: int, title: str = "ตลาดเขาทอง") -> dict:
    place = {"latitude": 8.0863, "longitude": 98.9063}
    return {
        "message": message(
            chat_id,
            location=place,
            venue={"location": place, "title": title, "address": "ต.เขาทอง อ.เมืองกระบี่"},
        )
    }


def sticker(chat_id: int) -> dict:
    return {"message": message(chat_id, sticker={
        "file_id": "CAACAgI", "file_unique_id": "AgADs", "type": "regular", "width": 512,
        "height": 512, "is_animated": False, "is_video": False, "emoji": "👍"})}  # fmt: skip


def callback(chat_id: int, data: str, answered: dict | None = None) -> dict:
    """A pressed inline button under `answered` (a message the bot sent, as the fake stored it)."""
    shown = answered or message(chat_id, text="เลือกบริการที่ต้องการ:")
    if "from" not in shown:
        shown = {**shown, "from": {"id": 1, "is_bot": True, "first_name": "bot"}}
    return {
        "callback_query": {
            "id": f"4382{next(_message_ids)}",
            "from": user(chat_id),
            "message": shown,
            "chat_instance": "-7329017356237045",
            "data": data,
        }
    }


def edited(chat_id: int = 111_222_333, words: str = "แก้ไขข้อความ") -> dict:
    body = message(chat_id, text=words)
    body["edit_date"] = body["date"] + 30
    return {"edited_message": body}


def group_text(words: str, chat_id: int = -1_001_234_567_890, **extra: Any) -> dict:
    return {"message": message(chat=group_chat(chat_id), text=words, **extra)}


def channel_post(words: str = "ประกาศเทศบาล") -> dict:
    chat = {"id": -1_009_876_543_210, "title": "ข่าวเทศบาล", "type": "channel"}
    return {"channel_post": message(chat=chat, text=words)}


def join_notice(chat_id: int = -1_001_234_567_890) -> dict:
    return {"message": message(chat=group_chat(chat_id), new_chat_members=[user(999)])}


def blocked(chat_id: int = 111_222_333) -> dict:
    """The citizen pressed "Stop and block bot": the bot's membership in the chat changes."""
    bot = {"id": 123456789, "is_bot": True, "first_name": "เขาทอง"}
    return {
        "my_chat_member": {
            "chat": private_chat(chat_id),
            "from": user(chat_id),
            "date": int(time.time()),
            "old_chat_member": {"user": bot, "status": "member"},
            "new_chat_member": {"user": bot, "status": "kicked", "until_date": 0},
        }
    }
