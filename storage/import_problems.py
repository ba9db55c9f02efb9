"""What an all-or-nothing import (plans, older case records) reports: every bad row."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    line: int  # 1-based line of the CSV, row of the sheet; 0 for the file as a whole
    reason: StrEnum  # the importer's own reasons, each with its Thai wording in messages/
    value: str = ""


class ImportFailed(Exception):
    """The file was not imported; `problems` lists every bad row."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


Lines = list[tuple[int, list[str]]]  # (1-based line or row number, cells as text)


def numbered_csv_rows(text: str, delimiter: str) -> Lines:
    """CSV rows with the file line each starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    out, start = [], 1
    for cells in reader:
        out.append((start, cells))
        start = reader.line_num + 1
    return out


def numbered_sheet_rows(path: Path, cell: Callable[[object], str], unreadable: StrEnum) -> Lines:
    """The first sheet of a workbook, each row's cells as text by `cell`; a file that is not a
    workbook is refused as `unreadable` (the importer's own reason)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # not a workbook at all
        raise ImportFailed([Problem(0, unreadable, type(exc).__name__)]) from exc
    out = []
    for number, values in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
        out.append((number, [cell(v) for v in values]))
    book.close()
    return out


def numbered_table_rows(path: Path, cell: Callable[[object], str], unreadable: StrEnum) -> Lines:
    """The rows of a CSV (UTF-8, or Thai Windows' cp874 as old Excel saves it; comma, tab or
    semicolon, whichever the first line has most of) or XLSX file, numbered as the host
    sees them; a file neither can read is refused as `unreadable`."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return numbered_sheet_rows(path, cell, unreadable)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailed([Problem(0, unreadable, type(exc).__name__)]) from exc
    for encoding in ("utf-8-sig", "cp874"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        first = text.split("\n", 1)[0]
        return numbered_csv_rows(text, max(",\t;", key=first.count))
    raise ImportFailed([Problem(0, unreadable)])
