"""Thai text that only the Telegram channel shows: the command menu and file-size limits."""

from __future__ import annotations

from messages import common

# The bot's command menu (setMyCommands); Telegram shows these next to the text box.
COMMANDS = (
    ("start", "เริ่มต้นใช้งาน / เมนูหลัก"),
    ("menu", "กลับเมนูหลัก"),
    ("track", "ติดตามเรื่องด้วยรหัส 16 หลัก เช่น /track 1234-5678-9012-3456"),
    ("cancel", "ยกเลิกรายการที่กำลังทำ"),
    ("help", "วิธีใช้งาน"),
)

# Before the turn ran (a download failed, ...): nothing was saved, so ask to send it again.
APOLOGY = common.INTERNAL_ERROR
# After the turn was committed, when its answer could not be sent in full.
REPLY_FAILED = (
    'ขออภัย ระบบส่งคำตอบไม่ครบ แต่ข้อมูลที่คุณส่งล่าสุดได้รับการบันทึกแล้ว พิมพ์ "ช่วยเหลือ" เพื่อดูคำถามล่าสุดอีกครั้ง'
)


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


# Put in place of a bot message that showed a tip code, when Telegram no longer lets it go.
MESSAGE_REMOVED = "(ข้อความนี้ถูกลบเพื่อความปลอดภัยของผู้แจ้ง)"
