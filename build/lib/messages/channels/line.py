"""Thai text that only the LINE channel shows: the status card, upload limits, the rich menu."""

from __future__ import annotations

# The Flex status card: the card's own labels (values come from the core, already Thai).
LOCATION_TITLE = "ตำแหน่งที่แจ้ง"
LOCATION_ADDRESS = "{lat:.5f}, {lon:.5f}"
CARD_TITLE = "สถานะเรื่อง"
CARD_CODE = "รหัสติดตาม"
CARD_STREAM = "ประเภท"
CARD_STATUS = "สถานะ"
CARD_RECEIVED = "รับเรื่อง"
CARD_DUE = "กำหนดแล้วเสร็จ"
CARD_HISTORY = "ความคืบหน้า"
CARD_NO_HISTORY = "ยังไม่มีความคืบหน้าเพิ่มเติม"
CARD_MORE_HISTORY = "และอีก {count} รายการก่อนหน้า"

# More buttons than LINE's 13 quick replies: the rest are listed as numbers to type.
MORE_CHOICES = "หรือพิมพ์หมายเลขตัวเลือก:"

# Alt text is what LINE shows in the chat list and notifications; it has a 400-character limit.
ALT_TEXT_MORE = "…"

# Evidence uploads.
ATTACHMENT_UNAVAILABLE = "ขออภัย ไม่สามารถรับไฟล์นี้ได้ กรุณาส่งใหม่อีกครั้ง"


def attachment_too_big(limit_bytes: int) -> str:
    megabytes = max(1, limit_bytes // (1024 * 1024))
    return (
        f"ไฟล์มีขนาดใหญ่เกินไป ระบบรับไฟล์ได้ไม่เกิน {megabytes} MB กรุณาส่งไฟล์ที่เล็กลง หรือถ่ายภาพใหม่แล้วส่งอีกครั้ง"
    )


# The rich menu: one panel per main action (labels are the main menu's), each with a hint.
RICHMENU_CHAT_BAR = "เมนูบริการ"  # at most 14 characters
RICHMENU_HINTS = {
    "menu:complaint": "แจ้งปัญหา ขอความช่วยเหลือ",
    "menu:tip": "ไม่ต้องเปิดเผยตัวตน",
    "menu:track": "ด้วยรหัส 16 หลัก",
    "menu:plan": "ผลการดำเนินงาน",
    "menu:contact": "โทร เว็บไซต์ ที่อยู่",
}

# The `complaintbot line ...` commands (for administrators).
CLI_NOT_CONFIGURED = "ยังไม่ได้ตั้งค่า LINE_CHANNEL_ACCESS_TOKEN"
CLI_RICHMENU_DONE = "ตั้งริชเมนู {rich_menu_id} เป็นเมนูหลักของผู้ใช้ทุกคนแล้ว"
CLI_RICHMENU_FAILED = "ตั้งริชเมนูไม่สำเร็จ: LINE ตอบกลับ {status} {reason}"
CLI_IMAGE_TOO_BIG = "รูปริชเมนูต้องมีขนาดไม่เกิน 1 MB"
CLI_NO_THAI_FONT = (
    "ไม่พบฟอนต์ภาษาไทย ติดตั้งด้วย apt-get install fonts-thai-tlwg หรือระบุ --font และ --font-bold"
)
CLI_IMAGE_SAVED = "บันทึกรูปริชเมนูที่ {path} แล้ว"
