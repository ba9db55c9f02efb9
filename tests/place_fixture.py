"""A small host table for the shared channel's tests: two districts of จ.แพร่, three orgs.

Both districts have a tambon called น้ำชำ, and ต.ทุ่งโฮ้ง is served by two organisations
(a เทศบาล and an อบต.), so the table has every kind of ambiguity. Loaded through the real
importer from `tests/place_map_phrae.csv` (coordinates are approximate tambon centres).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import orgs
from storage.hosting import org_map

MAP_CSV = Path(__file__).with_name("place_map_phrae.csv")
ORGS = {
    "muangphrae": "เทศบาลเมืองแพร่",
    "namcham": "องค์การบริหารส่วนตำบลน้ำชำ",
    "sungmen": "เทศบาลตำบลสูงเม่น",
}


def make_orgs(engine: Engine) -> dict[str, int]:
    with Session(engine) as session, session.begin():
        return {slug: orgs.ensure(session, slug=slug, name=name).id for slug, name in ORGS.items()}


def load_map(engine: Engine) -> dict[str, int]:
    """The three organisations (slug -> id) with the Phrae map imported."""
    ids = make_orgs(engine)
    with Session(engine) as session, session.begin():
        org_map.import_map(session, MAP_CSV)
    return ids
