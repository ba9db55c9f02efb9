"""Migrated, empty test databases, made cheaply: most of the suite's set-up time was migrating.

SQLite: one file is migrated per test process and copied for each test (a copy of an
identical file, so the test sees exactly what `migrate` leaves).

PostgreSQL: each test process keeps a pool of migrated schemas. A test takes one; when it
ends, the schema is emptied and goes back, but only if it still has exactly the migrated
tables and revision (a test that downgraded, dropped or added tables gets its schema dropped,
and the next test a new one). Emptying deletes every row and restarts every sequence, so ids
start at 1 as in a new schema.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import sqlalchemy as sa

from storage.db import make_engine, migrate

# A reset waits this long for a test's leftover sessions; after that the schema is dropped.
RESET_LOCK_TIMEOUT = "2s"

_SHAPE = sa.text(
    "select count(*), coalesce(sum(hashtext(table_name || '.' || column_name || ':' || "
    "data_type || ':' || is_nullable)), 0) from information_schema.columns "
    "where table_schema = :schema"
)
_SEQUENCES = sa.text(
    "select setval(c.oid, 1, false) from pg_class c join pg_namespace n "
    "on n.oid = c.relnamespace where c.relkind = 'S' and n.nspname = :schema"
)


class SqliteTemplate:
    """A migrated SQLite file, copied for each test."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "template.db"
        engine = make_engine(f"sqlite:///{self.path}")
        migrate(engine)
        raw = engine.raw_connection()  # outside BEGIN: everything into the main file
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
        engine.dispose()

    def copy_to(self, path: Path) -> str:
        shutil.copyfile(self.path, path)
        return f"sqlite:///{path}"


class SchemaPool:
    """Migrated PostgreSQL schemas of one test process, reused after being emptied."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
        self.free: list[str] = []
        self.made: set[str] = set()
        self.shape: tuple | None = None
        self.version: list[str] | None = None
        self.tables: list[str] = []

    def url(self, schema: str) -> str:
        joiner = "&" if "?" in self.server_url else "?"
        return f"{self.server_url}{joiner}options=-csearch_path%3D{schema}"

    def take(self) -> str:
        if self.free:
            return self.free.pop()
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'create schema "{schema}"'))
        self.made.add(schema)
        engine = make_engine(self.url(schema))
        try:
            migrate(engine)
        finally:
            engine.dispose()
        if self.shape is None:
            with self.admin.connect() as conn:
                self.shape = tuple(conn.execute(_SHAPE, {"schema": schema}).one())
                self.version = self._version(conn, schema)
                self.tables = [
                    row[0]
                    for row in conn.execute(
                        sa.text(
                            "select tablename from pg_tables where schemaname = :schema "
                            "and tablename <> 'alembic_version'"
                        ),
                        {"schema": schema},
                    )
                ]
        return schema

    def give_back(self, schema: str) -> None:
        """Empty the schema for the next test, or drop it if the test changed its shape."""
        try:
            if self._reset(schema):
                self.free.append(schema)
                return
        except sa.exc.DBAPIError:
            pass  # a lock still held by the test's sessions: drop it instead
        self.drop(schema)

    def _reset(self, schema: str) -> bool:
        # A real transaction, not the admin engine's AUTOCOMMIT: there `begin()` opens none,
        # the SET LOCALs do nothing, deletes out of FK order fail and the schema is dropped.
        with self.admin.connect() as autocommit:
            conn = autocommit.execution_options(isolation_level="READ COMMITTED")
            with conn.begin():
                conn.exec_driver_sql(f"set local lock_timeout = '{RESET_LOCK_TIMEOUT}'")
                if tuple(conn.execute(_SHAPE, {"schema": schema}).one()) != self.shape:
                    return False
                if self._version(conn, schema) != self.version:
                    return False
                conn.exec_driver_sql("set local session_replication_role = replica")  # FKs off
                conn.exec_driver_sql(
                    "; ".join(f'delete from "{schema}"."{table}"' for table in self.tables)
                )
                conn.execute(_SEQUENCES, {"schema": schema}).all()
        return True

    @staticmethod
    def _version(conn: sa.Connection, schema: str) -> list[str]:
        query = f'select version_num from "{schema}".alembic_version order by 1'
        return [row[0] for row in conn.exec_driver_sql(query)]

    def drop(self, schema: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'drop schema if exists "{schema}" cascade'))
        self.made.discard(schema)

    def close(self) -> None:
        for schema in list(self.made):
            self.drop(schema)
        self.admin.dispose()
