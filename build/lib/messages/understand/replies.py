"""Text for free messages read at the main menu and for typed answers where buttons are offered."""

from __future__ import annotations

import re

from messages.plan.status import shorten

GREETING = "สวัสดีค่ะ ยินดีให้บริการ เลือกบริการด้านล่าง หรือพิมพ์เล่าเรื่องที่ต้องการแจ้งได้เลย"
THANKS = "ยินดีค่ะ มีเรื่องใดเพิ่มเติม เลือกบริการด้านล่างหรือพิมพ์มาได้เลย"
CAN_DO = (
    "แชตนี้รับเรื่องร้องเรียน รับแจ้งเบาะแสทุจริต (ไม่ระบุตัวตนได้) ติดตามเรื่องด้วยรหัส 16 หลัก "
    "และตอบคำถามเรื่องแผนป้องกันการทุจริต เลือกบริการด้านล่าง หรือพิมพ์เล่าปัญหาได้เลย"
)
TRACK_FIRST = "ติดตามเรื่องได้ด้วยรหัสติดตามเรื่อง 16 หลักที่ได้รับตอนแจ้งเรื่อง"

BUTTON_ACCEPT = "ใช่ แจ้งเรื่องนี้"
ASK_CHANGE = "หรือกดประเภทอื่นเพื่อเปลี่ยน"

BUTTON_TIP_KEEP = "ส่งเป็นเบาะแส"
BUTTON_TIP_FRESH = "เริ่มเบาะแสใหม่"
BUTTON_PLAIN = "ร้องเรียนทั่วไป"
TIP_OFFER = (
    "ข้อความนี้อาจเป็นเรื่องการทุจริต ซึ่งมีช่องทางแจ้งเบาะแสแยกต่างหาก (รายละเอียดด้านบน) "
    "ระบบยังไม่ได้ส่งเรื่องใด ๆ เลือกได้ว่าจะแจ้งทางไหน:\n"
    "• ส่งเป็นเบาะแส: ใช้ข้อความที่พิมพ์มาเป็นพฤติการณ์ในช่องทางเบาะแส\n"
    "• เริ่มเบาะแสใหม่: ไม่ใช้ข้อความนี้ เริ่มพิมพ์ใหม่ในช่องทางเบาะแส\n"
    "• ร้องเรียนทั่วไป: ส่งเป็นเรื่องร้องเรียนทั่วไป"
)
PLAIN_RECORDS_CHAT = (
    "โปรดทราบ: ช่องทางร้องเรียนทั่วไปบันทึกบัญชีแชตของคุณไว้กับเรื่อง เพื่อแจ้งผลกลับ "
    'หากไม่ต้องการให้เรื่องเชื่อมกับบัญชีแชต พิมพ์ "ยกเลิก" แล้วเลือกแจ้งเบาะแสทุจริต'
)


def propose_complaint(description: str, category_label: str) -> str:
    return (
        "ต้องการแจ้งเป็นเรื่องร้องเรียนใช่ไหมคะ\n"
        f"รายละเอียด: {shorten(description, 300)}\n"
        f"ประเภทที่น่าจะใช่: {category_label}\n"
        f'กด "{BUTTON_ACCEPT}" {ASK_CHANGE}'
    )


def not_a_choice(text: str) -> str:
    """The re-ask at a button step: say what was read, then the buttons again."""
    return f"ได้รับข้อความ “{shorten(text, 60)}” แต่ยังไม่แน่ใจว่าหมายถึงตัวเลือกใด กรุณากดปุ่มหรือพิมพ์หมายเลข"


def place_saved(place: str) -> str:
    return f'บันทึกสถานที่ “{shorten(place, 80)}” ไว้แล้ว ส่งรูปเพิ่มได้ หรือกด "เสร็จแล้ว"'


def contact_phone_taken(phone: str) -> str:
    return f"ได้รับเบอร์โทร {phone} แล้ว"


def contact_name_taken(name: str) -> str:
    return f"ได้รับชื่อ {name} แล้ว"


# Typed answers that mean the "no" or "yes" button of a step (compared without spaces).
NO_WORDS = (
    "ไม่", "ไม่ต้อง", "ไม่มี", "ไม่ประสงค์", "ไม่ให้", "ไม่เอา", "ไม่ค่ะ", "ไม่ครับ", "ไม่มีค่ะ",
    "ไม่มีครับ", "ไม่ต้องค่ะ", "ไม่ต้องครับ", "ไม่ประสงค์ให้ข้อมูล", "ไม่สะดวก", "ไม่ระบุ", "no",
    "ไม่ต้องการ", "ไม่ใช่",
)  # fmt: skip
YES_WORDS = (
    "ใช่", "ได้", "ตกลง", "โอเค", "ok", "okay", "yes", "ค่ะ", "ครับ", "ใช่ค่ะ", "ใช่ครับ", "ยืนยัน",
    "ได้ค่ะ", "ได้ครับ", "เอา", "ส่งเลย", "ยืนยันค่ะ", "ยืนยันครับ", "เข้าใจ", "เข้าใจแล้ว",
    "รับทราบ", "เริ่ม", "เริ่มเลย",
)  # fmt: skip

# Words around a typed phone number or name at the contact question, dropped before reading.
CONTACT_LABELS = re.compile(
    r"(?:เบอร์(?:โทร(?:ศัพท์)?)?|โทร(?:ศัพท์)?\.?|tel\.?|ชื่อ(?:-?นามสกุล)?|ครับ|ค่ะ|คะ|นะ)\s*[:：]?",
    re.IGNORECASE,
)

# `complaintbot understand`: how a text is read, for staff tuning the vocabulary.
INTENT_LABELS = {
    "complaint": "ร้องเรียน/ร้องทุกข์",
    "tip": "แจ้งเบาะแสทุจริต",
    "track": "ติดตามเรื่อง",
    "plan": "ถามเรื่องแผนป้องกันการทุจริต",
    "contact": "ขอช่องทางติดต่อ",
    "help": "ขอวิธีใช้งาน",
    "greeting": "ทักทาย/ขอบคุณ",
    "other": "ไม่ตรงกับบริการใด",
}
CLI_INTENT = "เจตนา: {label} ({intent})"
CLI_CATEGORY = "ประเภท: {label} ({category})"
CLI_CONFIDENCE = "ความมั่นใจ: {confidence:.2f}"
CLI_UNKNOWN_ORG = "ไม่พบหน่วยงาน {slug}"
# A name typed on its own at the contact question must start like one.
NAME_START = re.compile(r"^\s*(?:ชื่อ|นาย|นาง|นางสาว|น\.ส\.|คุณ|ด\.ต\.|จ\.ส\.ต\.|ผม|ดิฉัน|หนู)")
