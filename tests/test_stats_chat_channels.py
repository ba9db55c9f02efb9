"""Statistics reach the chat through the real SDKs: on Telegram the chart arrives as a photo
and the workbook as a document; on LINE the chart is an image message whose signed HTTPS link
the bot itself serves, and the workbook a download link. Tampered, expired or unregistered
links are refused. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from PIL import Image

from bot.channels.telegram import render as telegram_render
from bot.channels.telegram.channel import make_channel
from bot.jobs.outbox_sender import OutboxSender
from bot.jobs.scheduler import Scheduler
from bot.jobs.stats_summary import monthly_summary_job
from bot.shared_links import sign
from handlers import outbound, reply_codec
from handlers.types import Reply
from messages.channels import line as line_msg
from messages.stats import chat as stats_chat
from messages.stats import labels as stats_msg
from storage.staff.accounts import Role
from storage.timeutil import utcnow
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.line_harness import running_line_bot, texts
from tests.staff_helpers import Clock, invite_code, use_clock
from tests.telegram_chat import TelegramChat

OFFICER, ADMIN = 222_000_001, 222_000_002
PUBLIC_URL = "https://bot.khaothong.go.th"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def is_png(data: bytes) -> bool:
    return data.startswith(PNG_MAGIC) and Image.open(BytesIO(data)).width >= 600


def workbook_cells(data: bytes) -> list[str]:
    book = load_workbook(BytesIO(data))
    return [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value]


# -- Telegram -----------------------------------------------------------------------------


@pytest.fixture
def fake():
    server = FakeTelegram().start()
    yield server
    server.stop()


async def test_on_telegram_the_chart_is_a_photo_and_the_workbook_a_document(fake, make_core):
    core = make_core({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": fake.base_url})
    clock = Clock(datetime(2026, 4, 1, 3, 0, tzinfo=UTC))  # 10:00 on 1 April in Bangkok
    use_clock(core, clock)
    channel = make_channel(core.settings, core)
    await channel.start()
    sender = OutboxSender(core.db, {"telegram": channel}, clock=clock)
    await sender.start()
    try:
        officer = TelegramChat(fake, channel, OFFICER)
        await officer.say(f"/staff {invite_code(core, Role.COMPLAINT, 'สมศรี')}")
        admin = TelegramChat(fake, channel, ADMIN)
        await admin.say(f"/staff {invite_code(core, Role.ADMIN, 'ปลัด')}")

        [summary] = await officer.say("/stats 2569-03")
        assert f"{stats_msg.TITLE} มีนาคม 2569" in summary
        assert stats_msg.STREAM_TITLES["tip"] not in summary
        [photo] = [c for c in fake.calls_to("sendPhoto") if c.params["chat_id"] == OFFICER]
        assert is_png(photo.files["photo"])
        [document] = fake.calls_to("sendDocument")
        assert document.params["chat_id"] == OFFICER
        assert any("มีนาคม 2569" in c for c in workbook_cells(document.files["document"]))

        job = monthly_summary_job()
        scheduler = Scheduler(core.db, {job.name: job}, clock, on_ran=sender.wake)
        assert [p for _n, _o, p in scheduler.run_due()] == ["2026-04"]
        await fake.wait_for(
            lambda: [c for c in fake.calls_to("sendDocument") if c.params["chat_id"] == ADMIN]
        )
        pushed = [t for t in fake.sent_texts(ADMIN) if stats_chat.MONTHLY_INTRO in t]
        assert len(pushed) == 1 and "มีนาคม 2569" in pushed[0]
        photos = [c for c in fake.calls_to("sendPhoto") if c.params["chat_id"] == ADMIN]
        assert len(photos) == 1 and is_png(photos[0].files["photo"])
        assert all(c.params["chat_id"] != OFFICER for c in fake.calls_to("sendDocument")[1:])
    finally:
        await sender.stop()
        await channel.stop()


# -- LINE ---------------------------------------------------------------------------------


def local(bot, url: str) -> str:
    """The bot's own server for a public link (as the HTTPS proxy in front of it would)."""
    assert url.startswith(PUBLIC_URL + "/shared/"), url
    return bot.url + url.removeprefix(PUBLIC_URL)


async def test_on_line_the_chart_is_an_image_from_a_signed_link_the_bot_serves(db_url, tmp_path):
    async with running_line_bot(db_url, tmp_path, public_url=PUBLIC_URL) as bot:
        admin = bot.user()
        await admin.say(f"/staff {invite_code(bot.core, Role.ADMIN, 'ปลัด')}")
        messages = await admin.say("/stats")
        assert [m["type"] for m in messages] == ["text", "image", "text"]
        assert stats_msg.TITLE in messages[0]["text"]
        image = messages[1]
        assert image["originalContentUrl"] == image["previewImageUrl"]
        got = await bot.http.get(local(bot, image["originalContentUrl"]))
        assert got.status_code == 200 and got.headers["content-type"] == "image/png"
        assert is_png(got.content)

        link = re.search(r"https://\S+", texts(messages)[2]).group()
        workbook = await bot.http.get(local(bot, link))
        assert workbook.status_code == 200 and workbook.headers["content-type"] == XLSX
        assert "attachment" in workbook.headers["content-disposition"]
        assert ".xlsx" in workbook.headers["content-disposition"]
        assert workbook_cells(workbook.content)

        path = local(bot, image["originalContentUrl"])
        expires, signature, key = path.rsplit("/", 3)[1:]
        forged = signature[:-1] + ("0" if signature[-1] != "0" else "1")
        base = bot.url + "/shared"
        assert (await bot.http.get(f"{base}/{expires}/{forged}/{key}")).status_code == 403
        later = int(expires) + 3600  # a longer life needs a new signature
        assert (await bot.http.get(f"{base}/{later}/{signature}/{key}")).status_code == 403
        past = int((utcnow() - timedelta(minutes=1)).timestamp())
        expired = f"{base}/{past}/{sign(key, past)}/{key}"  # correctly signed, but over
        assert (await bot.http.get(expired)).status_code == 403
        # A stored file that is not registered as shareable (a citizen's photo, a tip's
        # evidence) is never served, even under a valid signature.
        other = bot.core.files.save(b"\xff\xd8evidence", suffix="jpg")
        future = int((utcnow() + timedelta(days=1)).timestamp())
        refused = await bot.http.get(f"{base}/{future}/{sign(other, future)}/{other}")
        assert refused.status_code == 404 and b"evidence" not in refused.content
        not_a_key = await bot.http.get(f"{base}/{future}/{sign('secret.key', future)}/secret.key")
        assert not_a_key.status_code == 404


async def test_on_line_the_monthly_summary_is_pushed_with_its_image(db_url, tmp_path):
    async with running_line_bot(db_url, tmp_path, public_url=PUBLIC_URL) as bot:
        admin, officer = bot.user(), bot.user()
        await admin.say(f"/staff {invite_code(bot.core, Role.ADMIN, 'ปลัด')}")
        await officer.say(f"/staff {invite_code(bot.core, Role.COMPLAINT, 'สมศรี')}")
        job = monthly_summary_job()
        now = utcnow()
        first = datetime(now.year, now.month, 1, 3, 0, tzinfo=UTC)  # 10:00 in Bangkok
        assert Scheduler(bot.core.db, {job.name: job}, lambda: first).run_due()
        sender = OutboxSender(bot.core.db, {"line": bot.channel})
        assert await sender.run_once() == 1
        pushed = bot.fake.pushes(admin.user_id)
        assert [m["type"] for m in pushed] == ["text", "image", "text"]
        assert stats_chat.MONTHLY_INTRO in pushed[0]["text"]
        got = await bot.http.get(local(bot, pushed[1]["originalContentUrl"]))
        assert got.status_code == 200 and is_png(got.content)
        assert bot.fake.pushes(officer.user_id) == []


async def test_on_line_without_a_public_url_staff_get_the_text_and_why_no_chart(db_url, tmp_path):
    async with running_line_bot(db_url, tmp_path) as bot:
        officer = bot.user()
        await officer.say(f"/staff {invite_code(bot.core, Role.INTEGRITY, 'สมปอง')}")
        messages = await officer.say("/stats")
        assert [m["type"] for m in messages] == ["text", "text"]
        assert stats_msg.STREAM_TITLES["tip"] in messages[0]["text"]
        assert messages[1]["text"] == line_msg.IMAGE_NOT_SHOWN


def test_the_workbook_keeps_its_name_through_the_outbox_to_telegram():
    reply = Reply("", file_key="0" * 32 + ".xlsx", file_name="stats-khaothong-2569-03.xlsx")
    [again] = outbound.decode({"replies": reply_codec.dump([reply])}).replies
    [document] = telegram_render.render([again])
    assert (document.kind, document.name) == ("document", "stats-khaothong-2569-03.xlsx")
