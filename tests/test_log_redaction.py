"""Log records never hold a citizen's words, ids or codes, whatever logs them."""

from __future__ import annotations

import logging

import pytest

from bot.ops.log_redaction import install_redaction, redact


@pytest.fixture
def records():
    kept: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            kept.append(self.format(record))

    handler = Keep()
    root = logging.getLogger()
    root.addHandler(handler)
    old = root.level
    root.setLevel(logging.DEBUG)
    undo = install_redaction()
    yield kept
    undo()
    root.setLevel(old)
    root.removeHandler(handler)


def test_an_sdk_exception_keeps_its_type_and_frames_but_not_its_message(records):
    try:
        raise ValueError("chat 5830194627 said 'ปลัดรับเงิน' with code 1234-5678-9012-3456")
    except ValueError:
        logging.getLogger("somesdk.ext").exception("update failed")
    [text] = records
    assert "ValueError" in text and "test_log_redaction.py" in text
    assert "5830194627" not in text and "ปลัด" not in text and "1234" not in text


def test_sdk_debug_records_lose_quoted_text_ids_and_tokens(records):
    log = logging.getLogger("somesdk.http")  # another library: not bot, handlers, storage
    log.debug("POST http://127.0.0.1/bot123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage")
    logging.getLogger("somesdk.bot").debug(
        "params %s", {"chat_id": 5830194627, "text": "Mayor took a bribe", "first_name": "Som"}
    )
    logging.getLogger("somesdk.line").debug("to U5ec7e75ec7e75ec7e75ec7e75ec7e7ab: สวัสดี a@b.org")
    joined = "\n".join(records)
    for secret in ("AAHdqTcv", "5830194627", "Mayor took", "Som", "U5ec7e7", "สวัสดี", "a@b.org"):
        assert secret not in joined
    assert "sendMessage" in joined  # what happened is still there


def test_our_own_messages_stay_readable():
    assert redact("turn failed (channel=line kind=message) after 3 tries") == (
        "turn failed (channel=line kind=message) after 3 tries"
    )


def test_arguments_keep_their_shape_so_formatting_never_fails(records):
    logging.getLogger("bot.x").info("chat %d had %d turns", 5830194627, 3)
    logging.getLogger("somelib.access").info(
        '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "POST", "/line/webhook", "1.1", 200
    )
    assert records[0] == "chat 0 had 3 turns"
    assert records[1].endswith('"POST /line/webhook HTTP/1.1" 200')
