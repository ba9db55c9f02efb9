"""Why a typed organisation setting is refused: the same words on the command line, in
`complaintbot settings`, `complaintbot org set` and on the office's settings page."""

from __future__ import annotations

WHY_DAYS = "ต้องเป็นจำนวนวัน 1–365"
WHY_TIME = "ต้องเป็นเวลาแบบ HH:MM เช่น 08:00"
WHY_ROUND = "ต้องเป็นจำนวนนาทีที่หารหนึ่งวันลงตัว: {allowed}"
WHY_COUNT = "ต้องเป็นจำนวนเต็ม 1–100000"
WHY_UNITS = "ต้องมีอย่างน้อยหนึ่งหน่วย คั่นด้วยจุลภาค"
WHY_EMPTY = "ห้ามว่าง"
WHY_LONG = "ยาวเกิน {limit} ตัวอักษร"
