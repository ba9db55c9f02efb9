"""The contact channels and how complaints are handled (the rules of the plan documents)."""

from __future__ import annotations

NACC_CHANNELS = "สำนักงาน ป.ป.ช. สายด่วน 1205 หรือเว็บไซต์ www.nacc.go.th\nสำนักงาน ป.ป.ท. สายด่วน 1206"


def contact_and_process(
    name: str, phone: str, website: str, address: str, *, days: int = 15, office_hours: str = "",
    channels: str = "",
) -> str:  # fmt: skip
    """The organisation's contacts and complaint process, quoting its own settings."""
    lines = [f"ช่องทางติดต่อ{name}"]
    if address:
        lines.append(f"• ที่อยู่: {address}")
    if phone:
        lines.append(f"• โทรศัพท์: {phone}")
    if website:
        lines.append(f"• เว็บไซต์: {website}")
    if office_hours:
        lines.append(f"• เวลาทำการ: {office_hours}")
    if channels:
        lines.append(f"• {channels}")
    lines.append("• แชตนี้: ร้องเรียนและแจ้งเบาะแสได้ตลอด 24 ชั่วโมง")
    lines += [
        "",
        "ขั้นตอนการจัดการเรื่องร้องเรียน",
        "1. รับเรื่องและออกรหัสติดตามเรื่องให้ทันที",
        "2. ส่งเรื่องให้หน่วยงานที่รับผิดชอบตรวจสอบและแก้ไข",
        f"3. ดำเนินการให้แล้วเสร็จภายใน {days} วัน หากไม่ทันจะชี้แจงเหตุผลให้ผู้ร้องทราบ",
        "4. ผู้ร้องติดตามความคืบหน้าได้เองด้วยรหัสติดตามเรื่อง",
        "",
        'เรื่องการทุจริตรับผ่านช่องทางแยกต่างหาก (เมนู "แจ้งเบาะแสทุจริต") เพื่อคุ้มครองข้อมูลของผู้แจ้งเบาะแส',
        "หากเป็นเรื่องร้ายแรงหรือเกี่ยวกับผู้บริหาร แจ้งหน่วยงานภายนอกได้โดยตรง:",
        NACC_CHANNELS,
    ]
    return "\n".join(lines)
