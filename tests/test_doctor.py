"""`complaintbot doctor` against the fake LINE and Telegram servers, healthy and with each
fault an operator meets planted: a revoked token, a wrong webhook URL, a pile of pending
updates, an old schema, a missing or weak key. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from bot.app import build_core
from bot.cli.main import main
from bot.config import Settings
from bot.ops.doctor import Doctor, Level
from bot.web.ops import serving_app
from messages.cli import doctor as msg
from storage import crypto
from storage.schema import head_revisions
from tests.fake_line import FakeLine, serving_in_thread
from tests.fake_telegram import TOKEN, FakeTelegram, free_socket
from tests.waiting import DEADLINE

PUBLIC = "https://bot.khaothong.go.th"
LINE_TOKEN = "line-access-token-for-doctor"
LINE_SECRET = "0123456789abcdef0123456789abcdef"
WEBHOOK_SECRET = "doctor-test-secret"
LINE_WEBHOOK = PUBLIC + "/line/webhook"


@dataclass
class Deployment:
    env: dict[str, str]
    line: FakeLine
    telegram: FakeTelegram
    engine: sa.Engine
    key_file: Path

    def doctor(self, capsys, monkeypatch, caplog=None) -> tuple[int, str]:
        for name in [
            n for n in os.environ if n.startswith(("COMPLAINTBOT_", "LINE_", "TELEGRAM_"))
        ]:
            monkeypatch.delenv(name)
        for name, value in self.env.items():
            monkeypatch.setenv(name, value)
        code = main(["doctor"])
        captured = capsys.readouterr()
        for secret in (TOKEN, LINE_TOKEN, LINE_SECRET):
            assert secret not in captured.err
            assert caplog is None or secret not in caplog.text
        return code, captured.out


@pytest.fixture
def deployment(db_url_and_engine, tmp_path, tmp_path_factory) -> Iterator[Deployment]:
    """A deployment as the Going-live guide leaves it: everything green."""
    db_url, engine = db_url_and_engine
    data = tmp_path / "data"
    (data / "files").mkdir(parents=True)
    keys = tmp_path_factory.mktemp("etc")  # away from the data, as the guide says
    key_file = keys / "secret.key"
    key_file.write_text(base64.b64encode(os.urandom(32)).decode() + "\n")
    key_file.chmod(0o600)
    line = FakeLine(access_token=LINE_TOKEN)
    line.webhook_endpoint, line.webhook_active = PUBLIC + "/line/webhook", True
    telegram = FakeTelegram().start()
    telegram.webhook = {"url": PUBLIC + "/telegram/webhook", "secret": WEBHOOK_SECRET}
    try:
        with serving_in_thread(line.app()) as line_url:
            env = {
                "COMPLAINTBOT_DATABASE_URL": db_url,
                "COMPLAINTBOT_DATA_DIR": str(data),
                "COMPLAINTBOT_SECRET_KEY_FILE": str(key_file),
                "COMPLAINTBOT_PUBLIC_URL": PUBLIC,
                "LINE_CHANNEL_SECRET": LINE_SECRET,
                "LINE_CHANNEL_ACCESS_TOKEN": LINE_TOKEN,
                "LINE_API_HOST": line_url,
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_API_BASE_URL": telegram.base_url,
                "TELEGRAM_WEBHOOK_URL": PUBLIC + "/telegram/webhook",
                "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
            }
            # The bot's own web server, as `complaintbot serve` runs it (no channels needed).
            core = build_core(Settings.from_env(env))
            try:
                with serving_in_thread(serving_app(core.settings, core, [])) as bot_url:
                    env["COMPLAINTBOT_PORT"] = bot_url.rsplit(":", 1)[1]
                    yield Deployment(env, line, telegram, engine, key_file)
            finally:
                core.db.dispose()
    finally:
        telegram.stop()


def test_a_healthy_deployment_is_all_green(deployment, capsys, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    code, out = deployment.doctor(capsys, monkeypatch, caplog)

    assert code == 0, out
    assert "[FAIL]" not in out and "[WARN]" not in out
    for title in (msg.TITLE_DATABASE, msg.TITLE_SECRET_KEY, msg.TITLE_LINE, msg.TITLE_TELEGRAM):
        assert f"[ OK ] {title.th} / {title.en}" in out
    assert msg.LINE_OK.format(name="อบต.เขาทอง", endpoint=PUBLIC + "/line/webhook").th in out
    assert "@khaothong_test_bot" in out
    assert msg.ALL_GREEN.en in out
    code, out = main(["doctor", "--json"]), capsys.readouterr().out
    report = json.loads(out)
    assert code == 0 and report["ok"] is True
    assert {c["check"]: c["level"] for c in report["checks"]}["LINE"] == "ok"
    assert TOKEN not in out and LINE_TOKEN not in out and LINE_SECRET not in out


def _revoke_line(d: Deployment) -> None:
    d.env["LINE_CHANNEL_ACCESS_TOKEN"] = "revoked-token"


def _revoke_telegram(d: Deployment) -> None:
    d.env["TELEGRAM_BOT_TOKEN"] = "123456789:AARevokedTokenRevokedToken_0000000000"


def _line_elsewhere(d: Deployment) -> None:
    d.line.webhook_endpoint = "https://old-vendor.example.com/callback"


def _line_off(d: Deployment) -> None:
    d.line.webhook_active = False


def _telegram_elsewhere(d: Deployment) -> None:
    d.telegram.webhook = {"url": "https://old-vendor.example.com/tg", "secret": "x"}


def _pending(d: Deployment) -> None:
    d.telegram.undelivered = 250


def _delivery_error(d: Deployment) -> None:
    d.telegram.webhook_error = (int(time.time()) - 180, "Wrong response from the webhook: 502")


def _old_schema(d: Deployment) -> None:
    with d.engine.begin() as conn:
        conn.execute(sa.text("update alembic_version set version_num = '0001_core'"))


def _missing_key(d: Deployment) -> None:
    d.key_file.unlink()


def _weak_key(d: Deployment) -> None:
    d.env["COMPLAINTBOT_SECRET_KEY"] = "changeme"


def _repetitive_key(d: Deployment) -> None:
    d.env["COMPLAINTBOT_SECRET_KEY"] = "a" * 40


def _plain_http(d: Deployment) -> None:
    d.env["COMPLAINTBOT_PUBLIC_URL"] = "http://bot.khaothong.go.th"


def _no_database(d: Deployment) -> None:
    if d.env["COMPLAINTBOT_DATABASE_URL"].startswith("sqlite"):
        d.env["COMPLAINTBOT_DATABASE_URL"] = "sqlite:////nonexistent/dir/complaintbot.db"
    else:
        d.env["COMPLAINTBOT_DATABASE_URL"] = "postgresql+psycopg://nobody@127.0.0.1:1/none"


FAULTS: dict[str, tuple[Callable[[Deployment], None], msg.Say, msg.Say]] = {
    "revoked LINE token": (_revoke_line, msg.LINE_TOKEN_REFUSED, msg.LINE_TOKEN_FIX),
    "revoked Telegram token": (
        _revoke_telegram, msg.TELEGRAM_TOKEN_REFUSED, msg.TELEGRAM_TOKEN_FIX
    ),
    "LINE webhook elsewhere": (
        _line_elsewhere,
        msg.LINE_WRONG_WEBHOOK.format(
            endpoint="https://old-vendor.example.com/callback", expected=PUBLIC + "/line/webhook"
        ),
        msg.LINE_WEBHOOK_FIX.format(expected=PUBLIC + "/line/webhook"),
    ),
    "LINE webhook off": (
        _line_off, msg.LINE_WEBHOOK_OFF, msg.LINE_WEBHOOK_FIX.format(expected=LINE_WEBHOOK)
    ),
    "Telegram webhook elsewhere": (
        _telegram_elsewhere,
        msg.TELEGRAM_WRONG_WEBHOOK.format(
            actual="https://old-vendor.example.com/tg", expected=PUBLIC + "/telegram/webhook"
        ),
        msg.TELEGRAM_WEBHOOK_FIX,
    ),
    "pending updates": (_pending, msg.TELEGRAM_PENDING.format(count=250), msg.TELEGRAM_PENDING_FIX),
    "failed deliveries": (
        _delivery_error,
        msg.TELEGRAM_DELIVERY_ERROR.format(minutes=3, error="Wrong response from the webhook: 502"),
        msg.TELEGRAM_DELIVERY_FIX,
    ),
    "old schema": (
        _old_schema,
        msg.DB_BEHIND.format(current="0001_core", head=head_revisions()[0]),
        msg.DB_BEHIND_FIX,
    ),
    "no database": (_no_database, msg.TITLE_DATABASE, msg.DB_CREATE_FIX),
    "missing key": (_missing_key, msg.KEY_MISSING, msg.KEY_MISSING_FIX),
    "short key": (_weak_key, msg.KEY_WEAK.format(why=msg.KEY_WEAK_SHORT), msg.KEY_WEAK_FIX),
    "repetitive key": (
        _repetitive_key, msg.KEY_WEAK.format(why=msg.KEY_WEAK_REPETITIVE), msg.KEY_WEAK_FIX
    ),
    "plain http": (_plain_http, msg.URL_NOT_HTTPS, msg.URL_NOT_HTTPS_FIX),
}  # fmt: skip


@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
def test_each_planted_fault_fails_with_what_is_wrong_and_how_to_fix_it(
    fault, deployment, capsys, monkeypatch
):
    plant, said, fix = FAULTS[fault]
    plant(deployment)
    if fault == "missing key":
        said = said.format(path=deployment.key_file)
        fix = fix.format(path=deployment.key_file)
    if fault == "plain http":
        said = said.format(url="http://bot.khaothong.go.th")
    if fault == "no database" and "postgresql" in deployment.env["COMPLAINTBOT_DATABASE_URL"]:
        said, fix = msg.DB_UNREACHABLE.format(error="OperationalError"), msg.DB_UNREACHABLE_FIX

    code, out = deployment.doctor(capsys, monkeypatch)

    assert code == 1, out
    assert said.th in out and said.en in out
    assert f"→ {msg.FIX.th}: {fix.th}" in out
    assert f"→ {msg.FIX.en}: {fix.en}" in out
    # One fault, one failed check (a plain-http URL also mismatches what LINE calls, and a
    # schema behind also makes the running bot unready).
    assert out.count("[FAIL]") == (2 if fault in ("plain http", "old schema") else 1), out
    assert TOKEN not in out and LINE_TOKEN not in out


def test_a_key_file_inside_the_data_directory_is_a_warning(deployment, capsys, monkeypatch):
    inside = Path(deployment.env["COMPLAINTBOT_DATA_DIR"]) / "secret.key"
    inside.write_text(deployment.key_file.read_text())
    inside.chmod(0o644)
    deployment.env["COMPLAINTBOT_SECRET_KEY_FILE"] = str(inside)

    code, out = deployment.doctor(capsys, monkeypatch)

    assert code == 0, out
    assert msg.KEY_IN_DATA_DIR.format(path=inside).en in out
    assert msg.KEY_OPEN_MODE.format(path=inside, mode="644").th in out
    assert "[WARN] " + msg.TITLE_SECRET_KEY.th in out


def test_a_bot_that_is_not_running_fails(deployment, capsys, monkeypatch):
    sock = free_socket()
    deployment.env["COMPLAINTBOT_PORT"] = str(sock.getsockname()[1])  # bound, not listening
    try:
        code, out = deployment.doctor(capsys, monkeypatch)
    finally:
        sock.close()

    assert code == 1
    url = f"http://127.0.0.1:{deployment.env['COMPLAINTBOT_PORT']}/readyz"
    assert msg.SERVER_DOWN.format(url=url).en in out
    assert msg.SERVER_DOWN_FIX.th in out


def test_no_channel_at_all_fails(deployment, capsys, monkeypatch):
    for name in list(deployment.env):
        if name.startswith(("LINE_", "TELEGRAM_")):
            del deployment.env[name]

    code, out = deployment.doctor(capsys, monkeypatch)

    assert code == 1
    assert msg.NO_CHANNEL.en in out
    assert f"[FAIL] {msg.TITLE_CHANNELS.th} / {msg.TITLE_CHANNELS.en}" in out


def test_a_clock_two_minutes_off_the_platforms_fails(deployment):
    settings = Settings.from_env(deployment.env)
    ahead = datetime.now(UTC) + timedelta(minutes=2)
    with httpx.Client(timeout=DEADLINE) as http:
        results = Doctor(settings, http, now=lambda: ahead).run()
    clock = next(r for r in results if r.title == msg.TITLE_CLOCK)
    assert clock.level is Level.FAIL
    assert clock.findings[0].fix == msg.CLOCK_SKEW_FIX


def test_a_key_that_did_not_seal_the_stored_data_fails(deployment):
    """Replacing a lost key with a new one leaves sealed values unreadable: say so."""
    metadata = sa.MetaData()
    sealed = sa.Table(
        "doctor_sealed_probe", metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("body", crypto.SealedText("probe")),
    )  # fmt: skip
    metadata.create_all(deployment.engine)
    sealing_secret = os.urandom(32)
    other = crypto.Keyring([sealing_secret])
    with deployment.engine.begin() as conn:
        blob = other.seal("ข้อความลับ".encode(), "probe", "doctor_sealed_probe.body")
        conn.execute(
            sa.text("insert into doctor_sealed_probe (id, body) values (1, :b)"), {"b": blob}
        )
    settings = Settings.from_env(deployment.env)
    try:
        with httpx.Client(timeout=DEADLINE) as http:
            wrong = Doctor(settings, http, metadata=metadata).secret_key()
            found = list(wrong)
        deployment.key_file.write_text(base64.b64encode(sealing_secret).decode())
        with httpx.Client(timeout=DEADLINE) as http:
            fixed = list(Doctor(settings, http, metadata=metadata).secret_key())
    finally:
        metadata.drop_all(deployment.engine)

    assert [f.level for f in found] == [Level.FAIL]
    assert found[0].said == msg.KEY_WRONG.format(table=sealed.name)
    assert found[0].fix == msg.KEY_WRONG_FIX
    assert [f.level for f in fixed] == [Level.OK]


def test_the_file_store_says_where_uploads_live_and_what_other_machines_cannot_open(
    deployment, capsys, monkeypatch
):
    on_postgres = "postgresql" in deployment.env["COMPLAINTBOT_DATABASE_URL"]
    code, out = deployment.doctor(capsys, monkeypatch)
    assert code == 0, out
    assert (msg.FILES_IN_DATABASE.th in out) == on_postgres, out

    # A photo left on this machine's disk from before the shared store.
    old = Path(deployment.env["COMPLAINTBOT_DATA_DIR"]) / "files" / "1" / "old-photo"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"sealed")
    code, out = deployment.doctor(capsys, monkeypatch)
    left = msg.FILES_LEFT_ON_DISK.format(count=1, path=old.parent.parent)
    assert (left.th in out and msg.FILES_MIGRATE_FIX.th in out) == on_postgres, out

    deployment.env["COMPLAINTBOT_FILES_STORE"] = "floppy"
    code, out = deployment.doctor(capsys, monkeypatch)
    assert code == 1 and msg.FILES_SETTING_FIX.th in out, out
