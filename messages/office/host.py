"""Words of the host's console in the office (`/office/host/`): for the provider's
administrator who serves many organisations from one deployment."""

from __future__ import annotations

TITLE = "หน่วยงานที่ให้บริการ"
HOST_ONLY = "หน้านี้สำหรับผู้ดูแลของผู้ให้บริการ (host-admin) เท่านั้น"
NO_SUCH_ORG = 'ไม่พบหน่วยงาน "{slug}"'
ADDED = "เพิ่มหน่วยงาน {name} แล้ว ใช้ได้ทันทีโดยไม่ต้องเริ่มเซิร์ฟเวอร์ใหม่ ตั้งบัญชี LINE หรือ Telegram ได้ด้านล่าง"
SAVED = "บันทึกข้อมูลหน่วยงานแล้ว"
ACCOUNT_SAVED = "บันทึกบัญชี {platform} แล้ว (เก็บแบบเข้ารหัส และจะไม่แสดงรหัสอีก) webhook: {path}"
NOTHING_SAVED = "ยังไม่ได้บันทึกสิ่งใด: แก้รายการต่อไปนี้ก่อน"
FILE_NEEDED = "เลือกไฟล์ CSV หรือ XLSX ก่อน"
FILE_TOO_BIG = "ไฟล์ใหญ่เกิน {mb} MB"
CHECKED = "ตรวจแล้ว ไฟล์ถูกต้อง (ยังไม่ได้บันทึก): "
IMPORTED = "นำเข้าแล้ว: "
MAP_SUMMARY = "{rows} ตำบล ของ {orgs} หน่วยงาน (แทนที่ข้อมูลเดิม {replaced} แถว)"
ORGS_SUMMARY = "{rows} หน่วยงาน: เพิ่มใหม่ {added} แก้ไข {updated} ตำบล {tambons} แห่ง"
PROBLEMS = "ไม่ได้นำเข้าสิ่งใด: พบปัญหา {count} รายการ"
