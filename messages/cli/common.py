"""Text printed by the command-line tools (for staff and administrators)."""

from __future__ import annotations

STATUS_CHANGED = 'บันทึกสถานะ "{status}" ของเรื่อง {code} แล้ว'
UNKNOWN_ORG = 'ไม่พบหน่วยงาน "{slug}"'
UNKNOWN_CODE = "ไม่พบเรื่องที่ใช้รหัส {code}"
BAD_CODE = "รหัสไม่ถูกต้อง: {code}"
MIGRATED = "ปรับโครงสร้างฐานข้อมูลเป็นรุ่นล่าสุดแล้ว"
FILE_MISSING = "ไม่พบไฟล์ {file}"
IMPORT_REFUSED = "ไม่ได้นำเข้า {file}: พบปัญหา {count} รายการ (ไม่มีการบันทึกข้อมูลใด ๆ)"

# -- staff and case tools ------------------------------------------------------------------
INVITE_PRINTED = (
    "รหัสเชิญ ({roles}): {code}\n"
    "ให้เจ้าหน้าที่พิมพ์ /staff {code} ในแชตกับบอต (Telegram, LINE หรือ complaintbot chat) "
    "ใช้ได้ครั้งเดียว หมดอายุ {expires}"
)
NO_STAFF = "ยังไม่มีเจ้าหน้าที่"
STAFF_REMOVED = "ยกเลิกสิทธิ์เจ้าหน้าที่เลขที่ {id} แล้ว"
STAFF_ROLE_CHANGED = "เจ้าหน้าที่เลขที่ {id} มีบทบาท {roles} แล้ว (หน้าเว็บที่เปิดอยู่ออกจากระบบแล้ว)"
STAFF_NOT_FOUND = "ไม่พบเจ้าหน้าที่เลขที่ {id}"
UNKNOWN_CASE = "ไม่พบเรื่อง {key} (เรื่องร้องเรียนใช้รหัส 16 หลัก เบาะแสใช้เลขอ้างอิง เช่น ทจ-2567-4821)"
UNKNOWN_UNIT = "ไม่มีหน่วยงาน {unit} ในรายการของหน่วยงาน: {units}"
NO_CASES = "ไม่มีเรื่องที่ยังเปิดอยู่"
NOTE_SAVED = "บันทึกภายในของเรื่อง {key} แล้ว"
ASSIGNED = "มอบหมายเรื่อง {key} ให้{unit}แล้ว"
REFERRED = "ส่งต่อเรื่อง {key} ไปยัง{agency}แล้ว"
AUDIT_EMPTY = "ยังไม่มีการเปิดดูเนื้อหาเบาะแส"


SETTING_LABELS = {
    "deadline-days": "กำหนดเวลาดำเนินการ",
    "office-hours": "เวลาทำการ",
    "contact": "ช่องทางติดต่อ",
    "units": "หน่วยงาน",
    "reminder-time": "เวลาเตือนประจำวัน",
    "external-contacts": "หน่วยงานภายนอกสำหรับเบาะแสเกี่ยวกับผู้บริหาร (ว่าง = ค่าเริ่มต้น)",
    "tip-round-minutes": "รอบแจ้งเบาะแสถึงเจ้าหน้าที่",
    "filings-per-chat": "เรื่องใหม่ต่อแชตต่อวัน",
    "filings-per-org": "เรื่องใหม่ทางแชตของหน่วยงานต่อวัน",
    "uploads-per-chat": "ไฟล์ต่อแชตต่อวัน",
    "disk-quota-mb": "พื้นที่เก็บไฟล์ของหน่วยงาน",
}
SETTING_UNITS = {
    "deadline-days": " วัน",
    "reminder-time": " น. (เวลาประเทศไทย)",
    "tip-round-minutes": " นาที",
    "filings-per-chat": " เรื่อง",
    "filings-per-org": " เรื่อง",
    "uploads-per-chat": " ไฟล์",
    "disk-quota-mb": " MB",
}
SETTING_HELP = {
    "contact": "contact channels, as citizens read them",
    "units": "comma-separated unit names",
    "reminder-time": "HH:MM, Asia/Bangkok",
    "external-contacts": "where else a tip about the executives can go ('' = the default)",
}
BAD_SETTING = "ค่า {value} ใช้กับ {key} ไม่ได้: {why} (ยังไม่ได้เปลี่ยนค่าใด)"


def settings_text(values: dict[str, str]) -> str:
    return "\n".join(f"{SETTING_LABELS.get(key, key)}: {value}{SETTING_UNITS.get(key, '')}"
                     for key, value in values.items())  # fmt: skip
