"""Text the citizen sees when the organisation answers: progress, questions, rating."""

from __future__ import annotations

from messages.citizen.tracking import STATUS_LABELS

BUTTON_CONFIRM_NOTIFY = "ส่ง+แจ้งผลในแชตนี้"
NOTIFY_CHOICE = (
    'กด "ส่ง+แจ้งผลในแชตนี้" หากต้องการให้แจ้งความคืบหน้าทางแชตนี้\n(ติดตามเองด้วยรหัสได้ทุกเมื่อโดยไม่เสียค่าใช้จ่าย)'
)


def progress(masked_code: str, status: str, note: str) -> str:
    lines = [f"📣 ความคืบหน้าเรื่องของคุณ {masked_code}", f"สถานะ: {STATUS_LABELS[status]}"]
    if note:
        lines.append(f"จากเจ้าหน้าที่: {note}")
    return "\n".join(lines)


def question(masked_code: str, body: str) -> str:
    return f"❓ เจ้าหน้าที่มีคำถามเกี่ยวกับเรื่อง {masked_code}\n{body}"


QUESTIONS_TITLE = '❓ คำถามจากเจ้าหน้าที่ (ตอบได้โดยกด "ตอบกลับ" ผู้ตอบไม่ถูกระบุตัวตน)'
BUTTON_REPLY = "ตอบกลับ"
ASK_REPLY = "พิมพ์คำตอบถึงเจ้าหน้าที่ (ไม่ต้องระบุชื่อของคุณ)"
REPLY_SENT = "ส่งคำตอบถึงเจ้าหน้าที่แล้ว ขอบคุณค่ะ"
REPLY_HINT = 'กด "ตอบกลับ" หรือพิมพ์ "ตอบกลับ" ตามด้วยรหัสติดตามเรื่อง'
NO_QUESTION = "ขณะนี้ไม่มีคำถามจากเจ้าหน้าที่ที่รอคำตอบสำหรับเรื่องนี้"

ASK_RATING = "เรื่องของคุณดำเนินการแล้วเสร็จ ช่วยให้คะแนนความพึงพอใจต่อการจัดการเรื่องนี้ (1 น้อยที่สุด – 5 มากที่สุด)"
RATING_LABELS = ("1 ไม่พอใจมาก", "2 ไม่พอใจ", "3 พอใช้", "4 พอใจ", "5 พอใจมาก")
ASK_COMMENT = 'ขอบคุณค่ะ มีข้อเสนอแนะเพิ่มเติมไหม พิมพ์มาได้ หรือกด "ข้าม"'
RATED = "ขอบคุณสำหรับคะแนนและความคิดเห็น เราจะนำไปปรับปรุงการให้บริการ"
ALREADY_RATED = "เรื่องนี้ได้รับคะแนนแล้ว ขอบคุณค่ะ"
