"""Whatever a user sends, they get a helpful Thai reply and the draft stays as it was."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from handlers.types import Attachment, AttachmentKind, Channel, Event, EventKind, Notice
from messages import common
from messages.citizen import complaint, tracking
from messages.plan import status as plan
from messages.understand import replies as understand_msg
from storage.models import Complaint, Conversation
from tests.transcript import Chat


def draft(core) -> tuple[str | None, str | None, dict]:
    with Session(core.db) as session:
        row = session.exec(select(Conversation)).one()
        return row.flow, row.step, row.data


async def at_description_step(core) -> Chat:
    chat = Chat(core)
    await chat.open()
    await chat.press(common.MENU_COMPLAINT)
    await chat.press(complaint.CATEGORY_LABELS["waste"])
    return chat


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", common.EMPTY_TEXT),
        ("   \t  ", common.EMPTY_TEXT),
        ("ก" * 20_000, common.too_long(3000)),
        ("😡😡😡😡😡😡😡😡😡😡😡", common.NEED_WORDS),
        ("ขยะ", common.too_short(10)),
    ],
    ids=["empty", "whitespace", "20000-chars", "emoji-only", "too-short"],
)
async def test_bad_description_is_explained_and_the_draft_is_unchanged(make_core, typed, expected):
    core = make_core()
    chat = await at_description_step(core)
    before = draft(core)
    out = await chat.say(typed)
    assert expected in out
    assert complaint.ASK_DESCRIPTION in out  # the question is asked again
    assert draft(core) == before


async def test_mixed_thai_english_with_emoji_and_thai_digits_is_accepted(make_core):
    core = make_core()
    chat = await at_description_step(core)
    out = await chat.say("ขยะไม่มีคนเก็บ 3 weeks แล้ว 🤢 ซอย ๑๒")
    assert complaint.ASK_EVIDENCE in out
    assert draft(core)[2]["description"] == "ขยะไม่มีคนเก็บ 3 weeks แล้ว 🤢 ซอย ๑๒"


async def test_a_photo_where_text_was_expected_is_refused_and_not_kept(make_core, tmp_path):
    core = make_core()
    chat = await at_description_step(core)
    before = draft(core)
    photo = tmp_path / "x.jpg"
    photo.write_bytes(b"\xff\xd8")
    out = await chat.send_file(photo)
    assert common.NEED_TEXT in out
    assert draft(core) == before
    assert list(core.files.stored_keys()) == []


async def test_text_where_a_button_was_expected(make_core):
    core = make_core()
    chat = Chat(core)
    await chat.open()
    await chat.press(common.MENU_COMPLAINT)
    before = draft(core)
    out = await chat.say("ขอสอบถามหน่อย")
    assert understand_msg.not_a_choice("ขอสอบถามหน่อย") in out and complaint.ASK_CATEGORY in out
    out = await chat.say("99")
    assert understand_msg.not_a_choice("99") in out
    assert draft(core) == before
    out = await chat.say("อยากร้องเรียนเรื่องถนน")  # clearly the road category
    assert complaint.ASK_DESCRIPTION in out


async def test_a_button_from_an_old_menu_is_answered_politely(make_core):
    core = make_core()
    await at_description_step(core)
    before = draft(core)
    event = Event(Channel.CONSOLE, "chat-8675309", "user-5551234", "old-1", choice="c:ct:yes")
    replies = await core.engine.handle(event)
    assert replies[0].text == common.STALE_BUTTON
    assert replies[0].notice is Notice.STALE  # adapters close the old menu on this
    assert replies[1].text == complaint.ASK_DESCRIPTION
    event = Event(Channel.CONSOLE, "chat-8675309", "user-5551234", "old-2", choice="menu:tip")
    replies = await core.engine.handle(event)
    assert replies[0].text == common.STALE_MENU_IN_FLOW
    assert draft(core) == before


async def test_a_stale_button_at_the_main_menu_shows_the_menu(make_core):
    core = make_core()
    event = Event(Channel.CONSOLE, "c1", "u1", "e1", choice="t:confirm")
    replies = await core.engine.handle(event)
    assert replies[0].text == common.STALE_BUTTON
    assert replies[-1].choices  # the menu, with its buttons


async def test_a_sticker_or_voice_note_gets_a_polite_answer(make_core):
    core = make_core()
    await at_description_step(core)
    before = draft(core)
    event = Event(Channel.CONSOLE, "chat-8675309", "user-5551234", "s1", kind=EventKind.UNSUPPORTED)
    replies = await core.engine.handle(event)
    assert replies[0].text == common.UNSUPPORTED_MESSAGE
    assert draft(core) == before


async def test_group_chats_are_asked_to_talk_privately_and_nothing_is_kept(make_core, tmp_path):
    core = make_core()
    key = core.files.save(b"x", suffix="jpg")
    event = Event(
        Channel.CONSOLE, "group-1", "u1", "g1", text="แจ้งเบาะแส",
        attachments=(Attachment(AttachmentKind.PHOTO, key, 1),), is_private=False,
    )  # fmt: skip
    replies = await core.engine.handle(event)
    assert [r.text for r in replies] == [common.GROUP_CHAT]
    with Session(core.db) as session:
        assert session.exec(select(Conversation)).all() == []
    assert not core.files.exists(key)


async def test_a_wrong_phone_number_is_explained(make_core):
    core = make_core()
    chat = await at_description_step(core)
    await chat.say("ขยะกองหน้าตลาดส่งกลิ่นเหม็นมาก")
    await chat.press(common.BUTTON_SKIP)
    await chat.press(complaint.BUTTON_GIVE_CONTACT)
    out = await chat.say("😀")
    assert complaint.NAME_INVALID in out
    await chat.say("นาย ทดสอบ")
    out = await chat.say("12345")
    assert complaint.PHONE_INVALID in out
    out = await chat.say("+66 81 234 5678")
    assert "0812345678" in out


async def test_the_same_event_delivered_twice_is_processed_once(make_core):
    core = make_core()
    chat = await at_description_step(core)
    await chat.say("ขยะกองหน้าตลาดส่งกลิ่นเหม็นมาก")
    await chat.press(common.BUTTON_SKIP)
    await chat.press(complaint.BUTTON_NO_CONTACT)
    confirm = Event(Channel.CONSOLE, "chat-8675309", "user-5551234", "upd-42", text="1")
    first = await core.engine.handle(confirm)
    again = await core.engine.handle(confirm)
    assert "รหัสติดตามเรื่อง" in first[0].text
    assert again == []
    with Session(core.db) as session:
        assert len(session.exec(select(Complaint)).all()) == 1


async def test_help_and_menu_words_work_anywhere(make_core):
    core = make_core()
    chat = await at_description_step(core)
    out = await chat.say("ช่วยเหลือ")
    assert common.HELP in out and complaint.ASK_DESCRIPTION in out
    out = await chat.say("เมนู")
    assert common.CANCELLED in out and common.MAIN_MENU in out
    with Session(core.db) as session:
        assert session.exec(select(Conversation)).all() == []
    out = await chat.say("ยกเลิก")
    assert common.NOTHING_TO_CANCEL in out


async def test_unknown_text_at_the_menu(make_core):
    chat = Chat(make_core())
    await chat.open()
    out = await chat.say("สวัสดีครับ")
    assert understand_msg.GREETING in out and common.MENU_TIP in out
    out = await chat.say("ขอสูตรต้มยำหน่อย")
    assert understand_msg.CAN_DO in out and common.DIDNT_UNDERSTAND not in out
    out = await chat.say("๕")
    assert "ช่องทางติดต่อ" in out and "15 วัน" in out
    out = await chat.say("4")
    assert plan.NO_PLAN in out  # this organisation has no plan loaded
    out = await chat.say("ติดตามเรื่อง")
    assert tracking.ASK_CODE in out


async def test_old_processed_event_ids_are_forgotten(make_core):
    from datetime import timedelta

    from storage.models import ProcessedEvent
    from storage.timeutil import utcnow

    core = make_core()
    await core.engine.handle(Event(Channel.CONSOLE, "c1", "u1", "old", text="เมนู"))
    with Session(core.db) as session, session.begin():
        row = session.exec(select(ProcessedEvent)).one()
        row.processed_at = utcnow() - timedelta(days=8)
        session.add(row)
    fresh = make_core()  # a new worker prunes on its first turn
    await fresh.engine.handle(Event(Channel.CONSOLE, "c1", "u1", "new", text="เมนู"))
    with Session(core.db) as session:
        assert len(session.exec(select(ProcessedEvent)).all()) == 1


async def test_leaving_a_flow_without_a_draft_does_not_claim_a_draft_was_dropped(make_core):
    chat = Chat(make_core())
    await chat.open()
    await chat.press(common.MENU_TRACK)
    out = await chat.say("เมนู")
    assert common.CANCELLED not in out and common.MAIN_MENU in out
    await chat.press(common.MENU_TRACK)
    out = await chat.say("ยกเลิก")
    assert common.CANCELLED not in out and common.NOTHING_TO_CANCEL not in out
    assert common.MAIN_MENU in out


async def test_a_failing_turn_is_apologised_for_logged_without_ids_and_saves_nothing(
    make_core, caplog
):
    from handlers.engine import ConversationEngine
    from storage.models import ProcessedEvent

    core = make_core()

    def broken_router(ctx):
        raise RuntimeError("bug")

    engine = ConversationEngine(core.db, core.org_id, core.engine.deps, router=broken_router)
    event = Event(Channel.CONSOLE, "chat-8675309", "user-5551234", "e-1", text="ลับมาก")
    replies = await engine.handle(event)
    assert [(r.text, r.notice) for r in replies] == [(common.INTERNAL_ERROR, Notice.FAILED)]
    assert "turn failed" in caplog.text
    assert "chat-8675309" not in caplog.text and "ลับมาก" not in caplog.text
    with Session(core.db) as session:
        # Not even the event id: a redelivery gets a fresh try.
        assert session.exec(select(ProcessedEvent)).all() == []
        assert session.exec(select(Conversation)).all() == []
