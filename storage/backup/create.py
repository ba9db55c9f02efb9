"""Backups that can be taken while the bot serves, and restored into an empty deployment.

One archive (a tar file; photos and videos are compressed already, so only the database is
gzipped inside it) holds the database, the local file store and a manifest: when it was taken,
the schema version, the rows per table, and a checksum of every member. The database copy
is consistent (SQLite's online backup API; on PostgreSQL `pg_dump` inside an exported
snapshot, which the row counts are read from too). Files are copied after the database, so
every file a copied row names was already written (the adapters store a file before the
turn that records it commits). Files kept in the database (`storage.blobs`, several
machines) are part of the database's copy, the same snapshot as the rows that name them.

Sealed tip content stays sealed: the database is copied as it is stored, and the secret key
is never read here, let alone archived. Keep the key somewhere else (docs/running.md).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from storage.backup.archive import (
    BLOB_TABLE,
    FILE_KEY,
    FILE_TABLES,
    FILES_PREFIX,
    MANIFEST,
    PG_MEMBER,
    SQLITE_MEMBER,
    BackupError,
    Manifest,
    Progress,
    quiet,
)
from storage.backup.pg_tools import find_pg_tool, last_line, libpq
from storage.blobs.base import Blobs
from storage.db import make_engine
from storage.schema import current_revisions


def create(
    database_url: str,
    files_dir: Path,
    out: Path,
    *,
    progress: Progress = quiet,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    remote: Blobs | None = None,
) -> Manifest:
    """Write a backup of the database and the file store to `out` (mode 0600, atomically).

    `remote`: an object store (S3) whose files are archived beside the disk's, as they are
    stored (sealed); files kept in the database are in its copy already."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(database_url)
    partial = out.with_name(out.name + ".partial")
    try:
        with tempfile.TemporaryDirectory(prefix="complaintbot-backup-", dir=out.parent) as tmp:
            progress("database", 0, 1)
            snapshot = _snapshot(engine, database_url, Path(tmp))
            progress("database", 1, 1)
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with (
                os.fdopen(fd, "wb") as raw,
                tarfile.open(fileobj=raw, mode="w") as tar,
            ):
                database = {
                    "member": snapshot.member,
                    "size": snapshot.path.stat().st_size,
                    "sha256": _sha256_file(snapshot.path),
                    **snapshot.extra,
                }
                tar.add(snapshot.path, arcname=snapshot.member, filter=_private)
                files = _add_files(tar, Path(files_dir), remote, progress)
                missing = len(snapshot.file_keys - set(files) - snapshot.blob_keys)
                manifest = Manifest(
                    created_at=now().isoformat(timespec="seconds"),
                    dialect=engine.dialect.name,
                    schema=snapshot.schema,
                    tables=snapshot.tables,
                    files=files,
                    database=database,
                    missing_files=missing,
                    files_in_database=len(snapshot.blob_keys),
                )
                _add_bytes(tar, MANIFEST, manifest.to_json())
            os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        engine.dispose()
    return manifest


@dataclass
class _Snapshot:
    path: Path
    member: str
    schema: tuple[str, ...]
    tables: dict[str, int]
    file_keys: set[str]
    blob_keys: set[str]  # files kept in the database (storage.blobs), as "ab/key"
    extra: dict[str, object] = field(default_factory=dict)


def _snapshot(engine: Engine, url: str, tmp: Path) -> _Snapshot:
    if engine.dialect.name == "sqlite":
        return _sqlite_snapshot(url, tmp)
    if engine.dialect.name == "postgresql":
        return _pg_snapshot(engine, url, tmp)
    raise BackupError("unsupported_database", dialect=engine.dialect.name)


def _sqlite_snapshot(url: str, tmp: Path) -> _Snapshot:
    source_path = url.split("///", 1)[-1]
    if not Path(source_path).exists():
        raise BackupError("no_database", path=source_path)
    copy = tmp / "database.sqlite3"
    source = sqlite3.connect(source_path, timeout=30)
    target = sqlite3.connect(copy)
    try:
        # One step (pages=-1): a single read transaction, so the copy is one moment in time
        # even while the bot writes (WAL lets writers go on meanwhile).
        source.backup(target)
    finally:
        target.close()
        source.close()
    snap_engine = sa.create_engine(f"sqlite:///{copy}")
    try:
        with snap_engine.connect() as conn:
            tables, keys, blobs, schema = _describe(conn)
    finally:
        snap_engine.dispose()
    packed = tmp / "database.sqlite3.gz"
    with open(copy, "rb") as raw, gzip.open(packed, "wb", compresslevel=6) as out:
        shutil.copyfileobj(raw, out, 1024 * 1024)
    copy.unlink()
    return _Snapshot(packed, SQLITE_MEMBER, schema, tables, keys, blobs)


def _pg_snapshot(engine: Engine, url: str, tmp: Path) -> _Snapshot:
    dump = tmp / "database.pgdump"
    repeatable = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    with repeatable as conn, conn.begin():
        snapshot_id = conn.execute(sa.text("select pg_export_snapshot()")).scalar_one()
        pg_schema = conn.execute(sa.text("select current_schema()")).scalar_one()
        major = conn.execute(sa.text("show server_version_num")).scalar_one()
        tables, keys, blobs, schema = _describe(conn)
        pg_dump = find_pg_tool("pg_dump", int(major) // 10000)
        conninfo, env = libpq(url)
        command = [
            pg_dump, "--format=custom", "--no-owner", "--no-privileges",
            f"--snapshot={snapshot_id}", f"--schema={pg_schema}", f"--file={dump}",
            f"--dbname={conninfo}",
        ]  # fmt: skip
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError("pg_dump_failed", error=last_line(result.stderr))
    return _Snapshot(dump, PG_MEMBER, schema, tables, keys, blobs, {"pg_schema": pg_schema})


def _describe(
    conn: Connection,
) -> tuple[dict[str, int], set[str], set[str], tuple[str, ...]]:
    """Rows per table, the file keys rows name, the files kept in the database, and the
    schema version, in one snapshot."""
    names = sorted(sa.inspect(conn).get_table_names())
    tables = {
        name: conn.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one()
        for name in names
    }
    keys: set[str] = set()
    for name in FILE_TABLES:
        if name in tables:
            for (key,) in conn.execute(sa.select(sa.column("key")).select_from(sa.table(name))):
                keys.add(f"{key[:2]}/{key}")
    blobs: set[str] = set()
    if BLOB_TABLE in tables:
        query = sa.select(sa.column("key")).select_from(sa.table(BLOB_TABLE))
        for (key,) in conn.execute(query.where(sa.column("part") == 0)):
            blobs.add(f"{key[:2]}/{key}")
    return tables, keys, blobs, current_revisions(conn)


def _add_files(
    tar: tarfile.TarFile, root: Path, remote: Blobs | None, progress: Progress
) -> dict[str, dict[str, object]]:
    paths = sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
    readers: list[tuple[str, Callable[[], bytes]]] = [
        (path.relative_to(root).as_posix(), path.read_bytes) for path in paths
    ]
    if remote is not None:
        readers += [(f"{key[:2]}/{key}", partial(remote.get, key)) for key in remote.all_keys()]
    found: dict[str, dict[str, object]] = {}
    for done, (relative, read) in enumerate(readers, 1):
        if FILE_KEY.match(relative) and relative not in found:
            try:
                data = read()
            except FileNotFoundError:
                continue  # deleted meanwhile (a cancelled draft's photo)
            _add_bytes(tar, FILES_PREFIX + relative, data)
            found[relative] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        progress("files", done, len(readers))
    return found


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
    return info


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(datetime.now(UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
