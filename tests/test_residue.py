"""After a tip, a copy of every file of the deployment holds no trace of the informant.

Tips are filed on every channel (console; Telegram by webhook and by polling; LINE) by
informants with distinctive chat ids, user ids, display names and words, and one more
informant starts a tip and cancels it. Then every file under the test's directory (the
SQLite database, its -wal and -shm, the file store, the key file, a DEBUG log file) is read
as raw bytes, as are the captured log records, and searched for all of it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select
from starlette.applications import Starlette

from bot.channels.telegram.channel import WEBHOOK_PATH, make_channel
from bot.ops.log_redaction import install_redaction
from handlers import menu
from handlers.citizen import tip as tip_flow
from messages import common
from messages.citizen import tip as tip_msg
from messages.citizen import tracking
from storage import crypto
from storage.models import Conversation, Tip, TipFile
from storage.queues import inbox
from tests.fake_telegram import TOKEN, FakeTelegram, free_socket, serving
from tests.line_harness import running_line_bot, texts, tracking_code
from tests.photos import assert_clean, jpeg_with_gps
from tests.residue import sealed_in_files, traces_in_files, traces_in_logs, traces_in_rows
from tests.telegram_chat import TelegramChat
from tests.transcript import Chat, code_in
from tests.waiting import eventually

FIRST_NAME, LAST_NAME, USERNAME = "ประพันธ์ลับยิ่ง", "Whistlewood", "quiet_informant_77"


def _words(channel: str) -> tuple[str, str]:
    """The tip's words and the words of a tip that is cancelled, distinct per channel."""
    return (
        f"ปลัดรับเงินใต้โต๊ะสามแสนบาทจากผู้รับเหมา{channel}โครงการประปาหมู่ห้า",
        f"หัวหน้ากองคลังเบิกค่าเดินทางเท็จทุกเดือน{channel}ร่างที่ยกเลิก",
    )


SDK_LOGGERS = ("telegram", "httpx", "httpcore", "linebot", "uvicorn", "aiohttp", "asyncio")


@pytest.fixture
def logs(tmp_path: Path, monkeypatch) -> Iterator[list[str]]:
    """Every record at DEBUG, the SDKs' too, formatted as the server's log would hold them,
    also in a file."""
    lines: list[str] = []
    monkeypatch.setattr("bot.channels.telegram.channel._quiet", lambda name, level: None)
    old_levels = {name: logging.getLogger(name).level for name in SDK_LOGGERS}
    for name in SDK_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)  # setLevel also clears level caches

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    root = logging.getLogger()
    undo = install_redaction()
    handlers = [Keep(), logging.FileHandler(tmp_path / "complaintbot.log", encoding="utf-8")]
    for handler in handlers:
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    yield lines
    root.setLevel(old_level)
    for name, level in old_levels.items():
        logging.getLogger(name).setLevel(level)
    for handler in handlers:
        root.removeHandler(handler)
        handler.close()
    undo()


def assert_no_residue(engine, tmp_path: Path, lines: list[str], terms: list[str]) -> None:
    found = traces_in_files(tmp_path, terms) + traces_in_logs(lines, terms)
    if engine.dialect.name == "postgresql":  # its files are not ours to read: a dump is
        found += traces_in_rows(engine, terms)
    assert found == [], "\n".join(found)
    assert any(path.name.endswith(".log") for path in tmp_path.iterdir())


def assert_evidence_clean(core) -> None:
    """The photo sent as evidence was stored without its GPS, camera and time."""
    with Session(core.db) as session:
        [evidence] = session.exec(select(TipFile)).all()
    assert_clean(core.files.read(evidence.key))


async def _console_tip(chat: Chat, text: str, photo: Path) -> str:
    await chat.open()
    await chat.press(common.MENU_TIP)
    await chat.press(tip_msg.BUTTON_UNDERSTOOD)
    await chat.press(tip_msg.CATEGORY_LABELS["bribe"])
    await chat.say(text)
    await chat.press(common.BUTTON_SKIP)
    await chat.press(common.BUTTON_SKIP)
    await chat.send_file(photo)
    await chat.press(common.BUTTON_DONE)
    await chat.press(tip_msg.BUTTON_ANONYMOUS)
    return code_in(await chat.press(common.BUTTON_CONFIRM))


async def test_console(make_core, tmp_path, logs):
    core = make_core()
    text, cancelled = _words("console")
    photo = tmp_path / "evidence.jpg"
    photo.write_bytes(jpeg_with_gps())
    code = await _console_tip(Chat(core, "chat-4417-quiet", "user-8830-quiet"), text, photo)
    other = Chat(core, "chat-9921-quiet", "user-6604-quiet")
    await other.open()
    await other.press(common.MENU_TIP)
    await other.press(tip_msg.BUTTON_UNDERSTOOD)
    await other.press(tip_msg.CATEGORY_LABELS["abuse"])
    await other.say(cancelled)
    await other.say("ยกเลิก")
    with Session(core.db) as session:
        assert session.exec(select(Tip)).one().conduct == text  # filed, and readable with the key
        assert session.exec(select(Conversation)).all() == []
    terms = ["chat-4417-quiet", "user-8830-quiet", "chat-9921-quiet", "user-6604-quiet"]
    assert_evidence_clean(core)
    assert_no_residue(core.db, tmp_path, logs, [*terms, text, cancelled, code])


class NamedTelegramChat(TelegramChat):
    """A Telegram user whose updates carry a first name, last name and username."""

    async def send(self, update: dict) -> list[str]:
        return await super().send(_named(update))


def _named(value):
    if isinstance(value, dict):
        named = {k: _named(v) for k, v in value.items()}
        if "first_name" in named and not named.get("is_bot") and "title" not in named:
            named.update(first_name=FIRST_NAME, last_name=LAST_NAME, username=USERNAME)
        return named
    if isinstance(value, list):
        return [_named(v) for v in value]
    return value


async def _telegram_tips(fake: FakeTelegram, channel, informant: int, quitter: int) -> str:
    chat = NamedTelegramChat(fake, channel, informant)
    text, cancelled = _words(f"telegram{informant}")
    await chat.say("/start")
    await chat.press(common.MENU_TIP)
    await chat.press(tip_msg.BUTTON_UNDERSTOOD)
    await chat.press(tip_msg.CATEGORY_LABELS["procurement"])
    await chat.say(text)
    await chat.press(common.BUTTON_SKIP)
    await chat.press(common.BUTTON_SKIP)
    await chat.photo(jpeg_with_gps())
    await chat.press(common.BUTTON_DONE)
    await chat.press(tip_msg.BUTTON_ANONYMOUS)
    texts = await chat.press(common.BUTTON_CONFIRM)
    code = next(code_in(t) for t in texts if "-" in t and any(c.isdigit() for c in t))
    assert not fake.calls_to("sendPhoto") and not fake.calls_to("sendDocument")  # never shown back
    other = NamedTelegramChat(fake, channel, quitter)
    await other.say("/start")
    await other.press(common.MENU_TIP)
    await other.press(tip_msg.BUTTON_UNDERSTOOD)
    await other.press(tip_msg.CATEGORY_LABELS["assets"])
    await other.say(cancelled)
    await other.say("/cancel")
    return code


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_telegram(mode, make_core, tmp_path, logs):
    fake = FakeTelegram().start()
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": fake.base_url}
    informant, quitter = 5_830_194_627, 6_402_771_935
    try:
        if mode == "webhook":
            sock = free_socket()
            env["TELEGRAM_WEBHOOK_URL"] = f"http://127.0.0.1:{sock.getsockname()[1]}{WEBHOOK_PATH}"
            env["TELEGRAM_WEBHOOK_SECRET"] = "residue-secret_42"
            core = make_core(env)
            channel = make_channel(core.settings, core)
            async with serving(Starlette(routes=channel.routes), sock):
                await channel.start()
                code = await _telegram_tips(fake, channel, informant, quitter)
                await channel.stop()
        else:
            core = make_core(env)
            channel = make_channel(core.settings, core)
            await channel.start()
            code = await _telegram_tips(fake, channel, informant, quitter)
            await channel.stop()
    finally:
        fake.stop()
    assert_evidence_clean(core)
    text, cancelled = _words(f"telegram{informant}")
    _, cancelled = _words(f"telegram{quitter}")
    terms = [str(informant), str(quitter), FIRST_NAME, LAST_NAME, USERNAME, text, cancelled]
    assert_no_residue(core.db, tmp_path, logs, [*terms, code.replace("-", ""), code])


async def test_line(db_url, tmp_path, logs):
    informant, quitter = "U" + "5ec7e7" * 5 + "ab", "U" + "0ddba1" * 5 + "cd"
    text, cancelled = _words("line")
    async with running_line_bot(db_url, tmp_path) as line:
        user = line.user(informant)
        await user.follow()
        await user.press(menu.TIP)
        await user.press(tip_flow.UNDERSTOOD)
        await user.press(tip_flow.CAT + "personnel")
        await user.say(text)
        await user.press(tip_flow.SKIP)
        await user.press(tip_flow.SKIP)
        await user.send_image(jpeg_with_gps())
        await user.press(tip_flow.EV_DONE)
        await user.press(tip_flow.ANONYMOUS)
        code = tracking_code(await user.press(tip_flow.CONFIRM))
        other = line.user(quitter)
        await other.press(menu.TIP)
        await other.press(tip_flow.UNDERSTOOD)
        await other.press(tip_flow.CAT + "other")
        await other.say(cancelled)
        await other.press(menu.CANCEL)
        assert_evidence_clean(line.core)
        engine = line.core.db
        terms = [informant, quitter, text, cancelled, code, code.replace("-", "")]
        assert_no_residue(engine, tmp_path, logs, terms)


@pytest.fixture
def bindings(monkeypatch) -> set[str]:
    """Every binding a value is sealed with while the test runs."""
    seen: set[str] = set()
    seal = crypto.Keyring.seal

    def recording(self, plaintext: bytes, purpose: str, bind: str = "") -> bytes:
        seen.add(bind)
        return seal(self, plaintext, purpose, bind)

    monkeypatch.setattr(crypto.Keyring, "seal", recording)
    return seen


def _inbox_vacuums(engine) -> int:
    """How often the inbox table was vacuumed by hand (not by autovacuum) in this schema."""
    query = sa.text(
        "select coalesce(vacuum_count, 0) from pg_stat_user_tables"
        " where relname = 'inbox_event' and schemaname = current_schema()"
    )
    with engine.connect() as conn:
        return conn.execute(query).scalar_one()


async def test_line_inbox_rows_of_a_tip_leave_nothing_the_key_opens(db_url, tmp_path, bindings):
    """The inbox row of each turn held the LINE user id (its event) and, for the last one,
    the code (its replies); once delivered and deleted, no copy of them is left in the
    database file or its log that the key opens. PostgreSQL's files are not ours to read:
    there the inbox table is vacuumed once the rows are deleted, and SECURITY.md says what
    the operator does about its WAL."""
    informant = "U" + "7e11a0" * 5 + "ef"
    async with running_line_bot(db_url, tmp_path) as line:
        postgres = line.core.db.dialect.name == "postgresql"
        vacuums = _inbox_vacuums(line.core.db) if postgres else 0
        user = line.user(informant)
        await user.follow()
        await user.press(menu.TIP)
        await user.press(tip_flow.UNDERSTOOD)
        await user.press(tip_flow.CAT + "personnel")
        await user.say(_words("inbox")[0])
        await user.press(tip_flow.SKIP)
        await user.press(tip_flow.SKIP)
        await user.press(tip_flow.EV_SKIP)
        await user.press(tip_flow.ANONYMOUS)
        code = tracking_code(await user.press(tip_flow.CONFIRM))
        assert tracking.STREAM_LABELS["tip"] in " ".join(texts(await user.say(code)))  # look-up

        def opened() -> list[bytes]:
            return sealed_in_files(tmp_path, crypto.keyring(), inbox.PURPOSE, bindings)

        def linked() -> list[bytes]:
            return [v for v in opened() if informant.encode() in v or code.encode() in v]

        def delivered() -> bool:
            with Session(line.core.db) as session:  # no read left open: it holds the log
                return inbox.count(session) == 0

        await eventually(delivered, what="inbox rows delivered")
        if postgres:
            await eventually(
                lambda: _inbox_vacuums(line.core.db) > vacuums, what="the inbox vacuumed"
            )
            assert traces_in_rows(line.core.db, [informant, code]) == []
        await eventually(lambda: linked() == [], what="no sealed residue of the tip's turns")
