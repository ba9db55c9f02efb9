"""Text printed by `complaintbot org …` (for whoever hosts the bot for many organisations)."""

from __future__ import annotations

BAD_SLUG = (
    'ชื่อย่อหน่วยงาน "{slug}" ใช้ไม่ได้: ใช้อักษรอังกฤษตัวเล็ก ตัวเลข และ - ได้ 2–40 ตัว '
    'เช่น tambon-bangrak (ห้ามใช้ "shared" ซึ่งสงวนไว้สำหรับบัญชีกลาง)'
)
EXISTS = 'มีหน่วยงาน "{slug}" อยู่แล้ว (แก้ไขด้วย complaintbot org set {slug} KEY VALUE)'
ADDED = 'เพิ่มหน่วยงาน "{name}" ({slug}) แล้ว ใช้ได้ทันทีโดยไม่ต้องเริ่มเซิร์ฟเวอร์ใหม่'
NO_ORGS = "ยังไม่มีหน่วยงาน"
SET_DONE = "บันทึก {key} ของหน่วยงาน {slug} แล้ว"
UNKNOWN_KEY = "ไม่รู้จักค่าที่ตั้ง {key}: ใช้ได้ {keys}"
BAD_VALUE = "ค่า {value} ใช้กับ {key} ไม่ได้: {why}"
WHY_KIND = 'ต้องเป็น "เทศบาล" หรือ "อบต."'
KIND_MUNICIPALITY = "เทศบาล"
KIND_SAO = "อบต."
KIND_HELP = '"เทศบาล" or "อบต."'
# How a host may write the type in a file or form (compared without spaces, lower case).
KIND_WORDS_MUNICIPALITY = ("เทศบาล", "เทศบาลตำบล", "เทศบาลเมือง", "เทศบาลนคร", "ทต.", "ทม.",
                           "ทน.", "municipality")  # fmt: skip
KIND_WORDS_SAO = ("อบต.", "อบต", "องค์การบริหารส่วนตำบล", "sao")
SECRET_MISSING = "กรอกรหัสให้ครบ: LINE ต้องมีทั้ง channel secret และ access token, Telegram ต้องมี token"
SECRET_SPACES = "รหัสมีช่องว่างหรือขึ้นบรรทัดใหม่อยู่ข้างใน: คัดลอกมาใหม่ทั้งรหัส"
UNKNOWN_ORG = 'ไม่พบหน่วยงาน "{slug}"'
NO_FILE = "อ่านไฟล์ {path} ไม่ได้"
EMPTY_FILE = "ไฟล์ {path} ว่าง"
SLUG_OR_SHARED = "ระบุชื่อย่อหน่วยงาน หรือ --shared สำหรับบัญชีกลางของจังหวัด อย่างใดอย่างหนึ่ง"
ACCOUNT_SAVED = "บันทึกบัญชี {platform} ของ {owner} แล้ว (เก็บแบบเข้ารหัส) webhook: {path}"
SHARED_OWNER = "บัญชีกลาง"
SET = "ตั้งแล้ว"
NOT_SET = "ยังไม่ตั้ง"
NO_PUBLIC_URL = "ตั้ง COMPLAINTBOT_PUBLIC_URL (https://…) ก่อน เพื่อบอก Telegram ว่าจะส่งข้อความมาที่ใด"
NO_ACCOUNT = "ยังไม่ได้ตั้งบัญชี {platform} ของ {owner} (complaintbot org set-{platform} …)"
WEBHOOK_SET = "ตั้ง webhook ของ Telegram เป็น {url} แล้ว"
PLATFORM_FAILED = "{platform} ไม่ยอมรับคำขอ ({reason})"


FIELD_LABELS = {
    "slug": "ชื่อย่อ", "name": "ชื่อหน่วยงาน", "type": "ประเภท", "phone": "โทรศัพท์",
    "website": "เว็บไซต์",
    "address": "ที่อยู่", "deadline-days": "กำหนดเวลาดำเนินการ (วัน)",
    "office-hours": "เวลาทำการ", "contact": "ช่องทางติดต่อ", "units": "หน่วยงานภายใน",
    "reminder-time": "เวลาเตือนประจำวัน",
    "tip-round-minutes": "รอบแจ้งเบาะแสถึงเจ้าหน้าที่ (นาที)",
    "filings-per-chat": "เรื่องใหม่ต่อแชตต่อวัน", "filings-per-org": "เรื่องใหม่ทั้งหมดต่อวัน",
    "uploads-per-chat": "ไฟล์ต่อแชตต่อวัน", "disk-quota-mb": "พื้นที่ไฟล์ของหน่วยงาน (MB)",
    "external-contacts": "หน่วยงานภายนอกสำหรับเบาะแสเกี่ยวกับผู้บริหาร (ว่าง = ค่าเริ่มต้น)",
    "tambons": "ตำบลในแผนที่บัญชีกลาง",
}  # fmt: skip


def org_line(slug: str, name: str, line: bool, telegram: bool) -> str:
    marks = f"LINE: {SET if line else NOT_SET}, Telegram: {SET if telegram else NOT_SET}"
    return f"{slug}\t{name}\t{marks}"


def org_text(details: dict[str, str], accounts: dict[str, bool], paths: dict[str, str]) -> str:
    labels = FIELD_LABELS
    lines = [f"{labels.get(k, k)}: {v}" for k, v in details.items()]
    for platform, present in accounts.items():
        where = f" ({paths[platform]})" if present else ""
        lines.append(f"บัญชี {platform}: {SET if present else NOT_SET}{where}")
    return "\n".join(lines)
