"""Each output of the statistics carries the same numbers: text, chart, workbook, CSV, page.

Published outputs (chart, CSV, page, public workbook and text) show tips as totals only;
the staff ones break them down.
"""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from PIL import Image

from messages import sample_org
from messages.citizen.tracking import STATUS_LABELS
from messages.stats import labels as msg
from tests import stats_fixture
from tests.test_stats_figures import khaothong  # noqa: F401  (the fixture's cases)

TIP_WORDS = ("รับสินบน/ผลประโยชน์", "จัดซื้อจัดจ้าง", "ใช้อำนาจโดยมิชอบ")  # tip categories only


def write(capsys, tmp_path, fmt: str, *extra: str, period: str = "2567-03"):
    out = tmp_path / f"stats.{fmt}"
    stats_fixture.run_cli(capsys, "stats", "--period", period, "--format", fmt, "--out",
                          str(out), *extra)  # fmt: skip
    return out


def test_staff_text_breaks_tips_down_and_public_text_shows_totals(khaothong, capsys):  # noqa: F811
    staff = stats_fixture.run_cli(capsys, "stats", "--period", "มี.ค. 2567")
    public = stats_fixture.run_cli(capsys, "stats", "--period", "มี.ค. 2567", "--public")
    for text in (staff, public):
        assert "มีนาคม 2567" in text and "รับเรื่อง 7 เรื่อง" in text and "รับเรื่อง 3 เรื่อง" in text
        assert "ค้างดำเนินการ ณ สิ้นช่วง 4 เรื่อง" in text
        assert "เฉลี่ย 4.00 จาก 5 (3 ความเห็น)" in text
    assert "จัดซื้อจัดจ้าง 1" in staff and "ศูนย์ดำรงธรรม 1" in staff
    assert not any(word in public for word in TIP_WORDS) and "ศูนย์ดำรงธรรม" not in public
    assert msg.TIPS_TOTALS_NOTE in public


def test_the_chart_is_a_picture_of_sensible_size_with_both_streams(khaothong, capsys, tmp_path):  # noqa: F811
    path = write(capsys, tmp_path, "png")
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == (1200, 675)
        rgb = image.convert("RGB")
        colours = rgb.getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50  # text and bars, not a blank canvas
    counts = {colour: n for n, colour in colours}
    assert counts.get((255, 255, 255), 0) < 0.97 * 1200 * 675
    assert counts.get((0x1F, 0x6F, 0xB2), 0) > 2000  # complaint bars
    assert counts.get((0xD9, 0x8C, 0x1F), 0) > 2000  # tip bars


def test_the_staff_workbook_read_back_cell_by_cell(khaothong, capsys, tmp_path):  # noqa: F811
    book = load_workbook(write(capsys, tmp_path, "xlsx"))
    assert book.sheetnames == [msg.SUMMARY_SHEET, msg.STREAM_SHORT["complaint"],
                               msg.STREAM_SHORT["tip"], msg.YEAR_SHEET]  # fmt: skip
    summary = book[msg.SUMMARY_SHEET]
    assert summary["A2"].value.endswith(sample_org.NAME)
    assert "มีนาคม 2567" in summary["A3"].value and "31 มีนาคม 2567" in summary["A4"].value
    rows = [[c.value for c in row] for row in summary.iter_rows(min_row=7, max_row=16)]
    # period: complaints, tips; fiscal year to date: complaints, tips
    expected = [
        [7, 3, 11, 4],
        [2, 1, 2, 1], [1, 0, 2, 1], [3, 1, 6, 1], [1, 0, 1, 0], [0, 1, 0, 1],
        [5, 1, 6, 1], [4, 2, 4, 2], [5, 2, 9, 2], [14.0, 23.0, 7.0, 23.0],
    ]  # fmt: skip
    assert [row[1:] for row in rows] == expected
    assert all(isinstance(v, int | float) for row in rows for v in row[1:])
    assert rows[1][0].endswith(STATUS_LABELS["received"])

    complaints = book[msg.STREAM_SHORT["complaint"]]
    categories = {
        r[0]: r[1] for r in complaints.iter_rows(min_row=7, max_col=2, values_only=True) if r[0]
    }
    assert categories == {"ถนน/ไฟฟ้าสาธารณะ": 3, "น้ำประปา": 2, "ขยะ/สิ่งแวดล้อม": 1,
                          "เหตุเดือดร้อนรำคาญ": 0, "บริการของเจ้าหน้าที่": 0, "อื่น ๆ": 1,
                          msg.TOTAL: 7}  # fmt: skip
    channels = {r[0]: r[1] for r in complaints.iter_rows(min_row=7, min_col=4, max_col=5,
                                                         values_only=True)}  # fmt: skip
    assert channels["LINE"] == 3 and channels["ติดต่อด้วยตนเอง"] == 1 and channels[msg.TOTAL] == 7

    tips = book[msg.STREAM_SHORT["tip"]]
    tip_categories = {r[0]: r[1] for r in tips.iter_rows(min_row=7, max_col=2, values_only=True)}
    assert tip_categories["จัดซื้อจัดจ้าง"] == 1 and tip_categories[msg.TOTAL] == 3

    year = book[msg.YEAR_SHEET]
    months = [list(r) for r in year.iter_rows(min_row=7, values_only=True)]
    assert [m[0] for m in months] == ["ตุลาคม 2566", "พฤศจิกายน 2566", "ธันวาคม 2566",
                                      "มกราคม 2567", "กุมภาพันธ์ 2567", "มีนาคม 2567",
                                      "ตุลาคม 2566 – มีนาคม 2567"]  # fmt: skip
    assert months[1][1:] == [1, 1, 0, 1, 0, 0, 0, 0]  # November: C12 received and completed
    assert months[4][1:] == [2, 1, 2, 2, 1, 0, 1, 0]  # February: C1, C11; C1 and C9 open; T2
    assert months[5][1:] == [7, 5, 4, 5, 3, 1, 2, 2]
    assert months[6][1:] == [11, 6, 4, 9, 4, 1, 2, 2]


def test_the_public_workbook_shows_tips_as_totals(khaothong, capsys, tmp_path):  # noqa: F811
    book = load_workbook(write(capsys, tmp_path, "xlsx", "--public"))
    cells = [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value]
    assert not any(word in cell for cell in cells for word in TIP_WORDS)
    tips = book[msg.STREAM_SHORT["tip"]]
    assert tips["A6"].value == msg.TIPS_TOTALS_NOTE
    assert tips["B9"].value == 3  # received


def test_the_csv_starts_with_a_bom_and_holds_the_year_month_by_month(khaothong, capsys, tmp_path):  # noqa: F811
    data = write(capsys, tmp_path, "csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == msg.MONTH_HEADING and len(rows[0]) == 9
    by_month = {row[0]: row[1:] for row in rows[1:]}
    assert by_month["มีนาคม 2567"] == ["7", "5", "4", "5", "3", "1", "2", "2"]
    assert by_month["ตุลาคม 2566 – มีนาคม 2567"] == ["11", "6", "4", "9", "4", "1", "2", "2"]
    assert not any(word in data.decode("utf-8-sig") for word in TIP_WORDS)


def test_what_the_chat_will_send_to_each_staff_audience(khaothong):  # noqa: F811
    from datetime import UTC, datetime

    from sqlmodel import Session

    from handlers.cases.lifecycle import RESOLUTION_DAYS
    from handlers.stats.for_staff import last_month_statistics, staff_statistics
    from storage.models import Organisation
    from storage.stats.periods import parse_period

    april = datetime(2024, 4, 1, 1, 0, tzinfo=UTC)  # the morning of 1 April in Bangkok
    with Session(khaothong.db) as session:
        org = session.get(Organisation, khaothong.org_id)
        admins = last_month_statistics(session, org=org, deadline_days=RESOLUTION_DAYS, now=april)
        officers = staff_statistics(
            session, org=org, period=parse_period("2567-03"), deadline_days=RESOLUTION_DAYS,
            now=april, tips=False,
        )  # fmt: skip
    assert admins.file_stem == "stats-khaothong-2567-03"
    assert "มีนาคม 2567" in admins.text and "จัดซื้อจัดจ้าง 1" in admins.text
    assert msg.STREAM_TITLES["tip"] not in officers.text and "รับเรื่อง 7 เรื่อง" in officers.text
    assert admins.png.startswith(b"\x89PNG")
    staff_book = load_workbook(io.BytesIO(admins.xlsx))
    officer_book = load_workbook(io.BytesIO(officers.xlsx))
    assert staff_book[msg.STREAM_SHORT["tip"]]["A7"].value == "รับสินบน/ผลประโยชน์"
    assert officer_book[msg.STREAM_SHORT["tip"]]["A6"].value == msg.TIPS_TOTALS_NOTE
