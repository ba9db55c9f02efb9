"""Formatting for Thai readers: Buddhist-era dates, Thai digits, baht amounts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)

MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
MONTHS_FULL = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip


def arabic_digits(text: str) -> str:
    """Thai digits (๐–๙) to 0–9; everything else unchanged."""
    return text.translate(_TO_ARABIC)


def thai_digits(text: str) -> str:
    return text.translate(_TO_THAI)


def buddhist_year(year: int) -> int:
    return year + 543


def fiscal_year_be(day: date) -> int:
    """The Thai fiscal year (Buddhist era) a date falls in: it runs October–September."""
    return buddhist_year(day.year + 1 if day.month >= 10 else day.year)


def local_date(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        return moment.astimezone(BANGKOK).date()
    return moment


def thai_date(moment: datetime | date) -> str:
    """`23 พ.ย. 2569`: the short form people write on forms."""
    day = local_date(moment)
    return f"{day.day} {MONTHS_SHORT[day.month - 1]} {buddhist_year(day.year)}"


def thai_date_long(moment: datetime | date) -> str:
    day = local_date(moment)
    return f"{day.day} {MONTHS_FULL[day.month - 1]} {buddhist_year(day.year)}"


def thai_datetime(moment: datetime) -> str:
    local = moment.astimezone(BANGKOK)
    return f"{thai_date(local)} {local:%H:%M} น."


def baht(amount: Decimal | int) -> str:
    """`4,840.00 บาท`: always two decimals, as the plan reports print them."""
    return f"{Decimal(amount):,.2f} บาท"


def percent(part: Decimal, whole: Decimal) -> str:
    if not whole:
        return "0.00"
    return f"{(Decimal(part) * 100 / Decimal(whole)).quantize(Decimal('0.01'))}"
