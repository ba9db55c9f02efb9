"""The host's map of tambons to organisations, read from a CSV or XLSX file.

Names and codes are checked against `geothai` (Thailand's provinces, districts and tambons):
a host types names the way people write them ("ต.บางรัก", "อำเภอ เมือง"), so prefixes and
spacing are forgiven, but a name that is not a tambon, or that is several, is refused. Like
the other importers, every bad line is reported and nothing is written unless the whole file
is good. Importing again replaces the rows of each organisation the file names.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import geothai
from sqlmodel import Session, delete, select

from messages.format import arabic_digits
from messages.hosting import org_map as vocab
from storage.hosting.place_models import PlaceOrg
from storage.import_problems import ImportFailed, Problem, numbered_table_rows
from storage.models import Organisation

# Thailand's extent, with a margin: a pin outside it is a typo (swapped lat/lon, a lost digit).
LAT_RANGE = (5.0, 21.0)
LON_RANGE = (97.0, 106.0)


class Reason(StrEnum):
    """Why a line (or the file) was refused (`messages.hosting.org_map.IMPORT_REASONS`: in Thai)."""

    UNREADABLE = "unreadable"
    NO_HEADER = "no_header"
    NO_ROWS = "no_rows"
    ORG_MISSING = "org_missing"
    ORG_UNKNOWN = "org_unknown"
    PLACE_MISSING = "place_missing"
    CODE_UNKNOWN = "code_unknown"
    PROVINCE_UNKNOWN = "province_unknown"
    DISTRICT_UNKNOWN = "district_unknown"
    SUBDISTRICT_UNKNOWN = "subdistrict_unknown"
    AMBIGUOUS = "ambiguous"
    CODE_MISMATCH = "code_mismatch"
    COORDINATES = "coordinates"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class MapRow:
    line: int
    org_id: int
    org_slug: str
    address: geothai.Address
    lat: float | None
    lon: float | None


@dataclass
class MapImport:
    """What an import did (or, with `dry_run`, would do)."""

    rows: int = 0
    per_org: dict[str, int] = field(default_factory=dict)  # slug -> tambons
    replaced: int = 0  # rows of those organisations there were before
    dry_run: bool = False


Progress = Callable[[Iterable[tuple[int, list[str]]]], Iterator[tuple[int, list[str]]]]


def import_map(
    session: Session, path: Path, *, dry_run: bool = False, progress: Progress | None = None
) -> MapImport:
    """Check the whole file, then replace the rows of every organisation it names.

    Raises `ImportFailed` listing every bad line; then nothing has been written. Writes in
    the caller's transaction (it does not commit).
    """
    rows = read_rows(session, read_lines(Path(path)), progress=progress)
    result = MapImport(rows=len(rows), dry_run=dry_run)
    for row in rows:
        result.per_org[row.org_slug] = result.per_org.get(row.org_slug, 0) + 1
    org_ids = sorted({row.org_id for row in rows})
    result.replaced = len(
        session.exec(select(PlaceOrg.id).where(PlaceOrg.org_id.in_(org_ids))).all()
    )
    if dry_run:
        return result
    session.exec(delete(PlaceOrg).where(PlaceOrg.org_id.in_(org_ids)))
    for row in rows:
        session.add(place_row(row.org_id, row.address, lat=row.lat, lon=row.lon))
    session.flush()
    changed()
    return result


def place_row(
    org_id: int, a: geothai.Address, *, lat: float | None = None, lon: float | None = None
) -> PlaceOrg:
    """The map's row saying that tambon `a` is served by organisation `org_id`."""
    return PlaceOrg(
        subdistrict_code=a.subdistrict.code, org_id=org_id, subdistrict_th=a.subdistrict.name_th,
        district_th=a.district.name_th, province_th=a.province.name_th, lat=lat, lon=lon,
    )  # fmt: skip


_changes = 0


def changed() -> None:
    """Say that this process changed the map's rows: readers' copies are stale from now on."""
    global _changes
    _changes += 1


def changes() -> int:
    """How often this process has changed the map. A reader keeping a copy compares this
    to know at once that its copy is stale; other processes notice through the rows."""
    return _changes


def places(session: Session, org_id: int | None = None) -> list[PlaceOrg]:
    """The mapped tambons (of one organisation, or all), by code."""
    query = select(PlaceOrg).order_by(PlaceOrg.subdistrict_code, PlaceOrg.org_id)
    if org_id is not None:
        query = query.where(PlaceOrg.org_id == org_id)
    return list(session.exec(query).all())


# -- reading -----------------------------------------------------------------------------


def read_lines(path: Path) -> list[tuple[int, list[str]]]:
    """The cells of each line of a CSV or XLSX file, with its line (row) number."""
    return numbered_table_rows(path, _cell, Reason.UNREADABLE)


def _cell(value: object) -> str:
    """A sheet cell as text; a code typed as a number may come back as 540401.0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) >= 100000:
        return str(int(value))
    return str(value)


def _header(cells: list[str]) -> dict[str, int] | None:
    """Column positions, if these cells are the header line."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        word = "".join(cell.split()).lower()
        for column, names in vocab.HEADERS.items():
            if word in names and column not in found:
                found[column] = index
    has_place = "subdistrict_code" in found or "subdistrict" in found
    return found if "org" in found and has_place else None


def read_rows(
    session: Session, lines: list[tuple[int, list[str]]], *, progress: Progress | None = None
) -> list[MapRow]:
    """Every line checked; `ImportFailed` with all problems if any line is bad."""
    start = next((i for i, (_, cells) in enumerate(lines) if any(c.strip() for c in cells)), None)
    if start is None:
        raise ImportFailed([Problem(0, Reason.NO_ROWS)])
    columns = _header(lines[start][1])
    if columns is None:
        raise ImportFailed([Problem(lines[start][0], Reason.NO_HEADER)])
    orgs = {o.slug: o.id for o in session.exec(select(Organisation)).all()}
    problems: list[Problem] = []
    rows: list[MapRow] = []
    seen: set[tuple[int, str]] = set()
    body = lines[start + 1 :]
    for line, cells in progress(body) if progress else body:
        if not any(c.strip() for c in cells):
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            index = columns.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        row_problems: list[Problem] = []
        slug = cell("org")
        org_id = orgs.get(slug)
        if not slug:
            row_problems.append(Problem(line, Reason.ORG_MISSING))
        elif org_id is None:
            row_problems.append(Problem(line, Reason.ORG_UNKNOWN, slug))
        address, place_problem = _address(line, cell)
        if place_problem is not None:
            row_problems.append(place_problem)
        lat, lon, coord_problem = _coordinates(line, cell("lat"), cell("lon"))
        if coord_problem is not None:
            row_problems.append(coord_problem)
        if not row_problems and address is not None and org_id is not None:
            key = (org_id, address.subdistrict.code)
            if key in seen:
                row_problems.append(Problem(line, Reason.DUPLICATE, address.subdistrict.code))
            seen.add(key)
        if row_problems:
            problems.extend(row_problems)
            continue
        assert address is not None and org_id is not None
        rows.append(MapRow(line, org_id, slug, address, lat, lon))
    if problems:
        raise ImportFailed(problems)
    if not rows:
        raise ImportFailed([Problem(0, Reason.NO_ROWS)])
    return rows


def _address(
    line: int, cell: Callable[[str], str]
) -> tuple[geothai.Address | None, Problem | None]:
    code = arabic_digits(cell("subdistrict_code")).replace(" ", "")
    names = (cell("province"), cell("district"), cell("subdistrict"))
    by_code = None
    if code:
        by_code = geothai.address(code) if code.isdigit() and len(code) == 6 else None
        if by_code is None:
            return None, Problem(line, Reason.CODE_UNKNOWN, code)
    if not names[2]:
        if by_code is not None:
            return by_code, None
        return None, Problem(line, Reason.PLACE_MISSING)
    by_name, problem = match_names(line, *names)
    if problem is not None:
        return None, problem
    assert by_name is not None
    if by_code is not None and by_code.subdistrict.code != by_name.subdistrict.code:
        return None, Problem(line, Reason.CODE_MISMATCH, f"{code} ≠ {by_name.subdistrict.code}")
    return by_name, None


def match_names(
    line: int, province: str, district: str, subdistrict: str
) -> tuple[geothai.Address | None, Problem | None]:
    """The one tambon these Thai names write, or why not."""
    shown = " ".join(part for part in (subdistrict, district, province) if part)
    found = geothai.match(subdistrict, district=district or None, province=province or None)
    if len(found) == 1:
        return found[0], None
    if len(found) > 1:
        return None, Problem(line, Reason.AMBIGUOUS, shown)
    province_code = None
    if province:
        province_code = _province_code(province)
        if province_code is None:
            return None, Problem(line, Reason.PROVINCE_UNKNOWN, province)
    near: list[str] = []
    if district:
        wanted = geothai.normalize(district)
        pool = geothai.districts(province_code) if province_code else _all_districts()
        districts = [d for d in pool if _is_district(d, wanted)]
        if not districts:
            return None, Problem(line, Reason.DISTRICT_UNKNOWN, district)
        near = _close_subdistricts(subdistrict, districts)
    return None, Problem(line, Reason.SUBDISTRICT_UNKNOWN, vocab.with_suggestions(shown, near))


def _close_subdistricts(typed: str, districts: list[geothai.District]) -> list[str]:
    """The tambons of these districts whose names are closest to a mistyped one (a host's
    sheet typed by hand: "ในเวยง" for ในเวียง)."""
    names = {s.name_th for d in districts for s in geothai.subdistricts(d.code)}
    bare = geothai.normalize(typed)
    for prefix in vocab.LEVEL_WORDS["sub"]:
        bare = bare.removeprefix(prefix)
    by_normal = {geothai.normalize(name): name for name in names}
    close = difflib.get_close_matches(bare, list(by_normal), n=3, cutoff=0.6)
    return [by_normal[name] for name in close]


def _province_code(name: str) -> str | None:
    wanted = geothai.normalize(name)
    return next((p.code for p in geothai.provinces() if geothai.is_province(p, wanted)), None)


def _is_district(d: geothai.District, wanted: str) -> bool:
    return geothai.is_district(d, wanted)  # "เมือง" is the province's capital district


def _all_districts() -> list[geothai.District]:
    return [d for p in geothai.provinces() for d in geothai.districts(p.code)]


def _coordinates(
    line: int, lat_text: str, lon_text: str
) -> tuple[float | None, float | None, Problem | None]:
    if not lat_text and not lon_text:
        return None, None, None
    shown = f"{lat_text}, {lon_text}"
    try:
        lat = float(arabic_digits(lat_text).replace(",", "."))
        lon = float(arabic_digits(lon_text).replace(",", "."))
    except ValueError:
        return None, None, Problem(line, Reason.COORDINATES, shown)
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None, None, Problem(line, Reason.COORDINATES, shown)
    if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
        return None, None, Problem(line, Reason.COORDINATES, shown)
    return lat, lon, None
