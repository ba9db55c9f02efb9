"""Staff record cases that came in outside the bot, one by one or from a file of old records.

Dates are typed in either era (and Thai digits); a bad row stops the whole file with its
line number; a change is recorded on the day it really happened.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest
import sqlalchemy as sa
from alembic import command
from openpyxl import load_workbook

from bot.cli import main as cli
from messages.stats import labels as msg
from storage.db import alembic_config, make_engine
from tests.stats_fixture import CODE, run_cli

GOOD_CSV = "\n".join(
    [
        "ทะเบียนรับเรื่องร้องเรียน ปีงบประมาณ 2567",
        "ลำดับ,ประเภท,ช่องทาง,วันที่รับเรื่อง,หมวดเรื่อง,รายละเอียด,สถานะ,วันที่ของสถานะ,ชื่อผู้ร้อง,ติดต่อ",
        "1,ร้องเรียนทั่วไป,ติดต่อด้วยตนเอง,๕/๓/๒๕๖๗,ถนน/ไฟฟ้าสาธารณะ,ไฟดับหน้าวัด,ดำเนินการแล้วเสร็จ,"
        "12/3/2567,นายสมชาย,0812345678",
        "2,ร้องเรียนทั่วไป,โทรศัพท์,2024-03-06,water,น้ำไม่ไหล,,,,",
        "",
        "3,ร้องเรียนการทุจริต,ศูนย์ดำรงธรรม,7 มี.ค. 67,จัดซื้อจัดจ้าง,ฮั้วประมูล,อยู่ระหว่างดำเนินการ,2567-04-01,,",
    ]
)


@pytest.fixture
def env(db_url, tmp_path, monkeypatch, make_core):
    monkeypatch.setenv("COMPLAINTBOT_DATABASE_URL", db_url)
    monkeypatch.setenv("COMPLAINTBOT_DATA_DIR", str(tmp_path / "data"))
    return make_core()


def march(capsys) -> dict:
    return json.loads(run_cli(capsys, "stats", "--period", "2567-03", "--format", "json"))


def test_a_file_of_old_records_is_imported_and_counted(env, capsys, tmp_path):
    path = tmp_path / "records.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    out = run_cli(capsys, "case", "import", str(path))
    assert msg.IMPORT_DONE.format(complaints=2, tips=1) in out
    figures = march(capsys)
    complaints, tips = figures["complaints"], figures["tips"]
    assert complaints["received"] == 2 and tips["received"] == 1
    assert complaints["by_channel"]["walk-in"] == 1 and complaints["by_channel"]["phone"] == 1
    assert complaints["status_at_end"]["completed"] == 1
    assert complaints["median_days_to_completion"] == 7.0  # 5 → 12 March
    assert tips["by_channel"]["damrongdhamma"] == 1 and tips["by_category"]["procurement"] == 1
    assert tips["status_at_end"]["received"] == 1  # in progress only from 1 April
    assert tips["open_at_end"] == 1


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(env, capsys, tmp_path):
    lines = GOOD_CSV.splitlines()
    lines += [
        "4,ร้องเรียนทั่วไป,นกพิราบ,2567-03-08,ถนน,ทางชำรุด,,,,",
        "5,ร้องเรียนทั่วไป,โทรศัพท์,31/02/2567,ถนน,ทางชำรุด,,,,",
        "6,ร้องเรียนทั่วไป,โทรศัพท์,2567-03-09,ถนน,ทางชำรุด,แล้วเสร็จ,2567-03-01,,",
        "7,ร้องเรียนทั่วไป,โทรศัพท์,2567-03-09,ไม่มีหมวดนี้,,,,,",
    ]
    path = tmp_path / "records.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert cli.main(["case", "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert msg.IMPORT_FAILED.format(file=path, count=5) in err
    assert msg.import_problem(7, "channel", "นกพิราบ") in err
    assert msg.import_problem(8, "received", "31/02/2567") in err
    assert msg.import_problem(9, "status_before", "2567-03-01") in err
    assert msg.import_problem(10, "category", "ไม่มีหมวดนี้") in err
    assert msg.import_problem(10, "text", "") in err
    with env.db.connect() as conn:
        for table in ("complaint", "tip", "stats_case"):
            assert conn.execute(sa.text(f"select count(*) from {table}")).scalar_one() == 0


def test_the_template_filled_in_imports(env, capsys, tmp_path):
    path = tmp_path / "template.xlsx"
    run_cli(capsys, "case", "template", str(path))
    book = load_workbook(path)
    sheet = book.active
    assert tuple(c.value for c in sheet[1]) == msg.IMPORT_HEADERS
    sheet.append([1, msg.TEMPLATE_STREAMS[0], "จดหมาย", datetime(2024, 3, 4), "ขยะ/สิ่งแวดล้อม",
                  "ขยะตกค้าง", "ยุติเรื่อง/ไม่รับพิจารณา", "๘ มี.ค. ๒๕๖๗", "", ""])  # fmt: skip
    book.save(path)
    run_cli(capsys, "case", "import", str(path))
    complaints = march(capsys)["complaints"]
    assert complaints["by_channel"]["letter"] == 1 and complaints["by_category"]["waste"] == 1
    assert complaints["status_at_end"]["closed"] == 1


def test_case_add_refuses_bad_input_with_a_thai_reason(env, capsys):
    base = ["case", "add", "--stream", "complaint", "--channel", "phone", "--text", "ถนนพัง"]
    assert cli.main([*base, "--received", "2567-02-30", "--category", "road"]) == 2
    assert msg.BAD_DAY.format(day="2567-02-30") in capsys.readouterr().err
    assert cli.main([*base, "--received", "2999-01-01", "--category", "road"]) == 2
    assert "2999" not in capsys.readouterr().out
    assert cli.main([*base, "--received", "2567-03-01", "--category", "bribe"]) == 2
    assert "bribe" in capsys.readouterr().err  # a tip category for a complaint
    with env.db.connect() as conn:
        assert conn.execute(sa.text("select count(*) from complaint")).scalar_one() == 0


def test_a_back_dated_change_keeps_the_history_in_order(env, capsys):
    out = run_cli(capsys, "case", "add", "--stream", "complaint", "--channel", "letter",
                  "--received", "1/3/2024", "--category", "other", "--text", "ขอช่วย")  # fmt: skip
    code = CODE.search(out)
    assert code
    run_cli(capsys, "case", "status", code[0], "in_progress", "--at", "2567-03-10")
    assert cli.main(["case", "status", code[0], "completed", "--at", "2567-03-05"]) == 2
    assert "2024-03-10" in capsys.readouterr().err
    run_cli(capsys, "case", "status", code[0], "completed", "--at", "2567-03-10")  # same day: ok
    complaints = march(capsys)["complaints"]
    assert complaints["status_at_end"]["completed"] == 1
    assert complaints["median_days_to_completion"] == 9.0


def test_a_tip_added_by_hand_shows_its_code_once_with_a_warning(env, capsys):
    out = run_cli(capsys, "case", "add", "--stream", "tip", "--channel", "walk-in",
                  "--received", "2567-03-01", "--category", "bribe", "--text", "รับเงิน")  # fmt: skip
    assert CODE.search(out) and msg.TIP_CODE_ONCE in out
    with env.db.connect() as conn:
        assert conn.execute(sa.text("select channel from stats_case")).scalar_one() == "walk-in"


def test_the_migration_records_cases_filed_before_it(db_url, tmp_path):
    """A database at 0002 with cases in it: after the upgrade they are in the statistics."""
    url = f"sqlite:///{tmp_path / 'old.db'}" if db_url.startswith("sqlite") else db_url
    engine = make_engine(url)
    config = alembic_config(engine)
    if not url.startswith("sqlite"):  # the shared fixture migrated it already: start over
        tables = sa.MetaData()
        tables.reflect(bind=engine)
        tables.drop_all(bind=engine)
    command.upgrade(config, "0002_plans")
    with engine.begin() as conn:
        conn.execute(sa.text("insert into organisation (slug, name, phone, website, address) "
                             "values ('old', 'old', '', '', '')"))  # fmt: skip
        org = conn.execute(sa.text("select id from organisation where slug = 'old'")).scalar_one()
        received = datetime.fromisoformat("2024-03-01T03:00:00+00:00")
        done = datetime.fromisoformat("2024-03-04T03:00:00+00:00")
        conn.execute(
            sa.text(
                "insert into complaint (org_id, code, category, description, location_title,"
                " complainant_name, complainant_phone, channel, chat_id, user_id, status,"
                " received_at, due_on, updated_at) values (:o, '1', 'road', 'x', '', '', '',"
                " 'line', 'c', 'u', 'completed', :r, '2024-03-16', :d)"
            ).bindparams(sa.bindparam("r", type_=sa.DateTime(timezone=True)),
                         sa.bindparam("d", type_=sa.DateTime(timezone=True))),
            {"o": org, "r": received, "d": done},
        )  # fmt: skip
        case = conn.execute(sa.text("select id from complaint")).scalar_one()
        for status, at in (("received", received), ("completed", done)):
            conn.execute(
                sa.text(
                    "insert into complaint_status_change (org_id, complaint_id, status, at, actor,"
                    " public_note, internal_note) values (:o, :c, :s, :a, 'x', '', '')"
                ).bindparams(sa.bindparam("a", type_=sa.DateTime(timezone=True))),
                {"o": org, "c": case, "s": status, "a": at},
            )
    command.upgrade(config, "head")
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("select status, previous, days from stats_status order by at")
        ).all()
        channel = conn.execute(sa.text("select channel from stats_case")).scalar_one()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("received", "", 0), ("completed", "received", 3)]
    assert channel == "line"
