"""What is deleted and when: closed tips' content, stale drafts, names on request (PDPA)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from bot.channels.console import render
from handlers.cases import retention
from handlers.cases.codes import pretty
from handlers.cases.lifecycle import Status, change_status
from handlers.citizen import erasure
from messages import common, staff
from messages.citizen import followup, privacy, tip, tracking
from messages.understand import replies as understand_msg
from storage.models import (
    Complaint,
    ComplaintStatusChange,
    Conversation,
    Tip,
    TipFile,
    TipStatusChange,
)
from storage.staff.models import CaseHandling, CaseMessage, OutboxMessage
from storage.timeutil import as_utc, utcnow
from tests.residue import traces_in_files, traces_in_rows
from tests.staff_helpers import file_tip as staff_file_tip
from tests.staff_helpers import reference_in, tip_round
from tests.test_complaint_flow import file_complaint
from tests.test_staff_console import BRIBE, staff_room
from tests.test_tip_flow import CONDUCT, file_tip
from tests.transcript import Chat


async def press(chat: Chat, choice: str) -> str:
    """Press a button under an earlier reply by its code, as Telegram or LINE would send it
    (the console's numbers pick only the current question's buttons)."""
    return render(await chat.channel.core.engine.handle(chat.channel._event(choice=choice)))


def _close(core, code: str, status: Status, at) -> None:
    with Session(core.db) as session, session.begin():
        change_status(
            session, org_id=core.org_id, code=code, status=status, actor="staff", now=at,
            public_note="ส่งเรื่องให้ ป.ป.ช. แล้ว", internal_note="ผู้ถูกกล่าวหา: นาย ก.",
        )  # fmt: skip


async def test_a_closed_tips_content_goes_after_a_year_and_its_statistics_stay(make_core, tmp_path):
    core = make_core()
    code = await file_tip(Chat(core), tmp_path)
    closed_at = utcnow()
    _close(core, code, Status.REFERRED, closed_at)
    with Session(core.db) as session:
        [evidence] = session.exec(select(TipFile)).all()
        tip_row = session.exec(select(Tip)).one()
        kept = (tip_row.category, tip_row.status, tip_row.received_at, tip_row.due_on)

    with Session(core.db) as session, session.begin():  # a day short of a year: nothing yet
        now = closed_at + timedelta(days=364)
        assert retention.purge_closed_tips(session, now, core.files) == 0
    with Session(core.db) as session, session.begin():
        now = closed_at + timedelta(days=366)
        assert retention.purge_closed_tips(session, now, core.files) == 1
        assert retention.purge_closed_tips(session, now, core.files) == 0  # once

    with Session(core.db) as session:
        tip_row = session.exec(select(Tip)).one()
        assert (tip_row.category, tip_row.status, tip_row.received_at, tip_row.due_on) == kept
        assert (tip_row.conduct, tip_row.accused, tip_row.when_where) == ("", "", "")
        assert tip_row.content_deleted_at is not None
        assert session.exec(select(TipFile)).all() == []
        notes = [(c.public_note, c.internal_note) for c in session.exec(select(TipStatusChange))]
        assert notes and all(n == ("", "") for n in notes)
    assert not core.files.exists(evidence.key)
    assert CONDUCT not in str(notes)


async def test_an_open_tip_is_never_purged(make_core, tmp_path):
    core = make_core()
    await file_tip(Chat(core), tmp_path)
    with Session(core.db) as session, session.begin():
        later = utcnow() + timedelta(days=5000)
        assert retention.purge_closed_tips(session, later, core.files) == 0


async def test_a_draft_left_for_a_day_is_deleted_with_its_files(make_core, tmp_path):
    core = make_core()
    chat = Chat(core)
    await chat.open()
    await chat.press(common.MENU_TIP)
    await chat.press(tip.BUTTON_UNDERSTOOD)
    await chat.press(tip.CATEGORY_LABELS["bribe"])
    await chat.say(CONDUCT)
    await chat.press(common.BUTTON_SKIP)
    await chat.press(common.BUTTON_SKIP)
    photo = tmp_path / "p.jpg"
    photo.write_bytes(b"\xff\xd8 not really a jpeg")
    await chat.send_file(photo)
    with Session(core.db) as session:
        convo = session.exec(select(Conversation)).one()
        [item] = convo.data["evidence"]
        touched = as_utc(convo.updated_at)
    assert core.files.exists(item["key"])

    with Session(core.db) as session, session.begin():
        assert retention.expire_drafts(session, touched + timedelta(hours=23), core.files) == 0
    with Session(core.db) as session, session.begin():
        assert retention.expire_drafts(session, touched + timedelta(hours=25), core.files) == 1
    with Session(core.db) as session:
        assert session.exec(select(Conversation)).all() == []
    assert not core.files.exists(item["key"])
    out = await chat.say("ต่อ")  # the citizen comes back: a fresh start, nothing half-kept
    assert understand_msg.CAN_DO in out


async def test_a_complainant_erases_name_and_phone_once_the_complaint_is_closed(
    make_core, tmp_path
):
    core = make_core()
    chat = Chat(core)
    code = await file_complaint(chat, tmp_path, with_contact=True)
    out = await chat.say(pretty(code))
    assert f"] {privacy.BUTTON_ERASE}\n" not in out  # still open: staff may need to call

    _close(core, code, Status.COMPLETED, utcnow())
    out = await chat.say(pretty(code))
    assert tracking.STATUS_LABELS["completed"] in out and f"] {privacy.BUTTON_ERASE}\n" in out
    out = await press(chat, erasure.ASK + code)
    assert privacy.ASK_ERASE in out and privacy.BUTTON_ERASE_CONFIRM in out
    with Session(core.db) as session:  # asking alone erases nothing
        assert session.exec(select(Complaint)).one().complainant_phone
    out = await press(chat, erasure.CONFIRM + code)
    assert privacy.ERASED in out

    with Session(core.db) as session:
        row = session.exec(select(Complaint)).one()
        assert (row.complainant_name, row.complainant_phone) == ("", "")
        assert row.status == Status.COMPLETED and row.description  # the case itself stays
        last = session.exec(
            select(ComplaintStatusChange).order_by(ComplaintStatusChange.id.desc())
        ).first()
        assert (last.actor, last.public_note) == ("citizen", privacy.HISTORY_PUBLIC)
    out = await chat.say(pretty(code))
    assert privacy.HISTORY_PUBLIC in out and f"] {privacy.BUTTON_ERASE}\n" not in out


async def test_retention_leaves_nothing_of_a_closed_tip_but_its_statistics(make_core):
    """The informant's answer, the officer's question, the notices naming the tip and a
    staff draft about it all go with the tip's content; the counts stay."""
    core = make_core()
    _admin, _officer, integrity = await staff_room(core)
    informant = Chat(core, chat_id="informant", user_id="informant")
    code = await staff_file_tip(informant, BRIBE)
    tip_round(core)  # tip notices leave in rounds
    reference = reference_in(await integrity.inbox())
    await integrity.say(f"/ask {reference}")
    await integrity.say("เหตุเกิดวันไหน มีใครเห็นเหตุการณ์บ้าง")
    await informant.say(f"{followup.BUTTON_REPLY} {pretty(code)}")
    assert followup.REPLY_SENT in await informant.say("วันที่ 3 ตอนบ่าย มีผู้รับเหมาเห็น")
    tip_round(core)
    assert reference in await integrity.inbox()  # "the informant answered" was delivered
    _close(core, code, Status.REFERRED, utcnow())
    writer = Chat(core, chat_id="integrity", user_id="integrity")
    assert staff.ASK_INTERNAL_NOTE in await writer.say(f"/note {reference}")  # left half-way
    with Session(core.db) as session:
        assert len(session.exec(select(CaseMessage)).all()) == 2
        assert any(reference in str(r.payload) for r in session.exec(select(OutboxMessage)))
        assert session.exec(select(Conversation)).all()

    with Session(core.db) as session, session.begin():
        later = utcnow() + timedelta(days=366)
        assert retention.purge_closed_tips(session, later, core.files) == 1

    with Session(core.db) as session:
        assert session.exec(select(CaseMessage)).all() == []
        assert not any(reference in str(r.payload) for r in session.exec(select(OutboxMessage)))
        assert session.exec(select(Conversation)).all() == []
        tip_row = session.exec(select(Tip)).one()
        assert (tip_row.category, tip_row.status) == ("bribe", Status.REFERRED)
        handling = session.exec(select(CaseHandling)).all()
        assert [h.reference for h in handling if h.stream == "tip"] == [reference]


async def test_an_erasure_leaves_no_copy_of_the_name_phone_or_chat(make_core, tmp_path):
    """After the erasure no file of the deployment (SQLite: the database and its log) and
    no stored value (PostgreSQL) holds the name, the phone, the chat id or the user id."""
    core = make_core()
    chat = Chat(core, chat_id="chat-erase-5521", user_id="user-erase-8812")
    code = await file_complaint(chat, tmp_path, with_contact=True)
    with Session(core.db) as session:
        row = session.exec(select(Complaint)).one()
        terms = [row.complainant_name, row.complainant_phone, row.chat_id, row.user_id]
    assert all(terms) and "chat-erase-5521" in terms
    _close(core, code, Status.COMPLETED, utcnow())
    await chat.say(pretty(code))
    await press(chat, erasure.ASK + code)
    assert privacy.ERASED in await press(chat, erasure.CONFIRM + code)

    with Session(core.db) as session:
        row = session.exec(select(Complaint)).one()
        assert (row.complainant_name, row.complainant_phone, row.chat_id, row.user_id) == (
            ("", "", "", "")
        )
        assert row.description and row.status == Status.COMPLETED  # the record stays
    found = traces_in_files(tmp_path, terms)
    if core.db.dialect.name == "postgresql":  # its files are not ours to read: a dump is
        found += traces_in_rows(core.db, terms)
    assert found == [], "\n".join(found)
    out = await chat.say(pretty(code))  # the code still shows the status
    assert tracking.STATUS_LABELS["completed"] in out and privacy.HISTORY_PUBLIC in out
