"""Rendering replies for LINE and reading LINE's event shapes, without a server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from linebot.v3.webhook import SignatureValidator

from bot.channels.line import events as line_events
from bot.channels.line.channel import api_configuration, make_channel, signature_of, signature_ok
from bot.channels.line.flex import STATUS_COLOURS, status_message
from bot.channels.line.render import batches, render, split_text
from bot.config import Settings
from handlers.types import Channel, Choice, EventKind, HistoryEntry, Reply, StatusCard
from messages.channels import line as line_msg
from storage.files import FileStore
from tests.fake_line import event, group_source, message_id, user_source, webhook_body


def as_json(messages) -> list[dict]:
    return [m.to_dict() for m in messages]


CARD = StatusCard(
    masked_code="••••-••••-••••-3456",
    stream_label="เรื่องร้องเรียน/ร้องทุกข์",
    status="in_progress",
    status_label="อยู่ระหว่างดำเนินการ",
    received_text="3 พ.ย. 2569",
    due_text="18 พ.ย. 2569",
    history=(
        HistoryEntry("3 พ.ย. 2569 09:12 น.", "รับเรื่องแล้ว"),
        HistoryEntry("5 พ.ย. 2569 14:00 น.", "อยู่ระหว่างดำเนินการ", "ส่งช่างออกตรวจพื้นที่แล้ว"),
    ),
)


# -- texts and buttons ---------------------------------------------------------------------


def test_a_long_text_is_split_at_line_breaks_within_5000_characters():
    paragraph = "บรรทัดที่มีข้อความยาวพอสมควร " * 10
    long_text = "\n".join(f"{n}. {paragraph}" for n in range(60))

    pieces = split_text(long_text)

    assert len(pieces) > 1
    assert all(len(p) <= 5000 for p in pieces)
    assert "\n".join(pieces) == long_text


def test_a_text_with_no_breaks_is_still_split():
    pieces = split_text("ก" * 12001)
    assert [len(p) for p in pieces] == [5000, 5000, 2001]


def test_choices_become_postback_quick_replies_that_show_their_label():
    [message] = as_json(render([Reply("เลือก", (Choice("ร้องเรียน/ร้องทุกข์", "menu:complaint"),))]))

    [item] = message["quickReply"]["items"]
    assert item["action"] == {
        "type": "postback",
        "label": "ร้องเรียน/ร้องทุกข์",
        "data": "menu:complaint",
        "displayText": "ร้องเรียน/ร้องทุกข์",
    }


def test_more_than_13_choices_keep_13_buttons_and_list_all_as_numbers():
    choices = tuple(Choice(f"ตัวเลือก {n}", f"c:{n}") for n in range(1, 16))

    [message] = as_json(render([Reply("เลือกหนึ่งข้อ", choices)]))

    assert len(message["quickReply"]["items"]) == 13
    assert message["text"].startswith("เลือกหนึ่งข้อ\n\n" + line_msg.MORE_CHOICES)
    assert "15. ตัวเลือก 15" in message["text"]


def test_a_label_over_20_characters_is_shortened_on_the_button_only():
    label = "ยาวเกินยี่สิบตัวอักษรแน่นอนครับ"
    [message] = as_json(render([Reply("x", (Choice(label, "c"),))]))

    action = message["quickReply"]["items"][0]["action"]
    assert len(action["label"]) == 20 and action["label"].endswith("…")
    assert action["displayText"] == label


def test_buttons_ride_on_the_last_message_of_a_turn():
    replies = [Reply("คำถาม", (Choice("ตกลง", "ok"),)), Reply("หมายเหตุ")]

    first, last = as_json(render(replies))

    assert "quickReply" not in first
    assert last["quickReply"]["items"][0]["action"]["data"] == "ok"


def test_messages_are_sent_five_per_call():
    messages = render([Reply(f"{n}") for n in range(12)])
    assert [len(b) for b in batches(messages)] == [5, 5, 2]


def test_an_image_without_a_link_is_sent_as_its_text_and_said_once_not_shown():
    replies = [Reply(f"รูปที่ {n}/2", image_key=f"{n}" * 32 + ".png") for n in (1, 2)]
    assert as_json(render(replies)) == [
        {"type": "text", "text": "รูปที่ 1/2"},
        {"type": "text", "text": "รูปที่ 2/2"},
        {"type": "text", "text": line_msg.IMAGE_NOT_SHOWN},
    ]


def test_a_file_without_a_link_is_sent_as_its_text():
    [message] = as_json(render([Reply("ตาราง", file_key="ab" * 16 + ".xlsx")]))
    assert message == {"type": "text", "text": "ตาราง"}


# -- the status card -----------------------------------------------------------------------


def test_a_status_card_is_a_flex_bubble_with_the_plain_text_as_alt_text():
    [message] = as_json(render([Reply("สถานะเรื่อง ••••-••••-••••-3456", card=CARD)]))

    assert message["type"] == "flex"
    assert message["altText"] == "สถานะเรื่อง ••••-••••-••••-3456"
    bubble = json.dumps(message["contents"], ensure_ascii=False)
    for shown in (
        CARD.masked_code,
        CARD.stream_label,
        CARD.status_label,
        CARD.received_text,
        CARD.due_text,
        "ส่งช่างออกตรวจพื้นที่แล้ว",
        line_msg.CARD_DUE,
    ):
        assert shown in bubble
    assert message["contents"]["header"]["backgroundColor"] == STATUS_COLOURS["in_progress"]


def test_each_status_has_its_own_colour():
    assert len(set(STATUS_COLOURS.values())) == len(STATUS_COLOURS) == 5


def test_alt_text_is_cut_to_400_characters():
    message = status_message(CARD, "ก" * 1000).to_dict()
    assert len(message["altText"]) == 400


def test_a_long_history_keeps_the_bubble_under_lines_size_limit():
    history = tuple(
        HistoryEntry(f"{n} พ.ย. 2569", "อยู่ระหว่างดำเนินการ", "ข" * 500) for n in range(40)
    )
    card = StatusCard(**{**CARD.__dict__, "history": history})

    message = status_message(card, "สถานะ").to_dict()

    assert len(json.dumps(message["contents"]).encode()) < 30_000
    assert line_msg.CARD_MORE_HISTORY.format(count=30) in json.dumps(
        message["contents"], ensure_ascii=False
    )


# -- signatures and settings ---------------------------------------------------------------


def test_our_signature_is_the_one_line_bot_sdk_validates():
    body = webhook_body(event("follow", user_source("U1"), reply_token="t"))
    signature = signature_of(body, "channel-secret")

    assert SignatureValidator("channel-secret").validate(body.decode(), signature)
    assert signature_ok(body, signature, "channel-secret")
    assert not signature_ok(body, signature, "other-secret")
    assert not signature_ok(body + b" ", signature, "channel-secret")
    assert not signature_ok(body, "", "channel-secret")


def settings(**line) -> Settings:
    return Settings(
        database_url="sqlite://", files_dir=Path("files"), org_slug="x", org_name="x", **line
    )


def test_the_channel_is_on_only_with_both_secrets():
    assert make_channel(settings(line_channel_secret="s"), core=None) is None
    assert make_channel(settings(line_channel_access_token="t"), core=None) is None


def test_line_api_host_replaces_both_api_hosts():
    assert api_configuration(settings(line_api_host="http://127.0.0.1:8082/")).host == (
        "http://127.0.0.1:8082"
    )
    assert api_configuration(settings()).host is None  # the SDK's own api/api-data hosts


# -- LINE events to core events ------------------------------------------------------------


def parse_one(raw: dict):
    [native] = line_events.parse_body(webhook_body(raw))
    return native


async def translate(raw: dict, tmp_path):
    return await line_events.translate(
        parse_one(raw), content=None, files=FileStore(tmp_path), max_bytes=1
    )


async def test_a_text_message_becomes_a_text_event(tmp_path):
    message = {"type": "text", "id": message_id(), "quoteToken": "q", "text": "สวัสดี"}
    raw = event("message", user_source("U1"), reply_token="r", message=message, event_id="01EVT")

    result = (await translate(raw, tmp_path)).event

    assert (result.channel, result.chat_id, result.user_id) == (Channel.LINE, "U1", "U1")
    assert (result.event_id, result.text, result.is_private) == ("01EVT", "สวัสดี", True)


async def test_a_postback_becomes_a_choice(tmp_path):
    raw = event("postback", user_source("U1"), reply_token="r", postback={"data": "menu:track"})
    assert (await translate(raw, tmp_path)).event.choice == "menu:track"


async def test_a_location_keeps_its_coordinates_and_title(tmp_path):
    message = {
        "type": "location",
        "id": message_id(),
        "title": "ตลาดสด",
        "address": "ถนนมหาราช",
        "latitude": 8.05,
        "longitude": 98.91,
    }
    raw = event("message", user_source("U1"), reply_token="r", message=message)

    location = (await translate(raw, tmp_path)).event.location

    assert (location.latitude, location.longitude, location.title) == (8.05, 98.91, "ตลาดสด")


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (
            event("follow", user_source("U1"), reply_token="r", follow={"isUnblocked": True}),
            EventKind.FOLLOW,
        ),
        (event("unfollow", user_source("U1")), EventKind.UNFOLLOW),
        (
            event(
                "message",
                user_source("U1"),
                reply_token="r",
                message={
                    "type": "sticker",
                    "id": "1",
                    "quoteToken": "q",
                    "packageId": "446",
                    "stickerId": "1988",
                    "stickerResourceType": "STATIC",
                },
            ),
            EventKind.UNSUPPORTED,
        ),
        (
            event(
                "message",
                user_source("U1"),
                reply_token="r",
                message={
                    "type": "audio",
                    "id": "2",
                    "duration": 1000,
                    "contentProvider": {"type": "line"},
                },
            ),
            EventKind.UNSUPPORTED,
        ),
    ],
)
async def test_event_kinds(raw, kind, tmp_path):
    assert (await translate(raw, tmp_path)).event.kind is kind


MENTION_OF_BOT = {"mentionees": [{"index": 0, "length": 4, "type": "user", "isSelf": True}]}
MENTION_OF_OTHER = {
    "mentionees": [{"index": 0, "length": 4, "type": "user", "userId": "U9", "isSelf": False}]
}


@pytest.mark.parametrize(
    "source",
    [
        group_source("Cgroup", "Uperson"),
        {"type": "room", "roomId": "Cgroup", "userId": "Uperson"},
    ],
)
async def test_a_group_or_room_message_to_the_bot_is_not_private(source, tmp_path):
    message = {"type": "text", "id": "3", "quoteToken": "q", "text": "@บอต ร้องเรียน"}
    raw = event("message", source, reply_token="r", message=message | {"mention": MENTION_OF_BOT})

    result = (await translate(raw, tmp_path)).event

    assert (result.chat_id, result.user_id, result.is_private) == ("Cgroup", "Uperson", False)


@pytest.mark.parametrize(
    "message",
    [
        {"type": "text", "id": "3", "quoteToken": "q", "text": "กินข้าวยัง"},
        {"type": "text", "id": "3", "quoteToken": "q", "text": "@ต้น", "mention": MENTION_OF_OTHER},
        {"type": "image", "id": "4", "quoteToken": "q", "contentProvider": {"type": "line"}},
    ],
)
async def test_group_chatter_not_addressed_to_the_bot_is_left_alone(message, tmp_path):
    raw = event("message", group_source("Cgroup", "Uperson"), reply_token="r", message=message)

    assert await translate(raw, tmp_path) == line_events.Translation()  # nothing fetched either


async def test_being_added_to_a_group_is_answered_as_a_group(tmp_path):
    raw = event("join", {"type": "group", "groupId": "Cgroup"}, reply_token="r")

    result = (await translate(raw, tmp_path)).event

    assert (result.kind, result.chat_id, result.is_private) == (
        EventKind.UNSUPPORTED,
        "Cgroup",
        False,
    )


async def test_standby_events_are_left_to_the_active_channel(tmp_path):
    message = {"type": "text", "id": "5", "quoteToken": "q", "text": "hi"}
    raw = event("message", user_source("U1"), reply_token="r", message=message)
    raw["mode"] = "standby"

    assert (await translate(raw, tmp_path)).event is None


def test_events_this_sdk_does_not_know_are_skipped():
    unknown = event("somethingNew", user_source("U1"))
    known = event("unfollow", user_source("U1"))

    events = line_events.parse_body(webhook_body(unknown, known))

    assert [e.type for e in events] == ["unfollow"]
