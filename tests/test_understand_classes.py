"""The classes of free text that were read wrongly, each walked through the console channel
(SQLite and PostgreSQL): a report of wrongdoing without the word ทุจริต, a tip that names a
plan project, plan questions whose item or มิติ name holds a tip's or tracking's words, lists
and figures chosen by money, a project not in the plan, everyday words for the plan's wording,
a follow-up told with a complaint's words, how to use the bot and where the office is; and the
command and the chat agreeing on every evaluation message."""

from __future__ import annotations

import csv
import json

import pytest
from sqlmodel import Session, select

from bot.cli.main import main
from messages import common
from messages.citizen import complaint as complaint_msg
from messages.citizen import tip as tip_msg
from messages.citizen import tracking
from messages.plan import answers as answers_msg
from messages.plan import status as plan_msg
from messages.understand import replies as msg
from storage.models import Organisation, Tip
from storage.plan.samples import load_sample_plans
from tests.test_understand_eval import MESSAGES, PLAN_QUESTIONS, plan_questions_at_the_menu
from tests.transcript import Chat

PROPOSE = msg.propose_complaint("x", "y").split("\n")[0]


@pytest.fixture
def chat_for(make_core, engine):
    with Session(engine) as session, session.begin():
        load_sample_plans(session)
    cores: dict[str, object] = {}
    opened = 0

    async def open_chat(slug: str = "khaothong") -> Chat:
        nonlocal opened
        if slug not in cores:
            cores[slug] = make_core(org_slug=slug)
        opened += 1
        chat = Chat(cores[slug], chat_id=f"chat-{opened}", user_id=f"user-{opened}")
        await chat.open()
        return chat

    return open_chat


async def test_a_report_of_wrongdoing_without_the_word_is_a_tip(chat_for, engine):
    chat = await chat_for()
    story = "ผอ.กองช่างเอารถแบคโฮของเทศบาลไปขุดบ่อที่สวนตัวเองวันอาทิตย์"
    out = await chat.say(story)
    assert tip_msg.NOTICE in out and msg.TIP_OFFER in out  # the tip channel, the citizen chooses
    out = await chat.press(msg.BUTTON_TIP_KEEP)
    assert tip_msg.ASK_ACCUSED in out or tip_msg.ASK_CATEGORY in out
    with Session(engine) as session:
        assert session.exec(select(Tip)).first() is None  # nothing filed before they confirm


async def test_a_tip_about_a_plan_project_is_asked_about_never_answered_as_the_plan(chat_for):
    story = "โครงการอบรมบุคลากรจ้างทำอาหารร้อยชุด คนมากินจริงไม่ถึงครึ่ง"
    chat = await chat_for("satengnok")
    out = await chat.say(story)
    assert msg.WHICH_TIP_OR_PLAN in out and tip_msg.NOTICE not in out
    out = await chat.press(msg.BUTTON_WHICH_TIP)
    assert tip_msg.NOTICE in out and msg.TIP_OFFER in out
    other = await chat_for("satengnok")
    await other.say(story)
    out = await other.press(msg.BUTTON_WHICH_PLAN)
    assert "29. อบรมพัฒนาบุคลากร" in out and tip_msg.NOTICE not in out  # the nearest items


async def test_a_story_that_could_be_a_complaint_or_a_tip_is_asked_about(chat_for):
    story = "ผู้รับเหมาทำถนนไม่เสร็จ ทิ้งงานไว้เป็นหลุม ช่วยแก้ไขด้วย"
    chat = await chat_for()
    out = await chat.say(story)
    assert msg.WHICH_TIP_OR_COMPLAINT in out and tip_msg.NOTICE not in out
    out = await chat.press(msg.BUTTON_PLAIN)
    assert msg.propose_complaint(story, complaint_msg.CATEGORY_LABELS["road"]) in out


@pytest.mark.parametrize(
    ("slug", "question", "expected"),
    [
        ("satengnok", "มิติสังคมที่ไม่ทนต่อการทุจริตมีกี่โครงการ", "จำนวน 15 รายการ"),
        ("satengnok", "การสร้างสังคมที่ไม่ทนต่อการทุจริต ใช้งบเท่าไร", "งบประมาณ 740,000.00 บาท"),
        ("khaothong", "มาตรการป้องกันผลประโยชน์ทับซ้อนทำไปถึงไหนแล้วคะ", "ผลประโยชน์ทับซ้อน"),
        ("khaothong", "กิจกรรมติดตามประเมินผลการควบคุมภายในเสร็จยัง", "ติดตามประเมินผลการควบคุมภายใน"),
    ],
)
async def test_plan_names_win_over_the_tip_and_tracking_words_inside_them(
    chat_for, slug, question, expected
):
    chat = await chat_for(slug)
    out = await chat.say(question)
    assert expected in out
    assert tip_msg.NOTICE not in out and msg.WHICH_TIP_OR_PLAN not in out
    assert msg.TRACK_FIRST not in out


async def test_lists_and_figures_chosen_by_money_come_in_one_reply(chat_for):
    chat = await chat_for("satengnok")
    out = await chat.say("โครงการไหนใช้เงินไปแล้วบ้าง")  # three rows of a 65-row plan
    assert "รายการที่มีการเบิกจ่ายแล้ว ทั้งแผน: 3 รายการ" in out
    for line in (
        "1. โครงการจัดทำรายงานผลการปฏิบัติราชการประจำปี (งบประมาณ 499,600.00 บาท เบิกจ่าย 499,600.00 บาท)",
        "29. โครงการอบรมพัฒนาบุคลากร (งบประมาณ 50,000.00 บาท เบิกจ่าย 37,005.00 บาท)",
        "41. โครงการอบรมบุคลากรเพื่อต่อต้านคอร์รัปชัน (งบประมาณ 59,050.00 บาท เบิกจ่าย 59,050.00 บาท)",
    ):
        assert line in out
    out = await chat.say("งบน้อยที่สุดคือโครงการไหน")
    assert "งบประมาณน้อยที่สุด" in out and "20,000.00 บาท" in out
    assert "ข้อ 43 " in out and "ข้อ 64 " in out
    out = await chat.say("แต่ละมิติมีกี่โครงการ")
    assert "มิติที่ 1 การสร้างสังคมที่ไม่ทนต่อการทุจริต: 15 รายการ" in out
    assert "มิติที่ 2 การบริหารราชการเพื่อป้องกันการทุจริต: 24 รายการ" in out
    assert "รวม 65 รายการ" in out
    out = await chat.say("โครงการที่ยังไม่เริ่มมีอะไรบ้าง")
    assert "รายการที่สถานะรอรายงาน ทั้งแผน: 10 รายการ" in out


async def test_a_project_not_in_the_plan_gets_a_plain_not_in_this_plan(chat_for):
    chat = await chat_for("satengnok")
    question = "โครงการสร้างถนนคอนกรีตหมู่3อยู่ในแผนไหม"
    out = await chat.say(question)
    assert answers_msg.NOT_IN_PLAN.split("“")[0] in out and f"“{question}”" in out
    assert "แผนนี้มี 65 รายการ" in out
    assert "- มิติที่ 1 การสร้างสังคมที่ไม่ทนต่อการทุจริต: 15 รายการ" in out
    assert plan_msg.SEVERAL_FOUND not in out
    assert plan_msg.dimension_label(1, 15) in out  # and the มิติ to browse


async def test_everyday_words_find_the_plans_wording(chat_for):
    chat = await chat_for("satengnok")
    out = await chat.say("มีโครงการพัฒนาครูในโรงเรียนของเทศบาลไหม")
    assert "โครงการพัฒนาศักยภาพการปฏิบัติงานของบุคลากรในสถานศึกษา" in out
    out = await chat.say("เบี้ยคนแก่ประชาสัมพันธ์ยังไง")
    assert "กิจกรรมรณรงค์ประชาสัมพันธ์รับเงินสวัสดิการเบี้ยยังชีพ" in out


async def test_a_follow_up_told_with_a_complaints_words_asks_for_the_code(chat_for):
    chat = await chat_for()
    out = await chat.say("ร้องเรียนเรื่องน้ำประปาไปแล้ว อยากรู้ว่าถึงขั้นไหน")
    assert msg.TRACK_FIRST in out and PROPOSE not in out


async def test_how_to_use_the_bot_and_where_the_office_is(chat_for):
    chat = await chat_for("satengnok")
    out = await chat.say("อันนี้ใช้ยังไง")
    assert common.HELP in out
    chat = await chat_for("khaothong")
    out = await chat.say("อบต.อยู่ตรงไหนครับ")
    assert "สำนักปลัด อำเภอเมืองกระบี่ จังหวัดกระบี่" in out
    out = await chat.say("เสาร์อาทิตย์เปิดไหมคะ")
    assert "075-664584" in out


# --- the command and the chat agree -------------------------------------------------------


def _what_the_chat_did(out: str, phone: str) -> str:
    """The reading a chat's answer shows, in the command's terms."""
    if msg.WHICH_TIP_OR_PLAN in out:
        return "ask:plan"
    if msg.WHICH_TIP_OR_COMPLAINT in out:
        return "ask:complaint"
    if tip_msg.NOTICE in out:
        return "tip"
    if PROPOSE in out or complaint_msg.ASK_CATEGORY in out:
        return "complaint"
    if tracking.ASK_CODE in out:  # "ติดตามเรื่อง" is also the menu's label: the same step
        return "track"
    if plan_msg.BUTTON_DIMENSIONS in out or plan_msg.BUTTON_ASK in out:
        return "plan"
    if common.HELP in out:
        return "help"
    if msg.GREETING in out or msg.THANKS in out:
        return "greeting"
    if msg.CAN_DO in out:
        return "other"
    if phone in out:
        return "contact"
    return "?"


def _what_the_command_read(got: dict) -> str:
    if "ask" in got:
        return "ask:plan" if "plan" in got["ask"] else "ask:complaint"
    return got["intent"]


@pytest.mark.long
async def test_the_command_and_the_chat_agree_on_every_evaluation_message(
    chat_for, engine, db_url, monkeypatch, capsys, tmp_path
):
    """`complaintbot understand --json` (through `--evaluate`, which prints every reading)
    and the chat of the row's organisation do the same with every message of both sets."""
    monkeypatch.setenv("COMPLAINTBOT_DATABASE_URL", db_url)
    plan_rows = tmp_path / "plan_questions.csv"
    with plan_rows.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["text", "intent", "category", "set", "class", "org"])
        writer.writeheader()
        writer.writerows(plan_questions_at_the_menu())
    readings = []
    for path in (MESSAGES, plan_rows):
        capsys.readouterr()
        assert main(["understand", "--evaluate", str(path), "--json", "--org", "khaothong"]) == 0
        readings += json.loads(capsys.readouterr().out)["readings"]
    assert len(readings) >= 400 and PLAN_QUESTIONS.exists()
    with Session(engine) as session:
        phones = {o.slug: o.phone for o in session.exec(select(Organisation)).all()}
    disagreements = []
    for reading in readings:
        slug = reading["org"] or "khaothong"
        chat = await chat_for(slug)
        chat_did = _what_the_chat_did(await chat.say(reading["text"]), phones[slug])
        command_read = _what_the_command_read(reading["got"])
        if chat_did != command_read:
            disagreements.append(f"{slug}: {reading['text']} → chat {chat_did}, {command_read}")
    assert not disagreements, "\n".join(disagreements)
