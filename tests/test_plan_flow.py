"""A citizen asks about the anti-corruption plan on the console channel, through the real
engine, router and console adapter."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from bot.cli.main import main as cli
from handlers.flow import Ctx, Deps
from handlers.plan import flow as plan_flow
from handlers.types import Channel, Event
from messages import common
from messages.plan import answers as answers_msg
from messages.plan import status as msg
from storage import orgs
from storage.files import FileStore
from storage.plan.samples import SAMPLE_DIR, load_sample_plans
from tests.transcript import Chat


@pytest.fixture
def plan_chat(make_core, engine):
    with Session(engine) as session, session.begin():
        load_sample_plans(session)

    async def open_chat(slug: str) -> Chat:
        chat = Chat(make_core(org_slug=slug))
        await chat.open()
        return chat

    return open_chat


async def test_the_plan_opens_with_the_summary_its_report_prints(plan_chat):
    chat = await plan_chat("khokphutsa")
    out = await chat.press(common.MENU_PLAN)
    assert "สรุปผลการขับเคลื่อนแผนฯ" in out
    assert "ปีงบประมาณ พ.ศ. 2566 รอบ 12 เดือน" in out
    assert "จำนวน 15 รายการ" in out
    assert "- ดำเนินการแล้วเสร็จ 15 รายการ" in out
    assert "- รอรายงาน 0 รายการ" in out
    assert "เบิกจ่าย 4,840.00 บาท (ร้อยละ 4.84)" in out
    assert "ข้อมูล ณ วันที่ 12 มกราคม 2567" in out
    assert "- มิติที่ 2 การบริหารราชการด้วยความโปร่งใส: 7 รายการ เสร็จแล้ว 7" in out
    assert "มิติที่ 4 การยกระดับกลไกการตรวจสอบ" in out
    for label in ("มิติ 1 (2 รายการ)", "มิติ 2 (7 รายการ)", "มิติ 4 (5 รายการ)", msg.BUTTON_ASK):
        assert f"] {label}" in out


async def test_browsing_a_dimension_page_by_page_to_an_item_card(plan_chat):
    chat = await plan_chat("satengnok")
    await chat.press(common.MENU_PLAN)
    out = await chat.press("มิติ 1 (15 รายการ)")
    assert "15 รายการ (หน้า 1/2)" in out and "] 51. " in out and "] 55. " not in out
    assert "] 2. ส่งเสริมองค์ความ…" in out
    assert "60." not in out
    out = await chat.press(msg.BUTTON_NEXT)
    assert "(หน้า 2/2)" in out and msg.BUTTON_PREV in out
    out = await chat.press("60. วันเด็กแห่งชาติ")
    assert "ข้อ 60 โครงการวันเด็กแห่งชาติ" in out
    assert "สถานะ: ไม่สามารถดำเนินการได้" in out
    assert "งบประมาณ: 250,000.00 บาท" in out
    assert "ข้อมูล ณ วันที่ 13 กุมภาพันธ์ 2566" in out
    out = await chat.press(msg.BUTTON_BACK_TO_LIST)
    assert "(หน้า 2/2)" in out
    out = await chat.press(msg.BUTTON_DIMENSIONS)
    assert msg.CHOOSE_DIMENSION in out


async def test_a_question_finds_the_item_and_shows_its_card(plan_chat):
    chat = await plan_chat("satengnok")
    await chat.press(common.MENU_PLAN)
    out = await chat.press(msg.BUTTON_ASK)
    assert msg.ASK_QUESTION in out
    out = await chat.say("โครงการอบรมต่อต้านคอร์รัปชันใช้เงินไปเท่าไร")
    assert "ข้อ 41 โครงการอบรมบุคลากรเพื่อต่อต้านคอร์รัปชัน" in out
    assert "เบิกจ่าย: 59,050.00 บาท (ร้อยละ 100.00)" in out
    assert "ประเภท: โครงการ" in out
    out = await chat.say("No Gift Policy ทำแล้วหรือยัง")  # a card accepts the next question
    assert "ข้อ 21 มาตรการออกประกาศนโยบายไม่รับของขวัญ" in out
    assert "สถานะ: ดำเนินการแล้วเสร็จ" in out


async def test_several_matches_offer_a_choice(plan_chat):
    chat = await plan_chat("satengnok")
    await chat.press(common.MENU_PLAN)
    out = await chat.say("เผยแพร่ข้อมูลจัดซื้อจัดจ้าง")
    assert msg.SEVERAL_FOUND in out
    assert "] 3. เผยแพร่ข้อมูลข่า…" in out and "] 12. เผยแพร่ข้อมูลข่…" in out
    out = await chat.press("12. เผยแพร่ข้อมูลข่…")
    assert "ข้อ 12 กิจกรรมเผยแพร่ข้อมูลข่าวสารด้านการจัดซื้อ - จัดจ้าง" in out


async def test_a_project_not_in_the_plan_is_said_so_with_what_the_plan_has(plan_chat):
    chat = await plan_chat("khokphutsa")
    await chat.press(common.MENU_PLAN)
    await chat.press(msg.BUTTON_ASK)
    out = await chat.say("สร้างสะพานลอยหน้าโรงเรียน")
    assert answers_msg.NOT_IN_PLAN.split("“")[0] + "“สร้างสะพานลอยหน้าโรงเรียน”" in out
    assert "แผนนี้มี 15 รายการ" in out
    assert "] มิติ 1 (2 รายการ)" in out  # the มิติ, one tap away


async def test_a_plan_without_reports_shows_every_item_waiting(plan_chat):
    chat = await plan_chat("khaothong")
    out = await chat.press(common.MENU_PLAN)
    assert "- รอรายงาน 15 รายการ" in out
    assert msg.NO_REPORT_YET in out
    out = await chat.say("no gift")
    assert "ข้อ 4 มาตรการ No Gift Policy" in out
    assert "สถานะ: รอรายงาน" in out


async def test_typed_numbers_pick_buttons_and_menu_leaves_the_plan(plan_chat):
    chat = await plan_chat("khokphutsa")
    await chat.press(common.MENU_PLAN)
    out = await chat.say("๔")  # the fourth button: มิติ 4
    assert "มิติที่ 4" in out and "13. ส่งเสริมและพัฒน…" in out
    out = await chat.say("เมนู")
    assert common.MENU_PLAN in out


def make_ctx(session: Session, slug: str, text: str, tmp_path) -> Ctx:
    org = orgs.by_slug(session, slug)
    assert org is not None
    event = Event(Channel.CONSOLE, "chat-1", "user-1", "event-1", text=text)
    deps = Deps(files=FileStore(tmp_path), clock=lambda: datetime(2026, 11, 23, tzinfo=UTC))
    return Ctx(event, session, org.id, deps)


@pytest.mark.parametrize(
    ("slug", "text", "step", "shown"),
    [
        ("satengnok", "No Gift Policy ทำแล้วหรือยัง", "item", "ข้อ 21"),
        ("satengnok", "โครงการอบรมต่อต้านคอร์รัปชันใช้เงินไปเท่าไร", "item", "59,050.00"),
        ("khokphutsa", "แผนป้องกันการทุจริตปีนี้ไปถึงไหนแล้ว", "home", "ร้อยละ 4.84"),
        ("khaothong", "มาตรการป้องกันผลประโยชน์ทับซ้อนทำหรือยัง", "item", "ข้อ 7"),
        ("satengnok", "มิติ 4 มีโครงการอะไรบ้าง", "dim", "มิติที่ 4"),
    ],
)
def test_plan_questions_typed_at_the_main_menu_are_answered(
    engine, tmp_path, slug, text, step, shown
):
    with Session(engine) as session, session.begin():
        load_sample_plans(session)
        turn = plan_flow.answer_plan_question(make_ctx(session, slug, text, tmp_path), text)
        assert turn is not None
        assert (turn.flow, turn.step) == (plan_flow.NAME, step)
        assert shown in "\n".join(r.text for r in turn.replies)


@pytest.mark.parametrize(
    "text",
    [
        "ถนนหน้าบ้านเป็นหลุมเป็นบ่อ",
        "อยากร้องเรียนเรื่องน้ำท่วมขังหน้าบ้าน",
        "แจ้งเบาะแสเจ้าหน้าที่เรียกรับเงิน",
        "สวัสดีครับ",
        "ขอเบอร์โทรเทศบาล",
    ],
)
def test_other_text_at_the_main_menu_is_left_to_the_router(engine, tmp_path, text):
    with Session(engine) as session, session.begin():
        load_sample_plans(session)
        for slug in ("khokphutsa", "satengnok", "khaothong"):
            ctx = make_ctx(session, slug, text, tmp_path)
            assert plan_flow.answer_plan_question(ctx, text) is None


def test_every_button_fits_every_channel(engine, tmp_path):
    """Labels ≤ 20 characters (LINE), codes ≤ 64 bytes of ASCII (Telegram)."""
    with Session(engine) as session, session.begin():
        load_sample_plans(session)
        for slug in ("khokphutsa", "satengnok", "khaothong"):
            ctx = make_ctx(session, slug, "", tmp_path)
            turn = plan_flow.start(ctx)
            data = turn.data
            prompts = [plan_flow.prompt_home(ctx_with(ctx, data))]
            for dimension in (1, 2, 3, 4):
                for page in (0, 1, 2):
                    probe = ctx_with(ctx, {**data, "dim": dimension, "page": page})
                    prompts.append(plan_flow.prompt_dimension(probe))
            for reply in prompts:
                assert len(reply.choices) <= 13  # LINE quick replies
                for choice in reply.choices:
                    assert len(choice.label) <= 20, choice.label
                    assert choice.code.isascii() and len(choice.code.encode()) <= 64


def ctx_with(ctx: Ctx, data: dict) -> Ctx:
    return Ctx(ctx.event, ctx.session, ctx.org_id, ctx.deps, plan_flow.NAME, None, data)


async def test_staff_update_from_the_cli_shows_in_the_chat(
    plan_chat, db_url, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("COMPLAINTBOT_DATABASE_URL", db_url)
    monkeypatch.setenv("COMPLAINTBOT_DATA_DIR", str(tmp_path / "data"))
    chat = await plan_chat("khaothong")
    args = ["plan", "set", "4", "--org", "khaothong", "--fiscal-year", "2570", "--round", "6",
            "--status", "ดำเนินการแล้วเสร็จ", "--spent", "๑,๒๕๐.๕๐", "--result",
            "ประกาศนโยบาย No Gift Policy แล้ว", "--as-of", "2027-03-31"]  # fmt: skip
    assert cli(args) == 0
    assert "บันทึกผลข้อ 4 แล้ว" in capsys.readouterr().out
    out = await chat.press(common.MENU_PLAN)
    assert "ปีงบประมาณ พ.ศ. 2570 รอบ 6 เดือน" in out
    assert "- ดำเนินการแล้วเสร็จ 1 รายการ" in out
    out = await chat.say("no gift policy ทำแล้วหรือยัง")
    assert "สถานะ: ดำเนินการแล้วเสร็จ" in out
    assert "เบิกจ่าย: 1,250.50 บาท" in out
    assert "ข้อมูล ณ วันที่ 31 มีนาคม 2570" in out


def test_cli_import_reports_bad_lines_and_imports_nothing(db_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COMPLAINTBOT_DATABASE_URL", db_url)
    monkeypatch.setenv("COMPLAINTBOT_DATA_DIR", str(tmp_path / "data"))
    bad = tmp_path / "bad.csv"
    good = (SAMPLE_DIR / "satengnok.csv").read_text(encoding="utf-8").splitlines()
    bad.write_text("\n".join([*good[:5], "6,กิจกรรมเพิ่ม,9,0,0,เสร็จ", *good[6:]]), encoding="utf-8")
    args = ["plan", "import", str(bad), "--fiscal-year", "2565", "--round", "12"]
    assert cli(args) == 1
    err = capsys.readouterr().err
    assert "บรรทัด 6: มิติต้องเป็น 1–4 (9)" in err
    assert cli(["plan", "summary"]) == 1  # nothing was imported: no plan at all
    assert cli(["plan", "import", str(SAMPLE_DIR / "satengnok.csv"), "--fiscal-year", "2565",
                "--round", "12", "--as-of", "2023-02-13"]) == 0  # fmt: skip
    capsys.readouterr()
    assert cli(["plan", "summary"]) == 0
    assert "เบิกจ่าย 595,655.00 บาท (ร้อยละ 42.89)" in capsys.readouterr().out


async def test_a_plan_question_at_the_menu_with_no_matching_item_offers_the_dimensions(plan_chat):
    chat = await plan_chat("khaothong")
    out = await chat.say("โครงการปลูกป่าชายเลนใช้เงินไปเท่าไร")
    assert answers_msg.NOT_IN_PLAN.split("“")[0] in out
    assert "] มิติ 1 (" in out
