"""Text of the staff side: menus, queues, case cards, notices, reminders, administration."""

from __future__ import annotations

from messages.citizen.tracking import STATUS_LABELS
from messages.format import thai_date

TIP_REF_PREFIX = "ทจ"  # ทจ-2567-4821: a tip's staff reference (never its tracking code)

ROLE_LABELS = {
    "complaint": "เจ้าหน้าที่เรื่องร้องเรียน",
    "integrity": "เจ้าหน้าที่เรื่องทุจริต",
    "plan": "เจ้าหน้าที่แผนป้องกันการทุจริต",
    "admin": "ผู้ดูแลระบบ",
    "host-admin": "ผู้ดูแลระบบของผู้ให้บริการ (ไม่เห็นเบาะแส)",
}


def roles_text(roles: list[str]) -> str:
    return ", ".join(ROLE_LABELS[r] for r in roles)


def bound(name: str, roles: list[str]) -> str:
    who = f"คุณ{name} " if name else ""
    return (
        f"ลงทะเบียน{who}เป็นเจ้าหน้าที่เรียบร้อยแล้ว\nบทบาท: {roles_text(roles)}\n"
        'พิมพ์ "/staff" เพื่อเปิดเมนูเจ้าหน้าที่ได้ทุกเมื่อ (บัญชีนี้ยังใช้บริการประชาชนได้ตามปกติ)'
    )


STAFF_MENU = "เมนูเจ้าหน้าที่"
COMMANDS_HELP = (
    "คำสั่งที่พิมพ์ได้ (ทำได้เหมือนกดปุ่ม)\n"
    "/queue คิวเรื่องร้องเรียน  /tips คิวเบาะแส  /stats ช่วงเวลา สถิติ (เช่น /stats 2567-03)\n"
    "/open รหัส  /take รหัส  /status รหัส  /assign รหัส  /refer รหัส\n"
    "/history รหัส  /ask รหัส  /note รหัส  /explain รหัส  /photos รหัส  /content ทจ-…\n"
    "/web ลิงก์เข้าหน้าเว็บเจ้าหน้าที่  /web รหัส ยืนยันเครื่องที่ขอเข้า  /weblogout ออกจากเว็บทุกเครื่อง\n"
    "ผู้ดูแล: /invite บทบาท ชื่อ  /stafflist  /remove เลขที่  /audit  /staffgroup (พิมพ์ในกลุ่ม)"
)
BUTTON_QUEUE = "คิวเรื่องร้องเรียน"
BUTTON_TIPS = "คิวเบาะแส"
BUTTON_STAFF = "รายชื่อเจ้าหน้าที่"
BUTTON_AUDIT = "บันทึกการเข้าถึง"
BUTTON_OPEN = "เปิดดู"
BUTTON_TAKE = "รับเรื่องนี้"
BUTTON_STATUS = "เปลี่ยนสถานะ"
BUTTON_ASSIGN = "มอบหมายหน่วยงาน"
BUTTON_REFER = "ส่งต่อหน่วยงานอื่น"
BUTTON_HISTORY = "ประวัติ"
BUTTON_ASK = "ถามผู้แจ้ง"
BUTTON_NOTE = "บันทึกภายใน"
BUTTON_PHOTOS = "ดูรูปภาพ"
BUTTON_CONTENT = "ดูเนื้อหาเบาะแส"
BUTTON_EXPLAIN = "ชี้แจงความล่าช้า"


def explain_label(key: str) -> str:
    return f"ชี้แจง …{key[-9:]}"


BUTTON_SKIP_NOTE = "ไม่มีบันทึก"

QUEUE_EMPTY = "ไม่มีเรื่องค้างในคิว"
QUEUE_COMPLAINTS = "คิวเรื่องร้องเรียน"
QUEUE_TIPS = "คิวเรื่องแจ้งเบาะแสการทุจริต"
SECTION_OVERDUE = "เกินกำหนด"
SECTION_DUE_SOON = "ครบกำหนดภายใน 3 วัน"
SECTION_OPEN = "เรื่องอื่นที่ยังเปิดอยู่"
UNKNOWN_CASE = "ไม่พบเรื่องนี้ กรุณาตรวจสอบรหัสเรื่องหรือเลขอ้างอิงอีกครั้ง"
NEED_TARGET = "กรุณาระบุรหัสเรื่อง (16 หลัก) หรือเลขอ้างอิงเบาะแส เช่น /open ทจ-2567-4821"


def queue_line(key: str, category: str, due: object, extra: str = "") -> str:
    return f"• {key} {category} กำหนด {thai_date(due)}" + (f" ({extra})" if extra else "")


def complaint_card(
    code: str, category: str, status: str, received: object, due: object, unit: str,
    assignee: str, referred: str, excerpt: str, photos: int, has_location: bool,
    contact: str = "",
) -> str:  # fmt: skip
    lines = [
        f"เรื่องร้องเรียน {code}",
        f"ประเภท: {category}",
        f"สถานะ: {STATUS_LABELS[status]}",
        f"รับเรื่อง: {thai_date(received)}  กำหนดแล้วเสร็จ: {thai_date(due)}",
        f"หน่วยงาน: {unit or 'ยังไม่มอบหมาย'}  ผู้รับผิดชอบ: {assignee or '-'}",
    ]
    if referred:
        lines.append(f"ส่งต่อ: {referred}")
    lines += [
        f"รายละเอียด: {excerpt}",
        f"รูปภาพ/ไฟล์: {photos}  ตำแหน่ง: {'มี' if has_location else 'ไม่มี'}",
        f"ผู้ร้อง: {contact}" if contact else "ผู้ร้อง: ไม่ประสงค์ให้ข้อมูลติดต่อ",
    ]
    return "\n".join(lines)


def tip_card(
    reference: str, category: str, status: str, received: object, due: object, unit: str,
    assignee: str, referred: str,
) -> str:  # fmt: skip
    lines = [
        f"เรื่องแจ้งเบาะแส {reference}",
        f"ประเภท: {category}",
        f"สถานะ: {STATUS_LABELS[status]}",
        f"รับเรื่อง: {thai_date(received)}  กำหนด: {thai_date(due)}",
        f"หน่วยงาน: {unit or 'ยังไม่มอบหมาย'}  ผู้รับผิดชอบ: {assignee or '-'}",
    ]
    if referred:
        lines.append(f"ส่งต่อ: {referred}")
    lines.append('เนื้อหาเบาะแสแสดงเมื่อกด "ดูเนื้อหาเบาะแส" (การเปิดดูทุกครั้งถูกบันทึก)')
    return "\n".join(lines)


def tip_content(
    reference: str, conduct: str, accused: str, when_where: str, files: int, informant: str
) -> str:
    return "\n".join(
        [
            f"เนื้อหาเบาะแส {reference} (การเปิดดูครั้งนี้ถูกบันทึกแล้ว)",
            f"พฤติการณ์: {conduct}",
            f"ผู้ถูกกล่าวหา/หน่วยงาน: {accused or 'ไม่ระบุ'}",
            f"เมื่อไร/ที่ไหน: {when_where or 'ไม่ระบุ'}",
            f"หลักฐาน: {files} ไฟล์",
            f"ผู้แจ้ง: {informant or 'ไม่ระบุตัวตน'}",
        ]
    )


def exchange_line(from_staff: bool, body: str, day: object) -> str:
    who = "เจ้าหน้าที่ถาม" if from_staff else "ผู้แจ้งตอบ"
    return f"• {thai_date(day)} {who}: {body}"


HISTORY_TITLE = "ประวัติเรื่อง {key}"


def history_line(day: str, status: str, actor: str, public: str, internal: str) -> str:
    line = f"• {day} {STATUS_LABELS[status]} ({actor})"
    if public:
        line += f"\n  แจ้งประชาชน: {public}"
    if internal:
        line += f"\n  ภายใน: {internal}"
    return line


TAKEN = "คุณรับผิดชอบเรื่อง {key} แล้ว"
ASK_STATUS = "เลือกสถานะใหม่ของเรื่อง {key}"
ASK_PUBLIC_NOTE = 'พิมพ์บันทึกถึงประชาชน (ผู้ร้องจะเห็น) หรือกด "ไม่มีบันทึก"'
ASK_INTERNAL_NOTE = 'พิมพ์บันทึกภายใน (เฉพาะเจ้าหน้าที่) หรือกด "ไม่มีบันทึก"'
STATUS_SAVED = 'บันทึกสถานะ "{status}" ของเรื่อง {key} แล้ว'
NOTE_SAVED = "บันทึกภายในของเรื่อง {key} แล้ว"
ASK_UNIT = "มอบหมายเรื่อง {key} ให้หน่วยงานใด"
ASSIGNED = "มอบหมายเรื่อง {key} ให้{unit}แล้ว"
ASSIGNED_NOTE = "มอบหมายให้{unit}"
ASK_AGENCY = "พิมพ์ชื่อหน่วยงานที่ส่งต่อเรื่อง {key} ไป (ผู้ร้องจะเห็นชื่อนี้)"
REFERRED = "ส่งต่อเรื่อง {key} ไปยัง{agency}แล้ว"


def referred_note(agency: str) -> str:
    return f"ส่งต่อเรื่องไปยัง{agency} ซึ่งเป็นหน่วยงานที่มีอำนาจหน้าที่"


ASK_QUESTION = "พิมพ์คำถามถึงผู้แจ้งเรื่อง {key} (ผู้แจ้งจะเห็นเมื่อดูสถานะด้วยรหัสติดตามเรื่อง)"
QUESTION_SAVED = "บันทึกคำถามของเรื่อง {key} แล้ว ระบบจะแจ้งเมื่อผู้แจ้งตอบ"
ASK_EXPLANATION = "พิมพ์คำชี้แจงถึงผู้ร้องเรื่อง {key} ว่าเหตุใดจึงยังไม่แล้วเสร็จ (ผู้ร้องจะเห็น)"
EXPLANATION_SAVED = "ส่งคำชี้แจงของเรื่อง {key} ให้ผู้ร้องแล้ว"
NO_PHOTOS = "เรื่องนี้ไม่มีรูปภาพ"
# Under a notice or a case card, where the deployment has a public address.
OFFICE_LINK = "เปิดเรื่องในหน้าเว็บเจ้าหน้าที่: {url}"


def photo_caption(number: int, count: int) -> str:
    return f"รูปที่ {number}/{count}"


def new_complaint(code: str, category: str, excerpt: str, due: object, photos: int) -> str:
    lines = [
        "📥 เรื่องร้องเรียนใหม่",
        f"รหัส: {code}",
        f"ประเภท: {category}",
        f"รายละเอียด: {excerpt}",
        f"กำหนดแล้วเสร็จ: {thai_date(due)}",
    ]
    if photos:
        lines.append(f'รูปภาพ/ไฟล์: {photos} (กด "ดูรูปภาพ")')
    return "\n".join(lines)


def new_tip(reference: str, category: str) -> str:
    return f"🔒 มีเบาะแสการทุจริตเรื่องใหม่\nเลขอ้างอิง: {reference}\nประเภท: {category}"


def new_tips(tips: list[tuple[str, str]], *, more: bool) -> str:
    """Several tips of one round, by reference: (reference, category) each."""
    lines = [f"🔒 มีเบาะแสการทุจริตเรื่องใหม่ {len(tips)} เรื่อง"]
    lines += [f"• {reference} ({category})" for reference, category in tips]
    if more:
        lines.append("ดูทั้งหมดด้วย /tips")
    return "\n".join(lines)


def answers_arrived(keys: list[str], *, more: bool) -> str:
    lines = [f"💬 ผู้แจ้งตอบคำถามของคุณแล้ว {len(keys)} เรื่อง", *(f"• {k}" for k in keys)]
    lines.append("กดเลขอ้างอิงเพื่ออ่าน" if not more else "ดูด้วย /content ตามด้วยเลขอ้างอิง")
    return "\n".join(lines)


def answer_arrived(key: str, body: str | None) -> str:
    text = f"💬 ผู้แจ้งตอบคำถามของเรื่อง {key} แล้ว"
    return text + (f"\nคำตอบ: {body}" if body else '\nกด "ดูเนื้อหาเบาะแส" เพื่ออ่าน')


def reminder(days: int) -> str:
    return f"⏰ เตือนกำหนดเวลา (ต้องดำเนินการให้แล้วเสร็จภายใน {days} วัน หรือชี้แจงผู้ร้อง)"


def overdue_line(key: str, due: object, needs_explanation: bool) -> str:
    tail = " ต้องชี้แจงผู้ร้อง" if needs_explanation else ""
    return f"• เกินกำหนด {key} (กำหนด {thai_date(due)}){tail}"


def due_soon_line(key: str, due: object) -> str:
    return f"• ใกล้ครบกำหนด {key} (กำหนด {thai_date(due)})"


# -- administration -----------------------------------------------------------------------

INVITE_USAGE = "ใช้: /invite บทบาท [ชื่อ]  บทบาท: complaint, integrity, plan, admin, host-admin"
HOST_ADMIN_NO_TIP_ROLES = (
    "ผู้ดูแลระบบของผู้ให้บริการเชิญได้เฉพาะบทบาทที่ไม่เห็นเบาะแส (complaint, plan, host-admin) "
    "ให้ผู้ดูแลระบบของหน่วยงานเชิญเจ้าหน้าที่เรื่องทุจริตแทน"
)


def invite_created(code: str, roles: list[str], expires: str) -> str:
    return (
        f"รหัสเชิญสำหรับ {roles_text(roles)}: {code}\n"
        f"ให้เจ้าหน้าที่พิมพ์ /staff {code} ในแชตกับบอต ใช้ได้ครั้งเดียว หมดอายุ {expires}"
    )


STAFF_LIST_TITLE = "รายชื่อเจ้าหน้าที่"


def staff_line(member_id: int, name: str, roles: list[str], channel: str) -> str:
    return f"{member_id}. {name or '(ไม่ระบุชื่อ)'} – {roles_text(roles)} [{channel}]"


STAFF_REMOVED = "ยกเลิกสิทธิ์เจ้าหน้าที่เลขที่ {id} แล้ว"
STAFF_NOT_FOUND = "ไม่พบเจ้าหน้าที่เลขที่ {id}"
AUDIT_TITLE = "บันทึกการเปิดดูเนื้อหาเบาะแส (ล่าสุดก่อน)"
AUDIT_EMPTY = "ยังไม่มีการเปิดดูเนื้อหาเบาะแส"


def audit_line(at: str, actor: str, reference: str) -> str:
    return f"• {at} {actor} เปิดดู {reference}"


GROUP_SET = "ตั้งกลุ่มนี้เป็นกลุ่มรับแจ้งเรื่องร้องเรียนใหม่แล้ว (เรื่องแจ้งเบาะแสทุจริตไม่ถูกส่งเข้ากลุ่ม)"
GROUP_UNSET = "ยกเลิกการส่งแจ้งเตือนเข้ากลุ่มนี้แล้ว แจ้งเตือนจะส่งถึงแชตส่วนตัวของเจ้าหน้าที่"


LIMIT_LABELS = {
    "filings-chat": "แชตเดียวส่งเรื่องเกินจำนวนต่อวัน",
    "filings-org": "เรื่องทั้งหมดเกินจำนวนต่อวันของหน่วยงาน",
    "uploads-chat": "แชตเดียวส่งไฟล์เกินจำนวนต่อวัน",
    "disk": "พื้นที่เก็บไฟล์เต็ม",
}


def limits_hit(hits: dict[str, int]) -> str:
    """How often the daily limits refused something in the last 7 days: counts, never who."""
    lines = ["⚠️ ขีดจำกัดการรับเรื่องทำงานใน 7 วันที่ผ่านมา (นับครั้ง ไม่ระบุผู้ส่ง)"]
    lines += [f"• {LIMIT_LABELS.get(kind, kind)}: {count} ครั้ง" for kind, count in hits.items()]
    return "\n".join(lines)
