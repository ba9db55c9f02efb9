"""Reading e-PlanNACC report tables (CSV or XLSX) and writing the empty template.

Real files are exported, retyped and pasted, so the reader is tolerant of what they contain:
Thai digits, thousands separators, "-" for no budget, the status as a word or as a tick in
one of four status columns, blank lines, and the header repeated at each page break. It is
strict about everything else: every bad row is reported with its line number and reason,
and nothing is written unless the whole file is good.

The words of the files (headers, status words) are in `messages.plan.vocab`; the reasons
for rejecting a row are codes that `messages.plan.status` turns into Thai.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path

from sqlmodel import Session

from messages.format import arabic_digits
from messages.plan import vocab
from storage.import_problems import ImportFailed, Problem, numbered_csv_rows, numbered_sheet_rows
from storage.plan import repo as plan_repo
from storage.plan.models import ROUNDS, PlanStatus


class Column(StrEnum):
    NUMBER = "number"
    TITLE = "title"
    DIMENSION = "dimension"
    BUDGET = "budget"
    SPENT = "spent"
    STATUS = "status"
    NOTE = "note"
    RESULT = "result"
    UNIT = "unit"


class Reason(StrEnum):
    """Why a row (or the file) was rejected (`messages.plan.status.IMPORT_REASONS`: in Thai)."""

    NO_HEADER = "no_header"
    NO_ROWS = "no_rows"
    NUMBER = "number"
    DUPLICATE = "duplicate"
    TITLE = "title"
    DIMENSION = "dimension"
    BUDGET = "budget"
    SPENT = "spent"
    STATUS = "status"
    STATUS_MANY = "status_many"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class PlanRow:
    line: int
    number: int
    title: str
    dimension: int
    budget: Decimal
    spent: Decimal
    status: PlanStatus | None
    note: str
    result: str
    unit: str


@dataclass(frozen=True)
class ImportResult:
    plan_id: int
    rows: int
    items_created: int
    reports_added: int


TEMPLATE_HEADERS = vocab.TEMPLATE_HEADERS
STATUS_WORDS = {PlanStatus(code): word for code, word in vocab.STATUS_WORDS.items()}
_UNTICKED = re.compile(r"^<input(?![^>]*checked)[^>]*>$", re.I)


def _squash(text: str) -> str:
    return arabic_digits(re.sub(r"\s+", "", str(text or ""))).lower()


def parse_status(text: str) -> PlanStatus | None:
    word = _squash(text)
    if not word:
        return None
    for form, code in vocab.STATUS_FORMS:
        if form in word:
            return PlanStatus(code)
    return None


def parse_amount(text: str) -> Decimal | None:
    """`1,234.50`, `๑๐๐,๐๐๐`, `100000 บาท`, `-` (none) → Decimal; None when unreadable."""
    word = _squash(text).removesuffix(vocab.BAHT_SUFFIX).replace(",", "")
    if word in vocab.NO_AMOUNT:
        return Decimal("0.00")
    try:
        value = Decimal(word)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        return None
    return value.quantize(Decimal("0.01"))


def _parse_int(text: str) -> int | None:
    word = _squash(text).rstrip(".")
    return int(word) if word.isdigit() else None


def _parse_dimension(text: str) -> int | None:
    """`2`, `๒`, `มิติที่ 2`, `2. การบริหารราชการ…` → 2."""
    match = re.search(r"\d", _squash(text))
    if match is None:
        return None
    value = int(match.group())
    return value if 1 <= value <= 4 else None


def _ticked(cell: str) -> bool:
    word = str(cell or "").strip()
    return bool(word) and not _UNTICKED.match(word) and word not in {"-", "0", "☐", "□"}


def _header_column(cell: str) -> Column | PlanStatus | None:
    word = _squash(cell)
    if not word:
        return None
    status = parse_status(word)
    if (
        status is not None
        and not word.startswith(vocab.STATUS_HEADER_PREFIX)
        and vocab.RESULT_HEADER_FRAGMENT not in word
    ):
        return status
    if word in vocab.NUMBER_HEADERS_EXACT:
        return Column.NUMBER
    for prefixes, column in vocab.HEADER_PREFIXES:
        if word.startswith(prefixes):
            return Column(column)
    for fragments, column in vocab.HEADER_FRAGMENTS:
        if any(f in word for f in fragments):
            return Column(column)
    return None


@dataclass
class _Layout:
    columns: dict[Column, int]
    ticks: dict[int, PlanStatus]


def _header_layout(cells: list[str]) -> _Layout | None:
    """A header row names at least the number, title and dimension columns."""
    columns: dict[Column, int] = {}
    ticks: dict[int, PlanStatus] = {}
    for index, cell in enumerate(cells):
        found = _header_column(cell)
        if isinstance(found, PlanStatus):
            ticks[index] = found
        elif found is not None and found not in columns:
            columns[found] = index
    if {Column.NUMBER, Column.TITLE, Column.DIMENSION} <= columns.keys():
        return _Layout(columns, ticks)
    return None


def _status_subheader(cells: list[str]) -> dict[int, PlanStatus] | None:
    """The second header line under a merged "สถานะ" cell: one status word per column."""
    found = {i: parse_status(c) for i, c in enumerate(cells) if str(c or "").strip()}
    if len(found) >= 2 and all(s is not None for s in found.values()):
        return {i: s for i, s in found.items() if s is not None}
    return None


def parse_rows(
    lines: Iterable[tuple[int, list[str]]], *, need_status: bool = True
) -> list[PlanRow]:
    """Turn (line number, cells) pairs into plan rows, or raise ImportFailed with every problem."""
    layout: _Layout | None = None
    problems: list[Problem] = []
    rows: list[PlanRow] = []
    seen: dict[int, int] = {}
    for line, raw in lines:
        cells = ["" if c is None else str(c).strip() for c in raw]
        if not any(cells):
            continue
        header = _header_layout(cells)
        if header is not None:
            if layout is None:
                layout = header
            elif header.ticks:
                layout.ticks = header.ticks  # a page may drop an empty status column
            continue
        if layout is not None:
            sub = _status_subheader(cells)
            if sub is not None:
                layout.ticks = sub
                continue
        if layout is None or _is_decoration(cells, layout):
            continue  # a title line above the table or at a page break, a total line
        row = _parse_row(line, cells, layout, need_status, problems)
        if row is None:
            continue
        if row.number in seen:
            problems.append(Problem(line, Reason.DUPLICATE, str(row.number)))
            continue
        seen[row.number] = line
        rows.append(row)
    if layout is None:
        raise ImportFailed([Problem(0, Reason.NO_HEADER)])
    if problems:
        raise ImportFailed(problems)
    if not rows:
        raise ImportFailed([Problem(0, Reason.NO_ROWS)])
    return rows


def _is_decoration(cells: list[str], layout: _Layout) -> bool:
    """Page titles, notes under the table and total lines: not items, not errors."""
    first = (
        cells[layout.columns[Column.NUMBER]] if layout.columns[Column.NUMBER] < len(cells) else ""
    )
    if _squash(first).startswith(vocab.TOTAL_ROW_PREFIX):
        return True
    filled = [c for c in cells if c]
    return len(filled) == 1 and _parse_int(first) is None


def _parse_row(
    line: int, cells: list[str], layout: _Layout, need_status: bool, problems: list[Problem]
) -> PlanRow | None:
    def cell(column: Column) -> str:
        index = layout.columns.get(column)
        return cells[index] if index is not None and index < len(cells) else ""

    before = len(problems)
    number = _parse_int(cell(Column.NUMBER))
    if number is None or number <= 0:
        problems.append(Problem(line, Reason.NUMBER, cell(Column.NUMBER)))
    title = re.sub(r"\s+", " ", cell(Column.TITLE)).strip()
    if not title:
        problems.append(Problem(line, Reason.TITLE))
    dimension = _parse_dimension(cell(Column.DIMENSION))
    if dimension is None:
        problems.append(Problem(line, Reason.DIMENSION, cell(Column.DIMENSION)))
    budget = parse_amount(cell(Column.BUDGET))
    if budget is None:
        problems.append(Problem(line, Reason.BUDGET, cell(Column.BUDGET)))
    spent = parse_amount(cell(Column.SPENT))
    if spent is None:
        problems.append(Problem(line, Reason.SPENT, cell(Column.SPENT)))
    status = parse_status(cell(Column.STATUS))
    ticked = [s for i, s in layout.ticks.items() if i < len(cells) and _ticked(cells[i])]
    if status is None and cell(Column.STATUS) and not ticked:
        problems.append(Problem(line, Reason.STATUS, cell(Column.STATUS)))
    elif len(ticked) > 1:
        problems.append(Problem(line, Reason.STATUS_MANY))
    elif status is None and ticked:
        status = ticked[0]
    elif status is None and need_status:
        problems.append(Problem(line, Reason.STATUS))
    if len(problems) > before:
        return None
    assert number is not None and dimension is not None
    assert budget is not None and spent is not None
    return PlanRow(
        line, number, title, dimension, budget, spent, status,
        cell(Column.NOTE), cell(Column.RESULT), cell(Column.UNIT),
    )  # fmt: skip


# --- reading files -----------------------------------------------------------------------


def read_lines(path: Path) -> list[tuple[int, list[str]]]:
    """The cells of each line of a CSV or XLSX file with its line (row) number."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return numbered_sheet_rows(path, _xlsx_cell, Reason.UNREADABLE)
    return csv_lines(_decode(path.read_bytes()))


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "cp874"):  # cp874: Thai Windows, as old Excel saves CSV
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFailed([Problem(0, Reason.UNREADABLE)])


def csv_lines(text: str) -> list[tuple[int, list[str]]]:
    """Cells per line, with the separator (comma, tab, semicolon) that reveals the header."""
    best: list[tuple[int, list[str]]] = []
    for delimiter in sorted(",\t;", key=lambda d: -text[:4096].count(d)):
        lines = numbered_csv_rows(text, delimiter)
        if any(_header_layout(cells) for _, cells in lines[:50]):
            return lines
        best = best or lines
    return best


def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, float):  # round away binary noise such as 0.30000000000000004
        return str(int(value)) if value.is_integer() else repr(round(value, 6))
    return str(value)


# --- writing -------------------------------------------------------------------------------


def import_rows(
    session: Session,
    org_id: int,
    rows: list[PlanRow],
    *,
    fiscal_year: int,
    round: int | None,
    as_of: date,
    reporter: str = "",
    plan_title: str = "",
    progress: Callable[[Iterable[PlanRow]], Iterator[PlanRow]] | None = None,
) -> ImportResult:
    """Write parsed rows into the plan covering `fiscal_year` (created if none does).

    With `round` None only the plan (items and budgets) is written, no progress reports.
    """
    if round is not None and round not in ROUNDS:
        raise ValueError(f"round must be one of {ROUNDS}")
    plan = plan_repo.plan_for_year(session, org_id, fiscal_year)
    if plan is None:
        plan = plan_repo.ensure_plan(
            session, org_id, title=plan_title, year_from=fiscal_year, year_to=fiscal_year
        )
    created = reports = 0
    for row in progress(rows) if progress else rows:
        item, new = plan_repo.upsert_item(
            session, plan, number=row.number, dimension=row.dimension, title=row.title,
            unit=row.unit,
        )  # fmt: skip
        created += new
        plan_repo.set_budget(session, item, fiscal_year, row.budget)
        if round is not None and row.status is not None:
            result = "\n".join(t for t in (row.result, row.note) if t)
            plan_repo.add_report(
                session, item, fiscal_year=fiscal_year, round=round, status=row.status,
                budget=row.budget, spent=row.spent, result=result, as_of=as_of,
                reporter=reporter,
            )  # fmt: skip
            reports += 1
    session.flush()
    return ImportResult(plan.id, len(rows), created, reports)


def import_file(
    session: Session,
    path: Path,
    org_id: int,
    *,
    fiscal_year: int,
    round: int | None,
    as_of: date,
    reporter: str = "",
    plan_title: str = "",
    progress: Callable[[Iterable[PlanRow]], Iterator[PlanRow]] | None = None,
) -> ImportResult:
    """Parse the whole file first; write only if every row is good (the caller commits)."""
    rows = parse_rows(read_lines(Path(path)), need_status=round is not None)
    return import_rows(
        session, org_id, rows, fiscal_year=fiscal_year, round=round, as_of=as_of,
        reporter=reporter, plan_title=plan_title, progress=progress,
    )  # fmt: skip


def write_template(path: Path, *, font: str = "Sarabun") -> None:
    """An empty e-PlanNACC-style sheet: the columns, and a drop-down of the four statuses."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "plan"
    sheet.append(list(TEMPLATE_HEADERS))
    widths = (8, 60, 8, 16, 16, 24, 30, 40, 24)
    for index, width in enumerate(widths, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(name=font, bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = "A2"
    statuses = ",".join(STATUS_WORDS.values())
    status_list = DataValidation(type="list", formula1=f'"{statuses}"', allow_blank=True)
    status_list.add("F2:F1000")
    sheet.add_data_validation(status_list)
    dimensions = DataValidation(type="whole", operator="between", formula1="1", formula2="4")
    dimensions.add("C2:C1000")
    sheet.add_data_validation(dimensions)
    for column in ("D", "E"):
        for row in range(2, 1001):
            sheet[f"{column}{row}"].number_format = "#,##0.00"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
