"""Following a case by its code: valid, mistyped and unknown codes, typed any way."""

from __future__ import annotations

from sqlmodel import Session, select

from handlers.cases.codes import new_code, pretty
from handlers.cases.lifecycle import Status, change_status
from handlers.types import Channel, Event
from messages import common
from messages.citizen import complaint, tracking
from messages.format import thai_digits
from storage.models import Conversation
from storage.timeutil import utcnow
from tests.test_complaint_flow import file_complaint
from tests.transcript import Chat


def mistype(code: str) -> str:
    return code[:7] + str((int(code[7]) + 3) % 10) + code[8:]


async def test_lookup_through_the_tracking_menu(make_core, tmp_path):
    core = make_core()
    chat = Chat(core)
    code = await file_complaint(chat, tmp_path, with_contact=False)

    out = await chat.press(common.MENU_TRACK)
    assert tracking.ASK_CODE in out
    out = await chat.say(mistype(code))
    assert tracking.TYPO in out and tracking.ASK_CODE in out
    out = await chat.say(new_code())
    assert tracking.NOT_FOUND in out
    out = await chat.say("ไม่รู้")
    assert tracking.NOT_A_CODE in out
    out = await chat.say("๑๒๓๔ ๕๖๗๘")
    assert tracking.WRONG_LENGTH.format(count=8) in out
    out = await chat.say(thai_digits(pretty(code)).replace("-", " "))
    assert tracking.STREAM_LABELS["complaint"] in out
    assert tracking.STATUS_LABELS["received"] in out
    assert "กำหนดแล้วเสร็จ" in out


async def test_an_unknown_code_gets_one_clear_answer_and_nothing_else(make_core):
    core = make_core()
    event = Event(Channel.CONSOLE, "c1", "u1", "e1", text=f"รหัส {new_code()}")
    replies = await core.engine.handle(event)
    assert [r.text for r in replies] == [tracking.NOT_FOUND]


async def test_a_code_typed_in_a_sentence_at_the_menu(make_core, tmp_path):
    core = make_core()
    chat = Chat(core)
    code = await file_complaint(chat, tmp_path, with_contact=False)
    with Session(core.db) as session, session.begin():
        change_status(
            session, org_id=core.org_id, code=code, status=Status.COMPLETED, actor="officer",
            now=utcnow(), public_note="ซ่อมถนนเรียบร้อยแล้ว",
        )  # fmt: skip
    out = await chat.say(f"เรื่องรหัส {thai_digits(code)} ถึงไหนแล้วคะ")
    assert tracking.STATUS_LABELS["completed"] in out
    assert "ซ่อมถนนเรียบร้อยแล้ว" in out
    out = await chat.say(f"รหัส {mistype(code)}")
    assert tracking.TYPO in out
    out = await chat.say(f"รหัส {code[:14]}")
    assert tracking.WRONG_LENGTH.format(count=14) in out


async def test_a_code_pasted_mid_flow_is_answered_and_the_draft_kept(make_core, tmp_path):
    core = make_core()
    chat = Chat(core)
    code = await file_complaint(chat, tmp_path, with_contact=False)
    await chat.press(common.MENU_COMPLAINT)
    await chat.press(complaint.CATEGORY_LABELS["nuisance"])
    out = await chat.say(pretty(code))
    assert tracking.STATUS_LABELS["received"] in out
    assert complaint.ASK_DESCRIPTION in out
    with Session(core.db) as session:
        row = session.exec(select(Conversation)).one()
        assert (row.flow, row.step) == ("complaint", "description")
        assert row.data == {"category": "nuisance"}
