"""Thai text that only the Telegram channel shows: the command menu and file-size limits."""

from __future__ import annotations

# The bot's command menu (setMyCommands); Telegram shows these next to the text box.
COMMANDS = (
    ("start", "เริ่มต้นใช้งาน / เมนูหลัก"),
    ("menu", "กลับเมนูหลัก"),
    ("track", "ติดตามเรื่องด้วยรหัส 16 หลัก เช่น /track 1234-5678-9012-3456"),
    ("cancel", "ยกเลิกรายการที่กำลังทำ"),
    ("help", "วิธีใช้งาน"),
)

APOLOGY = "ขออภัย ระบบขัดข้องชั่วคราว ข้อความล่าสุดของคุณยังไม่ถูกบันทึก กรุณาลองส่งอีกครั้งในภายหลัง"


def file_too_big(limit_bytes: int) -> str:
    """Why a photo or file was not accepted, with the limit in megabytes."""
    megabytes = limit_bytes / (1024 * 1024)
    shown = f"{megabytes:.0f}" if megabytes >= 1 else f"{megabytes:.1f}"
    return (
        f"ไฟล์นี้ใหญ่เกินไป (รับได้ไม่เกิน {shown} MB ต่อไฟล์) ยังไม่ได้บันทึกไฟล์นี้\n"
        "กรุณาส่งไฟล์ที่เล็กลง หรือส่งเป็นรูปภาพแทนไฟล์ต้นฉบับ"
    )


def chosen(text: str, label: str) -> str:
    """An answered menu, edited to show what was pressed instead of its buttons."""
    return f"{text}\n\n✅ {label}"


# The core's answers to a button from an old message (filled in from messages.common once the
# core's texts land): the pressed menu then just loses its buttons, with no "✅" echo.
STALE_ANSWERS: tuple[str, ...] = ()
