"""Re-sealing everything under the keyring's current key, after a new key was put first.

Every column of type `SealedText` (tip text, notes, conversation drafts, and whatever other
modules seal) and every file of the store is found by itself, so nothing sealed is missed
when new sealed columns appear. Keyed hashes cannot be redone without what they hide: tip
codes are re-hashed when their informant types them again (storage.protect.tip_privacy), chat keys
when the chat writes again (storage.conversations); `rotate` reports how many still need
a retired key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from storage import crypto
from storage.files import FileStore
from storage.protect import tip_privacy


@dataclass
class RotationReport:
    rows: dict[str, int] = field(default_factory=dict)  # table: rows re-sealed
    files: int = 0
    codes_per_key: dict[str, int] = field(default_factory=dict)  # key id: tip codes it hashes


def sealed_columns() -> Iterator[tuple[sa.Table, list[sa.Column]]]:
    """Every table with sealed columns, and those columns."""
    for table in SQLModel.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, crypto.SealedText)]
        if columns:
            yield table, columns


def reseal_table(session: Session, table: sa.Table, columns: list[sa.Column]) -> int:
    """Seal again, under the current key, each row with a value sealed under another."""
    ring = crypto.keyring()
    pk = list(table.primary_key.columns)
    raw = [sa.type_coerce(c, sa.LargeBinary).label(c.name) for c in columns]
    stale = []
    for row in session.execute(sa.select(*pk, *raw)).mappings():
        if any(
            row[c.name] is not None and not ring.is_current(bytes(row[c.name])) for c in columns
        ):
            stale.append({c.name: row[c.name] for c in pk})
    for key in stale:
        where = sa.and_(*(c == key[c.name] for c in pk))
        plain = session.execute(sa.select(*columns).where(where)).one()
        values = dict(zip([c.name for c in columns], plain, strict=True))
        session.execute(sa.update(table).where(where).values(values))
    return len(stale)


def rotate(
    engine: Engine, files: FileStore, progress: Callable[[Iterator], Iterator] = iter
) -> RotationReport:
    """Re-seal every sealed value and file under the current key (one transaction for the
    database; files one by one, each replaced atomically)."""
    report = RotationReport()
    with Session(engine) as session, session.begin():
        for table, columns in progress(list(sealed_columns())):
            report.rows[table.name] = reseal_table(session, table, columns)
    for key in progress(list(files.stored_keys())):
        if not files.is_current(key):
            files.reseal(key)
            report.files += 1
    with Session(engine) as session:
        report.codes_per_key = tip_privacy.hashes_per_key(session)
    return report
