"""Text printed by the command-line tools (for staff and administrators)."""

from __future__ import annotations

STATUS_CHANGED = 'บันทึกสถานะ "{status}" ของเรื่อง {code} แล้ว'
UNKNOWN_CODE = "ไม่พบเรื่องที่ใช้รหัส {code}"
BAD_CODE = "รหัสไม่ถูกต้อง: {code}"
MIGRATED = "ปรับโครงสร้างฐานข้อมูลเป็นรุ่นล่าสุดแล้ว"
