"""Text of the console channel (the terminal adapter for trying the bot)."""

from __future__ import annotations

YOU = "คุณ"
BOT = "บอต"
PROMPT = "คุณ> "
FILE_NOT_FOUND = "ไม่พบไฟล์: {path}"
FILE_TOO_LARGE = "ไฟล์ใหญ่เกินไป (ไม่เกิน {limit} MB)"
LOCATION_FORMAT = "รูปแบบตำแหน่ง: /location ละติจูด,ลองจิจูด เช่น /location 8.0863,98.9063"
HINT = (
    "(ช่องทางทดลองในเทอร์มินัล: พิมพ์ตัวเลขเพื่อกดปุ่ม, /photo ไฟล์ /file ไฟล์ เพื่อแนบ, "
    "/location ละติจูด,ลองจิจูด เพื่อแชร์ตำแหน่ง, Ctrl-D เพื่อออก)"
)
STAFF_NOT_YET = "ไม่ต้องใช้ --as-staff แล้ว: พิมพ์ /staff ตามด้วยรหัสเชิญในแชต เพื่อลงทะเบียนเป็นเจ้าหน้าที่"
FROM_OTHERS = "(ข้อความแจ้งถึงแชตนี้)"
LOCATION_PIN = "📍 ตำแหน่ง: {lat},{lon} {title}"
