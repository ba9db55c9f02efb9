"""Daily limits per chat and per organisation on new cases (tips and complaints together),
files and disk: a calm Thai message, nothing already filed lost, a draft kept at the
confirmation, officers told how often (never who), and per-chat counters that name no chat."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, select

from bot.jobs.scheduler import Scheduler, default_jobs
from messages import common, staff
from messages.citizen import limits as limits_msg
from messages.citizen import tip as tip_msg
from storage import org_settings
from storage.models import Complaint, ComplaintFile, Tip
from storage.protect.models import IntakeCount
from storage.staff.accounts import Role
from storage.staff.models import OutboxMessage
from tests.staff_helpers import (
    Clock,
    file_complaint,
    file_tip,
    invite_code,
    tip_round,
    use_clock,
)
from tests.transcript import Chat

BRIBE = "เจ้าหน้าที่กองช่างเรียกรับเงินห้าพันบาทเพื่อเร่งออกใบอนุญาตก่อสร้าง"
POTHOLE = "ถนนหน้าวัดเป็นหลุมลึก รถจักรยานยนต์ล้มบ่อย ขอให้ซ่อมด่วน"
MORNING = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # 10:00 in Bangkok


def settings(core, **values: int) -> None:
    with Session(core.db) as session, session.begin():
        row = org_settings.get(session, core.org_id)
        for name, value in values.items():
            setattr(row, name, value)


def counts(core) -> tuple[int, int]:
    with Session(core.db) as session:
        return len(session.exec(select(Tip)).all()), len(session.exec(select(Complaint)).all())


async def test_one_chat_cannot_file_without_limit(make_core):
    core = make_core()
    clock = Clock(MORNING)
    use_clock(core, clock)
    flood = Chat(core, chat_id="flood", user_id="flood")
    for _ in range(4):
        await file_tip(flood, BRIBE)
    await file_complaint(flood, notify=False, description=POTHOLE)  # five: the default
    assert counts(core) == (4, 1)

    await flood.say("เมนู")
    out = await flood.press(common.MENU_TIP)
    assert limits_msg.FILINGS_PER_CHAT.format(limit=5) in out  # before anything is typed
    assert tip_msg.NOTICE not in out and common.MENU_TIP in out  # back at the menu
    out = await flood.press(common.MENU_COMPLAINT)
    assert limits_msg.KEPT in out
    assert counts(core) == (4, 1)  # nothing filed is lost, nothing more is filed

    neighbour = Chat(core, chat_id="neighbour", user_id="neighbour")
    await file_tip(neighbour, BRIBE)  # another chat is not held back
    assert counts(core) == (5, 1)

    clock.advance(days=1)
    await file_tip(flood, BRIBE)  # a new day, a new count
    assert counts(core) == (6, 1)

    admin = Chat(core, chat_id="admin", user_id="admin")
    await admin.say(f"/staff {invite_code(core, Role.ADMIN, 'ปลัด')}")
    menu = await admin.say("/staff")
    assert f"{staff.LIMIT_LABELS['filings-chat']}: 2 ครั้ง" in menu  # how often, never who
    assert "flood" not in menu


async def test_a_draft_refused_at_the_confirmation_is_kept(make_core):
    core = make_core()
    clock = Clock(MORNING)
    use_clock(core, clock)
    settings(core, filings_per_org=2)
    informant = Chat(core, chat_id="informant", user_id="informant")
    await informant.say("เมนู")
    await informant.press(common.MENU_TIP)
    await informant.press(tip_msg.BUTTON_UNDERSTOOD)
    await informant.press(tip_msg.CATEGORY_LABELS["bribe"])
    await informant.say(BRIBE)
    for _ in range(3):
        await informant.press(common.BUTTON_SKIP)
    await informant.press(tip_msg.BUTTON_ANONYMOUS)

    for name in ("first", "second"):  # meanwhile the organisation's day fills up
        await file_complaint(Chat(core, chat_id=name, user_id=name), notify=False,
                             description=POTHOLE)  # fmt: skip
    out = await informant.press(common.BUTTON_CONFIRM)
    assert limits_msg.FILINGS_PER_ORG in out and limits_msg.DRAFT_KEPT in out
    assert BRIBE[:30] in out and common.BUTTON_CONFIRM in out  # the summary, still there
    assert counts(core) == (0, 2)

    clock.advance(days=1)
    out = await informant.press(common.BUTTON_CONFIRM)
    assert "รับเบาะแสเรียบร้อยแล้ว" in out
    assert counts(core) == (1, 2)


async def test_files_a_day_and_the_disk_quota(make_core, tmp_path):
    core = make_core()
    clock = Clock(MORNING)
    use_clock(core, clock)
    settings(core, uploads_per_chat=2, disk_quota_mb=1)
    small = tmp_path / "receipt.pdf"
    small.write_bytes(b"%PDF-1.4 " + b"x" * 1000)
    large = tmp_path / "scan.pdf"
    large.write_bytes(b"%PDF-1.4 " + b"x" * 1_100_000)
    citizen = Chat(core, chat_id="citizen", user_id="citizen")
    await citizen.say("เมนู")
    await citizen.press(common.MENU_COMPLAINT)
    await citizen.say("1")
    await citizen.say(POTHOLE)
    out = await citizen.send_file(large, photo=False)
    assert limits_msg.DISK in out  # more than the organisation's disk may take
    for _ in range(2):
        await citizen.send_file(small, photo=False)
    out = await citizen.send_file(small, photo=False)
    assert limits_msg.UPLOADS_PER_CHAT.format(limit=2) in out
    await citizen.press(common.BUTTON_DONE)
    await citizen.say("2")
    out = await citizen.say("1")
    with Session(core.db) as session:
        kept = session.exec(select(ComplaintFile)).all()
        assert len(kept) == 2 and all(f.size < 2000 for f in kept), out
    stored = [p for p in (tmp_path / "data").rglob("*") if p.is_file() and p.stat().st_size > 1e6]
    assert stored == []  # a refused file is not left on the disk


async def test_a_chats_counter_names_no_chat_and_is_gone_the_next_day(make_core):
    core = make_core()
    clock = Clock(MORNING)
    use_clock(core, clock)
    chat = Chat(core, chat_id="chat-8675309", user_id="user-5551234")
    await file_tip(chat, BRIBE)
    clock.advance(days=1)
    await file_tip(chat, BRIBE)
    with Session(core.db) as session:
        rows = session.exec(select(IntakeCount)).all()
        chat_rows = [r for r in rows if ":chat:" in r.scope]
        assert len(chat_rows) == 2 and chat_rows[0].scope != chat_rows[1].scope  # unlinkable
        assert all("8675309" not in r.scope for r in rows)
    job = default_jobs()["intake-prune"]
    Scheduler(core.db, {job.name: job}, clock).run_due()
    with Session(core.db) as session:
        left = session.exec(select(IntakeCount)).all()
        assert {r.day for r in left} == {clock.now.date()}  # yesterday's counters are gone


async def test_thirty_tips_from_one_chat_make_five_tips_and_one_message_per_officer(make_core):
    """The flood seen from outside: 30 tips from one chat were 30 tips and 60 pushes."""
    core = make_core()
    clock = Clock(MORNING)
    use_clock(core, clock)
    for name in ("integrity-1", "integrity-2"):
        officer = Chat(core, chat_id=name, user_id=name)
        await officer.say(f"/staff {invite_code(core, Role.INTEGRITY, name)}")
    flood = Chat(core, chat_id="flood", user_id="flood")
    for _ in range(5):
        await file_tip(flood, BRIBE)
    for _ in range(25):
        await flood.say("เมนู")
        assert limits_msg.KEPT in await flood.press(common.MENU_TIP)
    tip_round(core)
    with Session(core.db) as session:
        assert len(session.exec(select(Tip)).all()) == 5
        assert len(session.exec(select(OutboxMessage)).all()) == 2  # one per officer
