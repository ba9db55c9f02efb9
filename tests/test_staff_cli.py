"""The server's command line does everything the chat does: invites, cases, the access log."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bot.cli import main as cli
from handlers.cases.codes import pretty
from messages.cli import common as msg
from messages.org_rules import WHY_COUNT, WHY_TIME
from tests.serve_process import run_program
from tests.staff_helpers import file_complaint, file_tip, reference_in, tip_round
from tests.transcript import Chat


def run(db_url: str, tmp_path: Path, *args: str, code: int = 0) -> str:
    env = {
        **os.environ,
        "COMPLAINTBOT_DATABASE_URL": db_url,
        "COMPLAINTBOT_DATA_DIR": str(tmp_path / "data"),
    }
    done = run_program(list(args), env)
    assert done.returncode == code, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout + done.stderr


async def test_staff_and_cases_from_the_command_line(db_url, tmp_path, make_core):
    out = run(db_url, tmp_path, "staff", "invite", "--role", "integrity", "--name", "สมปอง")
    invite = re.search(r"/staff ([A-Z0-9]{10})", out).group(1)
    core = make_core()
    officer = Chat(core, chat_id="integrity", user_id="integrity")
    assert "ลงทะเบียน" in await officer.say(f"/staff {invite}")
    assert "สมปอง" in run(db_url, tmp_path, "staff", "list")

    citizen = Chat(core, chat_id="citizen", user_id="citizen")
    code = await file_complaint(citizen, notify=True, description="ไฟถนนดับทั้งซอยมาสามคืนแล้ว")
    await file_tip(citizen, "มีการแบ่งงานจ้างเพื่อหลีกเลี่ยงการประกวดราคาโครงการถนน")
    tip_round(core)
    reference = reference_in(await officer.inbox())

    assert pretty(code) in run(db_url, tmp_path, "case", "list")
    assert reference in run(db_url, tmp_path, "case", "list", "--stream", "tip")
    run(db_url, tmp_path, "case", "assign", pretty(code), "กองช่าง")
    run(db_url, tmp_path, "case", "note", code, "ประสานการไฟฟ้าแล้ว")
    run(db_url, tmp_path, "case", "status", code, "in_progress", "--note", "ช่างจะเข้าพรุ่งนี้")
    run(db_url, tmp_path, "case", "refer", reference, "สำนักงาน ป.ป.ช. ประจำจังหวัด")
    shown = run(db_url, tmp_path, "case", "show", code)
    assert "กองช่าง" in shown and "ประสานการไฟฟ้าแล้ว" in shown and "ช่างจะเข้าพรุ่งนี้" in shown
    assert "ช่างจะเข้าพรุ่งนี้" in await citizen.inbox()  # the citizen hears of it

    content = run(db_url, tmp_path, "case", "show", reference, "--content", "--actor", "ปลัด")
    assert "แบ่งงานจ้าง" in content
    assert "แบ่งงานจ้าง" not in run(db_url, tmp_path, "case", "show", reference)
    audit = run(db_url, tmp_path, "audit")
    assert reference in audit and "ปลัด" in audit and audit.count(reference) == 1

    run(db_url, tmp_path, "case", "show", "ทจ-2500-0000", code=1)
    listing = run(db_url, tmp_path, "staff", "list")
    member_id = listing.split(".")[0]
    changed = run(db_url, tmp_path, "staff", "role", member_id, "complaint")
    assert msg.STAFF_ROLE_CHANGED.format(id=member_id, roles="เจ้าหน้าที่เรื่องร้องเรียน") in changed
    assert await officer.say("/tips") == await officer.say("/nonsense")  # no longer integrity
    assert await officer.say("/queue") != await officer.say("/nonsense")
    assert msg.STAFF_REMOVED.format(id=member_id) in run(
        db_url, tmp_path, "staff", "remove", member_id
    )
    assert await officer.say("/queue") == await officer.say("/nonsense")


def test_organisation_settings_are_shown_and_changed_from_the_command_line(db_url, tmp_path):
    shown = run(db_url, tmp_path, "settings")
    assert "15 วัน" in shown and "กองช่าง" in shown and "08:00" in shown
    changed = run(db_url, tmp_path, "settings", "--deadline-days", "10", "--units",
                  "สำนักปลัด, กองช่าง ,กองคลัง", "--reminder-time", "7:30")  # fmt: skip
    assert "10 วัน" in changed and "สำนักปลัด, กองช่าง, กองคลัง" in changed and "07:30" in changed
    assert WHY_TIME in run(db_url, tmp_path, "settings", "--reminder-time", "25:00", code=2)
    limits = run(db_url, tmp_path, "settings", "--filings-per-chat", "7", "--tip-round-minutes",
                 "120")  # fmt: skip
    assert "เรื่องใหม่ต่อแชตต่อวัน: 7 เรื่อง" in limits and ": 120 นาที" in limits
    refused = run(db_url, tmp_path, "settings", "--deadline-days", "20", "--filings-per-org", "0",
                  code=2)  # fmt: skip
    assert WHY_COUNT in refused and "filings-per-org" in refused
    after = run(db_url, tmp_path, "settings")  # a refused change changed nothing
    assert "10 วัน" in after and "20 วัน" not in after and ": 300 เรื่อง" in after


ADD_WALK_IN = ["case", "add", "--stream", "complaint", "--channel", "phone", "--received",
               "2567-03-05", "--category", "road", "--text", "ไฟดับ"]  # fmt: skip


@pytest.mark.parametrize(
    "command", [["staff", "list"], ["case", "list"], ["stats", "--format", "json"], ADD_WALK_IN]
)
def test_an_unknown_organisation_is_one_clear_error_for_every_command(
    command, db_url, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("COMPLAINTBOT_DATABASE_URL", db_url)
    monkeypatch.setenv("COMPLAINTBOT_DATA_DIR", str(tmp_path / "data"))
    assert cli.main([*command, "--org", "nowhere"]) == 2
    assert msg.UNKNOWN_ORG.format(slug="nowhere") in capsys.readouterr().err
