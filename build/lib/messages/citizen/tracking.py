"""Text of the tracking lookup, shared by both streams."""

from __future__ import annotations

STATUS_LABELS = {
    "received": "รับเรื่องแล้ว",
    "in_progress": "อยู่ระหว่างดำเนินการ",
    "completed": "ดำเนินการแล้วเสร็จ",
    "referred": "ส่งต่อหน่วยงานอื่น",
    "closed": "ยุติเรื่อง/ไม่รับพิจารณา",
}
STREAM_LABELS = {
    "complaint": "เรื่องร้องเรียน/ร้องทุกข์",
    "tip": "เรื่องแจ้งเบาะแสการทุจริต",
}

ASK_CODE = "พิมพ์รหัสติดตามเรื่อง 16 หลัก (เว้นวรรคหรือขีดคั่นได้ ใช้เลขไทยได้)"
NOT_FOUND = "ไม่พบเรื่องที่ใช้รหัสนี้ กรุณาตรวจสอบรหัสอีกครั้ง"
TYPO = "รหัสนี้ไม่ถูกต้อง อาจพิมพ์ตัวเลขผิดหรือสลับตำแหน่ง กรุณาตรวจสอบแล้วพิมพ์ใหม่"
WRONG_LENGTH = "รหัสติดตามเรื่องมี 16 หลัก แต่ที่พิมพ์มามี {count} หลัก กรุณาตรวจสอบอีกครั้ง"
NOT_A_CODE = "กรุณาพิมพ์รหัสติดตามเรื่องเป็นตัวเลข 16 หลัก"
TOO_MANY_TRIES = (
    "ขออภัย แชตนี้พิมพ์รหัสที่ไม่พบในระบบหลายครั้งติดกัน "
    "เพื่อคุ้มครองผู้แจ้งเรื่อง ระบบจึงงดค้นหารหัสชั่วคราว "
    "กรุณาตรวจสอบรหัสให้ถูกต้องแล้วลองใหม่ในอีก {minutes} นาที"
)
EVERYONE_WAITS = (
    "ขออภัย ขณะนี้มีการค้นหารหัสที่ไม่พบในระบบจำนวนมากผิดปกติ "
    "ระบบจึงงดค้นหารหัสชั่วคราวเพื่อคุ้มครองผู้แจ้งเรื่อง กรุณาลองใหม่ในอีก {minutes} นาที"
)


def status_text(
    masked_code: str,
    stream: str,
    status: str,
    received: str,
    due: str,
    history: list[tuple[str, str, str]],
) -> str:
    lines = [
        f"สถานะเรื่อง {masked_code}",
        STREAM_LABELS[stream],
        f"สถานะ: {STATUS_LABELS[status]}",
        f"รับเรื่อง: {received}",
        f"กำหนดแล้วเสร็จ: {due}",
    ]
    if history:
        lines.append("ความคืบหน้า:")
        for at, label, note in history:
            lines.append(f"• {at} {label}" + (f" – {note}" if note else ""))
    return "\n".join(lines)
