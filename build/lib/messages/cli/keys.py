"""Text printed by `complaintbot keys` (for administrators)."""

from __future__ import annotations

NEW_KEY_WRITTEN = "สร้างกุญแจใหม่และบันทึกไว้ในไฟล์ {path} แล้ว (กุญแจเดิมย้ายไปเป็นกุญแจเก่า)"
ENV_NEEDS_RETIRED = (
    "ใช้กุญแจจาก COMPLAINTBOT_SECRET_KEY อยู่: ตั้งกุญแจใหม่ใน COMPLAINTBOT_SECRET_KEY "
    "และย้ายกุญแจเดิมไปไว้ใน COMPLAINTBOT_RETIRED_SECRET_KEYS ก่อน แล้วจึงสั่งคำสั่งนี้"
)
RESEALED_ROWS = "เข้ารหัสข้อมูลใหม่ด้วยกุญแจปัจจุบัน: ตาราง {table} {count} แถว"
RESEALED_FILES = "เข้ารหัสไฟล์ใหม่ด้วยกุญแจปัจจุบัน: {count} ไฟล์"
CURRENT_KEY = "กุญแจปัจจุบัน: {key_id}"
CODES_UNDER_RETIRED = (
    "รหัสติดตามเบาะแส {count} เรื่องยังใช้กุญแจเก่า {key_id} "
    "(จะเปลี่ยนเป็นกุญแจปัจจุบันเมื่อผู้แจ้งพิมพ์รหัสครั้งถัดไป) อย่าเพิ่งลบกุญแจเก่านี้"
)
RETIRED_UNUSED = "กุญแจเก่า {key_id} ไม่มีข้อมูลใดใช้แล้ว ลบออกได้"
