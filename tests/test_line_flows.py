"""A citizen on LINE, end to end: signed webhooks over HTTP in, Messaging API calls out.

The bot runs on uvicorn with the real line-bot-sdk client, talking to `FakeLine`; each test
runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlmodel import Session, select

from bot.app import build_core
from bot.channels.line.channel import LineChannel
from bot.channels.line.flex import STATUS_COLOURS
from bot.web.serve import configured_channels
from handlers import menu
from handlers.cases.lifecycle import Status, change_status, file_complaint
from handlers.citizen import complaint as complaint_flow
from handlers.citizen import tip as tip_flow
from messages import common
from messages.citizen import complaint as complaint_msg
from messages.citizen import tip as tip_msg
from messages.citizen import tracking
from storage.models import Complaint, ComplaintFile, Conversation, Tip, TipFile
from storage.timeutil import utcnow
from tests.fake_line import event, group_source, message_id, user_source, webhook_body
from tests.line_harness import (
    ORG_NAME,
    LineBot,
    buttons,
    line_settings,
    running_line_bot,
    texts,
    tracking_code,
)

JPEG = b"\xff\xd8\xff\xe0" + b"photo of a broken road" * 50
PDF = b"%PDF-1.4\n" + b"receipt" * 100


@pytest.fixture
async def line(db_url, tmp_path) -> AsyncIterator[LineBot]:
    async with running_line_bot(db_url, tmp_path) as bot:
        yield bot


MAIN_MENU_CODES = [c.code for c in menu.MAIN_CHOICES]


async def test_follow_greets_with_the_welcome_and_the_main_menu(line: LineBot):
    sent = await line.user().follow()

    assert texts(sent) == [common.welcome(ORG_NAME), common.MAIN_MENU]
    assert list(buttons(sent)) == MAIN_MENU_CODES
    assert buttons(sent)[menu.TIP] == common.MENU_TIP


async def test_main_menu_buttons_are_postbacks_that_show_their_label(line: LineBot):
    sent = await line.user().follow()

    items = sent[-1]["quickReply"]["items"]
    assert all(i["action"]["type"] == "postback" for i in items)
    assert all(i["action"]["displayText"] == i["action"]["label"] for i in items)
    assert all(len(i["action"]["label"]) <= 20 for i in items)


async def test_complaint_with_a_photo_and_a_location_is_filed_and_tracked(line: LineBot):
    citizen = line.user()
    await citizen.follow()
    sent = await citizen.press(menu.COMPLAINT)
    assert texts(sent) == [complaint_msg.ASK_CATEGORY]
    await citizen.press(complaint_flow.CAT + "road")
    sent = await citizen.say("ถนนหน้าวัดเขาทองเป็นหลุมลึก รถจักรยานยนต์ล้มหลายคัน")
    assert texts(sent)[-1] == complaint_msg.ASK_EVIDENCE

    sent = await citizen.send_image(JPEG)
    assert complaint_msg.EVIDENCE_FILE_SAVED.format(count=1, limit=5) in texts(sent)
    assert complaint_flow.EV_DONE in buttons(sent)
    sent = await citizen.send_location("วัดเขาทอง", "ตำบลเขาทอง อำเภอเมืองกระบี่", 8.1234, 98.9876)
    assert complaint_msg.LOCATION_SAVED in texts(sent)
    await citizen.press(complaint_flow.EV_DONE)
    await citizen.press(complaint_flow.CONTACT_NO)
    sent = await citizen.press(complaint_flow.CONFIRM)
    code = tracking_code(sent)
    assert list(buttons(sent)) == MAIN_MENU_CODES

    with Session(line.core.db) as session:
        complaint = session.exec(select(Complaint)).one()
        assert (complaint.latitude, complaint.longitude) == (8.1234, 98.9876)
        assert complaint.location_title == "วัดเขาทอง"
        assert complaint.channel == "line"
        photo = session.exec(select(ComplaintFile)).one()
    assert photo.kind == "photo"
    assert photo.mime == "image/jpeg"
    assert line.core.files.read(photo.key) == JPEG  # fetched through the blob endpoint
    assert any(c.path.endswith("/content") for c in line.fake.calls)

    card = await citizen.say(code)
    assert len(card) == 1
    assert card[0]["type"] == "flex"
    body = str(card[0]["contents"])
    assert "••••-••••-••••-" + code[-4:] in body
    assert code not in body  # the card shows the code masked
    assert tracking.STREAM_LABELS["complaint"] in body
    assert tracking.STATUS_LABELS["received"] in body
    assert STATUS_COLOURS["received"] in body
    assert card[0]["altText"].startswith("สถานะเรื่อง ••••-••••-••••-" + code[-4:])
    assert tracking.STATUS_LABELS["received"] in card[0]["altText"]
    assert buttons(card) == {menu.MENU: common.BUTTON_MENU}


async def test_tip_with_a_file_is_filed_anonymously_and_tracked(line: LineBot):
    informant = line.user()
    sent = await informant.press(menu.TIP)
    assert texts(sent) == [tip_msg.NOTICE]
    await informant.press(tip_flow.UNDERSTOOD)
    await informant.press(tip_flow.CAT + "procurement")
    await informant.say("มีการแบ่งซื้อแบ่งจ้างโครงการซ่อมถนนเพื่อเลี่ยงการประกวดราคา")
    await informant.press(tip_flow.SKIP)
    await informant.press(tip_flow.SKIP)
    sent = await informant.send_file("ใบเสนอราคา.pdf", PDF, "application/pdf")
    assert tip_msg.EVIDENCE_FILE_SAVED.format(count=1, limit=5) in texts(sent)
    await informant.press(tip_flow.EV_DONE)
    await informant.press(tip_flow.ANONYMOUS)
    sent = await informant.press(tip_flow.CONFIRM)
    code = tracking_code(sent)

    with Session(line.core.db) as session:
        tip = session.exec(select(Tip)).one()
        evidence = session.exec(select(TipFile)).one()
    assert tip.informant_name == "" and tip.informant_contact == ""
    assert evidence.kind == "file" and evidence.mime == "application/pdf"
    assert evidence.key.endswith(".pdf")
    assert line.core.files.read(evidence.key) == PDF

    card = await line.user().say(code)  # anyone holding the code can look it up
    assert card[0]["type"] == "flex"
    assert tracking.STREAM_LABELS["tip"] in str(card[0]["contents"])
    assert card[0]["altText"].startswith("สถานะเรื่อง ••••-••••-••••-" + code[-4:])


async def test_a_sticker_is_answered_politely(line: LineBot):
    citizen = line.user()
    sent = await citizen.send_sticker()
    assert texts(sent)[0] == common.UNSUPPORTED_MESSAGE


async def test_in_a_group_the_bot_answers_only_when_addressed_and_only_to_go_private(
    line: LineBot,
):
    source = group_source("C" + "1" * 32, "U" + "2" * 32)
    chatter, mention = line.fake.issue_reply_token(), line.fake.issue_reply_token()
    text = {"type": "text", "id": message_id(), "quoteToken": "q", "text": "ถนนพังอีกแล้ว"}
    to_bot = text | {
        "id": message_id(),
        "text": "@บอต ร้องเรียน",
        "mention": {"mentionees": [{"index": 0, "length": 4, "type": "user", "isSelf": True}]},
    }
    body = webhook_body(
        event("message", source, reply_token=chatter, message=text),
        event("message", source, reply_token=mention, message=to_bot),
    )

    assert (await line.post(body)).status_code == 200

    assert line.fake.replies(chatter) == []
    assert texts(line.fake.replies(mention)) == [common.GROUP_CHAT]
    with Session(line.core.db) as session:
        assert session.exec(select(Complaint)).all() == []


def test_serve_runs_the_line_channel_only_when_configured(db_url, tmp_path):
    on = line_settings(db_url, tmp_path, "")
    off = line_settings(db_url, tmp_path, "", line_channel_access_token="")
    core = build_core(on)
    try:
        assert any(isinstance(r, LineChannel) for r in configured_channels(on, core))
        assert not any(isinstance(r, LineChannel) for r in configured_channels(off, core))
    finally:
        core.db.dispose()


async def test_unfollow_drops_the_draft_and_its_files(line: LineBot):
    citizen = line.user()
    await citizen.press(menu.COMPLAINT)
    await citizen.press(complaint_flow.CAT + "waste")
    await citizen.say("ขยะไม่มีคนเก็บมาสองสัปดาห์แล้ว ส่งกลิ่นเหม็นมาก")
    await citizen.send_image(JPEG)
    assert [k for k in line.core.files.stored_keys() if k.endswith(".jpg")]

    sent = await citizen.send("unfollow")  # LINE sends no reply token with an unfollow

    assert sent == []
    with Session(line.core.db) as session:
        assert session.exec(select(Conversation)).all() == []
    assert not [k for k in line.core.files.stored_keys() if k.endswith(".jpg")]


async def test_two_users_in_one_request_are_both_answered(line: LineBot):
    tokens = [line.fake.issue_reply_token() for _ in range(2)]
    users = ["U" + "3" * 32, "U" + "4" * 32]
    body = webhook_body(
        *(
            event("postback", user_source(u), reply_token=t, postback={"data": menu.TRACK})
            for u, t in zip(users, tokens, strict=True)
        )
    )

    assert (await line.post(body)).status_code == 200

    for token in tokens:
        assert texts(line.fake.replies(token)) == [tracking.ASK_CODE]


async def test_the_card_shows_the_public_history_in_the_status_colour(line: LineBot):
    with Session(line.core.db) as session, session.begin():
        complaint = file_complaint(
            session, org_id=line.core.org_id, now=utcnow(), category="water",
            description="ท่อประปาแตกหน้าโรงเรียน", channel="line", chat_id="U1", user_id="U1",
            evidence=[], location=None, name="", phone="",
        )  # fmt: skip
        code = complaint.code
        change_status(
            session, org_id=line.core.org_id, code=code, status=Status.IN_PROGRESS,
            actor="staff", now=utcnow(), public_note="ส่งช่างประปาออกซ่อมแล้ว",
            internal_note="ผู้รับเหมาเจ้าเดิม",
        )  # fmt: skip

    [card] = await line.user().say(code)

    header = card["contents"]["header"]
    assert header["backgroundColor"] == STATUS_COLOURS["in_progress"]
    body = str(card["contents"]["body"])
    assert "ส่งช่างประปาออกซ่อมแล้ว" in body
    assert "ผู้รับเหมาเจ้าเดิม" not in str(card)  # internal notes never leave the office
    assert tracking.STATUS_LABELS["in_progress"] in card["altText"]
