"""`complaintbot serve` as a process, as systemd runs it: JSON logs, /readyz, and /metrics
on its own loopback port, with Telegram polling the fake Bot API."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests import telegram_updates as tg
from tests.fake_telegram import TOKEN, FakeTelegram, free_socket
from tests.waiting import DEADLINE

CLI = str(Path(sys.executable).parent / "complaintbot")
CHAT = 444_555_666


def free_port() -> int:
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    return port


@pytest.fixture
def fake():
    server = FakeTelegram().start()
    yield server
    server.stop()


@pytest.mark.long
async def test_serve_logs_json_and_serves_readiness_and_metrics(db_url, tmp_path, fake):
    port, metrics_port = free_port(), free_port()
    env = {
        **os.environ,
        "COMPLAINTBOT_DATABASE_URL": db_url,
        "COMPLAINTBOT_DATA_DIR": str(tmp_path / "data"),
        "COMPLAINTBOT_LOG_FORMAT": "json",
        "COMPLAINTBOT_METRICS_PORT": str(metrics_port),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
    }
    process = subprocess.Popen(
        [CLI, "serve", "--port", str(port)], env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        await fake.wait_for(lambda: fake.calls_to("getUpdates"), timeout=60)
        fake.push(tg.text(CHAT, "/start สวัสดีครับ"))
        await fake.wait_for_messages(CHAT, 1)
        async with httpx.AsyncClient(timeout=DEADLINE) as http:
            ready = await http.get(f"http://127.0.0.1:{port}/readyz")
            metrics = await http.get(f"http://127.0.0.1:{metrics_port}/metrics")
            not_public = await http.get(f"http://127.0.0.1:{port}/metrics")
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)

    assert process.returncode == 0, stderr
    assert ready.status_code == 200 and ready.json()["ready"] is True
    assert not_public.status_code == 404
    assert (
        'complaintbot_events_handled_total{channel="telegram",kind="message",outcome="ok"} 1.0'
        in (metrics.text)
    )
    assert 'complaintbot_http_responses_total{route="/readyz",status="200"} 1.0' in metrics.text
    entries = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    turns = [e for e in entries if e["logger"] == "complaintbot.turns"]
    assert [(t["channel"], t["kind"], t["step"]) for t in turns] == [
        ("telegram", "message", "menu")
    ]
    assert any(e["logger"].startswith("uvicorn") for e in entries)
    for secret in (str(CHAT), "สวัสดีครับ", TOKEN):
        assert secret not in stderr
