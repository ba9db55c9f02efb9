"""An officer's day on LINE: the real line-bot-sdk over HTTP against the fake LINE server;
notices and citizen news are pushes from the outbox, keyed so LINE drops a repeat."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.jobs.outbox_sender import OutboxSender
from handlers.cases.codes import pretty
from messages import common, staff
from messages.citizen import complaint as complaint_msg
from messages.citizen import followup, tracking
from messages.citizen import tip as tip_msg
from storage.staff.accounts import Role
from storage.staff.models import OutboxMessage, Rating, TipAccessLog
from tests.line_harness import running_line_bot, texts, tracking_code
from tests.staff_helpers import Clock, invite_code, reference_in, tip_round, use_clock

DESCRIPTION = "ขยะกองหน้าโรงเรียนไม่มีคนเก็บมาหนึ่งสัปดาห์ ส่งกลิ่นเหม็นมาก"
CONDUCT = "มีการเรียกเก็บเงินค่าคิวรับบัตรเบี้ยยังชีพคนละสองร้อยบาทโดยไม่มีใบเสร็จ"


def buttons_of(messages: list[dict]) -> dict[str, str]:
    """{label: postback data} of every quick reply in `messages`."""
    found = {}
    for message in messages:
        for item in (message.get("quickReply") or {}).get("items", []):
            found[item["action"]["displayText"]] = item["action"]["data"]
    return found


async def test_an_officers_day_on_line(db_url, tmp_path):
    async with running_line_bot(db_url, tmp_path) as bot:
        core, fake = bot.core, bot.fake
        clock = Clock()
        use_clock(core, clock)
        sender = OutboxSender(core.db, {"line": bot.channel}, clock=clock)
        officer, integrity, citizen, informant = (bot.user() for _ in range(4))
        bound = await officer.say(f"/staff {invite_code(core, Role.COMPLAINT, 'สมศรี')}")
        assert "ลงทะเบียนคุณสมศรี" in texts(bound)[0]
        await integrity.say(f"/staff {invite_code(core, Role.INTEGRITY, 'สมปอง')}")

        await citizen.follow()
        await citizen.press("menu:complaint")
        await citizen.press("c:cat:waste")
        await citizen.say(DESCRIPTION)
        await citizen.send_location("โรงเรียนบ้านเขาทอง", "หมู่ 2", 8.0863, 98.9063)
        await citizen.press("c:ev:done")
        await citizen.press("c:ct:no")
        code = tracking_code(await citizen.press("c:confirm:notify"))

        assert await sender.run_once() == 1
        notice = fake.pushes(officer.user_id)
        assert [m["type"] for m in notice] == ["location", "text"]  # buttons on the last
        assert pretty(code.replace("-", "")) in notice[-1]["text"]
        assert notice[0]["latitude"] == 8.0863
        assert await sender.run_once() == 0  # sent once, marked sent

        take = buttons_of(notice)[staff.BUTTON_TAKE]
        assert staff.TAKEN.format(key=code) in texts(await officer.press(take))[0]
        await officer.press(f"/status {code} completed")
        await officer.say("เก็บขยะและล้างพื้นที่แล้ว")
        await officer.say("ประสานรถขยะเพิ่มรอบ")
        assert await sender.run_once() == 3  # in progress, completed, the rating request
        news = texts(fake.pushes(citizen.user_id))
        assert tracking.STATUS_LABELS["in_progress"] in news[0]
        assert any("เก็บขยะและล้างพื้นที่แล้ว" in t for t in news)
        assert not any("รถขยะเพิ่มรอบ" in t for t in news)  # the internal note stays inside
        rate = buttons_of(fake.pushes(citizen.user_id))[followup.RATING_LABELS[4]]
        assert followup.ASK_COMMENT in texts(await citizen.press(rate))[0]
        assert followup.RATED in texts(await citizen.say("ขอบคุณที่รวดเร็ว"))[0]

        await informant.follow()
        await informant.press("menu:tip")
        await informant.press("t:ok")
        await informant.press("t:cat:bribe")
        await informant.say(CONDUCT)
        for _ in range(3):
            await informant.press("t:skip" if _ < 2 else "t:ev:skip")
        await informant.press("t:anon")
        tip_code = tracking_code(await informant.press("t:confirm"))
        assert tip_msg.ASK_CATEGORY  # the tip flow ran as a citizen's
        assert await sender.run_once() == 0  # the notice waits for its round
        tip_round(core)
        await sender.run_once()
        tip_notice = texts(fake.pushes(integrity.user_id))
        reference = reference_in(tip_notice[-1])
        assert CONDUCT not in tip_notice[-1] and tip_code not in tip_notice[-1]
        assert fake.pushes(officer.user_id) == notice  # never to the complaint officer

        content = await integrity.press(buttons_of(fake.pushes(integrity.user_id))[
            staff.BUTTON_CONTENT])  # fmt: skip
        assert CONDUCT in texts(content)[0]
        await integrity.say(f"/ask {reference}")
        await integrity.say("จ่ายให้ใคร ที่ไหน วันไหน")
        await sender.run_once()
        assert len(fake.pushes(informant.user_id)) == 0  # tips are never pushed
        looked = await informant.say(tip_code)
        assert any("จ่ายให้ใคร" in t for t in texts(looked))
        await informant.press(f"f:reply:{tip_code.replace('-', '')}")
        await informant.say("จ่ายที่ห้องธุรการ วันจันทร์ที่แล้ว")
        tip_round(core)
        await sender.run_once()
        answered = texts(fake.pushes(integrity.user_id))[-1]
        assert reference in answered and "ห้องธุรการ" not in answered

        with Session(core.db) as session:
            assert session.exec(select(Rating)).one().score == 5
            assert len(session.exec(select(TipAccessLog)).all()) == 1
            assert all(row.sent_at for row in session.exec(select(OutboxMessage)).all())
        assert common.MENU_TIP and complaint_msg.ASK_DESCRIPTION
