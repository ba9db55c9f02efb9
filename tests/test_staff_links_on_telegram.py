"""On Telegram, a new-case notice and the case card end with the link to the case's page in
the office, where the deployment has a public address. Real python-telegram-bot over HTTP
against the fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from bot.channels.office_links import case_url
from bot.channels.telegram.channel import make_channel
from bot.jobs.outbox_sender import OutboxSender
from handlers.cases import notices
from handlers.cases.lifecycle import file_complaint
from storage.staff.accounts import Role
from storage.timeutil import utcnow
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.staff_helpers import invite_code
from tests.telegram_chat import TelegramChat

OFFICER = 333_000_001
PUBLIC_URL = "https://bot.khaothong.go.th"


@pytest.fixture
def fake():
    server = FakeTelegram().start()
    yield server
    server.stop()


@pytest.mark.parametrize("public_url", [PUBLIC_URL, ""])
async def test_the_notice_and_the_case_card_link_to_the_office(fake, make_core, public_url):
    core = make_core(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": fake.base_url,
            "COMPLAINTBOT_PUBLIC_URL": public_url,
        }
    )
    channel = make_channel(core.settings, core)
    await channel.start()
    sender = OutboxSender(core.db, {"telegram": channel})
    try:
        officer = TelegramChat(fake, channel, OFFICER)
        await officer.say(f"/staff {invite_code(core, Role.COMPLAINT, 'สมศรี')}")
        with Session(core.db) as session, session.begin():
            complaint = file_complaint(
                session, org_id=core.org_id, now=utcnow(), category="water",
                description="ท่อประปาแตกหน้าโรงเรียน", channel="telegram", chat_id="tg:1",
                user_id="1", evidence=[], location=None, name="", phone="",
            )  # fmt: skip
            notices.on_complaint_filed(session, core.org_id, complaint, utcnow(), notify=True)
            code = complaint.code
        assert await sender.run_once() == 1
        notice = fake.sent_texts(OFFICER)[-1]
        card = "\n".join(await officer.say(f"/open {code}"))

        page = case_url(PUBLIC_URL, code)
        if public_url:
            assert notice.endswith(page) and page in card
        else:
            assert "/office/" not in notice and "/office/" not in card
    finally:
        await channel.stop()
