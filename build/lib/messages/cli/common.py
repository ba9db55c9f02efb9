"""Text printed by the command-line tools (for staff and administrators)."""

from __future__ import annotations

STATUS_CHANGED = 'บันทึกสถานะ "{status}" ของเรื่อง {code} แล้ว'
UNKNOWN_ORG = 'ไม่พบหน่วยงาน "{slug}"'
UNKNOWN_CODE = "ไม่พบเรื่องที่ใช้รหัส {code}"
BAD_CODE = "รหัสไม่ถูกต้อง: {code}"
MIGRATED = "ปรับโครงสร้างฐานข้อมูลเป็นรุ่นล่าสุดแล้ว"

# -- staff and case tools ------------------------------------------------------------------
INVITE_PRINTED = (
    "รหัสเชิญ ({roles}): {code}\n"
    "ให้เจ้าหน้าที่พิมพ์ /staff {code} ในแชตกับบอต (Telegram, LINE หรือ complaintbot chat) "
    "ใช้ได้ครั้งเดียว หมดอายุ {expires}"
)
NO_STAFF = "ยังไม่มีเจ้าหน้าที่"
STAFF_REMOVED = "ยกเลิกสิทธิ์เจ้าหน้าที่เลขที่ {id} แล้ว"
STAFF_NOT_FOUND = "ไม่พบเจ้าหน้าที่เลขที่ {id}"
UNKNOWN_CASE = "ไม่พบเรื่อง {key} (เรื่องร้องเรียนใช้รหัส 16 หลัก เบาะแสใช้เลขอ้างอิง เช่น ทจ-2567-4821)"
UNKNOWN_UNIT = "ไม่มีหน่วยงาน {unit} ในรายการของหน่วยงาน: {units}"
NO_CASES = "ไม่มีเรื่องที่ยังเปิดอยู่"
NOTE_SAVED = "บันทึกภายในของเรื่อง {key} แล้ว"
ASSIGNED = "มอบหมายเรื่อง {key} ให้{unit}แล้ว"
REFERRED = "ส่งต่อเรื่อง {key} ไปยัง{agency}แล้ว"
AUDIT_EMPTY = "ยังไม่มีการเปิดดูเนื้อหาเบาะแส"


def settings_text(days: int, hours: str, channels: str, units: list[str], reminder: str) -> str:
    return "\n".join(
        [
            f"กำหนดเวลาดำเนินการ: {days} วัน",
            f"เวลาทำการ: {hours}",
            f"ช่องทางติดต่อ: {channels}",
            f"หน่วยงาน: {', '.join(units)}",
            f"เวลาเตือนประจำวัน: {reminder} น. (เวลาประเทศไทย)",
        ]
    )


BAD_REMINDER_TIME = "เวลาเตือนต้องอยู่ในรูป HH:MM เช่น 08:00"
BAD_DEADLINE = "จำนวนวันต้องเป็นตัวเลข 1–90"
NO_UNITS = "ต้องมีหน่วยงานอย่างน้อยหนึ่งหน่วย"
