"""The host's organisation file: many organisations onboarded at once from a CSV or XLSX
sheet (slug, name, type, tambon codes, phone, website, address and the rules of
`storage.hosting.org_fields`), and the same sheet written back out.

Like the tambon map, every line is checked first and every bad line reported with its
number; nothing is written unless the whole file is good. A slug already there is updated;
an empty cell keeps what the organisation has (a new one gets the seed rules), and a
non-empty tambons cell replaces the organisation's tambons in the shared channel's map.
Exporting and importing the export changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

import geothai
from sqlmodel import Session, delete, select

from messages.format import arabic_digits
from messages.hosting import org_file as vocab
from storage.hosting import org_fields, org_map
from storage.hosting.place_models import PlaceOrg
from storage.import_problems import ImportFailed, Problem, numbered_table_rows
from storage.models import Organisation
from storage.staff.models import OrgSettings

COLUMNS = tuple(vocab.HEADERS)  # the export's columns, in order
DETAILS = ("name", "type", "phone", "website", "address")

T = TypeVar("T")
Progress = Callable[[Iterable[T], str], Iterator[T]]  # (items, what) -> the same items


def _quiet(items: Iterable[T], _what: str) -> Iterator[T]:
    yield from items


class Reason(StrEnum):
    """Why a line was refused (`messages.hosting.org_file.REASONS`: in Thai)."""

    UNREADABLE = "unreadable"
    NO_HEADER = "no_header"
    NO_ROWS = "no_rows"
    SLUG_BAD = "slug_bad"
    SLUG_TWICE = "slug_twice"
    NAME_MISSING = "name_missing"
    BAD_VALUE = "bad_value"
    TAMBON_UNKNOWN = "tambon_unknown"


@dataclass(frozen=True)
class OrgRow:
    line: int
    slug: str
    values: dict[str, str]  # key of org_fields.SETTABLE -> checked text (non-empty cells only)
    tambons: tuple[geothai.Address, ...]


@dataclass
class OrgImport:
    """What an import did (or, with `dry_run`, would do)."""

    rows: int = 0
    added: int = 0
    updated: int = 0
    tambons: int = 0
    dry_run: bool = False
    slugs: list[str] = field(default_factory=list)


def problem_text(p: Problem) -> str:
    return vocab.problem(p.line, p.reason.value, p.value)


# -- reading -----------------------------------------------------------------------------


def read_lines(path: Path) -> list[tuple[int, list[str]]]:
    """The cells of each line of a CSV or XLSX file, with its line (row) number."""
    return numbered_table_rows(path, _cell, Reason.UNREADABLE)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number typed in a sheet comes back as 15.0
    return str(value)


def _header(cells: list[str]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        word = "".join(cell.split()).lower()
        for column, names in vocab.HEADERS.items():
            if word in names and column not in found:
                found[column] = index
    return found if "slug" in found and "name" in found else None


def read_rows(lines: list[tuple[int, list[str]]], *, progress: Progress = _quiet) -> list[OrgRow]:
    """Every line checked; `ImportFailed` with every problem if any line is bad."""
    start = next((i for i, (_, cells) in enumerate(lines) if any(c.strip() for c in cells)), None)
    if start is None:
        raise ImportFailed([Problem(0, Reason.NO_ROWS)])
    columns = _header(lines[start][1])
    if columns is None:
        raise ImportFailed([Problem(lines[start][0], Reason.NO_HEADER)])
    problems: list[Problem] = []
    rows: list[OrgRow] = []
    seen: dict[str, int] = {}
    for line, cells in progress(lines[start + 1 :], "check"):
        if not any(c.strip() for c in cells):
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            index = columns.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        found: list[Problem] = []
        slug = cell("slug")
        if not org_fields.valid_slug(slug):
            found.append(Problem(line, Reason.SLUG_BAD, slug))
        elif slug in seen:
            found.append(
                Problem(line, Reason.SLUG_TWICE, vocab.EARLIER.format(slug=slug, line=seen[slug]))
            )
        else:
            seen[slug] = line
        if not cell("name"):
            found.append(Problem(line, Reason.NAME_MISSING))
        values: dict[str, str] = {}
        for key in org_fields.SETTABLE:
            text = cell(key)
            if not text:
                continue
            try:
                org_fields.SETTABLE[key][2](text)
            except ValueError as why:
                found.append(Problem(line, Reason.BAD_VALUE, f"{key} = {text}: {why}"))
                continue
            values[key] = text
        tambons: list[geothai.Address] = []
        for code in re.split(r"[\s,;]+", arabic_digits(cell("tambons"))):
            if not code:
                continue
            address = geothai.address(code) if code.isdigit() and len(code) == 6 else None
            if address is None:
                found.append(Problem(line, Reason.TAMBON_UNKNOWN, code))
            elif all(a.subdistrict.code != code for a in tambons):
                tambons.append(address)
        problems.extend(found)
        if not found:
            rows.append(OrgRow(line, slug, values, tuple(tambons)))
    if problems:
        raise ImportFailed(problems)
    if not rows:
        raise ImportFailed([Problem(0, Reason.NO_ROWS)])
    return rows


# -- importing ---------------------------------------------------------------------------


def import_orgs(
    session: Session, path: Path, *, dry_run: bool = False, progress: Progress = _quiet
) -> OrgImport:
    """Check the whole file, then add or update every organisation it names.

    Raises `ImportFailed` listing every bad line; then nothing has been written. Writes in
    the caller's transaction (it does not commit).
    """
    rows = read_rows(read_lines(Path(path)), progress=progress)
    existing = {o.slug: o for o in session.exec(select(Organisation)).all()}
    result = OrgImport(rows=len(rows), dry_run=dry_run, slugs=[r.slug for r in rows])
    result.added = sum(r.slug not in existing for r in rows)
    result.updated = result.rows - result.added
    result.tambons = sum(len(r.tambons) for r in rows)
    if dry_run:
        return result
    with session.no_autoflush:  # one flush at the end, not one per query
        for row in progress(rows, "import"):
            _write(session, existing.get(row.slug), row)
    session.flush()
    if result.tambons:
        org_map.changed()
    return result


def _write(session: Session, org: Organisation | None, row: OrgRow) -> None:
    if org is None:
        org = org_fields.add(session, row.slug, row.values["name"])
    for key, text in row.values.items():
        org_fields.set_value(session, org, key, text)
    if row.tambons:
        session.exec(delete(PlaceOrg).where(PlaceOrg.org_id == org.id))
        for a in row.tambons:
            session.add(org_map.place_row(org.id, a))


# -- exporting ---------------------------------------------------------------------------


def export_rows(session: Session) -> list[list[str]]:
    """The header and one line per organisation, in the columns the import reads."""
    tambons: dict[int, list[str]] = {}
    for place in org_map.places(session):
        tambons.setdefault(place.org_id, []).append(place.subdistrict_code)
    out = [[vocab.HEADERS[c][0] for c in COLUMNS]]
    session.exec(select(OrgSettings)).all()  # one query: each `shown` then finds its row
    for org in session.exec(select(Organisation).order_by(Organisation.slug)).all():
        values = org_fields.shown(session, org)
        values["tambons"] = " ".join(tambons.get(org.id, []))
        out.append([values.get(c, "") for c in COLUMNS])
    return out


def write_export(session: Session, path: Path) -> int:
    """Write every organisation to `path` (.csv, UTF-8 that Excel opens, or .xlsx); how many."""
    rows = export_rows(session)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        for row in rows:
            sheet.append(row)
        book.save(path)
    else:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8-sig")
    return len(rows) - 1
