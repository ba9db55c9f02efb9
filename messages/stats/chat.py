"""Thai text of statistics in the chat: the staff button, the monthly summary, LINE links."""

from __future__ import annotations

BUTTON_STATS = "สถิติเรื่องร้องเรียน"
STATS_HELP = (
    "พิมพ์ /stats ตามด้วยช่วงเวลาเพื่อดูช่วงอื่น เช่น /stats 2567-03, /stats มี.ค. 2567, /stats 2567-Q2"
)
MONTHLY_INTRO = "สรุปสถิติประจำเดือนที่ผ่านมา (ส่งให้ผู้ดูแลระบบทุกวันที่ 1 ของเดือน)"
WORKBOOK_LINK = "ดาวน์โหลดไฟล์ Excel {name}\n{url}\n(ลิงก์ใช้ได้ถึง {until})"
# When the chart and workbook could not be made after the summary was sent.
FILES_FAILED = "ทำกราฟและไฟล์ Excel ไม่สำเร็จ กรุณาพิมพ์ /stats อีกครั้งภายหลัง"
