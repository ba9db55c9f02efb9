"""Defaults of a new organisation's settings (seed 002, items 11 and 13), editable per org."""

from __future__ import annotations

DEADLINE_DAYS = 15  # "ภายใน ๑๕ วัน หากไม่สามารถดำเนินการได้ทันภายใน ๑๕ วัน ต้องชี้แจงให้ผู้ร้องเรียนทราบ"
OFFICE_HOURS = "วันจันทร์–วันศุกร์ เวลา 08.30–16.30 น. (เว้นวันหยุดราชการ)"
CONTACT_CHANNELS = "ศูนย์รับเรื่องร้องเรียน/ร้องทุกข์ สำนักปลัด หรือแชตนี้ได้ตลอด 24 ชั่วโมง"
UNITS = ("สำนักปลัด", "กองคลัง", "กองช่าง", "กองการศึกษา ศาสนาและวัฒนธรรม")
REMINDER_TIME = "08:00"
# Public contacts for a tip about an organisation's own executives (shown by the shared channel).
EXTERNAL_CONTACTS = (
    "• สำนักงาน ป.ป.ช. ประจำจังหวัด (ในจังหวัดที่เกิดเรื่อง)\n"
    "• สำนักงาน ป.ป.ช. สายด่วน 1205 www.nacc.go.th\n"
    "• สำนักงาน ป.ป.ท. สายด่วน 1206 www.pacc.go.th"
)
