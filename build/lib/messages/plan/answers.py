"""Text of answers that combine the plan's data, in the reports' own format (`1,234.00 บาท`,
ร้อยละ). Used by `handlers.plan.answers`."""

from __future__ import annotations

from decimal import Decimal

from messages.format import baht
from messages.plan.status import STATUS_LABELS, dimension_title, percent_text, shorten


def scope(dimension: int | None, name: str) -> str:
    return dimension_title(dimension, name) if dimension is not None else "ทั้งแผน"


def counts(where: str, period: str, total: int, by_status: dict[str, int]) -> str:
    lines = [f"{where} ({period})", f"- มีโครงการ/กิจกรรม/มาตรการ จำนวน {total} รายการ"]
    lines += [f"- {label} {by_status.get(code, 0)} รายการ" for code, label in STATUS_LABELS.items()]
    return "\n".join(lines)


def count_of(where: str, period: str, statuses: list[str], count: int, total: int) -> str:
    names = " หรือ ".join(STATUS_LABELS[s] for s in statuses)
    return f"{where} ({period})\nสถานะ{names} {count} รายการ จากทั้งหมด {total} รายการ"


def count_unspent(where: str, period: str, what: str, count: int) -> str:
    return f"{where} ({period})\n{what} {count} รายการ"


def money(where: str, period: str, budget: Decimal, spent: Decimal, share: Decimal) -> str:
    return (
        f"{where} ({period})\n"
        f"- งบประมาณ {baht(budget)}\n"
        f"- เบิกจ่าย {baht(spent)} ({percent_text(share)})"
    )


def per_dimension_money(rows: list[tuple[str, Decimal, Decimal, Decimal]]) -> str:
    return "\n".join(
        f"- {where}: งบประมาณ {baht(b)} เบิกจ่าย {baht(s)} ({percent_text(p)})"
        for where, b, s, p in rows
    )


LARGEST_WHAT = {"budget": "งบประมาณมากที่สุด", "spent": "เบิกจ่ายมากที่สุด"}
NONE_BUDGETED = "{where} ไม่มีรายการที่ตั้งงบประมาณไว้ ({period})"
NONE_SPENT = "{where} ยังไม่มีรายการที่เบิกจ่าย ({period})"


def largest(where: str, period: str, what: str, amount: Decimal, items: list[tuple[int, str]]):
    head = f"รายการที่{LARGEST_WHAT[what]} {where} ({period}): {baht(amount)}"
    if len(items) > 1:
        head += f" เท่ากัน {len(items)} รายการ"
    return "\n".join([head, *(f"- ข้อ {n} {shorten(t, 120)}" for n, t in items)])


def list_header(what: str, where: str, count: int, page: int, pages: int) -> str:
    return f"{what} {where}: {count} รายการ (หน้า {page}/{pages}) เลือกรายการเพื่อดูรายละเอียด:"


def list_what(statuses: list[str], unspent: bool) -> str:
    if unspent:
        return "รายการที่ตั้งงบประมาณไว้แต่ยังไม่มีการเบิกจ่าย"
    return "รายการที่สถานะ" + " หรือ ".join(STATUS_LABELS[s] for s in statuses)


LIST_EMPTY = "{what} {where}: ไม่มี ({period})"
NEAREST = "ไม่พบโครงการ/กิจกรรม/มาตรการที่ตรงกับ “{question}” ในแผนนี้ รายการที่ใกล้เคียงที่สุด:"
