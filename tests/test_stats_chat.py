"""Statistics in the chat, on the console channel: officers ask with `/stats` and a period (or
the staff menu's button), each sees only the streams of their role, the deadline days come
from the organisation's settings, and administrators get last month's summary on the first
of the month, once, whatever restarts or second workers do."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from datetime import UTC, datetime
from io import BytesIO

import httpx
import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlmodel import Session, func, select
from starlette.applications import Starlette

from bot.jobs.background import background_runners
from bot.jobs.scheduler import Scheduler
from bot.jobs.stats_summary import cleanup_job, monthly_summary_job
from bot.web.stats_page import stats_routes
from handlers.cases.lifecycle import Stream
from handlers.cases.records import add_case
from handlers.stats import drawing
from messages import sample_org
from messages.stats import chat as stats_chat
from messages.stats import labels as stats_msg
from storage import org_settings
from storage.links.models import SharedFile
from storage.models import ProcessedEvent
from storage.staff.accounts import Role
from storage.staff.models import OutboxMessage
from storage.stats.periods import fiscal_year
from tests.fake_line import serving
from tests.staff_helpers import Clock, invite_code, use_clock
from tests.stats_fixture import run_cli
from tests.test_inbox import RecordingChannel, new_inbox
from tests.test_inbox import item as inbox_item
from tests.transcript import Chat
from tests.waiting import DEADLINE, eventually

POTHOLE = "ถนนหน้าวัดเป็นหลุมลึก รถจักรยานยนต์ล้มบ่อย ขอให้ซ่อมด่วน"
BRIBE = "เจ้าหน้าที่กองช่างเรียกรับเงินห้าพันบาทเพื่อเร่งออกใบอนุญาตก่อสร้าง"
MARCH = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)  # 10:00 in Bangkok, 10 March 2569
APRIL = datetime(2026, 4, 2, 3, 0, tzinfo=UTC)
MARCH_LABEL = "มีนาคม 2569"
TIP_TITLE = stats_msg.STREAM_TITLES["tip"]
KEY = re.compile(r"\(([0-9a-f]{32}\.(?:png|xlsx))\)")


@pytest.fixture
async def office(make_core):
    """An administrator, a complaint, an integrity and a plan officer; in March a complaint
    (taken ten days later) and a tip come in by phone (what is filed on the console is a trial
    and never counted); the clock then stands in April."""
    core = make_core()
    clock = Clock(MARCH)
    use_clock(core, clock)
    chats = {}
    for name, role in (("admin", Role.ADMIN), ("complaint", Role.COMPLAINT),
                       ("integrity", Role.INTEGRITY), ("plan", Role.PLAN)):  # fmt: skip
        chats[name] = Chat(core, chat_id=name, user_id=name)
        await chats[name].say(f"/staff {invite_code(core, role, name)}")
    citizen = Chat(core, chat_id="citizen", user_id="citizen")
    code = by_phone(core, Stream.COMPLAINT, "road", POTHOLE, clock.now)
    by_phone(core, Stream.TIP, "bribe", BRIBE, clock.now)
    clock.advance(days=10)
    await chats["complaint"].say(f"/take {code}")
    clock.now = APRIL
    for chat in chats.values():
        await chat.inbox()  # the notices of March, read
    chats["citizen"] = citizen
    return core, chats, clock


def by_phone(core, stream: Stream, category: str, text: str, at: datetime) -> str:
    """A case that came in by phone, recorded as `complaintbot case add` records it."""
    with Session(core.db) as session, session.begin():
        return add_case(session, org_id=core.org_id, stream=stream, channel="phone",
                        category=category, text=text, received_at=at).code  # fmt: skip


def files_in(core, text: str) -> dict[str, bytes]:
    """The chart and workbook a reply shows, read back from the file store by suffix."""
    return {key.rsplit(".", 1)[1]: core.files.read(key) for key in KEY.findall(text)}


def shared_count(core) -> int:
    with Session(core.db) as session:
        return session.exec(select(func.count()).select_from(SharedFile)).one()


async def test_a_complaint_officer_gets_last_months_complaints_with_chart_and_workbook(office):
    core, chats, _clock = office
    out = await chats["complaint"].say("/stats")
    assert f"{stats_msg.TITLE} {MARCH_LABEL}" in out
    assert "รับเรื่อง 1 เรื่อง" in out and "ตอบสนองภายในกำหนด 1 จาก 1 เรื่อง" in out
    assert TIP_TITLE not in out and "ร้องเรียนการทุจริต" not in out  # no tip stream at all
    files = files_in(core, out)
    chart = Image.open(BytesIO(files["png"]))
    assert chart.format == "PNG" and chart.width >= 600 and chart.height >= 300
    assert len(set(chart.convert("L").get_flattened_data())) > 10  # drawn on, not blank
    book = load_workbook(BytesIO(files["xlsx"]))
    cells = [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value]
    assert any(MARCH_LABEL in c for c in cells)
    assert any(stats_msg.TIPS_TOTALS_NOTE in c for c in cells)  # tips as published totals only
    assert shared_count(core) == 2  # exactly these two files may be linked to


async def test_an_integrity_officer_and_the_administrator_see_both_streams(office):
    _core, chats, _clock = office
    for who in ("integrity", "admin"):
        out = await chats[who].say("/stats")
        assert TIP_TITLE in out and f"{stats_msg.TITLE} {MARCH_LABEL}" in out
        tips = out.split(TIP_TITLE)[1]
        assert "รับเรื่อง 1 เรื่อง" in tips and "ประเภท" in tips  # broken down for them


async def test_the_period_can_be_typed_in_every_form_and_the_menu_has_a_button(office):
    _core, chats, _clock = office
    officer = chats["complaint"]
    expected = await officer.say("/stats")
    for typed in ("/stats 2569-03", "/stats 2026-03", "/stats มี.ค. 2569", "/stats มีนาคม 69"):
        assert KEY.sub("", await officer.say(typed)) == KEY.sub("", expected), typed
    year = await officer.say("/stats 2569")
    assert f"{stats_msg.TITLE} {stats_msg.period_label(fiscal_year(2569))}" in year
    await officer.say("/staff")
    pressed = await officer.press(stats_chat.BUTTON_STATS)
    assert KEY.sub("", pressed) == KEY.sub("", expected)


async def test_a_bad_or_future_period_is_explained_and_nothing_is_made(office):
    core, chats, _clock = office
    officer = chats["integrity"]
    out = await officer.say("/stats เมื่อวันก่อน")
    assert stats_msg.BAD_PERIOD.format(period="เมื่อวันก่อน") in out
    assert stats_chat.STATS_HELP in out and not KEY.search(out)
    out = await officer.say("/stats 2575")
    assert stats_msg.PAGE_FUTURE_PERIOD.format(period="ปีงบประมาณ 2575") in out
    assert shared_count(core) == 0
    assert [k for k in core.files.stored_keys() if k.endswith(".png")] == []


async def test_the_deadline_comes_from_the_organisations_settings(office):
    core, chats, _clock = office
    with Session(core.db) as session, session.begin():
        org_settings.get(session, core.org_id).deadline_days = 7  # the case was taken on day 10
    out = await chats["complaint"].say("/stats 2569-03")
    assert "ตอบสนองภายในกำหนด 0 จาก 1 เรื่อง" in out


async def test_the_command_line_and_the_public_page_use_the_same_deadline(
    office, db_url, tmp_path, monkeypatch, capsys
):
    core, _chats, _clock = office
    with Session(core.db) as session, session.begin():
        org_settings.get(session, core.org_id).deadline_days = 7
    monkeypatch.setenv("COMPLAINTBOT_DATABASE_URL", db_url)
    monkeypatch.setenv("COMPLAINTBOT_DATA_DIR", str(tmp_path / "data"))
    figures = json.loads(run_cli(capsys, "stats", "--period", "2569-03", "--format", "json"))
    assert figures["complaints"]["answered_within_deadline"] == 0
    app = Starlette(routes=stats_routes(core, clock=lambda: APRIL))
    async with serving(app) as base, httpx.AsyncClient(timeout=DEADLINE) as client:
        page = await client.get(f"{base}/stats/{sample_org.SLUG}/2569-03")
    assert page.status_code == 200
    assert stats_msg.DEADLINE_NOTE.format(days=7) in page.text


async def test_a_plan_officer_a_citizen_and_a_removed_officer_read_stats_as_unknown(office):
    _core, chats, _clock = office
    for who in ("plan", "citizen"):
        assert await chats[who].say("/stats") == await chats[who].say("/nonsense"), who
    out = await chats["plan"].say("/staff")
    assert stats_chat.BUTTON_STATS not in out


async def test_administrators_get_last_months_summary_on_the_first_once(office):
    core, chats, clock = office
    job = monthly_summary_job()
    scheduler = Scheduler(core.db, {job.name: job}, clock)
    clock.now = datetime(2026, 3, 20, 3, 0, tzinfo=UTC)  # the first run catches up February
    assert [period for _name, _org, period in scheduler.run_due()] == ["2026-03"]
    assert "กุมภาพันธ์ 2569" in await chats["admin"].inbox()
    clock.now = datetime(2026, 4, 1, 0, 30, tzinfo=UTC)  # 07:30 in Bangkok: not yet
    assert scheduler.run_due() == []
    assert await chats["admin"].inbox() == ""
    clock.advance(hours=1)  # 08:30 on 1 April 2569
    assert [period for _name, _org, period in scheduler.run_due()] == ["2026-04"]
    summary = await chats["admin"].inbox()
    assert stats_chat.MONTHLY_INTRO in summary and MARCH_LABEL in summary
    assert TIP_TITLE in summary and set(files_in(core, summary)) == {"png", "xlsx"}
    for officer in ("complaint", "integrity", "plan"):
        assert await chats[officer].inbox() == ""  # administrators only

    restarted = Scheduler(core.db, {job.name: job}, clock)
    clock.advance(days=3)
    assert restarted.run_due() == []  # a restart repeats nothing
    assert await chats["admin"].inbox() == ""

    clock.now = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)  # two workers on 1 May at once
    workers = [Scheduler(core.db, {job.name: job}, clock) for _ in range(2)]
    start, ran = threading.Barrier(2), []
    threads = [threading.Thread(target=lambda w=w: (start.wait(), ran.extend(w.run_due())))
               for w in workers]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [period for _name, _org, period in ran] == ["2026-05"]
    may = await chats["admin"].inbox()
    assert may.count(stats_chat.MONTHLY_INTRO) == 1 and "เมษายน 2569" in may
    with Session(core.db) as session:
        queued = session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == "admin")).all()
        assert sum(stats_chat.MONTHLY_INTRO in str(m.payload) for m in queued) == 3


async def test_charts_are_drawn_after_the_commit_while_other_chats_go_on(office, monkeypatch):
    """Drawing holds no transaction: while the complaint officer's chart is being drawn (held
    here until released), their turn is already committed and another chat's turn runs to
    its reply; the files then follow the text, in order. The monthly job draws nothing
    either: the outbox's delivery does, after the job's transaction."""
    core, chats, clock = office
    real, drawing_now, release, committed = (
        drawing.staff_files,
        threading.Event(),
        threading.Event(),
        [],
    )

    def held(report, *, tips):
        with Session(core.db) as session:  # another connection sees the turn's commit
            committed.append(session.exec(select(func.count()).select_from(ProcessedEvent)).one())
        drawing_now.set()
        assert release.wait(DEADLINE)
        return real(report, tips=tips)

    monkeypatch.setattr(drawing, "staff_files", held)
    with Session(core.db) as session:
        before = session.exec(select(func.count()).select_from(ProcessedEvent)).one()
    asking = asyncio.create_task(chats["complaint"].say("/stats"))
    assert await asyncio.to_thread(drawing_now.wait, DEADLINE)
    assert committed == [before + 1]  # the /stats turn committed before drawing began
    other = await chats["integrity"].say("/help")  # not queued behind the drawing
    assert other and not asking.done()
    release.set()
    out = await asking
    text_at, png_at, xlsx_at = (out.index(mark) for mark in (stats_msg.TITLE, ".png", ".xlsx"))
    assert text_at < png_at < xlsx_at and set(files_in(core, out)) == {"png", "xlsx"}

    drawing_now.clear()
    job = monthly_summary_job()
    clock.now = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)
    assert len(Scheduler(core.db, {job.name: job}, clock).run_due()) == 1
    assert not drawing_now.is_set() and len(committed) == 1  # queued, not drawn
    summary = await chats["admin"].inbox()
    assert len(committed) == 2 and set(files_in(core, summary)) == {"png", "xlsx"}


async def test_a_crash_after_the_stats_turn_commits_still_delivers_text_chart_and_workbook(
    make_core,
):
    """The placeholder for the files is kept with the turn's replies: a process that dies
    after the commit leaves it in the inbox row, and the restarted inbox draws and sends it."""
    core = make_core()
    channel = RecordingChannel()
    box = new_inbox(core, channel)
    await box.start()
    await box.store([inbox_item(0, chat="officer", text=f"/staff {invite_code(core, Role.ADMIN)}")])
    await box.join()
    await box.stop()

    channel.crash_on_deliver = True
    dying = new_inbox(core, channel)
    await dying.store([inbox_item(1, chat="officer", text="/stats")])
    await dying.join()  # the turn committed; the process died before sending anything
    before = len(channel.sent)
    channel.crash_on_deliver = False
    restarted = new_inbox(core, channel)
    await restarted.start()
    await eventually(lambda: len(channel.sent) >= before + 3)
    await restarted.stop()
    text, chart, workbook = channel.sent[before:]
    assert stats_msg.TITLE in text and chart == workbook == ""  # an image, then a document
    assert shared_count(core) == 4  # drawn after the commit, and again after the restart


async def test_statistics_files_leave_the_store_once_no_link_can_reach_them(office):
    core, chats, clock = office
    out = await chats["complaint"].say("/stats")
    keys = KEY.findall(out)
    job = cleanup_job(core.files)
    scheduler = Scheduler(core.db, {job.name: job}, clock)
    clock.advance(days=8)
    scheduler.run_due()
    assert all(core.files.exists(key) for key in keys)  # a link may still be valid
    clock.advance(days=2)
    scheduler.run_due()
    assert not any(core.files.exists(key) for key in keys)
    assert shared_count(core) == 0


def test_serve_runs_the_monthly_summary_and_the_cleanup(make_core):
    core = make_core()
    [_sender, scheduler] = background_runners(core, [])
    assert {"monthly-statistics", "shared-files-cleanup", "deadline-reminders"} <= set(
        scheduler.jobs
    )
