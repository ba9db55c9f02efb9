"""`complaintbot case import`: older records from a CSV or XLSX file, all or nothing.

Every row is checked first (stream, channel, dates in either era, category, status); a bad
row is reported with its line number and reason, and nothing of the file is written unless
every row is good. The words of the file are in `messages.stats.labels`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

from sqlmodel import Session

from handlers.cases.lifecycle import Status, Stream
from handlers.cases.records import (
    STAFF_ACTOR,
    DateProblem,
    add_case,
    moment_on,
    parse_category,
    set_status_on,
)
from messages.format import BANGKOK, arabic_digits
from messages.stats import labels as vocab
from storage.import_problems import ImportFailed, Problem
from storage.plan import importer as plan_import
from storage.stats.periods import parse_day


class Reason(StrEnum):
    NO_HEADER = "no_header"
    NO_ROWS = "no_rows"
    UNREADABLE = "unreadable"
    STREAM = "stream"
    CHANNEL = "channel"
    RECEIVED = "received"
    FUTURE = "future"
    CATEGORY = "category"
    TEXT = "text"
    STATUS = "status"
    STATUS_AT = "status_at"
    STATUS_BEFORE = "status_before"


@dataclass(frozen=True)
class CaseRow:
    line: int
    stream: Stream
    channel: str
    received: date
    category: str
    text: str
    status: Status
    status_on: date | None
    name: str
    contact: str


@dataclass(frozen=True)
class ImportResult:
    complaints: int
    tips: int


def _squash(text: str) -> str:
    return arabic_digits(re.sub(r"\s+", "", str(text or ""))).lower()


def _lookup(forms: tuple[tuple[str, str], ...], text: str) -> str | None:
    word = _squash(text)
    if not word:
        return None
    for form, value in forms:
        if form in word:
            return value
    return None


def _header(cells: list[str]) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        word = _squash(cell)
        if not word:
            continue
        for prefixes, column in vocab.IMPORT_HEADER_PREFIXES:
            if word.startswith(prefixes):
                columns.setdefault(column, index)
                break
    needed = {"stream", "channel", "received", "category", "text"}
    return columns if needed <= columns.keys() else None


def parse_rows(lines: Iterable[tuple[int, list[str]]], today: date) -> list[CaseRow]:
    """(line, cells) pairs to rows, or ImportFailed listing every problem."""
    layout: dict[str, int] | None = None
    rows: list[CaseRow] = []
    problems: list[Problem] = []
    for line, raw in lines:
        cells = ["" if c is None else str(c).strip() for c in raw]
        if not any(cells):
            continue
        header = _header(cells)
        if header is not None:
            layout = layout or header  # a header repeated at a page break is skipped
            continue
        if layout is None:
            continue  # a title above the table
        row = _parse_row(line, cells, layout, today, problems)
        if row is not None:
            rows.append(row)
    if layout is None:
        raise ImportFailed([Problem(0, Reason.NO_HEADER)])
    if problems:
        raise ImportFailed(problems)
    if not rows:
        raise ImportFailed([Problem(0, Reason.NO_ROWS)])
    return rows


def _parse_row(
    line: int, cells: list[str], layout: dict[str, int], today: date, problems: list[Problem]
) -> CaseRow | None:
    def cell(column: str) -> str:
        index = layout.get(column)
        return cells[index] if index is not None and index < len(cells) else ""

    before = len(problems)
    stream_word = _lookup(vocab.STREAM_FORMS, cell("stream"))
    if stream_word is None:
        problems.append(Problem(line, Reason.STREAM, cell("stream")))
    channel = _lookup(vocab.CHANNEL_FORMS, cell("channel"))
    if channel is None:
        problems.append(Problem(line, Reason.CHANNEL, cell("channel")))
    received = parse_day(cell("received"))
    if received is None:
        problems.append(Problem(line, Reason.RECEIVED, cell("received")))
    elif received > today:
        problems.append(Problem(line, Reason.FUTURE, cell("received")))
    category = None
    if stream_word is not None:
        category = parse_category(Stream(stream_word), cell("category"))
        if category is None:
            problems.append(Problem(line, Reason.CATEGORY, cell("category")))
    text = re.sub(r"\s+", " ", cell("text")).strip()
    if not text:
        problems.append(Problem(line, Reason.TEXT))
    status_word = _lookup(vocab.STATUS_FORMS, cell("status")) if cell("status") else "received"
    if status_word is None:
        problems.append(Problem(line, Reason.STATUS, cell("status")))
    status_on = None
    if status_word not in (None, "received"):
        status_on = parse_day(cell("status_at"))
        if status_on is None:
            problems.append(Problem(line, Reason.STATUS_AT, cell("status_at")))
        elif status_on > today:
            problems.append(Problem(line, Reason.FUTURE, cell("status_at")))
        elif received is not None and status_on < received:
            problems.append(Problem(line, Reason.STATUS_BEFORE, cell("status_at")))
    if len(problems) > before:
        return None
    assert stream_word and channel and received and category and status_word
    return CaseRow(
        line, Stream(stream_word), channel, received, category, text, Status(status_word),
        status_on, cell("name"), cell("contact"),
    )  # fmt: skip


def read_lines(path: Path) -> list[tuple[int, list[str]]]:
    try:
        return plan_import.read_lines(path)
    except plan_import.ImportFailed as failed:
        raise ImportFailed([Problem(0, Reason.UNREADABLE)]) from failed
    except (OSError, ValueError) as exc:
        raise ImportFailed([Problem(0, Reason.UNREADABLE, type(exc).__name__)]) from exc


def import_rows(
    session: Session,
    rows: list[CaseRow],
    *,
    org_id: int,
    now: datetime,
    progress: Callable[[Iterable[CaseRow]], Iterator[CaseRow]] | None = None,
) -> ImportResult:
    counts = {Stream.COMPLAINT: 0, Stream.TIP: 0}
    for row in progress(rows) if progress else rows:
        try:
            received_at = moment_on(row.received, now)
            recorded = add_case(
                session, org_id=org_id, stream=row.stream, channel=row.channel,
                category=row.category, text=row.text, received_at=received_at, name=row.name,
                contact=row.contact, announce=False,
            )  # fmt: skip
            if row.status_on is not None:
                at = moment_on(row.status_on, now, not_before=received_at)
                set_status_on(session, org_id=org_id, code=recorded.code, status=row.status,
                              at=at, actor=STAFF_ACTOR)  # fmt: skip
        except DateProblem as problem:  # checked in parse_rows; kept for a clear report
            raise ImportFailed([Problem(row.line, Reason.STATUS_AT, str(problem))]) from problem
        counts[row.stream] += 1
    session.flush()
    return ImportResult(counts[Stream.COMPLAINT], counts[Stream.TIP])


def import_file(
    session: Session,
    path: Path,
    *,
    org_id: int,
    now: datetime,
    progress: Callable[[Iterable[CaseRow]], Iterator[CaseRow]] | None = None,
) -> ImportResult:
    """Check the whole file, then write it (the caller commits, or rolls back on failure)."""
    rows = parse_rows(read_lines(Path(path)), now.astimezone(BANGKOK).date())
    return import_rows(session, rows, org_id=org_id, now=now, progress=progress)


def write_template(path: Path, *, font: str = "Sarabun") -> None:
    """An empty sheet with the columns and drop-downs for stream, channel and status."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "cases"
    sheet.append(list(vocab.IMPORT_HEADERS))
    widths = (8, 26, 18, 16, 18, 60, 22, 16, 24, 20)
    for index, width in enumerate(widths, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(name=font, bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = "A2"
    channels = [vocab.CHANNEL_LABELS[c] for c in vocab.RECORDED_CHANNELS]
    from messages.citizen.tracking import STATUS_LABELS

    for column, words in (
        ("B", vocab.TEMPLATE_STREAMS),
        ("C", channels),
        ("G", list(STATUS_LABELS.values())),
    ):
        choice = DataValidation(type="list", formula1='"' + ",".join(words) + '"',
                                allow_blank=True)  # fmt: skip
        choice.add(f"{column}2:{column}2000")
        sheet.add_data_validation(choice)
    for column in ("D", "H"):
        for row in range(2, 2001):
            sheet[f"{column}{row}"].number_format = "@"  # dates as typed, e.g. 5/3/2567
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
