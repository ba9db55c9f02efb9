"""`complaintbot org import/export`: hundreds of organisations onboarded from one sheet, every
bad line refused with its number and a Thai reason before anything is written, and the
export read back unchanged. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import geothai
import pytest
from sqlmodel import Session, select

from bot.cli.main import main
from messages.cli import common as cli_msg
from messages.hosting import org_file as msg
from storage import org_settings, orgs
from storage.db import make_engine
from storage.hosting.place_models import PlaceOrg
from storage.models import Organisation

HEADER = ["ชื่อย่อ", "ชื่อหน่วยงาน", "ประเภท", "รหัสตำบล", "โทรศัพท์", "website",
          "deadline-days", "units", "reminder-time"]  # fmt: skip


@pytest.fixture
def env(monkeypatch, tmp_path, db_url):
    monkeypatch.setenv("COMPLAINTBOT_DATABASE_URL", db_url)
    monkeypatch.setenv("COMPLAINTBOT_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def tambon_codes(count: int) -> list[str]:
    codes = []
    for province in geothai.provinces():
        for district in geothai.districts(province.code):
            codes.extend(s.code for s in geothai.subdistricts(district.code))
            if len(codes) >= count:
                return codes[:count]
    return codes


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([HEADER, *rows])
    return path


def counts(db_url: str) -> tuple[int, int]:
    engine = make_engine(db_url)
    with Session(engine) as session:
        found = (
            len(session.exec(select(Organisation)).all()),
            len(session.exec(select(PlaceOrg)).all()),
        )
    engine.dispose()
    return found


def test_a_file_with_bad_lines_is_refused_with_every_line_and_reason(env, capsys, db_url):
    [code] = tambon_codes(1)
    before = counts(db_url)
    bad = write_csv(env / "orgs.csv", [
        ["namcham", "อบต.น้ำชำ", "อบต.", code, "054000000", "", "20", "สำนักปลัด", "08:00"],
        ["Bad Slug", "เทศบาลเมือง", "เทศบาล", "", "", "", "", "", ""],          # line 3
        ["namcham", "อบต.น้ำชำซ้ำ", "อบต.", "", "", "", "", "", ""],             # line 4
        ["", "", "", "", "", "", "", "", ""],                                   # blank: skipped
        ["bankhok", "", "บริษัท", "999999 " + code, "", "", "0", "", "8 โมง"],  # line 6
    ])  # fmt: skip
    assert main(["org", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert cli_msg.IMPORT_REFUSED.format(file=bad, count=7) in err
    expected = [
        msg.problem(3, "slug_bad", "Bad Slug"),
        msg.problem(4, "slug_twice", "namcham, บรรทัด 2"),
        msg.problem(6, "name_missing"),
        "บรรทัด 6: ค่าไม่ถูกต้อง (type = บริษัท: ต้องเป็น",
        "บรรทัด 6: ค่าไม่ถูกต้อง (deadline-days = 0: ต้องเป็นจำนวนวัน 1–365)",
        "บรรทัด 6: ค่าไม่ถูกต้อง (reminder-time = 8 โมง: ต้องเป็นเวลาแบบ HH:MM",
        msg.problem(6, "tambon_unknown", "999999"),
    ]
    for line in expected:
        assert line in err
    assert "บรรทัด 2" not in err.replace("namcham, บรรทัด 2", "")  # the good line is not blamed
    assert counts(db_url) == before  # nothing imported, not even the good line

    assert main(["org", "import", str(env / "missing.csv")]) == 2
    assert cli_msg.FILE_MISSING.format(file=env / "missing.csv") in capsys.readouterr().err


def test_hundreds_are_imported_and_the_export_reads_back_unchanged(env, capsys, db_url):
    codes = tambon_codes(300)
    rows = [
        [f"org-{n:03d}", f"{'เทศบาลตำบล' if n % 3 == 0 else 'อบต.'}ทดสอบ {n}",
         "เทศบาล" if n % 3 == 0 else "อบต.", f"{codes[n]} {codes[(n + 1) % 300]}",
         f"0540{n:05d}", f"https://org{n}.go.th" if n % 2 else "", str(10 + n % 20),
         "สำนักปลัด, กองช่าง" if n % 5 else "", "07:30" if n % 7 == 0 else ""]
        for n in range(300)
    ]  # fmt: skip
    path = write_csv(env / "orgs.csv", rows)
    before = counts(db_url)
    assert main(["org", "import", str(path), "--dry-run"]) == 0
    assert "เพิ่มใหม่ 300" in capsys.readouterr().out and counts(db_url) == before

    started = time.perf_counter()
    assert main(["org", "import", str(path)]) == 0
    took = time.perf_counter() - started
    out = capsys.readouterr().out
    assert msg.IMPORT_DONE.format(rows=300, added=300, updated=0, tambons=600) in out
    assert took < 30, f"300 organisations took {took:.1f} s"
    engine = make_engine(db_url)
    with Session(engine) as session:
        org = orgs.by_slug(session, "org-007")
        rules = org_settings.get(session, org.id)
        assert (org.name, org.kind, org.phone) == ("อบต.ทดสอบ 7", "sao", "054000007")
        assert (rules.deadline_days, rules.reminder_time) == (17, "07:30")
        assert rules.units == ["สำนักปลัด", "กองช่าง"]
        places = session.exec(select(PlaceOrg).where(PlaceOrg.org_id == org.id)).all()
        assert sorted(p.subdistrict_code for p in places) == sorted([codes[7], codes[8]])
    engine.dispose()

    first, sheet, second = env / "first.csv", env / "sheet.xlsx", env / "second.csv"
    assert main(["org", "export", str(first)]) == 0
    assert main(["org", "export", str(sheet)]) == 0
    assert main(["org", "import", str(sheet)]) == 0  # the export, read back
    assert msg.IMPORT_DONE.format(rows=before[0] + 300, added=0, updated=before[0] + 300,
                                  tambons=600) in capsys.readouterr().out  # fmt: skip
    assert main(["org", "export", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    assert counts(db_url) == (before[0] + 300, 600)
    exported = list(csv.reader(first.read_text(encoding="utf-8-sig").splitlines()))
    assert exported[0][:4] == ["slug", "name", "type", "tambons"]
    assert exported[1 + before[0] + 7][:3] == ["org-007", "อบต.ทดสอบ 7", "อบต."]
    print(f"imported 300 organisations in {took:.2f} s")
