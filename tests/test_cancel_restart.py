"""Cancel works in every step and deletes the draft; a restart loses nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from messages import common
from messages.citizen import complaint, tip
from storage.models import Complaint, Conversation, Tip
from tests.transcript import Chat

# Each script is what a citizen does, step by step, in one flow: ("press", label) or
# ("say", text) or ("file", name).
COMPLAINT_SCRIPT = [
    ("press", common.MENU_COMPLAINT),
    ("press", complaint.CATEGORY_LABELS["water"]),
    ("say", "น้ำประปาไม่ไหลมาสามวันแล้ว ซอย 4 หมู่ 2"),
    ("file", "leak.jpg"),
    ("press", common.BUTTON_DONE),
    ("press", complaint.BUTTON_GIVE_CONTACT),
    ("say", "สมหญิง รักดี"),
    ("say", "0891234567"),
]
TIP_SCRIPT = [
    ("press", common.MENU_TIP),
    ("press", tip.BUTTON_UNDERSTOOD),
    ("press", tip.CATEGORY_LABELS["assets"]),
    ("say", "นำรถยนต์ของ อบต. ไปใช้ส่วนตัวทุกวันหยุด"),
    ("say", "หัวหน้าสำนักปลัด"),
    ("say", "ทุกวันเสาร์ ที่ตลาดนัด"),
    ("file", "car.jpg"),
    ("press", common.BUTTON_DONE),
    ("press", tip.BUTTON_IDENTIFIED),
    ("say", "ผู้หวังดี"),
    ("say", "0801112222"),
]


async def play(chat: Chat, script, tmp_path: Path, *, open_chat: bool = True) -> str:
    out = await chat.open() if open_chat else chat.last
    for action, arg in script:
        if action == "press":
            out = await chat.press(arg)
        elif action == "say":
            out = await chat.say(arg)
        else:
            path = tmp_path / arg
            path.write_bytes(b"\xff\xd8\xff evidence")
            out = await chat.send_file(path)
    return out


def stored_files(core) -> list[Path]:
    return list(core.files.stored_keys())


@pytest.mark.parametrize(
    ("script", "steps"),
    [(COMPLAINT_SCRIPT, n) for n in range(1, len(COMPLAINT_SCRIPT) + 1)]
    + [(TIP_SCRIPT, n) for n in range(1, len(TIP_SCRIPT) + 1)],
    ids=[f"complaint-{n}" for n in range(1, len(COMPLAINT_SCRIPT) + 1)]
    + [f"tip-{n}" for n in range(1, len(TIP_SCRIPT) + 1)],
)
async def test_cancel_in_any_step_drops_the_draft_and_its_files(make_core, tmp_path, script, steps):
    core = make_core()
    chat = Chat(core)
    await play(chat, script[:steps], tmp_path)
    out = await chat.say("ยกเลิก")
    assert common.CANCELLED in out
    assert common.MAIN_MENU in out
    with Session(core.db) as session:
        assert session.exec(select(Conversation)).all() == []
        assert session.exec(select(Complaint)).all() == []
        assert session.exec(select(Tip)).all() == []
    assert stored_files(core) == []


async def test_the_cancel_button_works_as_well_as_the_word(make_core, tmp_path):
    core = make_core()
    chat = Chat(core)
    await play(chat, COMPLAINT_SCRIPT[:2], tmp_path)
    out = await chat.press(common.BUTTON_CANCEL)
    assert common.CANCELLED in out


@pytest.mark.parametrize("script", [COMPLAINT_SCRIPT, TIP_SCRIPT], ids=["complaint", "tip"])
async def test_a_restart_in_the_middle_of_a_flow_continues_where_it_was(
    make_core, tmp_path, script
):
    first = make_core()
    chat = Chat(first)
    await play(chat, script[:4], tmp_path)

    second = make_core()  # a new process: new engine, same database and files
    chat = Chat(second)
    out = await chat.open()
    assert common.RESUMED in out
    await play(chat, script[4:], tmp_path, open_chat=False)
    out = await chat.press(common.BUTTON_CONFIRM)
    assert "รหัสติดตามเรื่อง" in out
    with Session(second.db) as session:
        filed = session.exec(select(Complaint)).all() + session.exec(select(Tip)).all()
        assert len(filed) == 1
        assert session.exec(select(Conversation)).all() == []
