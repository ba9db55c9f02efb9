"""Sealed files in the database (`file_blob`), so every machine behind it opens them.

Each file is written in one transaction, a chunk a row: a reader sees all of it or none,
and a replaced file (`keys rotate`) is never half old, half new. Deleting removes the rows;
on SQLite `secure_delete` zeroes them in place, on PostgreSQL the scrub's vacuum lets the
dead rows' space be reused soon (the bytes were sealed all along, see SECURITY.md).
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from storage.blobs.models import FileBlob

CHUNK = 1024 * 1024
_table = FileBlob.__table__


class DatabaseBlobs:
    kind = "database"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def put(self, key: str, data: bytes, *, replace: bool = False) -> None:
        rows = [
            {"key": key, "part": n, "data": data[at : at + CHUNK]}
            for n, at in enumerate(range(0, max(len(data), 1), CHUNK))
        ]
        with self.engine.begin() as conn:
            if replace:
                conn.execute(sa.delete(_table).where(_table.c.key == key))
            conn.execute(sa.insert(_table), rows)

    def get(self, key: str) -> bytes:
        with self.engine.connect() as conn:
            parts = conn.execute(
                sa.select(_table.c.data).where(_table.c.key == key).order_by(_table.c.part)
            ).scalars()
            data = [bytes(part) for part in parts]
        if not data:
            raise FileNotFoundError(key)
        return b"".join(data)

    def exists(self, key: str) -> bool:
        query = sa.select(_table.c.part).where(_table.c.key == key, _table.c.part == 0)
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None

    def delete(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.delete(_table).where(_table.c.key == key))

    def all_keys(self) -> Iterator[str]:
        query = sa.select(_table.c.key).where(_table.c.part == 0).order_by(_table.c.key)
        with self.engine.connect() as conn:
            found = list(conn.execute(query).scalars())
        yield from found

    def prepare(self) -> None:
        pass  # the table is made by the migrations
