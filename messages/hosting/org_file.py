"""Text of the organisation file (`complaintbot org import/export`, the host console's upload):
its column names, why a line is refused, and the summaries."""

from __future__ import annotations

# Column -> the header words a host may use (compared without case or spaces). The first
# word is what `org export` writes.
HEADERS = {
    "slug": ("slug", "ชื่อย่อ", "org"),
    "name": ("name", "ชื่อหน่วยงาน", "ชื่อ"),
    "type": ("type", "ประเภท", "kind"),
    "tambons": ("tambons", "รหัสตำบล", "ตำบล", "subdistrict_codes"),
    "phone": ("phone", "โทรศัพท์"),
    "website": ("website", "เว็บไซต์"),
    "address": ("address", "ที่อยู่"),
    "deadline-days": ("deadline-days", "กำหนดเวลาดำเนินการ(วัน)"),
    "office-hours": ("office-hours", "เวลาทำการ"),
    "contact": ("contact", "ช่องทางติดต่อ"),
    "units": ("units", "หน่วยงานภายใน"),
    "reminder-time": ("reminder-time", "เวลาเตือนประจำวัน"),
    "tip-round-minutes": ("tip-round-minutes",),
    "filings-per-chat": ("filings-per-chat",),
    "filings-per-org": ("filings-per-org",),
    "uploads-per-chat": ("uploads-per-chat",),
    "disk-quota-mb": ("disk-quota-mb",),
}

REASONS = {
    "unreadable": "อ่านไฟล์ไม่ได้ (ต้องเป็น CSV แบบ UTF-8 หรือ XLSX)",
    "no_header": "ไม่พบหัวตาราง: ต้องมีคอลัมน์ slug และ name อย่างน้อย",
    "no_rows": "ไม่มีแถวข้อมูลในไฟล์",
    "slug_bad": "ชื่อย่อใช้ไม่ได้: อักษรอังกฤษตัวเล็ก ตัวเลข และ - 2–40 ตัว (ห้าม shared)",
    "slug_twice": "ชื่อย่อนี้ซ้ำกับบรรทัดก่อนหน้า",
    "name_missing": "ไม่ได้ระบุชื่อหน่วยงาน (name)",
    "bad_value": "ค่าไม่ถูกต้อง",
    "tambon_unknown": "ไม่มีรหัสตำบลนี้ (รหัสตำบลมี 6 หลัก เช่น 540101)",
}

EARLIER = "{slug}, บรรทัด {line}"  # a slug seen on an earlier line


def problem(line: int, reason: str, value: str = "") -> str:
    where = f"บรรทัด {line}: " if line else ""
    shown = f" ({value})" if value else ""
    return f"{where}{REASONS[reason]}{shown}"


IMPORT_DONE = "นำเข้าแล้ว {rows} หน่วยงาน: เพิ่มใหม่ {added} แก้ไข {updated} (ตำบล {tambons} แห่ง)"
DRY_RUN_DONE = "ตรวจแล้ว ไฟล์ถูกต้อง: {rows} หน่วยงาน เพิ่มใหม่ {added} แก้ไข {updated} (ยังไม่ได้บันทึก)"
EXPORT_DONE = "ส่งออก {rows} หน่วยงานไปที่ {file} แล้ว"
BAD_SUFFIX = "ใช้ชื่อไฟล์ที่ลงท้าย .csv หรือ .xlsx"
