"""A reply waiting in the database (inbox or outbox) comes back whole, every field of it."""

from __future__ import annotations

from handlers import reply_codec
from handlers.types import Choice, HistoryEntry, Notice, Reply, StatusCard


def test_every_field_of_a_reply_survives_the_database():
    card = StatusCard("••••-1234", "เรื่องร้องเรียน", "received", "รับเรื่อง", "1 ม.ค.", "16 ม.ค.",
                      (HistoryEntry("1 ม.ค.", "รับเรื่อง", "หมายเหตุ"),))  # fmt: skip
    replies = [
        Reply("รหัส", (Choice("บันทึกรหัสแล้ว", "t:saved"),), delete_ref="42"),
        Reply(
            "สถิติ",
            image_key="ab" * 16 + ".png",
            file_key="cd" * 16 + ".xlsx",
            file_name="stats.xlsx",
            card=card,
            notice=Notice.STALE,
        ),
    ]
    assert reply_codec.load(reply_codec.dump(replies)) == replies
