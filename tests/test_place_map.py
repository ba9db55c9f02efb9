"""A host loads its map of tambons to organisations: checked against geothai, all or nothing."""

from __future__ import annotations

import pytest
from openpyxl import Workbook
from sqlmodel import Session

from bot.cli import main as cli
from messages.cli import common as cli_msg
from messages.hosting import org_map as msg
from storage.hosting import org_map
from storage.import_problems import ImportFailed
from tests.place_fixture import MAP_CSV, load_map, make_orgs


def codes(engine, org_id=None) -> list[tuple[str, int]]:
    with Session(engine) as session:
        return [(p.subdistrict_code, p.org_id) for p in org_map.places(session, org_id)]


def test_a_good_file_maps_every_tambon_with_names_from_geothai(engine):
    ids = load_map(engine)
    with Session(engine) as session:
        rows = org_map.places(session, ids["sungmen"])
    assert [r.subdistrict_code for r in rows] == ["540401", "540402", "540403", "540408", "540411"]
    nam_cham = rows[1]
    assert (nam_cham.subdistrict_th, nam_cham.district_th, nam_cham.province_th) == (
        "น้ำชำ", "สูงเม่น", "แพร่",
    )  # fmt: skip
    assert (nam_cham.lat, nam_cham.lon) == (18.0020, 100.1120)
    # ต.ทุ่งโฮ้ง is served by two organisations: one row for each.
    assert ("540105", ids["muangphrae"]) in codes(engine) and ("540105", ids["namcham"]) in codes(
        engine
    )


def test_importing_again_replaces_an_organisations_rows(engine, tmp_path):
    ids = load_map(engine)
    again = tmp_path / "again.csv"
    again.write_text("org,subdistrict_code\nsungmen,540401\nsungmen,๕๔๐๔๑๒\n", encoding="utf-8")
    with Session(engine) as session, session.begin():
        result = org_map.import_map(session, again)
    assert (result.rows, result.replaced) == (2, 5)
    assert codes(engine, ids["sungmen"]) == [("540401", ids["sungmen"]), ("540412", ids["sungmen"])]
    assert len(codes(engine, ids["namcham"])) == 3  # organisations not in the file are kept
    with Session(engine) as session, session.begin():
        org_map.import_map(session, again)  # the same file twice: the same table
    assert len(codes(engine, ids["sungmen"])) == 2


def test_a_bad_file_imports_nothing_and_lists_every_problem(engine, tmp_path):
    make_orgs(engine)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "org,province,district,subdistrict,subdistrict_code,lat,lon\n"
        "sungmen,แพร่,สูงเม่น,สูงเม่น,,,\n"  # good
        "nowhere,แพร่,สูงเม่น,หัวฝาย,,,\n"  # 3: no such organisation
        "sungmen,แพร,สูงเม่น,หัวฝาย,,,\n"  # 4: no such province
        "sungmen,แพร่,สูงเมน,หัวฝาย,,,\n"  # 5: no such district
        "sungmen,แพร่,สูงเม่น,ในเวียง,,,\n"  # 6: not a tambon of that district
        "sungmen,,,น้ำชำ,,,\n"  # 7: two tambons of that name
        "sungmen,,,,999999,,\n"  # 8: no such code
        "sungmen,,,,,,\n"  # 9: no place at all
        "sungmen,แพร่,สูงเม่น,หัวฝาย,540401,,\n"  # 10: code and names disagree
        "sungmen,แพร่,สูงเม่น,หัวฝาย,,100.12,17.96\n"  # 11: lat and lon swapped
        "sungmen,,,,540401,,\n"  # 12: the same tambon again
        ",แพร่,สูงเม่น,หัวฝาย,,,\n",  # 13: no organisation
        encoding="utf-8",
    )
    with Session(engine) as session, session.begin(), pytest.raises(ImportFailed) as failed:
        org_map.import_map(session, bad)
    found = [(p.line, p.reason.value) for p in failed.value.problems]
    assert found == [
        (3, "org_unknown"), (4, "province_unknown"), (5, "district_unknown"),
        (6, "subdistrict_unknown"), (7, "ambiguous"), (8, "code_unknown"), (9, "place_missing"),
        (10, "code_mismatch"), (11, "coordinates"), (12, "duplicate"), (13, "org_missing"),
    ]  # fmt: skip
    assert codes(engine) == []
    for p in failed.value.problems:  # every problem has its Thai wording
        assert msg.import_problem(p.line, p.reason.value, p.value).startswith(f"บรรทัด {p.line}: ")


def test_a_mistyped_tambon_is_refused_with_the_closest_names_of_its_district(engine, tmp_path):
    make_orgs(engine)
    typo = tmp_path / "typo.csv"
    typo.write_text(
        "org,province,district,subdistrict\n"
        "sungmen,แพร่,สูงเม่น,หัวฝ่าย\n"  # หัวฝาย with a stray tone mark
        "sungmen,แพร่,สูงเม่น,กรุงเทพ\n",  # nothing like any tambon of สูงเม่น
        encoding="utf-8",
    )
    with Session(engine) as session, session.begin(), pytest.raises(ImportFailed) as failed:
        org_map.import_map(session, typo)
    first, second = failed.value.problems
    assert first.reason.value == second.reason.value == "subdistrict_unknown"
    assert "หมายถึง หัวฝาย หรือไม่" in msg.import_problem(first.line, first.reason.value, first.value)
    assert "หมายถึง" not in second.value
    assert codes(engine) == []


def test_prefixes_spacing_and_an_xlsx_sheet_are_forgiven(engine, tmp_path):
    ids = make_orgs(engine)
    book = Workbook()
    sheet = book.active
    sheet.append(["หน่วยงาน", "จังหวัด", "อำเภอ", "ตำบล", "ละติจูด", "ลองจิจูด", "รหัสตำบล"])
    sheet.append(["namcham", "จ. แพร่", "อำเภอ เมือง", "ต. ป่า แดง", 18.069, 100.204])
    sheet.append(["namcham", "จังหวัดแพร่", "อ.เมืองแพร่", "ตำบลน้ำชำ", None, None])
    sheet.append(["muangphrae", None, None, None, None, None, 540101.0])  # a code as a number
    path = tmp_path / "map.xlsx"
    book.save(path)
    with Session(engine) as session, session.begin():
        result = org_map.import_map(session, path)
    assert result.per_org == {"namcham": 2, "muangphrae": 1}
    assert codes(engine) == [
        ("540101", ids["muangphrae"]), ("540103", ids["namcham"]), ("540104", ids["namcham"]),
    ]  # fmt: skip


def test_a_dry_run_checks_and_writes_nothing(engine):
    make_orgs(engine)
    with Session(engine) as session, session.begin():
        result = org_map.import_map(session, MAP_CSV, dry_run=True)
    assert (result.rows, result.dry_run) == (10, True)
    assert codes(engine) == []


@pytest.fixture
def cli_env(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLAINTBOT_DATABASE_URL", db_url)
    monkeypatch.setenv("COMPLAINTBOT_DATA_DIR", str(tmp_path / "data"))


def test_cli_imports_lists_and_refuses_a_bad_file(engine, cli_env, tmp_path, capsys):
    make_orgs(engine)
    assert cli.main(["org", "map", "import", str(MAP_CSV), "--dry-run"]) == 0
    assert msg.DRY_RUN_DONE.format(rows=10, orgs=3, replaced=0) in capsys.readouterr().out
    assert cli.main(["org", "map", "import", str(MAP_CSV)]) == 0
    assert msg.IMPORT_DONE.format(rows=10, orgs=3, replaced=0) in capsys.readouterr().out

    assert cli.main(["org", "map", "list", "--org", "sungmen"]) == 0
    out = capsys.readouterr().out
    assert "540402  ต.น้ำชำ อ.สูงเม่น จ.แพร่ → เทศบาลตำบลสูงเม่น" in out
    assert "ในเวียง" not in out and msg.LIST_TOTAL.format(rows=5) in out

    bad = tmp_path / "bad.csv"
    bad.write_text("org,subdistrict_code\nsungmen,540401\nnowhere,540402\nsungmen,12\n")
    assert cli.main(["org", "map", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert cli_msg.IMPORT_REFUSED.format(file=bad, count=2) in err
    assert msg.import_problem(3, "org_unknown", "nowhere") in err
    assert msg.import_problem(4, "code_unknown", "12") in err
    assert len(codes(engine)) == 10  # the good map is untouched

    assert cli.main(["org", "map", "list", "--org", "nowhere"]) == 2
    assert cli.main(["org", "map", "import", str(tmp_path / "missing.csv")]) == 2
