"""A citizen files a general complaint; staff update it; the citizen follows it by code."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from handlers.cases.codes import pretty
from handlers.cases.lifecycle import Status, change_status
from messages import common
from messages.citizen import complaint, tracking
from messages.format import local_date
from storage.models import Complaint, ComplaintFile, ComplaintStatusChange, Conversation
from storage.timeutil import as_utc, utcnow
from tests.transcript import Chat, code_in

PHOTO = b"\xff\xd8\xff\xe0fake-jpeg-bytes"


async def file_complaint(chat: Chat, tmp_path: Path, *, with_contact: bool = True) -> str:
    photo = tmp_path / "pothole.jpg"
    photo.write_bytes(PHOTO)
    await chat.open()
    await chat.press(common.MENU_COMPLAINT)
    out = await chat.press(complaint.CATEGORY_LABELS["road"])
    assert complaint.ASK_DESCRIPTION in out
    out = await chat.say("ถนนหน้าวัดเป็นหลุมลึก รถจักรยานยนต์ล้มบ่อย 😡 near the school")
    assert complaint.ASK_EVIDENCE in out
    out = await chat.send_file(photo)
    assert complaint.EVIDENCE_FILE_SAVED.format(count=1, limit=5) in out
    out = await chat.say("/location 8.0863,98.9063")
    assert complaint.LOCATION_SAVED in out
    out = await chat.press(common.BUTTON_DONE)
    assert complaint.ASK_CONTACT in out
    if with_contact:
        await chat.press(complaint.BUTTON_GIVE_CONTACT)
        await chat.say("สมชาย ใจดี")
        out = await chat.say("๐๘๑-๒๓๔-๕๖๗๘")
    else:
        out = await chat.press(complaint.BUTTON_NO_CONTACT)
    assert "ตรวจสอบเรื่องก่อนส่ง" in out
    out = await chat.press(common.BUTTON_CONFIRM)
    assert "รับเรื่องร้องเรียนเรียบร้อยแล้ว" in out
    return code_in(out)


async def test_citizen_files_a_complaint_with_photo_location_and_contact(make_core, tmp_path):
    core = make_core()
    chat = Chat(core)
    code = await file_complaint(chat, tmp_path)

    with Session(core.db) as session:
        row = session.exec(select(Complaint)).one()
        assert row.code == code
        assert row.category == "road"
        assert (row.latitude, row.longitude) == (8.0863, 98.9063)
        assert (row.complainant_name, row.complainant_phone) == ("สมชาย ใจดี", "0812345678")
        # The complaint remembers its chat so that later the citizen can be notified.
        assert (row.channel, row.chat_id) == ("console", "chat-8675309")
        assert row.user_id == "user-5551234"
        assert row.status == Status.RECEIVED
        assert (row.due_on - local_date(as_utc(row.received_at))).days == 15
        files = session.exec(select(ComplaintFile)).all()
        assert [f.kind for f in files] == ["photo"]
        assert core.files.read(files[0].key) == PHOTO
        # Back at the menu, the chat keeps no conversation row.
        assert session.exec(select(Conversation)).all() == []


async def test_citizen_sees_status_changes_with_public_notes_only(make_core, tmp_path):
    core = make_core()
    chat = Chat(core)
    code = await file_complaint(chat, tmp_path, with_contact=False)

    out = await chat.say(pretty(code))
    assert tracking.STATUS_LABELS["received"] in out
    assert code not in out.replace("-", "")  # the code is shown masked

    with Session(core.db) as session, session.begin():
        change_status(
            session, org_id=core.org_id, code=code, status=Status.IN_PROGRESS, actor="officer-1",
            now=utcnow(), public_note="ส่งช่างไปตรวจสอบแล้ว", internal_note="งบซ่อมถนนเหลือน้อย",
        )  # fmt: skip
    out = await chat.say(f"ขอดูความคืบหน้าเรื่อง {code} หน่อยครับ")
    assert f"สถานะ: {tracking.STATUS_LABELS['in_progress']}" in out
    assert "ส่งช่างไปตรวจสอบแล้ว" in out
    assert "งบซ่อมถนนเหลือน้อย" not in out
    with Session(core.db) as session:
        assert len(session.exec(select(ComplaintStatusChange)).all()) == 2
