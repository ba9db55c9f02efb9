"""`complaintbot serve` with Telegram configured, as an operator starts it (a real process)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from messages import common
from tests import telegram_updates as tg
from tests.fake_telegram import TOKEN, FakeTelegram, free_socket
from tests.waiting import DEADLINE

CLI = str(Path(sys.executable).parent / "complaintbot")
CHAT = 111_222_333


@pytest.fixture
def fake():
    server = FakeTelegram().start()
    yield server
    server.stop()


def start_serve(db_url: str, tmp_path: Path, fake: FakeTelegram, **env: str):
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    environment = {
        **os.environ,
        "COMPLAINTBOT_DATABASE_URL": db_url,
        "COMPLAINTBOT_DATA_DIR": str(tmp_path / "data"),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        **{k.upper(): v.replace("{port}", str(port)) for k, v in env.items()},
    }
    process = subprocess.Popen(
        [CLI, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    return process, port


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr, stderr
    return stderr


@pytest.mark.long
async def test_serve_polls_telegram_answers_and_stops_cleanly(db_url, tmp_path, fake):
    process, _ = start_serve(db_url, tmp_path, fake)
    try:
        await fake.wait_for(lambda: fake.calls_to("getUpdates"), timeout=60)
        fake.push(tg.text(CHAT, "/start ข้อความส่วนตัว"))
        [welcome] = await fake.wait_for_messages(CHAT, 1)
    finally:
        log = stop(process)
    assert welcome["text"] == common.welcome("องค์การบริหารส่วนตำบลเขาทอง")
    assert welcome["reply_markup"]["inline_keyboard"][0][0]["text"] == common.MENU_COMPLAINT
    assert fake.calls_to("setMyCommands")
    assert TOKEN not in log
    assert "ข้อความส่วนตัว" not in log
    assert str(CHAT) not in log


@pytest.mark.long
async def test_serve_in_webhook_mode_takes_updates_on_its_web_server(db_url, tmp_path, fake):
    process, port = start_serve(
        db_url, tmp_path, fake,
        telegram_webhook_url="http://127.0.0.1:{port}/telegram/webhook",
        telegram_webhook_secret="serve-test-secret",
    )  # fmt: skip
    try:
        await fake.wait_for(lambda: fake.webhook, timeout=60)
        assert fake.webhook == {
            "url": f"http://127.0.0.1:{port}/telegram/webhook",
            "secret": "serve-test-secret",
        }
        fake.push(tg.text(CHAT, "/help"))
        [help_text, *_] = await fake.wait_for_messages(CHAT, 1)
        assert help_text["text"] == common.HELP
        assert await fake.wait_for(lambda: fake.webhook_statuses) == [200]
        async with httpx.AsyncClient(timeout=DEADLINE) as client:
            health = await client.get(f"http://127.0.0.1:{port}/healthz")
        assert health.status_code == 200
    finally:
        stop(process)
    assert fake.calls_to("getUpdates") == []
