"""An officer's day on the console channel: invite and bind, notices, taking and updating a
complaint, the citizen hearing back and rating, a question to an informant answered through
the code, the access log, and the morning reminder with an explanation of an overdue case."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.jobs.scheduler import Scheduler
from handlers.cases.codes import pretty
from messages import common, staff
from messages.citizen import followup, tracking
from storage.models import ComplaintStatusChange, Conversation, Tip
from storage.staff.accounts import Role
from storage.staff.models import OutboxMessage, Rating, TipAccessLog
from tests.staff_helpers import (
    Clock,
    file_complaint,
    file_tip,
    invite_code,
    invite_in,
    reference_in,
    tip_round,
    use_clock,
)
from tests.transcript import Chat

POTHOLE = "ถนนหน้าวัดเป็นหลุมลึก รถจักรยานยนต์ล้มบ่อย ขอให้ซ่อมด่วน"
BRIBE = "เจ้าหน้าที่กองช่างเรียกรับเงินห้าพันบาทเพื่อเร่งออกใบอนุญาตก่อสร้าง"


async def staff_room(core):
    """An administrator bound from a CLI invite, who invites two officers in the chat."""
    admin = Chat(core, chat_id="admin", user_id="admin")
    out = await admin.say(f"/staff {invite_code(core, Role.ADMIN, 'ปลัด')}")
    assert "ลงทะเบียนคุณปลัด" in out
    officer = Chat(core, chat_id="officer", user_id="officer")
    out = await admin.say("/invite complaint สมศรี")
    assert staff.ROLE_LABELS["complaint"] in out  # the invite says what it grants
    out = await officer.say(f"/staff {invite_in(out)}")
    assert staff.ROLE_LABELS["complaint"] in out
    integrity = Chat(core, chat_id="integrity", user_id="integrity")
    out = await admin.say("/invite integrity สมปอง")
    await integrity.say(f"/staff {invite_in(out)}")
    return admin, officer, integrity


async def test_a_complaint_from_notice_to_rating(make_core):
    core = make_core()
    _admin, officer, integrity = await staff_room(core)
    citizen = Chat(core, chat_id="citizen", user_id="citizen")
    code = await file_complaint(citizen, notify=True, description=POTHOLE)

    notice = await officer.inbox()
    assert "เรื่องร้องเรียนใหม่" in notice and pretty(code) in notice
    assert POTHOLE[:20] in notice and "📍" in notice  # excerpt and the map pin
    assert f"[/take {code}]" in notice
    assert await integrity.inbox() == ""  # complaints never reach the integrity officer

    out = await officer.say(f"/take {code}")
    assert staff.TAKEN.format(key=pretty(code)) in out
    heard = await citizen.inbox()
    assert tracking.STATUS_LABELS["in_progress"] in heard

    out = await officer.say(f"/status {pretty(code)}")
    out = await officer.press(tracking.STATUS_LABELS["completed"])
    assert staff.ASK_PUBLIC_NOTE in out
    out = await officer.say("ซ่อมผิวถนนเรียบร้อยแล้ว")
    assert staff.ASK_INTERNAL_NOTE in out
    out = await officer.say("ใช้งบซ่อมบำรุง 5,000 บาท")
    assert "ดำเนินการแล้วเสร็จ" in out

    heard = await citizen.inbox()
    assert "ซ่อมผิวถนนเรียบร้อยแล้ว" in heard and "5,000" not in heard
    assert followup.ASK_RATING in heard
    rate = next(line for line in heard.splitlines() if "5 พอใจมาก" in line)
    out = await citizen.press_code(rate.split("[")[1].split("]")[0])
    assert followup.ASK_COMMENT in out
    out = await citizen.say("รวดเร็วมาก ขอบคุณค่ะ")
    assert followup.RATED in out
    with Session(core.db) as session:
        rating = session.exec(select(Rating)).one()
        assert (rating.score, rating.comment) == (5, "รวดเร็วมาก ขอบคุณค่ะ")
    out = await officer.say(f"/history {code}")
    assert "ใช้งบซ่อมบำรุง 5,000 บาท" in out and "ซ่อมผิวถนนเรียบร้อยแล้ว" in out


async def test_a_question_to_an_informant_is_answered_through_the_code(make_core):
    core = make_core()
    admin, officer, integrity = await staff_room(core)
    informant = Chat(core, chat_id="informant", user_id="informant")
    code = await file_tip(informant, BRIBE)
    assert await integrity.inbox() == ""  # not before the round
    tip_round(core)
    notice = await integrity.inbox()
    reference = reference_in(notice)
    assert BRIBE not in notice and pretty(code) not in notice and code not in notice
    assert await officer.inbox() == ""  # never to complaint officers
    with Session(core.db) as session:
        for row in session.exec(select(OutboxMessage)).all():
            assert BRIBE not in str(row.payload) and code not in str(row.payload)

    out = await integrity.say("/tips")
    assert reference in out and ":" not in out.split(reference)[1].splitlines()[0]
    out = await integrity.say(f"/content {reference}")
    assert BRIBE in out
    out = await integrity.say(f"/ask {reference}")
    out = await integrity.say("เหตุเกิดวันไหน มีใครเห็นเหตุการณ์บ้าง")
    assert staff.QUESTION_SAVED.format(key=reference) in out
    assert await informant.inbox() == ""  # tips are never pushed

    out = await informant.say(pretty(code))
    assert "เหตุเกิดวันไหน" in out
    with Session(core.db) as session:  # the look-up leaves no row linking chat and tip
        rows = session.exec(select(Conversation).where(Conversation.chat_id == "informant"))
        assert rows.all() == []
    out = await informant.say(f"{followup.BUTTON_REPLY} {pretty(code)}")
    assert followup.ASK_REPLY in out
    out = await informant.say("วันที่ 3 ตอนบ่าย มีผู้รับเหมาอีกสองคนเห็น")
    assert followup.REPLY_SENT in out
    assert await integrity.inbox() == ""  # the answer too waits for the round
    tip_round(core)
    heard = await integrity.inbox()
    assert reference in heard and "ผู้รับเหมา" not in heard

    out = await integrity.say(f"/content {reference}")
    assert "ผู้รับเหมาอีกสองคน" in out
    out = await admin.say("/audit")
    assert out.count(reference) == 2 and "สมปอง" in out
    with Session(core.db) as session:
        assert len(session.exec(select(TipAccessLog)).all()) == 2
        assert session.exec(select(Tip)).one().status == "received"


async def test_the_morning_reminder_asks_for_an_explanation_of_an_overdue_complaint(make_core):
    core = make_core()
    clock = Clock()
    use_clock(core, clock)
    _admin, officer, _integrity = await staff_room(core)
    citizen = Chat(core, chat_id="citizen", user_id="citizen")
    code = await file_complaint(citizen, notify=True, description=POTHOLE)
    await officer.inbox()
    await officer.say(f"/take {code}")
    colleague = Chat(core, chat_id="colleague", user_id="colleague")
    await colleague.say(f"/staff {invite_code(core, Role.COMPLAINT, 'สมหมาย')}")
    scheduler = Scheduler(core.db, clock=clock)
    scheduler.run_due()  # today's run: nothing is due yet
    assert await officer.inbox() == ""

    clock.advance(days=16)
    ran = scheduler.run_due()
    assert "deadline-reminders" in {name for name, _org, _period in ran}
    assert scheduler.run_due() == []  # once a day, however often it ticks
    reminder = await officer.inbox()
    assert pretty(code) in reminder and f"[/explain {code}]" in reminder
    assert await colleague.inbox() == ""  # the case is the officer's: only they are reminded

    out = await officer.say(f"/explain {code}")
    out = await officer.say("รอวัสดุจากผู้รับจ้าง คาดว่าเสร็จภายในสัปดาห์หน้า")
    assert staff.EXPLANATION_SAVED.format(key=pretty(code)) in out
    heard = await citizen.inbox()
    assert "รอวัสดุจากผู้รับจ้าง" in heard
    out = await citizen.say(pretty(code))
    assert "รอวัสดุจากผู้รับจ้าง" in out
    with Session(core.db) as session:
        notes = [c.public_note for c in session.exec(select(ComplaintStatusChange)).all()]
        assert "รอวัสดุจากผู้รับจ้าง คาดว่าเสร็จภายในสัปดาห์หน้า" in notes

    clock.advance(days=1)
    scheduler.run_due()
    assert f"[/explain {code}]" not in await officer.inbox()  # explained: asked no more


async def test_a_complainant_not_told_in_chat_hears_back_at_the_next_look_up(make_core):
    core = make_core()
    _admin, officer, integrity = await staff_room(core)
    citizen = Chat(core, chat_id="citizen", user_id="citizen")
    code = await file_complaint(citizen, notify=False, description=POTHOLE)
    await officer.inbox()

    await officer.say(f"/ask {code}")
    await officer.say("หลุมอยู่ฝั่งขาเข้าหรือขาออกหมู่บ้านครับ")
    assert await citizen.inbox() == ""  # not asked to be told: nothing is pushed
    out = await citizen.say(pretty(code))
    assert "ฝั่งขาเข้าหรือขาออก" in out
    await citizen.press(followup.BUTTON_REPLY)
    await citizen.say("ฝั่งขาออก ตรงข้ามร้านค้าสหกรณ์")
    heard = await officer.inbox()
    assert "ตรงข้ามร้านค้าสหกรณ์" in heard  # a complaint's answer is shown to its officer

    await officer.say(f"/status {code} completed")
    await officer.say("ซ่อมแล้ว")
    await officer.press(staff.BUTTON_SKIP_NOTE)
    assert await citizen.inbox() == ""
    out = await citizen.say(pretty(code))
    assert "ซ่อมแล้ว" in out and followup.ASK_RATING in out
    out = await citizen.say("4")
    assert followup.ASK_COMMENT in out
    await citizen.press(common.BUTTON_SKIP)
    out = await citizen.say(pretty(code))
    assert followup.ASK_RATING not in out  # asked once only
    with Session(core.db) as session:
        assert session.exec(select(Rating)).one().score == 4
    assert await integrity.inbox() == ""


async def test_a_staff_members_own_tip_is_as_unlinked_as_anyones(make_core):
    core = make_core()
    _admin, officer, integrity = await staff_room(core)
    await file_tip(officer, BRIBE)
    tip_round(core)
    notice = await integrity.inbox()
    assert reference_in(notice) and "officer" not in notice
    with Session(core.db) as session:
        tip = session.exec(select(Tip)).one()
        assert "officer" not in str(tip.model_dump())
        targets = {row.chat_id for row in session.exec(select(OutboxMessage)).all()}
        assert "officer" not in targets  # the filer is told nothing through the outbox
