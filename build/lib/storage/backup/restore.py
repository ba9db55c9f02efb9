"""Restoring a backup into an empty deployment (or over one, with `force`).

Nothing outside a staging directory is touched until every checksum matches; then the
database is put in place (the SQLite file, or `pg_restore` into the dump's schema), the file
store is moved in, row counts are compared with the manifest, and the schema is migrated to
the newest. Whatever `force` replaces is moved aside (SQLite, files) or dropped (PostgreSQL).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from storage.backup.archive import (
    FILE_KEY,
    FILES_PREFIX,
    MANIFEST,
    PG_MEMBER,
    ROOT,
    SQLITE_MEMBER,
    BackupError,
    Manifest,
    Progress,
    quiet,
)
from storage.backup.pg_tools import find_pg_tool, last_line, libpq
from storage.db import make_engine, migrate


@dataclass
class Restored:
    manifest: Manifest
    set_aside: list[Path]  # what --force moved out of the way


def restore(
    archive: Path,
    database_url: str,
    files_dir: Path,
    *,
    force: bool = False,
    progress: Progress = quiet,
) -> Restored:
    """Restore `archive` into an empty database and file store (or over them with `force`,
    after moving the old files and SQLite database aside), then migrate to the newest schema."""
    archive, files_dir = Path(archive), Path(files_dir)
    if not archive.exists():
        raise BackupError("no_archive", path=archive)
    engine = make_engine(database_url)
    try:
        has_data = _database_has_data(engine)
        has_files = files_dir.exists() and any(files_dir.iterdir())
        if (has_data or has_files) and not force:
            raise BackupError("not_empty", database=has_data, files=has_files)
        files_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".restoring-", dir=files_dir.parent))
        try:
            manifest, database = _unpack(archive, staging, progress)
            if manifest.dialect != engine.dialect.name:
                raise BackupError(
                    "wrong_dialect", archive=manifest.dialect, target=engine.dialect.name
                )
            set_aside = []
            progress("database", 0, 1)
            if engine.dialect.name == "sqlite":
                engine.dispose()
                set_aside += _install_sqlite(database, database_url)
            else:
                _install_pg(engine, database_url, database, manifest)
            progress("database", 1, 1)
            if has_files:
                set_aside.append(_set_aside(files_dir))
            elif files_dir.exists():
                files_dir.rmdir()
            (staging / "files").mkdir(exist_ok=True)
            os.replace(staging / "files", files_dir)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        _verify_counts(engine, manifest, progress)
        migrate(engine)
    finally:
        engine.dispose()
    return Restored(manifest, set_aside)


def _unpack(archive: Path, staging: Path, progress: Progress) -> tuple[Manifest, Path]:
    """Extract into `staging`, checking names and checksums; nothing outside it is touched."""
    sums: dict[str, tuple[int, str]] = {}
    manifest: Manifest | None = None
    database: Path | None = None
    done = 0
    try:
        with tarfile.open(archive, mode="r|*") as tar:
            for member in tar:
                name = member.name
                if (
                    not member.isfile()
                    or not name.startswith(ROOT + "/")
                    or ".." in name.split("/")
                ):
                    raise BackupError("bad_archive", error=f"unexpected member {name!r}")
                reader = tar.extractfile(member)
                assert reader is not None
                if name == MANIFEST:
                    manifest = Manifest.from_json(reader.read())
                    continue
                if name in (SQLITE_MEMBER, PG_MEMBER):
                    target = database = staging / Path(name).name
                elif name.startswith(FILES_PREFIX) and FILE_KEY.match(name[len(FILES_PREFIX) :]):
                    target = staging / "files" / name[len(FILES_PREFIX) :]
                else:
                    raise BackupError("bad_archive", error=f"unexpected member {name!r}")
                target.parent.mkdir(parents=True, exist_ok=True)
                sums[name] = _copy_hashing(reader, target)
                done += 1
                progress("files", done, 0)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError("bad_archive", error=type(exc).__name__) from exc
    if manifest is None or database is None:
        raise BackupError("bad_archive", error="no manifest or no database in the archive")
    expected = {
        manifest.database["member"]: (manifest.database["size"], manifest.database["sha256"])
    }
    expected |= {FILES_PREFIX + k: (v["size"], v["sha256"]) for k, v in manifest.files.items()}
    if sums != expected:
        bad = sorted(set(sums.items()) ^ set(expected.items()))
        raise BackupError("checksum", member=bad[0][0] if bad else "?")
    return manifest, database


def _copy_hashing(reader, target: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with open(target, "wb") as out:
        while chunk := reader.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def _database_has_data(engine: Engine) -> bool:
    if engine.dialect.name == "sqlite":
        path = engine.url.database
        if not path or not Path(path).exists():
            return False
    try:
        with engine.connect() as conn:
            return bool(sa.inspect(conn).get_table_names())
    except sa.exc.OperationalError as exc:
        raise BackupError("no_database_server", error=type(exc.orig or exc).__name__) from exc


def _install_sqlite(database: Path, url: str) -> list[Path]:
    target = Path(url.split("///", 1)[-1])
    target.parent.mkdir(parents=True, exist_ok=True)
    set_aside = []
    if target.exists():
        set_aside.append(_set_aside(target))
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with gzip.open(database, "rb") as packed, open(target, "wb") as out:
        shutil.copyfileobj(packed, out, 1024 * 1024)
    os.chmod(target, 0o600)
    return set_aside


def _install_pg(engine: Engine, url: str, dump: Path, manifest: Manifest) -> None:
    pg_schema = str(manifest.database.get("pg_schema") or "public")
    with engine.begin() as conn:
        major = int(conn.execute(sa.text("show server_version_num")).scalar_one()) // 10000
        looks_in = _first_schema(conn.execute(sa.text("show search_path")).scalar_one())
        if looks_in != pg_schema:
            raise BackupError("wrong_schema", archive=pg_schema, target=looks_in)
        exists = conn.execute(
            sa.text("select 1 from information_schema.schemata where schema_name = :s"),
            {"s": pg_schema},
        ).first()
        if exists:  # --force: clear it (the emptiness check ran before)
            for (table,) in conn.execute(
                sa.text("select tablename from pg_tables where schemaname = :s"), {"s": pg_schema}
            ):
                conn.execute(sa.text(f'drop table if exists "{pg_schema}"."{table}" cascade'))
    pg_restore = find_pg_tool("pg_restore", major)
    conninfo, env = libpq(url)
    with tempfile.NamedTemporaryFile("w", suffix=".list") as listing:
        entries = subprocess.run(
            [pg_restore, "--list", str(dump)], capture_output=True, text=True, check=True
        ).stdout.splitlines()
        # An existing schema (always so for `public`) is not created again.
        keep = [e for e in entries if not (exists and re.search(r"\bSCHEMA - \S+ ", e))]
        listing.write("\n".join(keep) + "\n")
        listing.flush()
        command = [
            pg_restore, "--no-owner", "--no-privileges", "--exit-on-error",
            "--single-transaction", f"--use-list={listing.name}", f"--dbname={conninfo}",
            str(dump),
        ]  # fmt: skip
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError("pg_restore_failed", error=last_line(result.stderr))


def _first_schema(search_path: str) -> str:
    """The schema tables are created in: the first of the search path, `$user` aside."""
    for part in search_path.split(","):
        name = part.strip().strip('"')
        if name and name != "$user":
            return name
    return "public"


def _verify_counts(engine: Engine, manifest: Manifest, progress: Progress) -> None:
    with engine.connect() as conn:
        names = set(sa.inspect(conn).get_table_names())
        for done, (table, count) in enumerate(sorted(manifest.tables.items()), 1):
            found = (
                conn.execute(sa.select(sa.func.count()).select_from(sa.table(table))).scalar_one()
                if table in names
                else None
            )
            if found != count:
                raise BackupError("count_mismatch", table=table, expected=count, found=found)
            progress("verify", done, len(manifest.tables))


def _set_aside(path: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.before-restore-{stamp}")
    os.replace(path, aside)
    return aside
