"""Per-organisation settings drive the rules the bot quotes, and an administrator can send
complaint notices to one staff group per channel (tip notices never go to a group)."""

from __future__ import annotations

import uuid

from sqlmodel import Session, select

from handlers.types import Channel, Event
from messages import common, org_defaults
from storage import org_settings
from storage.models import Complaint
from storage.staff.accounts import Role
from storage.staff.models import OutboxMessage
from tests.staff_helpers import file_complaint, file_tip, invite_code, tip_round
from tests.transcript import Chat


async def test_deadline_and_office_hours_come_from_the_organisation_settings(make_core):
    core = make_core()
    with Session(core.db) as session, session.begin():
        rules = org_settings.get(session, core.org_id)
        assert rules.deadline_days == org_defaults.DEADLINE_DAYS == 15
        rules.deadline_days, rules.office_hours = 10, "ทุกวัน 08.00–20.00 น."
    citizen = Chat(core)
    await citizen.open()
    out = await citizen.press(common.MENU_CONTACT)
    assert "ทุกวัน 08.00–20.00 น." in out and "ภายใน 10 วัน" in out
    await file_complaint(citizen, notify=False, description="น้ำประปาไม่ไหลทั้งหมู่บ้านสามวันแล้ว")
    assert "ภายใน 10 วัน" in citizen.last
    with Session(core.db) as session:
        row = session.exec(select(Complaint)).one()
        assert (row.due_on - row.received_at.date()).days in (10, 11)  # Bangkok date vs UTC


async def test_complaint_notices_go_to_the_staff_group_and_tips_stay_private(make_core):
    core = make_core()
    admin = Chat(core, chat_id="admin", user_id="admin")
    await admin.say(f"/staff {invite_code(core, Role.ADMIN)}")
    officer = Chat(core, chat_id="officer", user_id="officer")
    await officer.say(f"/staff {invite_code(core, Role.COMPLAINT)}")

    def in_group(user: str, text: str) -> Event:
        return Event(Channel.CONSOLE, "group-1", user, uuid.uuid4().hex, text=text,
                     is_private=False)  # fmt: skip

    refused = await core.engine.handle(in_group("officer", "/staffgroup"))
    assert refused[0].text == common.GROUP_CHAT  # only an administrator may
    done = await core.engine.handle(in_group("admin", "@บอตเขาทอง /staffgroup@khaothong_bot"))
    assert "กลุ่มนี้" in done[0].text

    citizen = Chat(core, chat_id="citizen", user_id="citizen")
    await file_complaint(citizen, notify=False, description="ถนนลูกรังเป็นหลุมหลังฝนตก")
    await file_tip(citizen, "มีการสมยอมราคากันในการจัดซื้อวัสดุก่อสร้าง")
    tip_round(core)
    with Session(core.db) as session:
        chats = sorted(row.chat_id for row in session.exec(select(OutboxMessage)).all())
    assert chats == ["admin", "group-1"]  # the group, and the tip to the admin in private
    assert await officer.inbox() == ""


def test_two_first_turns_at_once_create_the_settings_row_once(engine, monkeypatch):
    """Found by bench/turn_bench.py: concurrent first filings both created the row.

    On PostgreSQL both transactions are made to find no row before either inserts one (they
    meet at the insert), which is the race that failed. SQLite runs write transactions one
    at a time (BEGIN IMMEDIATE): there the second one finds the first one's row."""
    import threading

    from storage.models import Organisation
    from storage.staff.models import OrgSettings

    with Session(engine) as session, session.begin():
        org = Organisation(slug="new", name="ใหม่")
        session.add(org)
        session.flush()
        org_id = org.id
    start, failures = threading.Barrier(2), []
    both_looked = threading.Barrier(2, timeout=60)
    racing = engine.dialect.name == "postgresql"
    if racing:
        insert = org_settings.pg_insert

        def insert_once_both_looked(table):
            both_looked.wait()  # both found no row: now both insert it
            return insert(table)

        monkeypatch.setattr(org_settings, "pg_insert", insert_once_both_looked)

    def first_turn() -> None:
        try:
            start.wait()
            with Session(engine) as session, session.begin():
                assert org_settings.get(session, org_id).deadline_days == 15
        except Exception as exc:
            failures.append(exc)

    threads = [threading.Thread(target=first_turn) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert not both_looked.broken
    with Session(engine) as session:
        rows = session.exec(select(OrgSettings).where(OrgSettings.org_id == org_id)).all()
    assert len(rows) == 1
