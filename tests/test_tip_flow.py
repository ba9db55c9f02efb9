"""An informant files an anonymous corruption tip; nothing stored links it to the chat."""

from __future__ import annotations

import logging
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from handlers.cases.codes import pretty
from messages import common
from messages.citizen import tip, tracking
from storage.models import Complaint, Conversation, Tip, TipFile
from tests.transcript import Chat, code_in

CHAT_ID = "chat-8675309"
USER_ID = "user-5551234"
CONDUCT = "เจ้าหน้าที่กองช่างเรียกรับเงินห้าพันบาทเพื่อเร่งออกใบอนุญาตก่อสร้าง"


async def file_tip(chat: Chat, tmp_path: Path) -> str:
    receipt = tmp_path / "receipt.pdf"
    receipt.write_bytes(b"%PDF-1.4 fake receipt")
    out = await chat.open()
    out = await chat.press(common.MENU_TIP)
    assert tip.NOTICE in out
    await chat.press(tip.BUTTON_UNDERSTOOD)
    out = await chat.press(tip.CATEGORY_LABELS["bribe"])
    assert tip.ASK_CONDUCT in out
    out = await chat.say(CONDUCT)
    assert tip.ASK_ACCUSED in out
    out = await chat.say("กองช่าง")
    assert tip.ASK_WHEN_WHERE in out
    out = await chat.press(common.BUTTON_SKIP)
    assert tip.ASK_EVIDENCE in out
    out = await chat.send_file(receipt, photo=False)
    assert tip.EVIDENCE_FILE_SAVED.format(count=1, limit=5) in out
    out = await chat.say("/location 8.0863,98.9063")
    assert tip.LOCATION_NOT_STORED in out
    out = await chat.press(common.BUTTON_DONE)
    assert tip.ASK_IDENTITY in out
    out = await chat.press(tip.BUTTON_ANONYMOUS)
    assert "ผู้แจ้ง: ไม่ระบุตัวตน" in out
    out = await chat.press(common.BUTTON_CONFIRM)
    assert "รับเบาะแสเรียบร้อยแล้ว" in out
    return code_in(out)


def every_value_in_the_database(engine: sa.Engine) -> list[str]:
    values = []
    with engine.connect() as conn:
        for table in sa.inspect(engine).get_table_names():
            for row in conn.execute(sa.text(f'select * from "{table}"')):
                values += [str(v) for v in row]
    return values


async def test_a_filed_tip_leaves_no_trace_of_the_chat_anywhere(make_core, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    core = make_core()
    chat = Chat(core, chat_id=CHAT_ID, user_id=USER_ID)
    code = await file_tip(chat, tmp_path)

    with Session(core.db) as session:
        row = session.exec(select(Tip)).one()
        assert (row.category, row.conduct, row.accused) == ("bribe", CONDUCT, "กองช่าง")
        assert code not in row.code_hash  # only a keyed hash of the code is kept
        assert (row.informant_name, row.informant_contact) == ("", "")
        assert session.exec(select(Complaint)).all() == []  # never in the complaints table
        assert session.exec(select(Conversation)).all() == []  # the draft is gone
        assert len(session.exec(select(TipFile)).all()) == 1

    values = every_value_in_the_database(core.db)
    assert values, "the scan must see the stored rows"
    for value in values:  # sealed: the raw rows show neither the tip nor its code
        assert CHAT_ID not in value and USER_ID not in value
        assert CONDUCT not in value and code not in value
    for record in caplog.records:
        text = record.getMessage()
        assert CHAT_ID not in text and USER_ID not in text and CONDUCT not in text


async def test_the_tip_code_is_shown_once_and_lookups_show_it_masked(make_core, tmp_path):
    core = make_core()
    chat = Chat(core)
    code = await file_tip(chat, tmp_path)
    out = await chat.say(pretty(code))
    assert tracking.STREAM_LABELS["tip"] in out
    assert tracking.STATUS_LABELS["received"] in out
    assert code not in out.replace("-", "").replace(" ", "")


async def test_an_informant_may_choose_to_give_a_name_and_contact(make_core, tmp_path):
    core = make_core()
    chat = Chat(core)
    await chat.open()
    await chat.press(common.MENU_TIP)
    await chat.press(tip.BUTTON_UNDERSTOOD)
    await chat.press(tip.CATEGORY_LABELS["procurement"])
    await chat.say("ฮั้วประมูลโครงการก่อสร้างถนนลาดยาง หมู่ 3")
    await chat.press(common.BUTTON_SKIP)
    await chat.press(common.BUTTON_SKIP)
    await chat.press(common.BUTTON_SKIP)
    await chat.press(tip.BUTTON_IDENTIFIED)
    await chat.say("นายเอ")
    out = await chat.say("not-an-email")
    assert tip.CONTACT_INVALID in out
    out = await chat.say("a@example.org")
    assert "ผู้แจ้ง: นายเอ" in out
    await chat.press(common.BUTTON_CONFIRM)
    with Session(core.db) as session:
        row = session.exec(select(Tip)).one()
        assert (row.informant_name, row.informant_contact) == ("นายเอ", "a@example.org")
