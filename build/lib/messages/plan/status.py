"""Text of the plan-status service: summary, item cards, browsing, questions, import errors.

Wording follows the organisations' own reports (e-PlanNACC): รอรายงาน, อยู่ระหว่างดำเนินการ,
ดำเนินการแล้วเสร็จ, ไม่สามารถดำเนินการได้; "สรุปผลการขับเคลื่อนแผนฯ".
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from messages.format import baht, thai_date_long

STATUS_LABELS = {
    "pending": "รอรายงาน",
    "in_progress": "อยู่ระหว่างดำเนินการ",
    "done": "ดำเนินการแล้วเสร็จ",
    "cannot": "ไม่สามารถดำเนินการได้",
}
KIND_LABELS = {
    "project": "โครงการ",
    "activity": "กิจกรรม",
    "measure": "มาตรการ",
    "other": "-",
}
# The four มิติ of the 2566–2570 framework, for plans imported without their own names.
DEFAULT_DIMENSION_NAMES = {
    1: "การสร้างวัฒนธรรมสุจริต",
    2: "การบริหารราชการด้วยความโปร่งใส",
    3: "การส่งเสริมบทบาทและการมีส่วนร่วมของภาคประชาชน",
    4: "การยกระดับกลไกการตรวจสอบการดำเนินงานขององค์กรปกครองส่วนท้องถิ่น",
}
ROUND_LABELS = {6: "รอบ 6 เดือน", 12: "รอบ 12 เดือน"}

BUTTON_ASK = "ถามเรื่องโครงการ"
BUTTON_NEXT = "ถัดไป"
BUTTON_PREV = "ก่อนหน้า"
BUTTON_DIMENSIONS = "เลือกมิติ"
BUTTON_BACK_TO_LIST = "กลับไปรายการ"
BUTTON_SUMMARY = "ดูภาพรวมแผน"

NO_PLAN = "ยังไม่มีข้อมูลแผนปฏิบัติการป้องกันการทุจริตของหน่วยงานนี้ในระบบ"
CHOOSE_DIMENSION = "เลือกมิติเพื่อดูรายการโครงการ/กิจกรรม/มาตรการ หรือพิมพ์ชื่อโครงการที่อยากทราบได้เลย"
ASK_QUESTION = (
    "พิมพ์ชื่อหรือบางส่วนของชื่อโครงการ/กิจกรรม/มาตรการที่อยากทราบ "
    'เช่น "No Gift Policy ทำแล้วหรือยัง" หรือ "อบรมต่อต้านคอร์รัปชันใช้เงินไปเท่าไร"'
)
NOT_FOUND = "ไม่พบโครงการ/กิจกรรม/มาตรการที่ตรงกับ “{question}” ในแผนนี้ ลองเลือกดูตามมิติได้ค่ะ"
SEVERAL_FOUND = "พบหลายรายการที่ใกล้เคียง เลือกรายการที่ต้องการ:"
DIMENSION_EMPTY = "มิติที่ {dimension} ไม่มีรายการในแผนนี้"
DIMENSION_HEADER = (
    "มิติที่ {dimension} {name}\n{count} รายการ (หน้า {page}/{pages}) เลือกรายการเพื่อดูรายละเอียด:"
)
NO_REPORT_YET = "ยังไม่มีการรายงานผลสำหรับปีงบประมาณนี้"


def period(fiscal_year: int, round_: int) -> str:
    return f"ปีงบประมาณ พ.ศ. {fiscal_year} {ROUND_LABELS.get(round_, f'รอบ {round_} เดือน')}"


def dimension_title(dimension: int, name: str) -> str:
    return f"มิติที่ {dimension} {name}".strip()


def percent_text(value: Decimal) -> str:
    return f"ร้อยละ {value:.2f}"


def summary_text(
    *,
    title: str,
    fiscal_year: int,
    round_: int,
    total: int,
    counts: dict[str, int],
    budget: Decimal,
    spent: Decimal,
    spent_percent: Decimal,
    as_of: date | None,
    dimensions: list[tuple[int, str, int, int]],  # (มิติ, name, items, done)
) -> str:
    """The "สรุปผลการขับเคลื่อนแผนฯ" block of the reports, then one line per มิติ."""
    lines = [
        "สรุปผลการขับเคลื่อนแผนฯ",
        title,
        period(fiscal_year, round_),
        f"- มีโครงการ/กิจกรรม/มาตรการ จำนวน {total} รายการ",
    ]
    lines += [f"- {label} {counts.get(code, 0)} รายการ" for code, label in STATUS_LABELS.items()]
    lines.append(f"- งบประมาณ {baht(budget)} เบิกจ่าย {baht(spent)} ({percent_text(spent_percent)})")
    lines.append(f"ข้อมูล ณ วันที่ {thai_date_long(as_of)}" if as_of else NO_REPORT_YET)
    if dimensions:
        lines.append("")
        lines.append("แยกตามมิติ")
        for dimension, name, items, done in dimensions:
            lines.append(f"- {dimension_title(dimension, name)}: {items} รายการ เสร็จแล้ว {done}")
    return "\n".join(lines)


def item_card(
    *,
    number: int,
    title: str,
    dimension: int,
    dimension_name: str,
    kind: str,
    unit: str,
    status: str,
    fiscal_year: int,
    round_: int,
    budget: Decimal,
    spent: Decimal,
    spent_percent: Decimal,
    result: str,
    as_of: date | None,
) -> str:
    lines = [
        f"ข้อ {number} {title}",
        dimension_title(dimension, dimension_name),
        f"ประเภท: {KIND_LABELS.get(kind, '-')}",
    ]
    if unit:
        lines.append(f"ผู้รับผิดชอบ: {unit}")
    lines += [
        f"สถานะ: {STATUS_LABELS[status]} ({period(fiscal_year, round_)})",
        f"งบประมาณ: {baht(budget)}",
        f"เบิกจ่าย: {baht(spent)}" + (f" ({percent_text(spent_percent)})" if budget else ""),
    ]
    if result:
        lines.append(f"ผลการดำเนินการ: {shorten(result, 700)}")
    lines.append(f"ข้อมูล ณ วันที่ {thai_date_long(as_of)}" if as_of else NO_REPORT_YET)
    return "\n".join(lines)


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a space where possible, ending in "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def item_label(number: int, title: str, limit: int = 20) -> str:
    """A button label: the item's number and the start of its name, within `limit`."""
    name = title.strip().strip("“”\"' ")
    for kind in ("มาตรการ", "กิจกรรม", "โครงการ"):
        if name.startswith(kind) and len(name) > len(kind) + 4:
            name = name[len(kind) :].strip().strip("“”\"' ")
            break
    head = f"{number}. "
    room = limit - len(head)
    if len(name) > room:
        name = name[: room - 1].rstrip() + "…"
    return head + name


def dimension_label(dimension: int, count: int) -> str:
    """`มิติ 2 (24 รายการ)`: the names are too long for a button; the text above shows them."""
    return f"มิติ {dimension} ({count} รายการ)"


# Import problems: one line per bad row, for the CLI.
IMPORT_REASONS = {
    "no_header": "ไม่พบแถวหัวตาราง (ต้องมีคอลัมน์ ลำดับ, รายการโครงการ, มิติ)",
    "no_rows": "ไม่มีรายการในไฟล์",
    "number": "ลำดับไม่ใช่ตัวเลข",
    "duplicate": "ลำดับซ้ำกับแถวก่อนหน้า",
    "title": "ไม่มีชื่อรายการโครงการ",
    "dimension": "มิติต้องเป็น 1–4",
    "budget": "งบประมาณอ่านไม่ได้",
    "spent": "เบิกจ่ายอ่านไม่ได้",
    "status": (
        "ไม่มีสถานะ หรือสถานะไม่ตรงกับ รอรายงาน/อยู่ระหว่างดำเนินการ/ดำเนินการแล้วเสร็จ/ไม่สามารถดำเนินการได้"
    ),
    "status_many": "ทำเครื่องหมายสถานะมากกว่าหนึ่งช่อง",
    "unreadable": "อ่านไฟล์ไม่ได้ (รองรับ CSV และ XLSX)",
}
IMPORT_FAILED = "ไม่ได้นำเข้าไฟล์ {file}: พบปัญหา {count} แห่ง ไม่มีข้อมูลใดถูกบันทึก"
IMPORT_DONE = "นำเข้า {rows} รายการแล้ว (รายการใหม่ {created}, รายงานผล {reports}) {period}"
TEMPLATE_WRITTEN = "สร้างแบบฟอร์มเปล่าแล้ว: {path}"
ITEM_UPDATED = "บันทึกผลข้อ {number} แล้ว: {status} เบิกจ่าย {spent} ({period})"
UNKNOWN_ITEM = "ไม่พบรายการข้อ {item} ในแผนปีงบประมาณ {fiscal_year}"
UNKNOWN_ORG = "ไม่พบหน่วยงาน {slug}"
NO_PLAN_FOR_YEAR = "หน่วยงาน {slug} ยังไม่มีแผนสำหรับปีงบประมาณ {fiscal_year}"
BAD_STATUS = "สถานะไม่ถูกต้อง: {status}"
BAD_AMOUNT = "จำนวนเงินไม่ถูกต้อง: {amount}"


def import_problem(line: int, reason: str, value: str = "") -> str:
    where = f"บรรทัด {line}: " if line else ""
    shown = f" ({value})" if value else ""
    return f"{where}{IMPORT_REASONS[reason]}{shown}"
