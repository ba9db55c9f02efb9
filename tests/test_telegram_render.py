"""Replies become Telegram messages: buttons as inline keyboards, long text split safely."""

from __future__ import annotations

import random
import re

from bot.channels.telegram.render import MAX_TEXT, render, split_text, utf16_len
from handlers.types import Choice, Reply, StatusCard

THAI_WORDS = ["ประชาชน", "ร้องเรียน", "เทศบาล", "ถนน", "ชำรุด", "น้ำท่วม", "ขยะ", "ไฟฟ้า",
              "เสียงดัง", "กลิ่นเหม็น", "เจ้าหน้าที่", "ตรวจสอบ", "ดำเนินการ", "แก้ไข"]  # fmt: skip
CODE = "1234-5678-9012-3456"


def test_a_reply_with_choices_is_one_message_with_one_button_per_row():
    reply = Reply("เลือกบริการที่ต้องการ:", (Choice("ร้องเรียน/ร้องทุกข์", "menu:complaint"),
                                            Choice("ติดตามเรื่อง", "menu:track")))  # fmt: skip
    [out] = render([reply])
    assert out.kind == "text"
    assert out.text == "เลือกบริการที่ต้องการ:"
    rows = out.keyboard.inline_keyboard
    assert [[(b.text, b.callback_data) for b in row] for row in rows] == [
        [("ร้องเรียน/ร้องทุกข์", "menu:complaint")],
        [("ติดตามเรื่อง", "menu:track")],
    ]


def test_replies_keep_their_order_and_a_plain_reply_has_no_keyboard():
    outs = render([Reply("หนึ่ง"), Reply("สอง", (Choice("ตกลง", "ok"),))])
    assert [o.text for o in outs] == ["หนึ่ง", "สอง"]
    assert outs[0].keyboard is None
    assert outs[1].keyboard is not None


def test_a_status_card_is_sent_as_its_plain_text():
    card = StatusCard("••••-••••-••••-3456", "เรื่องร้องเรียน", "received", "รับเรื่องแล้ว",
                      "23 พ.ย. 2569", "8 ธ.ค. 2569")  # fmt: skip
    [out] = render([Reply("สถานะ: รับเรื่องแล้ว", card=card)])
    assert out.text == "สถานะ: รับเรื่องแล้ว"


def test_images_and_files_are_sent_before_the_text_that_carries_the_buttons():
    outs = render([Reply("หลักฐาน", (Choice("ตกลง", "ok"),), image_key="a" * 32 + ".jpg")])
    assert [o.kind for o in outs] == ["photo", "text"]
    assert outs[1].keyboard is not None


def test_a_long_reply_is_split_with_the_buttons_on_the_last_part():
    text = "\n".join(f"บรรทัดที่ {i} " + "ข้อความ" * 30 for i in range(200))
    outs = render([Reply(text, (Choice("ตกลง", "ok"),))])
    assert len(outs) > 1
    assert all(utf16_len(o.text) <= MAX_TEXT for o in outs)
    assert [o.keyboard is not None for o in outs] == [False] * (len(outs) - 1) + [True]
    assert "\n".join(o.text for o in outs) == text


def test_short_text_is_left_alone():
    assert split_text("สวัสดีค่ะ") == ["สวัสดีค่ะ"]
    assert split_text("x" * MAX_TEXT) == ["x" * MAX_TEXT]


def test_thai_without_spaces_is_cut_only_between_words():
    rng = random.Random(7)
    words = [rng.choice(THAI_WORDS) for _ in range(3000)]
    text = "".join(words)
    boundaries = {0}
    position = 0
    for word in words:
        position += len(word)
        boundaries.add(position)
    parts = split_text(text)
    assert len(parts) > 1
    assert "".join(parts) == text
    position = 0
    for part in parts:
        assert utf16_len(part) <= MAX_TEXT
        position += len(part)
        assert position in boundaries, f"cut inside a word: ...{text[position - 5 : position + 5]}"


def test_a_tracking_code_is_never_cut_in_half():
    for filler in range(4070, 4096):
        text = "ก" * filler + CODE + "ข" * 50
        parts = split_text(text)
        assert "".join(parts) == text
        assert any(CODE in part for part in parts), filler


def test_many_codes_in_a_long_list_stay_whole():
    text = " ".join(f"เรื่องที่{i}:{CODE}" for i in range(600))
    parts = split_text(text)
    assert len(parts) > 1
    for part in parts:
        assert utf16_len(part) <= MAX_TEXT
        leftover = re.sub(CODE, "", part)
        assert not re.search(r"\d{4}-", leftover) and not re.search(r"-\d{4}\b", leftover)


def test_emoji_count_double_toward_the_limit():
    parts = split_text("😀" * 3000)  # 6,000 UTF-16 units
    assert len(parts) == 2
    assert all(utf16_len(p) <= MAX_TEXT for p in parts)
    assert "".join(parts) == "😀" * 3000


def test_a_part_never_starts_with_a_thai_vowel_or_tone_mark():
    text = "ที่นี่" * 2000  # combining marks everywhere, no spaces, not all dictionary words
    parts = split_text(text)
    assert "".join(parts) == text
    for part in parts:
        assert part[0] not in "ิีึืุู่้๊๋็์ั"
        assert part[-1] not in "เแโใไ"
