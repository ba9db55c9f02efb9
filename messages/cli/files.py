"""Text printed by `complaintbot files` (for administrators)."""

from __future__ import annotations

NOT_DATABASE = (
    "ไฟล์ของระบบนี้เก็บในดิสก์ ({store}) ไม่ต้องย้าย: การเก็บไฟล์ในฐานข้อมูลใช้กับ PostgreSQL "
    "(ตั้ง COMPLAINTBOT_FILES_STORE=database หรือเว้นว่างไว้)"
)
NOTHING_ON_DISK = "ไม่มีไฟล์ในโฟลเดอร์ {path} ที่ต้องย้าย"
MOVED = (
    "ย้ายไฟล์เข้าฐานข้อมูลแล้ว: คัดลอก {copied} ไฟล์ ({size}) · มีอยู่แล้ว {already} ไฟล์ · "
    "ลบออกจากดิสก์ {wiped} ไฟล์"
)
KEPT = "ไฟล์ในโฟลเดอร์ {path} ยังอยู่ (--keep-local): ลบเองเมื่อแน่ใจแล้ว"
FAILED = "ย้ายไฟล์ไม่สำเร็จ: {error} (ไฟล์ที่ยังไม่ได้ย้ายยังอยู่ในดิสก์ สั่งคำสั่งนี้ซ้ำได้)"
