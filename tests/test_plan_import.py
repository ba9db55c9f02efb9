"""Importing e-PlanNACC tables: what real files contain is accepted; a bad row stops the file."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import Session, select

from storage import orgs
from storage.plan import importer as plan_import
from storage.plan import repo as plan_repo
from storage.plan.importer import ImportFailed, Reason
from storage.plan.models import PlanItem, PlanProgressReport, PlanStatus

HEADER = "ลำดับ,รายการโครงการ (ตั้งต้น),มิติ,งบประมาณ,เบิกจ่าย (บาท),สถานะ,หมายเหตุ"
AS_OF = date(2024, 1, 12)


def org_id(session: Session) -> int:
    org = orgs.ensure(session, slug="khokphutsa", name="เทศบาลตำบลโคกพุทรา")
    assert org.id is not None
    return org.id


def import_text(session: Session, tmp_path: Path, text: str, **kwargs) -> plan_import.ImportResult:
    path = tmp_path / "plan.csv"
    path.write_text(text, encoding="utf-8")
    return plan_import.import_file(
        session, path, org_id(session), fiscal_year=2566, round=12, as_of=AS_OF, **kwargs
    )


def views(session: Session) -> dict[int, plan_repo.ItemView]:
    plan = plan_repo.latest_plan(session, org_id(session))
    assert plan is not None
    return {v.number: v for v in plan_repo.item_views(session, plan, 2566, 12)}


def test_a_clean_csv_is_imported_with_exact_money(engine, tmp_path):
    text = "\n".join(
        [
            HEADER,
            "1,มาตรการส่งเสริมคุณธรรมและความโปร่งใส,2,0.00,0.00,ดำเนินการแล้วเสร็จ,",
            '13,กิจกรรมส่งเสริมและพัฒนาศักยภาพสมาชิกสภาท้องถิ่น,4,"100,000.00","4,840.00",'
            "ดำเนินการแล้วเสร็จ,อบรม 1 รุ่น",
        ]
    )
    with Session(engine) as session, session.begin():
        result = import_text(session, tmp_path, text, reporter="หัวหน้าสำนักปลัด")
        assert (result.rows, result.items_created, result.reports_added) == (2, 2, 2)
        item = views(session)[13]
        assert item.budget == Decimal("100000.00") and item.spent == Decimal("4840.00")
        assert isinstance(item.spent, Decimal)
        assert item.status is PlanStatus.DONE
        assert item.kind == "activity" and item.dimension == 4
        assert item.result == "อบรม 1 รุ่น" and item.as_of == AS_OF
    with Session(engine) as session:  # read back from the database, not the session cache
        assert views(session)[13].spent == Decimal("4840.00")


def test_real_file_quirks_are_tolerated(engine, tmp_path):
    """Thai digits, separators, "-" budgets, blank lines, a page title and the repeated
    two-line header at a page break, and ticks in the four status columns."""
    status_header = ",,,,,รอ รายงาน,อยู่ ระหว่าง ดำเนิน การ,ดำเนิน การ แล้วเสร็จ,ไม่ สามารถ ดำเนิน การได้,"
    header = "ลำดับ,รายการโครงการ (ตั้งต้น),มิติ,งบประมาณ,เบิกจ่าย (บาท),สถานะ,,,,หมายเหตุ"
    text = "\n".join(
        [
            "รายงานผลการดำเนินงานตามแผนปฏิบัติการป้องกันการทุจริต พ.ศ. 2566 รอบ 12 เดือน",
            header,
            status_header,
            "๑,มาตรการ “ส่งเสริมการปฏิบัติงานตามประมวลจริยธรรม”,๑,-,-,,,✓,,",
            "",
            ",,,,,,,,,",
            '2,โครงการอบรมบุคลากรเพื่อต่อต้านคอร์รัปชัน,มิติที่ 2,"๕๙,๐๕๐.๐๐","59,050",,☑,,,โอนเพิ่ม',
            "รายงานผลการดำเนินงานตามแผนปฏิบัติการป้องกันการทุจริต พ.ศ. 2566 รอบ 12 เดือน",
            header,
            status_header,
            '3,โครงการวันเด็กแห่งชาติ,1,"250,000.00 บาท",0,,,,<input checked="" type="checkbox"/>,',
            '4,โครงการส่งเสริมจริยธรรม,1,250000,0,<input checked="" type="checkbox"/>,'
            '<input type="checkbox"/>,<input type="checkbox"/>,<input type="checkbox"/>,',
            "รวม,,,,,,,,,",
        ]
    )
    with Session(engine) as session, session.begin():
        result = import_text(session, tmp_path, text)
        assert result.rows == 4
        got = views(session)
        assert got[1].status is PlanStatus.DONE and got[1].budget == Decimal("0.00")
        assert got[2].status is PlanStatus.IN_PROGRESS
        assert (got[2].budget, got[2].spent, got[2].dimension) == (
            Decimal("59050.00"),
            Decimal("59050.00"),
            2,
        )
        assert got[2].result == "โอนเพิ่ม"
        assert got[3].status is PlanStatus.CANNOT and got[3].budget == Decimal("250000.00")
        assert got[4].status is PlanStatus.PENDING


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("รอรายงาน", PlanStatus.PENDING),
        ("รอการรายงาน", PlanStatus.PENDING),
        ("อยู่ระหว่าง ดำเนินการ", PlanStatus.IN_PROGRESS),
        ("ดำเนินการแล้วเสร็จ", PlanStatus.DONE),
        ("เสร็จ", PlanStatus.DONE),
        ("ไม่สามารถดำเนินการได้", PlanStatus.CANNOT),
        ("done", PlanStatus.DONE),
    ],
)
def test_status_words_as_people_write_them(word, status):
    assert plan_import.parse_status(word) is status


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("-", "0.00"),
        ("", "0.00"),
        ("๑๐๐,๐๐๐.๐๐", "100000.00"),
        ("4,840", "4840.00"),
        ("  59,050.00 บาท ", "59050.00"),
        ("1x", None),
        ("-5", None),
        ("1.005", None),
    ],
)
def test_amounts_are_read_exactly(text, amount):
    expected = None if amount is None else Decimal(amount)
    assert plan_import.parse_amount(text) == expected


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(engine, tmp_path):
    text = "\n".join(
        [
            HEADER,
            "1,มาตรการหนึ่ง,1,0,0,ดำเนินการแล้วเสร็จ,",
            "",
            "2,มาตรการสอง,7,0,0,ดำเนินการแล้วเสร็จ,",  # line 4: no มิติ 7
            "3,มาตรการสาม,2,หนึ่งพัน,0,ดำเนินการแล้วเสร็จ,",  # line 5: budget
            "1,มาตรการซ้ำ,2,0,0,รอรายงาน,",  # line 6: number used on line 2
            "4,มาตรการสี่,2,0,0,ยังไม่รู้,",  # line 7: status
        ]
    )
    with Session(engine) as session, session.begin():
        with pytest.raises(ImportFailed) as failed:
            import_text(session, tmp_path, text)
        problems = [(p.line, p.reason) for p in failed.value.problems]
        assert problems == [
            (4, Reason.DIMENSION),
            (5, Reason.BUDGET),
            (6, Reason.DUPLICATE),
            (7, Reason.STATUS),
        ]
    with Session(engine) as session:
        assert session.exec(select(PlanItem)).all() == []
        assert session.exec(select(PlanProgressReport)).all() == []


def test_two_ticks_in_one_row_is_an_error(engine, tmp_path):
    text = "\n".join(
        [
            "ลำดับ,รายการโครงการ,มิติ,งบประมาณ,เบิกจ่าย,รอรายงาน,อยู่ระหว่างดำเนินการ,"
            "ดำเนินการแล้วเสร็จ,ไม่สามารถดำเนินการได้",
            "1,มาตรการหนึ่ง,1,0,0,,✓,✓,",
        ]
    )
    with Session(engine) as session, session.begin():
        with pytest.raises(ImportFailed) as failed:
            import_text(session, tmp_path, text)
        assert [(p.line, p.reason) for p in failed.value.problems] == [(2, Reason.STATUS_MANY)]


def test_a_file_without_the_table_header_is_refused(engine, tmp_path):
    with Session(engine) as session, session.begin():
        with pytest.raises(ImportFailed) as failed:
            import_text(session, tmp_path, "a,b,c\n1,2,3\n")
        assert failed.value.problems[0].reason is Reason.NO_HEADER


def test_xlsx_with_numbers_thai_digits_and_a_repeated_header(engine, tmp_path):
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    header = ["ลำดับ", "รายการโครงการ", "มิติ", "งบประมาณ", "เบิกจ่าย", "สถานะ", "หมายเหตุ"]
    sheet.append(header)
    sheet.append([1, "โครงการอบรมพัฒนาบุคลากร", 1, 50000, 37005, "ดำเนินการแล้วเสร็จ", None])
    sheet.append([None] * 7)
    sheet.append(header)
    sheet.append(["๒", "กิจกรรมใช้บัตรคิวในการติดต่อราชการ", "๑", "-", None, "รอรายงาน", "x"])
    sheet.append([3, "มาตรการลดต้นทุน", 2, 0.1 + 0.2, 0.1, "อยู่ระหว่างดำเนินการ", None])
    path = tmp_path / "plan.xlsx"
    book.save(path)
    with Session(engine) as session, session.begin():
        result = plan_import.import_file(
            session, path, org_id(session), fiscal_year=2566, round=12, as_of=AS_OF
        )
        assert result.rows == 3
        got = views(session)
        assert got[1].spent == Decimal("37005.00") and got[1].budget == Decimal("50000.00")
        assert got[2].status is PlanStatus.PENDING and got[2].dimension == 1
        assert got[3].budget == Decimal("0.30")


def test_xlsx_bad_row_reports_the_sheet_row(engine, tmp_path):
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ลำดับ", "รายการโครงการ", "มิติ", "งบประมาณ", "เบิกจ่าย", "สถานะ"])
    sheet.append([1, "มาตรการหนึ่ง", 1, 0, 0, "ดำเนินการแล้วเสร็จ"])
    sheet.append([2, "มาตรการสอง", 1, "ไม่ทราบ", 0, "ดำเนินการแล้วเสร็จ"])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    with Session(engine) as session, session.begin():
        with pytest.raises(ImportFailed) as failed:
            plan_import.import_file(
                session, path, org_id(session), fiscal_year=2566, round=12, as_of=AS_OF
            )
        assert [(p.line, p.reason) for p in failed.value.problems] == [(3, Reason.BUDGET)]
    with Session(engine) as session:
        assert session.exec(select(PlanItem)).all() == []


def test_a_new_report_keeps_the_old_one_and_wins(engine, tmp_path):
    first = HEADER + "\n13,กิจกรรมส่งเสริมสมาชิกสภา,4,100000,0,อยู่ระหว่างดำเนินการ,\n"
    second = HEADER + "\n13,กิจกรรมส่งเสริมสมาชิกสภา,4,100000,4840,ดำเนินการแล้วเสร็จ,\n"
    with Session(engine) as session, session.begin():
        import_text(session, tmp_path, first)
        import_text(session, tmp_path, second)
        item = views(session)[13]
        assert item.status is PlanStatus.DONE and item.spent == Decimal("4840.00")
        history = plan_repo.report_history(session, item.id)
        assert [r.status for r in history] == ["in_progress", "done"]


def test_the_template_has_the_columns_and_a_status_drop_down(tmp_path):
    path = tmp_path / "template.xlsx"
    plan_import.write_template(path)
    sheet = load_workbook(path).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == list(plan_import.TEMPLATE_HEADERS)
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert len(lists) == 1
    for word in plan_import.STATUS_WORDS.values():
        assert word in (lists[0].formula1 or "")
    assert "F2" in str(lists[0].sqref)
    assert sheet["A1"].font.name == "Sarabun"


def test_the_template_filled_in_imports(engine, tmp_path):
    path = tmp_path / "filled.xlsx"
    plan_import.write_template(path)
    book = load_workbook(path)
    sheet = book.active
    assert sheet is not None
    sheet.append([1, "มาตรการ No Gift Policy", 2, "-", "-", "ดำเนินการแล้วเสร็จ", "", "ประกาศแล้ว"])
    book.save(path)
    with Session(engine) as session, session.begin():
        plan_import.import_file(
            session, path, org_id(session), fiscal_year=2566, round=12, as_of=AS_OF
        )
        assert views(session)[1].result == "ประกาศแล้ว"


@pytest.mark.parametrize(("delimiter", "encoding"), [("\t", "utf-16"), (";", "cp874")])
def test_tab_and_semicolon_files_in_windows_encodings(engine, tmp_path, delimiter, encoding):
    rows = [
        ["ลำดับ", "รายการโครงการ", "มิติ", "งบประมาณ", "เบิกจ่าย", "สถานะ"],
        ["1", "โครงการอบรมพัฒนาบุคลากร", "1", "50,000.00", "37,005.00", "ดำเนินการแล้วเสร็จ"],
    ]
    path = tmp_path / "plan.txt"
    path.write_bytes("\n".join(delimiter.join(r) for r in rows).encode(encoding))
    with Session(engine) as session, session.begin():
        plan_import.import_file(
            session, path, org_id(session), fiscal_year=2566, round=12, as_of=AS_OF
        )
        assert views(session)[1].spent == Decimal("37005.00")
