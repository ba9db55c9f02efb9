"""What a citizen reads when a daily limit stops a new case or a file: calm, and clear that
nothing already sent is lost."""

from __future__ import annotations

KEPT = "เรื่องที่ส่งไปแล้วยังอยู่ครบ และติดตามด้วยรหัสได้ตามปกติ"

FILINGS_PER_CHAT = (
    "วันนี้แชตนี้ส่งเรื่องใหม่ครบ {limit} เรื่องแล้ว ซึ่งเป็นจำนวนที่รับได้ต่อวัน "
    "เพื่อให้ทุกเรื่องได้รับการดูแลอย่างทั่วถึง\n" + KEPT + "\nส่งเรื่องใหม่ได้อีกครั้งพรุ่งนี้"
)
FILINGS_PER_ORG = (
    "วันนี้มีเรื่องส่งเข้ามามากเป็นพิเศษ หน่วยงานจึงพักรับเรื่องใหม่ทางแชตไว้ก่อนจนถึงพรุ่งนี้\n"
    + KEPT
    + "\nหากเร่งด่วน โปรดติดต่อหน่วยงานโดยตรง"
)
# At the confirmation: the draft is kept, so nothing typed is lost either.
DRAFT_KEPT = 'ข้อมูลที่กรอกไว้ยังไม่ได้ส่ง กด "ยืนยัน" อีกครั้งเมื่อรับเรื่องได้ หรือกด "ยกเลิก"'

UPLOADS_PER_CHAT = (
    "วันนี้แชตนี้ส่งไฟล์ครบ {limit} ไฟล์แล้ว ไฟล์นี้จึงไม่ได้เก็บไว้ ไฟล์ที่ส่งก่อนหน้านี้ยังอยู่ครบ พิมพ์อธิบายแทนได้ หรือไปขั้นต่อไป"
)
DISK = (
    "ขณะนี้พื้นที่เก็บไฟล์ของหน่วยงานเต็ม ไฟล์นี้จึงไม่ได้เก็บไว้ ไฟล์และเรื่องที่ส่งแล้วยังอยู่ครบ พิมพ์อธิบายแทนได้ หรือไปขั้นต่อไป"
)

BY_LIMIT = {
    "filings-chat": FILINGS_PER_CHAT,
    "filings-org": FILINGS_PER_ORG,
    "uploads-chat": UPLOADS_PER_CHAT,
    "disk": DISK,
}


def refused(limit: str, size: int) -> str:
    return BY_LIMIT[limit].format(limit=size)
