"""The words of plan questions that combine the data: how many, how much per มิติ, the
largest, which items. Regular expressions over the plan search's normalised text (no spaces,
Arabic digits, canonical spellings); the logic is in `handlers.plan.answers`.
"""

from __future__ import annotations

import re

# Status words → status codes (storage.plan.models.PlanStatus); checked in this order, the
# first that matches wins. "ยังไม่เสร็จ" means every status but done.
STATUS_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"ยังไม่(?:ได้)?(?:ส่ง)?รายงาน|ไม่(?:ได้)?รายงาน|รอ(?:การ)?รายงาน|ยังไม่(?:ได้)?ดำเนินการ|"
     r"ยังไม่(?:ได้)?(?:เริ่ม)?ทำ(?!แล้ว)(?!เสร็จ)|ยังไม่เริ่ม", ("pending",)),
    (r"ยังไม่เสร็จ|ไม่เสร็จ|ค้างอยู่|ยังค้าง", ("pending", "in_progress", "cannot")),
    (r"ไม่สามารถ|ทำไม่ได้|ทำไม่สำเร็จ|ไม่ได้จัด|ยกเลิก|ล้มเลิก|ดำเนินการไม่ได้", ("cannot",)),
    (r"อยู่ระหว่าง|กำลังดำเนินการ|กำลังทำ|ระหว่างดำเนินการ", ("in_progress",)),
    (r"แล้วเสร็จ|เสร็จแล้ว|ทำเสร็จ|เสร็จสิ้น|เสร็จ|ทำแล้ว|ดำเนินการแล้ว|สำเร็จ", ("done",)),
)  # fmt: skip
STATUS = tuple((re.compile(pattern), codes) for pattern, codes in STATUS_CUES)

# Budgeted but nothing spent.
UNSPENT = re.compile(
    r"(?:ยัง)?ไม่(?:ได้)?(?:ใช้|เบิก)(?:จ่าย)?(?:เงิน|งบ(?:ประมาณ)?)?(?:เลย)?|"
    r"ยังไม่มีการเบิก|เบิก(?:จ่าย)?(?:ได้|ไป)?(?:0|ศูนย์)|ใช้(?:เงิน|งบ)?ไป(?:0|ศูนย์)|"
    r"ได้งบ(?:ประมาณ)?แต่(?:ยัง)?ไม่(?:ได้)?ใช้"
)
HOW_MANY = re.compile(
    r"กี่(?:โครงการ|รายการ|ข้อ|มาตรการ|กิจกรรม|อัน|เรื่อง)|จำนวน(?:โครงการ|รายการ|ข้อ)|"
    r"มีกี่|นับได้กี่|ทั้งหมดกี่"
)
WHICH = re.compile(
    r"อะไรบ้าง|ไหนบ้าง|ข้อไหน|ข้อใด|รายการไหน|รายการใด|โครงการไหน|โครงการใด|โครงการอะไร|"
    r"กิจกรรมไหน|มาตรการไหน|อันไหน|ตัวไหน|มีอะไร|ขอรายชื่อ|รายชื่อ|รายการที่|ได้แก่|บอกชื่อ|list"
)
LARGEST = re.compile(r"(?:มาก|เยอะ|สูง|แพง|ใหญ่)(?:ที่)?สุด|สูงสุด|top|อันดับ1|อันดับหนึ่ง")
SPENDING = re.compile(r"เบิก|ใช้(?:เงิน|งบ|จ่าย)|จ่าย(?:เงิน|ไป)|ใช้ไป")
MONEY = re.compile(r"งบ|เงิน|เบิก|จ่าย|ร้อยละ|เปอร์เซ็น|%|บาท")
TOTAL = re.compile(r"ทั้งหมด|ทั้งแผน|รวม|ทุกโครงการ|ทุกรายการ|ทั้งปี|ภาพรวม|ทุกมิติ")
