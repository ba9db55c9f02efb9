"""Citizens who type instead of pressing: every path of a free text at the main menu, typed
answers where buttons are offered, and plan questions that combine the data, on the console
channel (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from handlers.cases.lifecycle import TipCategory
from messages import common
from messages.citizen import complaint as complaint_msg
from messages.citizen import tip as tip_msg
from messages.citizen import tracking
from messages.plan import answers as answers_msg
from messages.plan import status as plan_msg
from messages.understand import replies as msg
from storage.models import Complaint, Conversation, Tip
from storage.plan.samples import load_sample_plans
from tests.transcript import Chat, code_in

POTHOLE = "ถนนหน้าบ้านเป็นหลุมใหญ่ รถล้มบ่อย"
BRIBE = "ปลัดเรียกเงินห้าพันค่าออกใบอนุญาตก่อสร้าง ไม่ออกใบเสร็จ"


@pytest.fixture
def chat_for(make_core, engine):
    with Session(engine) as session, session.begin():
        load_sample_plans(session)

    async def open_chat(slug: str = "khaothong") -> Chat:
        chat = Chat(make_core(org_slug=slug))
        await chat.open()
        return chat

    return open_chat


def only(engine, model):
    with Session(engine) as session:
        return session.exec(select(model)).one()


async def test_a_complaint_typed_at_the_menu_is_filed_with_its_words_place_and_phone(
    chat_for, engine
):
    chat = await chat_for()
    out = await chat.say(POTHOLE)
    assert msg.propose_complaint(POTHOLE, complaint_msg.CATEGORY_LABELS["road"]) in out
    assert common.DIDNT_UNDERSTAND not in out
    out = await chat.say("ใช่")  # one word accepts the proposed category
    assert complaint_msg.ASK_EVIDENCE in out  # the description was kept: next missing step
    out = await chat.say("หน้าวัดหนองบัว ซอย 3")
    assert msg.place_saved("หน้าวัดหนองบัว ซอย 3") in out
    out = await chat.press(common.BUTTON_DONE)
    assert complaint_msg.ASK_CONTACT in out
    out = await chat.say("๐๘๑-๒๓๔-๕๖๗๘")  # a phone number, in Thai digits, instead of a button
    assert msg.contact_phone_taken("0812345678") in out and complaint_msg.ASK_NAME in out
    out = await chat.say("สมชาย ใจดี")  # the phone is known: straight to the summary
    assert "ผู้ร้อง: สมชาย ใจดี โทร 0812345678" in out and "ตำแหน่ง: มี" in out
    code = code_in(await chat.press(common.BUTTON_CONFIRM))

    complaint = only(engine, Complaint)
    assert complaint.code == code
    assert (complaint.category, complaint.description) == ("road", POTHOLE)
    assert complaint.location_title == "หน้าวัดหนองบัว ซอย 3" and complaint.latitude is None
    assert (complaint.complainant_name, complaint.complainant_phone) == ("สมชาย ใจดี", "0812345678")


async def test_the_proposed_category_can_be_changed_with_one_tap(chat_for, engine):
    chat = await chat_for()
    await chat.say("น้ำเน่าในคูหลังตลาดส่งกลิ่นเหม็นทั้งวัน")
    out = await chat.press(complaint_msg.CATEGORY_LABELS["nuisance"])
    assert complaint_msg.ASK_EVIDENCE in out
    await chat.say("ไม่มี")  # no photo: "no" presses skip
    out = await chat.say("ไม่ประสงค์")  # no contact
    assert "ประเภท: เหตุเดือดร้อนรำคาญ" in out and "ผู้ร้อง: ไม่ประสงค์ให้ข้อมูล" in out
    await chat.press(common.BUTTON_CONFIRM)
    assert only(engine, Complaint).category == "nuisance"


async def test_just_wanting_to_complain_starts_at_the_category(chat_for):
    chat = await chat_for()
    out = await chat.say("อยากร้องเรียนครับ")
    assert complaint_msg.ASK_CATEGORY in out
    out = await chat.say("ขยะ/สิ่งแวดลอม")  # a close misspelling of a label picks it
    assert complaint_msg.ASK_DESCRIPTION in out


async def test_corruption_offers_the_tip_channel_first_and_carries_the_text_only_if_asked(
    chat_for, engine
):
    chat = await chat_for()
    out = await chat.say(BRIBE)
    assert tip_msg.NOTICE in out and msg.TIP_OFFER in out
    with Session(engine) as session:
        assert session.exec(select(Complaint)).all() == []  # nothing filed on its own
    out = await chat.press(msg.BUTTON_TIP_KEEP)
    assert tip_msg.ASK_CATEGORY in out
    assert f"[1] {tip_msg.CATEGORY_LABELS[TipCategory.BRIBE]}" in out  # proposed first
    out = await chat.press(tip_msg.CATEGORY_LABELS[TipCategory.BRIBE])
    assert tip_msg.ASK_ACCUSED in out  # the conduct was carried over
    await chat.say("ไม่ทราบ")
    await chat.press(common.BUTTON_SKIP)
    await chat.say("ไม่มี")  # no evidence
    out = await chat.say("ไม่")  # identity: "no" is anonymous
    assert "ผู้แจ้ง: ไม่ระบุตัวตน" in out
    await chat.press(common.BUTTON_CONFIRM)
    tip = only(engine, Tip)
    assert (tip.category, tip.conduct) == ("bribe", BRIBE)
    with Session(engine) as session:
        assert session.exec(select(Conversation)).all() == []


async def test_a_fresh_tip_leaves_the_typed_text_behind(chat_for, engine):
    chat = await chat_for()
    await chat.say(BRIBE)
    await chat.press(msg.BUTTON_TIP_FRESH)
    with Session(engine) as session:
        conversation = session.exec(select(Conversation)).one()
        assert BRIBE not in str(conversation.data)
    await chat.press(tip_msg.CATEGORY_LABELS[TipCategory.BRIBE])
    out = await chat.say("ขอข้าม")
    assert tip_msg.ASK_CONDUCT in out or common.too_short(10) in out


async def test_choosing_the_ordinary_channel_is_told_it_records_the_chat(chat_for, engine):
    chat = await chat_for()
    await chat.say(BRIBE)
    out = await chat.press(msg.BUTTON_PLAIN)
    assert msg.PLAIN_RECORDS_CHAT in out
    assert msg.propose_complaint(BRIBE, complaint_msg.CATEGORY_LABELS["service"]) in out
    await chat.press(msg.BUTTON_ACCEPT)
    await chat.press(common.BUTTON_SKIP)
    await chat.press(complaint_msg.BUTTON_NO_CONTACT)
    await chat.press(common.BUTTON_CONFIRM)
    complaint = only(engine, Complaint)
    assert (complaint.category, complaint.description) == ("service", BRIBE)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ติดตามเรื่องที่ร้องเรียนไว้", [msg.TRACK_FIRST, tracking.ASK_CODE]),
        ("เรื่องที่แจ้งไว้ถึงไหนแล้วครับ", [msg.TRACK_FIRST, tracking.ASK_CODE]),
        ("สวัสดีครับ", [msg.GREETING, common.MENU_COMPLAINT]),
        ("ขอบคุณค่ะ 🙏", [msg.THANKS, common.MENU_COMPLAINT]),
        ("เบอร์โทร อบต. เท่าไร", ["075-664584", common.MENU_COMPLAINT]),
        ("บอทนี้ทำอะไรได้บ้าง", [common.HELP, common.MENU_COMPLAINT]),
        ("ราคาทองวันนี้เท่าไหร่", [msg.CAN_DO, common.MENU_COMPLAINT]),
    ],
)
async def test_other_free_texts_get_their_answer_never_didnt_understand(chat_for, typed, expected):
    chat = await chat_for()
    out = await chat.say(typed)
    assert all(part in out for part in expected), out
    assert common.DIDNT_UNDERSTAND not in out


async def test_plan_questions_that_combine_the_data_are_answered_with_figures(chat_for):
    chat = await chat_for("satengnok")
    out = await chat.say("มิติที่ 1 ใช้เงินไปเท่าไหร่")
    assert "งบประมาณ 740,000.00 บาท" in out and "เบิกจ่าย 37,005.00 บาท (ร้อยละ 5.00)" in out
    out = await chat.say("มิติที่ 1 โครงการไหนงบสูงสุด")  # a tie: both named, both buttons
    assert "ข้อ 60 " in out and "ข้อ 65 " in out and "250,000.00 บาท" in out
    assert "] 60. " in out and "] 65. " in out
    out = await chat.say("ที่ยังไม่รายงานผลมีกี่ข้อ")
    assert "สถานะรอรายงาน 10 รายการ จากทั้งหมด 65 รายการ" in out
    out = await chat.say("มีอะไรบ้างที่ทำเสร็จแล้ว")
    assert "54 รายการ (หน้า 1/6)" in out
    out = await chat.press(plan_msg.BUTTON_NEXT)
    assert "54 รายการ (หน้า 2/6)" in out


async def test_a_project_not_in_the_plan_is_not_found_and_the_nearest_are_offered(chat_for):
    chat = await chat_for("khaothong")
    out = await chat.say("โครงการอบรมคุณธรรมจริยธรรมใช้งบไปเท่าไร")
    question = plan_msg.shorten("โครงการอบรมคุณธรรมจริยธรรมใช้งบไปเท่าไร", 60)
    assert answers_msg.NEAREST.format(question=question) in out
    assert plan_msg.BUTTON_DIMENSIONS in out


async def test_a_complaint_typed_while_browsing_the_plan_switches_to_the_complaint(chat_for):
    chat = await chat_for("khokphutsa")
    await chat.press(common.MENU_PLAN)
    await chat.press(plan_msg.BUTTON_ASK)
    out = await chat.say("อยากร้องเรียนไฟถนนดับทั้งซอย มืดมาก")
    assert msg.propose_complaint("อยากร้องเรียนไฟถนนดับทั้งซอย มืดมาก", "ถนน/ไฟฟ้าสาธารณะ") in out


async def test_unclear_typed_answers_are_asked_again_saying_what_was_read(chat_for):
    chat = await chat_for()
    await chat.say(POTHOLE)
    await chat.say("ใช่")
    await chat.press(common.BUTTON_SKIP)
    out = await chat.say("พรุ่งนี้ว่าง")  # at the contact question: neither a phone nor a name
    assert msg.not_a_choice("พรุ่งนี้ว่าง") in out and complaint_msg.ASK_CONTACT in out
    out = await chat.say("๒")  # Thai digit: the second button
    assert "ผู้ร้อง: ไม่ประสงค์ให้ข้อมูล" in out


async def test_a_tip_written_in_words_at_every_button_step(chat_for, engine):
    chat = await chat_for()
    await chat.press(common.MENU_TIP)
    out = await chat.say("เข้าใจแล้ว")  # the notice's button, in words
    assert tip_msg.ASK_CATEGORY in out
    story = "มีการฮั้วประมูลถนนหมู่ 7 ผู้ชนะเป็นบริษัทญาตินายก"
    out = await chat.say(story)  # read as procurement, and kept as the conduct
    assert tip_msg.ASK_ACCUSED in out
    await chat.say("ไม่ทราบ")
    await chat.say("เดือนที่แล้ว")
    out = await chat.say("ห้องประชุม อบต. ชั้น 2")  # a place typed at the evidence step
    assert msg.place_saved("ห้องประชุม อบต. ชั้น 2") in out
    await chat.press(common.BUTTON_DONE)
    out = await chat.say("ไม่ประสงค์")  # identity: no
    assert "เมื่อไร/ที่ไหน: เดือนที่แล้ว ห้องประชุม อบต. ชั้น 2" in out
    await chat.say("ยืนยัน")
    tip = only(engine, Tip)
    assert (tip.category, tip.conduct) == ("procurement", story)


def test_every_new_button_fits_every_channel():
    labels = [msg.BUTTON_ACCEPT, msg.BUTTON_TIP_KEEP, msg.BUTTON_TIP_FRESH, msg.BUTTON_PLAIN]
    labels += [msg.BUTTON_WHICH_PLAN, msg.BUTTON_WHICH_TIP]
    assert all(len(label) <= 20 for label in labels)  # LINE quick reply labels
