"""Reporting periods and dates as staff type them, in either era, with Thai or Arabic digits.

A period is a month, a fiscal quarter, the six-month round or the fiscal year (October to
September; FY 2567 runs from 1 October 2566). Every period starts on the first of a month and
ends on the last day of one, in Bangkok. Years of four digits from 2400 are Buddhist era,
below that Christian era; two-digit years are Buddhist era (`มีนาคม 67`), as Thai forms write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from pythainlp.util import thai_digit_to_arabic_digit
from pythainlp.util.date import thai_full_month_lists

from messages.format import BANGKOK, buddhist_year, fiscal_year_be
from messages.stats.labels import FISCAL_YEAR_WORDS, QUARTER_WORDS

BE_OFFSET = 543


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"  # the six-month round of the ITA and e-PlanNACC reports
    YEAR = "year"  # the fiscal year
    YEAR_TO_DATE = "year_to_date"  # from October to the end of another period


_MONTHS_OF = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}


@dataclass(frozen=True)
class Period:
    """Whole months of one fiscal year; `first` and `last` are Bangkok dates, inclusive."""

    kind: PeriodKind
    fiscal_year: int  # Buddhist era
    number: int  # month 1–12, quarter 1–4, half 1–2; 1 for the year; months for year-to-date
    first: date
    last: date

    @property
    def start(self) -> datetime:
        """The first moment of the period (aware, Bangkok midnight)."""
        return datetime.combine(self.first, time(), BANGKOK)

    @property
    def end(self) -> datetime:
        """The first moment after the period: figures are "as of" this instant."""
        return datetime.combine(self.last + timedelta(days=1), time(), BANGKOK)

    @property
    def slug(self) -> str:
        """The canonical typed form: `2567-03`, `2567-Q2`, `2567-H1`, `2567`."""
        if self.kind is PeriodKind.MONTH:
            return f"{buddhist_year(self.first.year)}-{self.first.month:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.fiscal_year}-Q{self.number}"
        if self.kind is PeriodKind.HALF:
            return f"{self.fiscal_year}-H{self.number}"
        if self.kind is PeriodKind.YEAR_TO_DATE:
            return f"{self.fiscal_year}-M{self.number}"
        return str(self.fiscal_year)

    def months(self) -> list[Period]:
        """The months of this period, in order."""
        out, day = [], self.first
        while day <= self.last:
            out.append(month_of(day))
            day = _add_months(day, 1)
        return out

    def fiscal_year_to_date(self) -> Period:
        """From the start of this period's fiscal year to the end of this period."""
        first = fiscal_year(self.fiscal_year).first
        count = len(Period(PeriodKind.YEAR_TO_DATE, 0, 0, first, self.last).months())
        return Period(PeriodKind.YEAR_TO_DATE, self.fiscal_year, count, first, self.last)


def _span(kind: PeriodKind, fy_be: int, number: int, first: date) -> Period:
    last = _add_months(first, _MONTHS_OF[kind]) - timedelta(days=1)
    return Period(kind, fy_be, number, first, last)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_of(day: date) -> Period:
    first = day.replace(day=1)
    return _span(PeriodKind.MONTH, fiscal_year_be(first), first.month, first)


def fiscal_year(fy_be: int) -> Period:
    return _span(PeriodKind.YEAR, fy_be, 1, date(fy_be - BE_OFFSET - 1, 10, 1))


def quarter(fy_be: int, number: int) -> Period:
    first = _add_months(fiscal_year(fy_be).first, 3 * (number - 1))
    return _span(PeriodKind.QUARTER, fy_be, number, first)


def half(fy_be: int, number: int) -> Period:
    first = _add_months(fiscal_year(fy_be).first, 6 * (number - 1))
    return _span(PeriodKind.HALF, fy_be, number, first)


def last_month(now: datetime) -> Period:
    """The default period: the month before the current one in Bangkok."""
    today = now.astimezone(BANGKOK).date()
    return month_of(today.replace(day=1) - timedelta(days=1))


def current_fiscal_year(now: datetime) -> Period:
    return fiscal_year(fiscal_year_be(now.astimezone(BANGKOK).date()))


# --- reading what people type ---------------------------------------------------------------


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", thai_digit_to_arabic_digit(text or "")).strip()


def _be_year(text: str) -> int | None:
    """A year as written, to the Buddhist era: `2567`, `2024`, `67`."""
    if not text.isdigit():
        return None
    value = int(text)
    if len(text) == 2:
        return 2500 + value
    if len(text) != 4:
        return None
    return value if value >= 2400 else value + BE_OFFSET


def _month_number(word: str) -> int | None:
    """`มีนาคม`, `มี.ค.`, `มีค`, `มีนา` → 3."""
    squashed = word.replace(".", "").replace(" ", "")
    for number, forms in enumerate(thai_full_month_lists, start=1):
        for form in forms:
            if not form.isdigit() and form.replace(".", "") == squashed:
                return number
    return None


def _month_period(be: int | None, month: int) -> Period | None:
    if be is None or not 1 <= month <= 12:
        return None
    return month_of(date(be - BE_OFFSET, month, 1))


_NUMERIC_MONTH = re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})$")
_MONTH_FIRST = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{4})$")
_PART = re.compile(r"^(\d{4})\s*-?\s*([qh])\s*([1-4])$", re.I)
_PART_FIRST = re.compile(r"^([qh])\s*([1-4])\s*[-/ ]\s*(\d{4})$", re.I)
_THAI_MONTH = re.compile(r"^([^\d]+?)\s*(\d{2}|\d{4})$")


def _words_to_codes(word: str) -> str:
    """`ไตรมาส 2 ปีงบประมาณ 2567` → `Q2 2567`; `ปีงบ 67` → `2567`."""
    for quarter_word in QUARTER_WORDS:
        if word.startswith(quarter_word):
            word = "Q" + word.removeprefix(quarter_word).strip()
            break
    for year_word in FISCAL_YEAR_WORDS:
        word = word.replace(year_word, " ")
    word = re.sub(r"\s+", " ", word).strip()
    if re.fullmatch(r"\d{2}", word):  # a fiscal year in two digits, after a word
        word = str(2500 + int(word))
    return word


def parse_period(text: str) -> Period | None:
    """`2567-03`, `2024-03`, `03/2567`, `มี.ค. 2567`, `มีนาคม 67`, `2567-Q2`, `2567-H1`, `2567`.

    None when the text names no period.
    """
    word = _words_to_codes(_plain(text))
    if match := _NUMERIC_MONTH.match(word):
        return _month_period(_be_year(match[1]), int(match[2]))
    if match := _MONTH_FIRST.match(word):
        return _month_period(_be_year(match[2]), int(match[1]))
    if match := _PART.match(word) or _PART_FIRST.match(word):
        groups = match.groups() if match.re is _PART else (match[3], match[1], match[2])
        be = _be_year(groups[0])
        letter, number = groups[1].lower(), int(groups[2])
        if be is None or (letter == "h" and number > 2):
            return None
        return quarter(be, number) if letter == "q" else half(be, number)
    if re.fullmatch(r"\d{4}", word):
        be = _be_year(word)
        return fiscal_year(be) if be is not None else None
    if match := _THAI_MONTH.match(word):
        month = _month_number(match[1])
        return _month_period(_be_year(match[2]), month) if month else None
    return None


_ISO_DAY = re.compile(r"^(\d{4})\s*-\s*(\d{1,2})\s*-\s*(\d{1,2})$")
_SLASH_DAY = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2}|\d{4})$")
_THAI_DAY = re.compile(r"^(\d{1,2})\s*([^\d]+?)\s*(\d{2}|\d{4})$")


def parse_day(text: str) -> date | None:
    """`2567-03-05`, `2024-03-05`, `5/3/2567`, `05/03/2024`, `5 มี.ค. 67`, Thai digits too."""
    word = re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2})?$", "", _plain(text))  # a spreadsheet's midnight
    year = month = day = None
    if match := _ISO_DAY.match(word):
        year, month, day = _be_year(match[1]), int(match[2]), int(match[3])
    elif match := _SLASH_DAY.match(word):
        year, month, day = _be_year(match[3]), int(match[2]), int(match[1])
    elif match := _THAI_DAY.match(word):
        year, month, day = _be_year(match[3]), _month_number(match[2]), int(match[1])
    if year is None or month is None or day is None:
        return None
    try:
        return date(year - BE_OFFSET, month, day)
    except ValueError:
        return None
