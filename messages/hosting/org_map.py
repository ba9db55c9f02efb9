"""Text of the tambon-to-organisation map: file headers, import problems, CLI summaries."""

from __future__ import annotations

# Header words a host may use for each column (compared without case or spaces).
HEADERS = {
    "org": ("org", "slug", "organisation", "organization", "หน่วยงาน", "อปท"),
    "subdistrict_code": ("subdistrict_code", "code", "tambon_code", "รหัสตำบล", "รหัส"),
    "province": ("province", "จังหวัด"),
    "district": ("district", "อำเภอ", "อำเภอ/เขต", "เขต"),
    "subdistrict": ("subdistrict", "tambon", "ตำบล", "ตำบล/แขวง", "แขวง"),
    "lat": ("lat", "latitude", "ละติจูด"),
    "lon": ("lon", "lng", "long", "longitude", "ลองจิจูด"),
}

IMPORT_REASONS = {
    "unreadable": "อ่านไฟล์ไม่ได้ (ต้องเป็น CSV แบบ UTF-8 หรือ XLSX)",
    "no_header": "ไม่พบหัวตาราง: ต้องมีคอลัมน์ org และ subdistrict_code "
    "หรือ province, district, subdistrict",
    "no_rows": "ไม่มีแถวข้อมูลในไฟล์",
    "org_missing": "ไม่ได้ระบุหน่วยงาน (org)",
    "org_unknown": "ไม่พบหน่วยงานนี้ในระบบ (เพิ่มด้วย complaintbot org add ก่อน)",
    "place_missing": "ไม่ได้ระบุตำบล: ใส่ subdistrict_code หรือชื่อจังหวัด อำเภอ และตำบล",
    "code_unknown": "ไม่มีรหัสตำบลนี้ (รหัสตำบลมี 6 หลัก เช่น 920109)",
    "province_unknown": "ไม่พบจังหวัดนี้",
    "district_unknown": "ไม่พบอำเภอนี้ในจังหวัดที่ระบุ",
    "subdistrict_unknown": "ไม่พบตำบลนี้ในอำเภอและจังหวัดที่ระบุ",
    "ambiguous": "ชื่อตำบลนี้มีหลายแห่ง: ระบุอำเภอและจังหวัดให้ครบ",
    "code_mismatch": "รหัสตำบลไม่ตรงกับชื่อตำบล อำเภอ จังหวัดในแถวเดียวกัน",
    "coordinates": "พิกัดไม่ถูกต้อง: ต้องมีทั้ง lat และ lon เป็นตัวเลขในประเทศไทย",
    "duplicate": "ตำบลนี้ซ้ำกับแถวก่อนหน้าสำหรับหน่วยงานเดียวกัน",
}


def import_problem(line: int, reason: str, value: str = "") -> str:
    where = f"บรรทัด {line}: " if line else ""
    shown = f" ({value})" if value else ""
    return f"{where}{IMPORT_REASONS[reason]}{shown}"


IMPORT_DONE = "นำเข้าแล้ว {rows} ตำบล ของ {orgs} หน่วยงาน (แทนที่ข้อมูลเดิม {replaced} แถว)"
DRY_RUN_DONE = "ตรวจแล้ว ไฟล์ถูกต้อง: {rows} ตำบล ของ {orgs} หน่วยงาน (ยังไม่ได้บันทึก)"
LIST_EMPTY = "ยังไม่มีตำบลในแผนที่หน่วยงาน"
LIST_HEADER = "รหัส    ตำบล / อำเภอ / จังหวัด → หน่วยงาน"
LIST_TOTAL = "รวม {rows} ตำบล"


def place_line(code: str, subdistrict: str, district: str, province: str, org: str) -> str:
    return f"{code}  {place_label(subdistrict, district, province)} → {org}"


def place_label(subdistrict: str, district: str, province: str) -> str:
    """ต.บางรัก อ.เมืองตรัง จ.ตรัง; Bangkok's districts and tambons are เขต and แขวง."""
    if province == "กรุงเทพมหานคร":
        district_part = district if district.startswith("เขต") else f"เขต{district}"
        return f"แขวง{subdistrict} {district_part} {province}"
    return f"ต.{subdistrict} อ.{district} จ.{province}"


# The words people type before a place's name, by level (longest first where one begins another).
LEVEL_WORDS = {
    "sub": ("ตำบล", "แขวง", "ต."),
    "dist": ("กิ่งอำเภอ", "อำเภอ", "เขต", "อ."),
    "prov": ("จังหวัด", "จ."),
}
CAPITAL_DISTRICT = "เมือง"  # "อ.เมือง": the province's capital district
BANGKOK_DISTRICT_PREFIX = "เขต"
PROVINCE_ALIASES = {"กทม": "10", "กรุงเทพ": "10", "อยุธยา": "14"}


def with_suggestions(shown: str, near: list[str]) -> str:
    """An unknown tambon as typed, with the closest names of its district, if any."""
    return f"{shown}; หมายถึง {' หรือ '.join(near)} หรือไม่" if near else shown
