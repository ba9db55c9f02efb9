"""Text of the shared provincial channel: where is the matter, which organisation answers."""

from __future__ import annotations

from messages.hosting.org_map import place_label

BUTTON_YES = "ใช่"
BUTTON_AGAIN = "เลือกใหม่"
BUTTON_RETYPE = "พิมพ์ใหม่"
BUTTON_CHANGE = "เปลี่ยนหน่วยงาน"

# Typed anywhere in the shared channel: forget the chosen organisation and ask again.
WORDS_CHANGE = ("เปลี่ยนหน่วยงาน", "เปลี่ยนพื้นที่", "เปลี่ยนตำบล", "/change")

ASK = (
    "สวัสดีค่ะ ช่องทางนี้รับเรื่องให้หลายหน่วยงานในจังหวัด\n"
    "เรื่องที่จะแจ้งอยู่ที่ตำบลไหนคะ? พิมพ์ชื่อตำบล (และอำเภอ ถ้ามี) เช่น "
    '"ต.ในเวียง อ.เมือง" หรือกดแชร์ตำแหน่งที่ตั้ง (location) ของจุดที่เกิดเรื่อง\n'
    "ถ้ามีรหัสติดตามเรื่อง 16 หลัก พิมพ์รหัสได้เลย"
)
NOT_FOUND = (
    'ไม่พบตำบล "{text}" ในพื้นที่ที่ช่องทางนี้ดูแล\n'
    'ลองพิมพ์ชื่อตำบลอีกครั้ง เช่น "ต.{example}" หรือ "ตำบล{example} อำเภอ{example_district}" '
    "หรือแชร์ตำแหน่งที่ตั้งแทนก็ได้ค่ะ"
)
NOT_FOUND_NO_EXAMPLE = (
    'ไม่พบตำบล "{text}" ในพื้นที่ที่ช่องทางนี้ดูแล ลองพิมพ์ชื่อตำบลอีกครั้ง '
    'เช่น "ต.ชื่อตำบล อ.ชื่ออำเภอ" หรือแชร์ตำแหน่งที่ตั้งแทนก็ได้ค่ะ'
)
NO_PLACES = "ขออภัย ช่องทางนี้ยังไม่ได้กำหนดพื้นที่ให้บริการ กรุณาติดต่อหน่วยงานของท่านโดยตรง"
NOTHING_NEAR = 'ไม่พบตำบลที่ให้บริการใกล้ตำแหน่งนี้ กรุณาพิมพ์ชื่อตำบลแทน เช่น "ต.ชื่อตำบล อ.ชื่ออำเภอ"'
NEED_PLACE = "กรุณาพิมพ์ชื่อตำบล หรือแชร์ตำแหน่งที่ตั้งของจุดที่เกิดเรื่องค่ะ"
PICK = "พบหลายแห่งที่ใกล้เคียง เลือกตำบลที่ถูกต้อง หรือกด “พิมพ์ใหม่”:\n{lines}"
PICK_NEAR = "ตำบลที่ใกล้ตำแหน่งที่แชร์มา เลือกตำบลที่ถูกต้อง หรือกด “พิมพ์ใหม่”:\n{lines}"
STALE = "ปุ่มนี้มาจากข้อความเก่า กรุณาเลือกจากข้อความล่าสุด หรือพิมพ์ชื่อตำบลใหม่"


def candidate_line(number: int, place: str, org: str, km: float | None = None) -> str:
    near = f" (ห่างประมาณ {km:.1f} กม.)" if km is not None else ""
    return f"{number}. {place}{near} — {org}"


def confirm(subdistrict: str, district: str, province: str, org: str, km: float | None) -> str:
    near = f"\n(ตำบลที่ใกล้ตำแหน่งที่แชร์มาที่สุด ห่างประมาณ {km:.1f} กม.)" if km is not None else ""
    return (
        f"{place_label(subdistrict, district, province)}{near}\nหน่วยงานที่รับผิดชอบ: {org}\nถูกต้องไหมคะ?"
    )


def chosen(org: str) -> str:
    return (
        f'ต่อจากนี้เรื่องของคุณจะส่งถึง {org} ค่ะ\nถ้าต้องการเปลี่ยนพื้นที่หรือหน่วยงาน พิมพ์ "{BUTTON_CHANGE}" ได้ทุกเมื่อ'
    )


def tip_notice(org: str, contacts: str) -> str:
    return (
        f"เบาะแสที่แจ้งในช่องทางนี้จะส่งถึงเจ้าหน้าที่ผู้รับเรื่องทุจริตของ {org} เท่านั้น\n"
        "หากเรื่องเกี่ยวกับผู้บริหารของหน่วยงานนี้เอง "
        "คุณสามารถแจ้งหน่วยงานภายนอกแทนได้:\n"
        f"{contacts}"
    )
