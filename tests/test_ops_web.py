"""Operators watch a running bot: `/readyz`, Prometheus metrics, and one log line per turn.

The LINE channel runs for real over HTTP against the fake LINE server, on SQLite and
PostgreSQL; the metrics are read back in Prometheus text format.
"""

from __future__ import annotations

import gc
import json
import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import Session

from bot.ops import readiness
from bot.ops.logs import JsonFormatter
from messages.citizen import complaint as complaint_msg
from storage.queues import outbox
from storage.timeutil import utcnow
from tests.line_harness import LineBot
from tests.ops_harness import file_complaint, watched_bot
from tests.transcript import Chat
from tests.waiting import eventually

TEXT = "ไฟถนนดับทั้งซอยมาสามคืนแล้ว"


def samples(registry) -> dict[tuple[str, tuple], float]:
    text = generate_latest(registry).decode()
    found = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            found[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return found


async def file_a_complaint(line: LineBot) -> tuple[str, str]:
    citizen = line.user()
    return await file_complaint(citizen, TEXT), citizen.user_id


async def test_a_filed_complaint_shows_in_the_metrics_without_content_or_ids(db_url, tmp_path):
    async with watched_bot(db_url, tmp_path) as bot:
        code, user_id = await file_a_complaint(bot.line)
        bad = await bot.line.post(b"{}", signature="forged")
        metrics = bot.metrics
        found = samples(metrics.registry)
        text = generate_latest(metrics.registry).decode()

    assert bad.status_code == 400
    line_msg = (("channel", "line"), ("kind", "message"))
    assert found[("complaintbot_events_received_total", line_msg)] >= 5
    assert found[("complaintbot_events_received_total", (("channel", "line"), ("kind", "follow")))]
    assert found[("complaintbot_events_handled_total", (*line_msg, ("outcome", "ok")))] >= 5
    assert found[("complaintbot_turn_duration_seconds_count", (("channel", "line"),))] >= 6
    answers = "complaintbot_http_responses_total"
    assert found[(answers, (("route", "/line/webhook"), ("status", "200")))] >= 6
    assert found[(answers, (("route", "/line/webhook"), ("status", "400")))] == 1
    assert found[("complaintbot_open_cases", (("stream", "complaint"),))] == 1
    assert found[("complaintbot_open_cases", (("stream", "tip"),))] == 0
    assert found[("complaintbot_overdue_cases", (("stream", "complaint"),))] == 0
    assert found[("complaintbot_outgoing_messages_waiting", ())] == 0
    for secret in (code, code.replace("-", ""), user_id, TEXT):
        assert secret not in text


async def test_the_access_log_leaves_out_webhooks_answered_with_success(db_url, tmp_path, caplog):
    """A platform's successful webhook calls come by the thousand: counted, not logged. A
    refused one and every other page are logged, without their query string."""
    caplog.set_level(logging.INFO, logger="bot.web.access")
    async with watched_bot(db_url, tmp_path) as bot:
        await file_a_complaint(bot.line)
        bad = await bot.line.post(b"{}", signature="forged")
        ready = await bot.line.http.get(bot.line.url + "/readyz?token=a-secret-token")

    assert bad.status_code == 400 and ready.status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.web.access"]
    assert len(lines) == 2, lines
    assert lines[0].endswith('"POST /line/webhook HTTP/1.1" 400')
    assert lines[1].endswith('"GET /readyz HTTP/1.1" 200')
    assert "a-secret-token" not in caplog.text


async def test_the_access_log_masks_the_secrets_a_path_carries(db_url, tmp_path, caplog):
    """A login link's one-time token and a code in a receipt's address are the path itself:
    the access line shows the route's place for them, never the values."""
    caplog.set_level(logging.INFO, logger="bot.web.access")
    token, code = "Zq3-one-time-login-token", "1234-5678-9012-3456"
    async with watched_bot(db_url, tmp_path) as bot:
        link = await bot.line.http.get(f"{bot.line.url}/office/login/{token}")
        receipt = await bot.line.http.get(f"{bot.line.url}/office/receipt/{code}")
        stats = await bot.line.http.get(f"{bot.line.url}/stats/no-such-org")

    assert link.status_code < 500 and receipt.status_code < 500 and stats.status_code == 404
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.web.access"]
    shown = " ".join(lines)
    assert '"GET /office/login/<token> HTTP/1.1"' in shown, lines
    assert '"GET /office/receipt/<code> HTTP/1.1"' in shown, lines
    assert '"GET /stats/no-such-org HTTP/1.1" 404' in shown, lines  # a slug is no secret
    assert token not in caplog.text and "5678" not in caplog.text


async def test_serve_keeps_its_start_up_objects_out_of_garbage_collection(db_url, tmp_path):
    """A full collection over everything start-up made paused serve for 130 ms every few
    seconds under load; once warm, those objects are frozen (`gc.freeze`)."""
    async with watched_bot(db_url, tmp_path):
        frozen = await eventually(gc.get_freeze_count, what="start-up objects frozen")

    assert frozen > 100_000  # the word list alone is some 60,000 strings


async def test_readyz_answers_ready_and_healthz_lives(db_url, tmp_path):
    assert not (tmp_path / "files").exists()
    async with watched_bot(db_url, tmp_path) as bot:
        assert (tmp_path / "files").is_dir(), "serve makes its file store at start"
        ready = await bot.line.http.get(bot.line.url + "/readyz")
        health = await bot.line.http.get(bot.line.url + "/healthz")

    assert ready.status_code == 200
    assert ready.json() == {
        "ready": True, "database": "ok", "migrations": "current",
        "outgoing_backlog": 0, "max_backlog": 500,
    }  # fmt: skip
    assert health.status_code == 200


async def test_readyz_is_503_while_the_schema_is_behind(db_url, tmp_path):
    async with watched_bot(db_url, tmp_path) as bot:
        with bot.line.core.db.begin() as conn:
            conn.execute(sa.text("update alembic_version set version_num = '0001_core'"))
        behind = await bot.line.http.get(bot.line.url + "/readyz")

    assert behind.status_code == 503
    assert behind.json()["migrations"] == "behind"


async def test_readyz_is_503_when_outgoing_messages_pile_up(db_url, tmp_path):
    async with watched_bot(db_url, tmp_path, ready_max_backlog=20) as bot:
        later = utcnow() + timedelta(days=1)  # waiting, not yet due: the sender leaves them
        with Session(bot.line.core.db) as session, session.begin():
            for n in range(20):
                outbox.enqueue(
                    session, org_id=bot.line.core.org_id, channel="line", chat_id=f"U{n}",
                    payload={"replies": []}, now=utcnow(), not_before=later,
                )  # fmt: skip
        piled = await bot.line.http.get(bot.line.url + "/readyz")
        metrics = samples(bot.metrics.registry)

    assert piled.status_code == 503
    assert piled.json()["outgoing_backlog"] == 20
    assert metrics[("complaintbot_outgoing_messages_waiting", ())] == 20


def test_readiness_says_unreachable_when_the_database_is_gone(tmp_path):
    dead = sa.create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    state = readiness.check(dead, 10)
    assert not state.ready
    assert state.as_dict()["database"] == "unreachable"


@pytest.fixture
def json_log():
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Collect()
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("complaintbot.turns")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    yield records
    logger.removeHandler(handler)
    logger.setLevel(old_level)


async def test_every_turn_logs_one_json_line_with_channel_kind_step_and_duration(
    db_url, tmp_path, json_log
):
    async with watched_bot(db_url, tmp_path) as bot:
        code, user_id = await file_a_complaint(bot.line)

    lines = [json.loads(line) for line in json_log]
    assert [line["step"] for line in lines] == [
        "menu", "complaint.category", "complaint.description", "complaint.evidence",
        "complaint.contact", "complaint.confirm", "menu",
    ]  # fmt: skip
    assert [line["kind"] for line in lines][:2] == ["follow", "message"]
    assert all(line["channel"] == "line" and line["outcome"] == "ok" for line in lines)
    assert all(isinstance(line["duration_ms"], float) for line in lines)
    everything = "\n".join(json_log)
    for secret in (code, code.replace("-", ""), user_id, TEXT):
        assert secret not in everything


class BrokenObserver:
    def received(self, channel: str, kind: str) -> None:
        raise RuntimeError("metrics backend gone")

    def handled(self, record) -> None:
        raise RuntimeError("metrics backend gone")


async def test_a_failing_metrics_observer_never_costs_a_citizen_their_turn(make_core):
    core = make_core()
    core.engine.telemetry.observers.append(BrokenObserver())
    chat = Chat(core)
    await chat.open()

    answer = await chat.say("1")

    assert complaint_msg.ASK_CATEGORY in answer
