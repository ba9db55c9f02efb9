"""Thai words of the complaint statistics: labels, headings, the chat summary, CLI messages.

The summary comes in two variants: for staff (integrity officers, administrators) with the
tips broken down by category and channel, and for the public with tip totals only, because
in a small organisation a breakdown can point at an informant.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Protocol

from messages.citizen import complaint as complaint_msg
from messages.citizen import tip as tip_msg
from messages.format import MONTHS_FULL, MONTHS_SHORT, thai_date_long


# The shapes the summary reads. `storage.stats` builds them; messages sits below storage and
# only names what it reads, so the words never depend on the queries.
class Period(Protocol):
    kind: str
    fiscal_year: int
    number: int
    first: date
    last: date


class Rating(Protocol):
    count: int
    mean: float | None


class StreamFigures(Protocol):
    received: int
    status_at_end: Mapping[str, int]
    completed_in_period: int
    open_at_end: int
    answered_within_deadline: int
    median_days_to_completion: float | None
    by_category: Mapping[str, int]
    by_channel: Mapping[str, int]
    rating: Rating


class Figures(Protocol):
    complaints: StreamFigures
    tips: StreamFigures


class Report(Protocol):
    period: Period
    org_name: str
    as_of: date
    figures: Figures
    year_to_date: Figures


CHANNEL_LABELS = {
    "line": "LINE",
    "telegram": "Telegram",
    "walk-in": "ติดต่อด้วยตนเอง",
    "phone": "โทรศัพท์",
    "letter": "หนังสือ/จดหมาย",
    "website": "เว็บไซต์",
    "email": "อีเมล",
    "damrongdhamma": "ศูนย์ดำรงธรรม",
    "other": "ช่องทางอื่น",
    "console": "ทดสอบระบบ",
    "chat": "แชตบอต",
    "unknown": "ไม่ทราบช่องทาง",
}
LISTED_CHANNELS = (
    "line", "telegram", "walk-in", "phone", "letter", "website", "email", "damrongdhamma", "other",
)  # fmt: skip
# Channels staff can record by hand (`complaintbot case add --channel`).
RECORDED_CHANNELS = ("walk-in", "phone", "letter", "website", "email", "damrongdhamma", "other")

CATEGORY_LABELS = {"complaint": complaint_msg.CATEGORY_LABELS, "tip": tip_msg.CATEGORY_LABELS}
STREAM_TITLES = {"complaint": "เรื่องร้องเรียน/ร้องทุกข์", "tip": "เรื่องร้องเรียนการทุจริตและประพฤติมิชอบ"}
STREAM_SHORT = {"complaint": "ร้องเรียนทั่วไป", "tip": "ร้องเรียนการทุจริต"}

TITLE = "สถิติเรื่องร้องเรียน"
REPORT_TITLE = "รายงานสถิติเรื่องร้องเรียน/ร้องทุกข์ และเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ"

FIGURE_LABELS = {
    "received": "รับเรื่อง",
    "in_progress": "อยู่ระหว่างดำเนินการ",
    "completed": "ดำเนินการแล้วเสร็จ",
    "completed_in_period": "แล้วเสร็จในช่วงนี้",
    "open_at_end": "ค้างดำเนินการ ณ สิ้นช่วง",
    "answered_within_deadline": "ตอบสนองภายในกำหนด",
    "median_days_to_completion": "มัธยฐานวันที่ใช้จนแล้วเสร็จ",
    "rating": "ความพึงพอใจ",
}
STATUS_AT_END_HEADING = "สถานะ ณ สิ้นช่วงของเรื่องที่รับ"
STATUS_AT_END_ROW = "– ณ สิ้นช่วง {status}"
CATEGORY_HEADING = "ประเภทเรื่อง"
CHANNEL_HEADING = "ช่องทาง"
COUNT_HEADING = "จำนวน (เรื่อง)"
MONTH_HEADING = "เดือน"
TOTAL = "รวม"
YEAR_SHEET = "รายเดือน"
SUMMARY_SHEET = "สรุป"
FIGURE_HEADING = "รายการ"
VALUE_HEADING = "ค่า"
ORG_HEADING = "หน่วยงาน"
PERIOD_HEADING = "ช่วงเวลา"
AS_OF_HEADING = "ข้อมูล ณ วันที่"
TIPS_TOTALS_NOTE = "เพื่อคุ้มครองผู้แจ้งเบาะแส เรื่องร้องเรียนการทุจริตแสดงเฉพาะยอดรวม ไม่แยกประเภทหรือช่องทาง"
NO_VALUE = "-"
DAYS = "{days} วัน"
CHART_TITLE = "สถิติเรื่องร้องเรียน {period}"
CHART_AXIS = "จำนวนเรื่อง"
CHART_BARS = {
    "received": "รับเรื่อง",
    "completed_in_period": "แล้วเสร็จ\nในช่วงนี้",
    "open_at_end": "ค้างดำเนินการ\nณ สิ้นช่วง",
    "answered_within_deadline": "ตอบสนอง\nภายในกำหนด",
}
DOWNLOAD_CSV = "ดาวน์โหลด CSV"
DOWNLOAD_XLSX = "ดาวน์โหลด Excel"
FISCAL_YEAR_HEADING = "ปีงบประมาณ {year} รายเดือน"
PERIOD_FIGURES_HEADING = "สถิติ{period}"
YEAR_TO_DATE_HEADING = "ตั้งแต่ต้นปีงบประมาณ {year} ถึง {last}"
PAGE_NOT_FOUND = "ไม่พบหน่วยงาน {slug}"
PAGE_NOT_FOUND_HINT = "กรุณาตรวจสอบที่อยู่ของหน้า เช่น /stats/ชื่อย่อหน่วยงาน"
PAGE_FUTURE_PERIOD = "ช่วงเวลา {period} ยังไม่เริ่ม"
PAGE_ERROR_TITLE = "ไม่สามารถแสดงสถิติได้"
PAGE_BAD_PERIOD = "ช่วงเวลาไม่ถูกต้อง: {period} (ตัวอย่าง 2567-03, 2567-Q2, 2567-H1, 2567)"
DEADLINE_NOTE = "ตอบสนองภายในกำหนด = มีการดำเนินการครั้งแรกภายใน {days} วันนับแต่วันรับเรื่อง"

# Words people put before a fiscal year or a quarter when they type a period.
FISCAL_YEAR_WORDS = ("ปีงบประมาณ", "ปีงบฯ", "ปีงบ", "พ.ศ.", "ปี")
QUARTER_WORDS = ("ไตรมาสที่", "ไตรมาส")
QUARTER = "ไตรมาสที่ {n} ปีงบประมาณ {year}"
HALF = {1: "รอบ 6 เดือนแรก ปีงบประมาณ {year}", 2: "รอบ 6 เดือนหลัง ปีงบประมาณ {year}"}
YEAR = "ปีงบประมาณ {year}"
SPAN = "{first} – {last}"


def month_label(month: int, year_be: int) -> str:
    return f"{MONTHS_FULL[month - 1]} {year_be}"


def month_short(month: int, year_be: int) -> str:
    return f"{MONTHS_SHORT[month - 1]} {year_be % 100:02d}"


def period_label(period: Period) -> str:
    """`มีนาคม 2567`, `ไตรมาสที่ 2 ปีงบประมาณ 2567`, `ปีงบประมาณ 2567`, …"""
    kind = str(period.kind)
    if kind == "month":
        return month_label(period.first.month, period.first.year + 543)
    if kind == "quarter":
        return QUARTER.format(n=period.number, year=period.fiscal_year)
    if kind == "half":
        return HALF[period.number].format(year=period.fiscal_year)
    if kind == "year":
        return YEAR.format(year=period.fiscal_year)
    return SPAN.format(
        first=month_label(period.first.month, period.first.year + 543),
        last=month_label(period.last.month, period.last.year + 543),
    )


def channel_label(channel: str) -> str:
    return CHANNEL_LABELS.get(channel, channel)


def category_label(stream: str, category: str) -> str:
    return CATEGORY_LABELS[stream].get(category, category)


def days_text(value: float | None) -> str:
    if value is None:
        return NO_VALUE
    return DAYS.format(days=f"{value:g}")


def rating_line(count: int, mean: float | None) -> str:
    if not count or mean is None:
        return "ความพึงพอใจ (ร้องเรียนทั่วไป): ยังไม่มีผู้ให้คะแนน"
    return f"ความพึงพอใจ (ร้องเรียนทั่วไป): เฉลี่ย {mean:.2f} จาก 5 ({count} ความเห็น)"


def _breakdown(title: str, counts: Mapping[str, int], label) -> list[str]:
    shown = [(label(key), n) for key, n in counts.items() if n]
    if not shown:
        return []
    return [f"{title}: " + ", ".join(f"{name} {n}" for name, n in shown)]


def _stream_lines(stream: str, f: StreamFigures, *, breakdown: bool, rating: bool) -> list[str]:
    s = f.status_at_end
    lines = [
        f"【{STREAM_TITLES[stream]}】",
        f"• รับเรื่อง {f.received} เรื่อง",
        f"  สถานะ ณ สิ้นช่วง: รับเรื่องแล้ว {s['received']} · อยู่ระหว่างดำเนินการ "
        f"{s['in_progress']} · แล้วเสร็จ {s['completed']} · ส่งต่อ {s['referred']} · ยุติ "
        f"{s['closed']}",
        f"• แล้วเสร็จในช่วงนี้ {f.completed_in_period} เรื่อง"
        + (
            f" (มัธยฐาน {days_text(f.median_days_to_completion)})"
            if f.median_days_to_completion is not None
            else ""
        ),
        f"• ค้างดำเนินการ ณ สิ้นช่วง {f.open_at_end} เรื่อง",
        f"• ตอบสนองภายในกำหนด {f.answered_within_deadline} จาก {f.received} เรื่อง",
    ]
    if breakdown:
        lines += _breakdown("  ประเภท", f.by_category, lambda key: category_label(stream, key))
        lines += _breakdown("  ช่องทาง", f.by_channel, channel_label)
    if rating:
        r = f.rating
        lines.append(
            f"• ความพึงพอใจ: เฉลี่ย {r.mean:.2f} จาก 5 ({r.count} ความเห็น)"
            if r.count
            else "• ความพึงพอใจ: ยังไม่มีผู้ให้คะแนน"
        )
    return lines


def summary_text(report: Report, *, staff: bool, tips: bool = True) -> str:
    """The chat summary. `staff` shows the tips' breakdown; the public one shows totals.
    `tips=False` leaves the tip stream out (for complaint officers)."""
    lines = [
        f"{TITLE} {period_label(report.period)}",
        report.org_name,
        f"ข้อมูล ณ วันที่ {thai_date_long(report.as_of)}",
        "",
        *_stream_lines("complaint", report.figures.complaints, breakdown=True, rating=True),
    ]
    if tips:
        lines += ["", *_stream_lines("tip", report.figures.tips, breakdown=staff, rating=False)]
    if report.year_to_date is not report.figures:
        c, t = report.year_to_date.complaints, report.year_to_date.tips
        lines += [
            "",
            YEAR_TO_DATE_HEADING.format(
                year=report.period.fiscal_year,
                last=month_label(report.period.last.month, report.period.last.year + 543),
            ),
            f"• ร้องเรียนทั่วไป รับ {c.received} แล้วเสร็จ {c.completed_in_period} ค้าง {c.open_at_end}",
        ]
        if tips:
            lines.append(
                f"• ร้องเรียนการทุจริต รับ {t.received} แล้วเสร็จ {t.completed_in_period} "
                f"ค้าง {t.open_at_end}"
            )
    if not staff and tips:
        lines += ["", TIPS_TOTALS_NOTE]
    return "\n".join(lines)


# --- the command line ---------------------------------------------------------------------

BAD_PERIOD = "ไม่เข้าใจช่วงเวลา: {period} (ตัวอย่าง 2567-03, 2024-03, มี.ค. 2567, 2567-Q2, 2567-H1, 2567)"
WRITTEN = "บันทึกสถิติ {period} ลงไฟล์ {path} แล้ว"
BAD_DAY = "ไม่เข้าใจวันที่: {day} (ตัวอย่าง 2567-03-05, 5/3/2567, 5 มี.ค. 2567)"
FUTURE_DAY = "วันที่ {day} ยังมาไม่ถึง"
BEFORE_LAST_CHANGE = "เรื่องนี้มีการบันทึกสถานะล่าสุดเมื่อ {last} แล้ว บันทึกสถานะย้อนหลังก่อนวันนั้นไม่ได้"
BAD_CATEGORY = "ไม่รู้จักประเภทเรื่อง: {category} (ใช้ได้: {allowed})"
EMPTY_TEXT = "กรุณาใส่รายละเอียดของเรื่อง (--text)"
CASE_ADDED = "บันทึก{stream} รับเมื่อ {received} ช่องทาง{channel} แล้ว\nรหัสติดตามเรื่อง: {code}"
TIP_REFERENCE = "เลขอ้างอิงของเจ้าหน้าที่: {reference} (ใช้เลขนี้กับคำสั่ง case ทุกคำสั่ง)"
TIP_CODE_ONCE = "รหัสของเรื่องแจ้งเบาะแสแสดงครั้งเดียวนี้เท่านั้น ระบบจะไม่แสดงอีก โปรดจดแล้วมอบให้ผู้แจ้งโดยตรง"


# --- `complaintbot case import`: the words of the file and the reasons for refusing a row ---

IMPORT_HEADERS = (
    "ลำดับ", "ประเภท (ร้องเรียนทั่วไป/ร้องเรียนการทุจริต)", "ช่องทาง", "วันที่รับเรื่อง",
    "หมวดเรื่อง", "รายละเอียด", "สถานะ", "วันที่ของสถานะ", "ชื่อผู้ร้อง", "ติดต่อ",
)  # fmt: skip
# First match wins; compared with spaces removed, lower case.
IMPORT_HEADER_PREFIXES = (
    (("วันที่รับ", "received"), "received"),
    (("วันที่", "status_date", "statusdate"), "status_at"),
    (("ประเภท", "stream"), "stream"),
    (("ช่องทาง", "channel"), "channel"),
    (("หมวด", "category"), "category"),
    (("รายละเอียด", "เรื่อง", "text"), "text"),
    (("สถานะ", "status"), "status"),
    (("ชื่อ", "name"), "name"),
    (("ติดต่อ", "โทร", "contact"), "contact"),
    (("ลำดับ", "ที่", "no"), "number"),
)
# Tip words first: "ร้องเรียนการทุจริต" also contains "ร้องเรียน".
STREAM_FORMS = (
    ("ทุจริต", "tip"), ("เบาะแส", "tip"), ("tip", "tip"),
    ("ร้องเรียน", "complaint"), ("ร้องทุกข์", "complaint"), ("complaint", "complaint"),
)  # fmt: skip
CHANNEL_FORMS = (
    ("ดำรงธรรม", "damrongdhamma"), ("ด้วยตนเอง", "walk-in"), ("walkin", "walk-in"),
    ("walk-in", "walk-in"), ("โทร", "phone"), ("phone", "phone"), ("หนังสือ", "letter"),
    ("จดหมาย", "letter"), ("letter", "letter"), ("เว็บ", "website"), ("website", "website"),
    ("อีเมล", "email"), ("email", "email"), ("e-mail", "email"), ("line", "line"),
    ("ไลน์", "line"), ("telegram", "telegram"), ("อื่น", "other"), ("other", "other"),
)  # fmt: skip
STATUS_FORMS = (
    ("อยู่ระหว่าง", "in_progress"), ("ระหว่าง", "in_progress"), ("in_progress", "in_progress"),
    ("แล้วเสร็จ", "completed"), ("เสร็จ", "completed"), ("completed", "completed"),
    ("ส่งต่อ", "referred"), ("referred", "referred"), ("ยุติ", "closed"),
    ("ไม่รับ", "closed"), ("closed", "closed"), ("รับเรื่อง", "received"),
    ("received", "received"),
)  # fmt: skip
TEMPLATE_STREAMS = tuple(STREAM_SHORT.values())

IMPORT_REASONS = {
    "no_header": "ไม่พบหัวตาราง (ต้องมีคอลัมน์ ประเภท ช่องทาง วันที่รับเรื่อง หมวดเรื่อง รายละเอียด)",
    "no_rows": "ไม่มีรายการในไฟล์",
    "unreadable": "อ่านไฟล์ไม่ได้ (ใช้ได้เฉพาะ CSV หรือ XLSX)",
    "stream": "ประเภทต้องเป็น ร้องเรียนทั่วไป หรือ ร้องเรียนการทุจริต",
    "channel": "ไม่รู้จักช่องทาง",
    "received": "วันที่รับเรื่องไม่ถูกต้อง",
    "future": "วันที่ยังมาไม่ถึง",
    "category": "ไม่รู้จักหมวดเรื่อง",
    "text": "ไม่มีรายละเอียด",
    "status": "ไม่รู้จักสถานะ",
    "status_at": "ไม่มีหรือไม่เข้าใจวันที่ของสถานะ",
    "status_before": "วันที่ของสถานะอยู่ก่อนวันที่รับเรื่อง",
}
IMPORT_FAILED = "ไม่ได้นำเข้าไฟล์ {file}: พบปัญหา {count} รายการ (ยังไม่มีรายการใดถูกบันทึก)"
IMPORT_DONE = "นำเข้าแล้ว: เรื่องร้องเรียนทั่วไป {complaints} เรื่อง เรื่องร้องเรียนการทุจริต {tips} เรื่อง"
TEMPLATE_WRITTEN = "เขียนแบบฟอร์มนำเข้าไว้ที่ {path} แล้ว"


def import_problem(line: int, reason: str, value: str) -> str:
    where = f"บรรทัด {line}: " if line else ""
    return where + IMPORT_REASONS[reason] + (f" ({value})" if value else "")
