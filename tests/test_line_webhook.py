"""The LINE webhook's guarantees: signed requests only, bounded bodies, one turn per event,
replies by token while it is fresh and by push otherwise. Both backends, real HTTP."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from linebot.v3.messaging import TextMessage
from sqlmodel import Session, func, select

from bot.channels.line.channel import LineChannel
from bot.web.routes import build_web_app
from handlers import menu
from handlers.citizen import complaint as complaint_flow
from handlers.types import Event, Reply
from messages import common
from messages.channels import line as line_msg
from messages.citizen import complaint as complaint_msg
from messages.citizen import tracking
from storage.models import Complaint, Conversation, ProcessedEvent
from storage.queues import inbox
from tests.fake_line import FakeLine, event, message_id, serving, sign, user_source, webhook_body
from tests.line_harness import (
    ACCESS_TOKEN,
    SECRET,
    LineBot,
    line_settings,
    running_line_bot,
    texts,
)
from tests.stub_core import stub_core
from tests.waiting import DEADLINE, eventually

JPEG = b"\xff\xd8\xff\xe0" + b"pothole" * 40


@pytest.fixture
async def line(db_url, tmp_path) -> AsyncIterator[LineBot]:
    async with running_line_bot(db_url, tmp_path) as bot:
        yield bot


def text_event(user_id: str, text: str, token: str, **extra) -> dict:
    message = {"type": "text", "id": message_id(), "quoteToken": "q", "text": text}
    return event("message", user_source(user_id), reply_token=token, message=message, **extra)


def postback_event(user_id: str, code: str, token: str) -> dict:
    return event("postback", user_source(user_id), reply_token=token, postback={"data": code})


def image_event(user_id: str, content_id: str, token: str) -> dict:
    provider = {"type": "line"}
    image = {"type": "image", "id": content_id, "quoteToken": "q", "contentProvider": provider}
    return event("message", user_source(user_id), reply_token=token, message=image)


async def start_evidence_step(citizen) -> None:
    """Open a complaint and get to the step that takes photos, files and locations."""
    await citizen.press(menu.COMPLAINT)
    await citizen.press(complaint_flow.CAT + "road")
    await citizen.say("ถนนหน้าวัดเขาทองเป็นหลุมลึก รถจักรยานยนต์ล้มหลายคัน")


def stored_rows(line: LineBot) -> dict[str, int]:
    with Session(line.core.db) as session:
        return {
            table.__name__: session.exec(select(func.count()).select_from(table)).one()
            for table in (Conversation, ProcessedEvent, Complaint)
        }


def stored_files(line: LineBot) -> list[str]:
    return sorted(line.core.files.stored_keys())


# -- signatures and bodies -------------------------------------------------------------


@pytest.mark.parametrize(
    "signature",
    [
        "",  # empty
        sign(b"another body", SECRET),  # valid for some other body
        "not base64 at all",
    ],
)
async def test_a_badly_signed_request_is_refused_and_nothing_is_stored(line: LineBot, signature):
    token = line.fake.issue_reply_token()
    body = webhook_body(text_event("U" + "a" * 32, "เมนู", token))

    response = await line.post(body, signature=signature)

    assert response.status_code == 400
    assert line.fake.calls == [] and line.fake.refused == []
    assert stored_rows(line) == {"Conversation": 0, "ProcessedEvent": 0, "Complaint": 0}


async def test_a_request_with_no_signature_header_is_refused(line: LineBot):
    body = webhook_body(text_event("U" + "a" * 32, "เมนู", line.fake.issue_reply_token()))
    response = await line.http.post(line.url + "/line/webhook", content=body)
    await line.channel.join()

    assert response.status_code == 400
    assert line.fake.calls == []
    assert stored_rows(line)["ProcessedEvent"] == 0


async def test_a_tampered_body_is_refused_and_nothing_is_stored(line: LineBot):
    user = "U" + "b" * 32
    mid = message_id()
    line.fake.add_content(mid, JPEG, "image/jpeg")
    image = {"type": "image", "id": mid, "quoteToken": "q", "contentProvider": {"type": "line"}}
    original = webhook_body(
        event(
            "message", user_source(user), reply_token=line.fake.issue_reply_token(), message=image
        )
    )
    signature = sign(original, SECRET)
    tampered = original.replace(user.encode(), ("U" + "c" * 32).encode())

    response = await line.post(tampered, signature=signature)

    assert response.status_code == 400
    assert line.fake.calls == []  # not even the image was fetched
    assert stored_files(line) == []
    assert stored_rows(line) == {"Conversation": 0, "ProcessedEvent": 0, "Complaint": 0}


async def test_the_signature_covers_the_exact_bytes_sent(line: LineBot):
    """LINE signs the raw body: the same JSON re-serialised differently must not pass."""
    token = line.fake.issue_reply_token()
    body = webhook_body(text_event("U" + "d" * 32, "เมนู", token))
    reformatted = json.dumps(json.loads(body), ensure_ascii=True).encode()
    assert reformatted != body

    assert (await line.post(reformatted, signature=sign(body, SECRET))).status_code == 400
    assert (await line.post(body)).status_code == 200
    assert texts(line.fake.replies(token)) == [common.MAIN_MENU]


async def test_an_oversized_body_is_refused_before_it_is_read(line: LineBot):
    padding = "x" * (1024 * 1024)
    body = webhook_body(text_event("U" + "e" * 32, padding, line.fake.issue_reply_token()))

    response = await line.post(body)

    assert response.status_code == 413
    assert line.fake.calls == []
    assert stored_rows(line)["ProcessedEvent"] == 0


async def test_the_console_verify_button_gets_200(line: LineBot):
    """LINE's "Verify" sends a signed body with no events."""
    response = await line.post(webhook_body())
    assert response.status_code == 200
    assert line.fake.calls == []


async def test_a_body_that_is_not_json_is_refused(line: LineBot):
    response = await line.post(b"{not json")
    assert response.status_code == 400


# -- order and redelivery ------------------------------------------------------------------


async def test_events_of_one_user_in_one_request_run_in_order(line: LineBot):
    user = "U" + "f" * 32
    tokens = [line.fake.issue_reply_token() for _ in range(3)]
    body = webhook_body(
        event(
            "postback", user_source(user), reply_token=tokens[0], postback={"data": menu.COMPLAINT}
        ),
        event(
            "postback",
            user_source(user),
            reply_token=tokens[1],
            postback={"data": complaint_flow.CAT + "water"},
        ),
        text_event(user, "น้ำประปาไม่ไหลมาสามวันแล้ว ทั้งซอย", tokens[2]),
    )

    assert (await line.post(body)).status_code == 200

    assert texts(line.fake.replies(tokens[0])) == [complaint_msg.ASK_CATEGORY]
    assert texts(line.fake.replies(tokens[2]))[-1] == complaint_msg.ASK_EVIDENCE


async def test_a_redelivered_event_is_processed_once(line: LineBot):
    citizen = line.user()
    await start_evidence_step(citizen)

    mid = message_id()
    line.fake.add_content(mid, JPEG, "image/jpeg")
    image = {"type": "image", "id": mid, "quoteToken": "q", "contentProvider": {"type": "line"}}
    first_token, second_token = line.fake.issue_reply_token(), line.fake.issue_reply_token()
    original = event(
        "message", user_source(citizen.user_id), reply_token=first_token, message=image
    )
    again = dict(original, replyToken=second_token, deliveryContext={"isRedelivery": True})

    await line.post(webhook_body(original))
    await line.post(webhook_body(again))

    assert complaint_msg.EVIDENCE_FILE_SAVED.format(count=1, limit=5) in texts(
        line.fake.replies(first_token)
    )
    assert line.fake.replies(second_token) == [] and line.fake.pushes(citizen.user_id) == []
    assert len(stored_files(line)) == 1  # the copy fetched for the redelivery was dropped
    sent = await citizen.send_image(JPEG)
    assert complaint_msg.EVIDENCE_FILE_SAVED.format(count=2, limit=5) in texts(sent)


# -- reply token or push -----------------------------------------------------------------


async def test_an_expired_reply_token_falls_back_to_push(line: LineBot):
    citizen = line.user()
    token = line.fake.issue_reply_token()
    line.fake.expire(token)

    sent = await citizen.send("follow", reply_token=token, follow={"isUnblocked": False})

    assert len(line.fake.refused) == 1  # the reply was tried and refused with 400
    assert line.fake.replies(token) == []
    assert texts(line.fake.pushes(citizen.user_id)) == texts(sent)
    assert texts(sent)[-1] == common.MAIN_MENU
    push = next(c for c in line.fake.calls if c.path == "/v2/bot/message/push")
    assert push.headers.get("x-line-retry-key")


async def test_an_old_redelivered_event_is_answered_by_push_without_trying_the_token(
    line: LineBot,
):
    user = "U" + "9" * 32
    token = line.fake.issue_reply_token()
    an_hour_ago = int((time.time() - 3600) * 1000)
    body = webhook_body(
        text_event(
            user,
            "เมนู",
            token,
            timestamp_ms=an_hour_ago,
            deliveryContext={"isRedelivery": True},
        )
    )

    await line.post(body)

    assert line.fake.refused == [] and line.fake.replies(token) == []
    assert texts(line.fake.pushes(user)) == [common.MAIN_MENU]


async def test_more_than_five_messages_go_five_by_reply_and_the_rest_by_push(line: LineBot):
    user = "U" + "8" * 32
    token = line.fake.issue_reply_token()
    messages = [TextMessage(text=f"ข้อความที่ {n}") for n in range(1, 8)]

    await line.channel.deliver(user, messages, reply_token=token, retry_seed="e1")

    assert [m["text"] for m in line.fake.replies(token)] == [f"ข้อความที่ {n}" for n in range(1, 6)]
    assert [m["text"] for m in line.fake.pushes(user)] == ["ข้อความที่ 6", "ข้อความที่ 7"]


async def test_a_notification_is_pushed_with_its_buttons(line: LineBot):
    user = "U" + "5" * 32

    await line.channel.push(user, [Reply("เรื่องของคุณมีความคืบหน้า", (menu.MENU_CHOICE,))])

    [message] = line.fake.pushes(user)
    assert message["text"] == "เรื่องของคุณมีความคืบหน้า"
    assert message["quickReply"]["items"][0]["action"]["data"] == menu.MENU


async def test_a_retried_push_is_sent_once(line: LineBot):
    user = "U" + "7" * 32
    messages = [TextMessage(text="แจ้งความคืบหน้า")]

    await line.channel.deliver(user, messages, retry_seed="event-42")
    await line.channel.deliver(user, messages, retry_seed="event-42")  # LINE answers 409

    assert len(line.fake.pushes(user)) == 1


async def test_a_reply_that_fails_on_lines_side_is_pushed_instead(line: LineBot):
    citizen = line.user()
    line.fake.fail_next("/v2/bot/message/reply", 500)

    sent = await citizen.press(menu.TRACK)

    assert texts(sent) == [tracking.ASK_CODE]
    assert texts(line.fake.pushes(citizen.user_id)) == [tracking.ASK_CODE]


async def test_a_push_that_fails_once_is_retried_and_delivered_once(line: LineBot):
    user = "U" + "6" * 32
    line.fake.fail_next("/v2/bot/message/push", 503)

    await line.channel.deliver(user, [TextMessage(text="แจ้งความคืบหน้า")], retry_seed="e7")

    assert texts(line.fake.pushes(user)) == ["แจ้งความคืบหน้า"]


async def test_a_send_that_keeps_failing_is_retried_from_the_inbox_and_logged_without_ids(
    line: LineBot, caplog
):
    citizen = line.user()
    line.fake.fail_next("/v2/bot/message/reply", 500)
    for _ in range(3):
        line.fake.fail_next("/v2/bot/message/push", 500)

    late = await citizen.press(menu.TRACK)
    answered = await citizen.say("เมนู")

    assert texts(late) == [tracking.ASK_CODE]  # kept in the inbox and pushed on a later try
    assert texts(answered)[-1] == common.MAIN_MENU
    assert "status 500" in caplog.text
    assert citizen.user_id not in caplog.text


async def test_replies_that_cannot_be_delivered_are_given_up_after_the_retries(
    line: LineBot, caplog
):
    citizen = line.user()
    attempts = 1 + len(line.channel.inbox.delivery_pauses)
    for _ in range(attempts):
        line.fake.fail_next("/v2/bot/message/reply", 500)
    for _ in range(3 * attempts):  # each attempt pushes with two retries
        line.fake.fail_next("/v2/bot/message/push", 500)

    lost = await citizen.press(menu.TRACK)
    answered = await citizen.say("เมนู")

    assert lost == []
    assert texts(answered)[-1] == common.MAIN_MENU  # the chat goes on
    assert "giving up" in caplog.text
    assert citizen.user_id not in caplog.text
    with Session(line.core.db) as session:
        assert inbox.count(session) == 0


# -- uploads -------------------------------------------------------------------------------


async def test_uploads_over_the_limit_are_refused_in_thai_and_not_kept(db_url, tmp_path):
    async with running_line_bot(db_url, tmp_path, max_upload_bytes=1024) as line:
        citizen = line.user()
        await start_evidence_step(citizen)

        big_file = await citizen.send_file("big.pdf", b"%PDF" + b"0" * 4096, "application/pdf")
        big_photo = await citizen.send_image(b"\xff\xd8" + b"0" * 4096)

        assert texts(big_file) == [line_msg.attachment_too_big(1024)]
        assert texts(big_photo) == [line_msg.attachment_too_big(1024)]
        # The file's size is known from the webhook, so it was not even downloaded.
        assert sum(c.path.endswith("/content") for c in line.fake.calls) == 1
        assert stored_files(line) == []


async def test_a_video_is_fetched_once_line_has_prepared_it(line: LineBot):
    citizen = line.user()
    await start_evidence_step(citizen)
    video = b"\x00\x00\x00\x18ftypmp42" + b"frames" * 100

    sent = await citizen.send_video(video, processing_checks=2)

    assert complaint_msg.EVIDENCE_FILE_SAVED.format(count=1, limit=5) in texts(sent)
    checks = [c for c in line.fake.calls if c.path.endswith("/content/transcoding")]
    assert len(checks) == 3
    [key] = stored_files(line)
    assert key.endswith(".mp4")


async def test_a_video_that_is_never_ready_gets_a_please_resend(line: LineBot):
    citizen = line.user()
    await start_evidence_step(citizen)

    sent = await citizen.send_video(b"video", processing_checks=100)

    assert texts(sent) == [line_msg.ATTACHMENT_UNAVAILABLE]
    assert stored_files(line) == []


async def test_a_download_is_cut_off_at_the_limit_even_without_a_declared_length(db_url, tmp_path):
    async with running_line_bot(db_url, tmp_path, max_upload_bytes=10_000) as line:
        citizen = line.user()
        await start_evidence_step(citizen)
        mid = message_id()
        line.fake.add_content(mid, b"\xff\xd8" + b"0" * 50_000, "image/jpeg", hide_length=True)

        sent = await citizen.send(
            "message",
            message={
                "type": "image",
                "id": mid,
                "quoteToken": "q",
                "contentProvider": {"type": "line"},
            },
        )

        assert texts(sent) == [line_msg.attachment_too_big(10_000)]
        assert stored_files(line) == []


# -- answering at once, order per chat, concurrency across chats ---------------------------


async def test_the_webhook_answers_before_the_turns_run_and_chats_do_not_wait_on_each_other(
    tmp_path,
):
    """A stand-in core that holds one user's turn until released shows that the webhook
    does not wait for turns, that a held chat keeps its order, and that other chats go on."""
    release = asyncio.Event()
    handled: list[str] = []

    async def handle(event: Event) -> list[Reply]:
        if event.text == "held":
            await release.wait()
        handled.append(f"{event.chat_id}:{event.text}")
        return [Reply(f"ตอบ {event.text}")]

    fake = FakeLine(access_token=ACCESS_TOKEN)
    async with serving(fake.app()) as api_url:
        settings = line_settings("sqlite://", tmp_path, api_url)
        core = stub_core(tmp_path)
        core.engine.respond = handle
        channel = LineChannel(settings, core)
        async with (
            serving(build_web_app([channel])) as url,
            httpx.AsyncClient(timeout=DEADLINE) as http,
        ):
            tokens = [fake.issue_reply_token() for _ in range(3)]
            body = webhook_body(
                text_event("Ua", "held", tokens[0]),
                text_event("Ua", "after", tokens[1]),
                text_event("Ub", "other", tokens[2]),
            )
            headers = {"X-Line-Signature": sign(body, SECRET)}

            response = await http.post(url + "/line/webhook", content=body, headers=headers)
            assert response.status_code == 200  # while Ua's first turn is still held
            await eventually(lambda: "Ub:other" in handled)
            assert handled == ["Ub:other"]  # Ub was answered; Ua's second turn waits its turn

            release.set()
            await channel.join()

    assert handled == ["Ub:other", "Ua:held", "Ua:after"]
    assert [texts(fake.replies(t)) for t in tokens] == [["ตอบ held"], ["ตอบ after"], ["ตอบ other"]]
