"""Backups that can be taken while the bot serves, and restored into an empty deployment.

One archive (a tar file; photos and videos are compressed already, so only the database is
gzipped inside it) holds the database, the file store and a manifest: when it was taken,
the schema version, the rows per table, and a checksum of every member. The database copy
is consistent (SQLite's online backup API; on PostgreSQL `pg_dump` inside an exported
snapshot, which the row counts are read from too). Files are copied after the database, so
every file a copied row names was already written (the adapters store a file before the
turn that records it commits).

Sealed tip content stays sealed: the database is copied as it is stored, and the secret key
is never read here, let alone archived. Keep the key somewhere else (see the README).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url

from storage.db import make_engine, migrate
from storage.schema import current_revisions

FORMAT = 1
ROOT = "complaintbot-backup"
MANIFEST = f"{ROOT}/manifest.json"
SQLITE_MEMBER = f"{ROOT}/database.sqlite3.gz"
PG_MEMBER = f"{ROOT}/database.pgdump"
FILES_PREFIX = f"{ROOT}/files/"
# Tables whose rows name a stored file (key column), to report files a row names but the
# store no longer holds. Other branches may add more; unknown tables are just counted.
FILE_TABLES = ("complaint_file", "tip_file")
_FILE_KEY = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{32}(\.[a-z0-9]{1,8})?$")

# progress(stage, done, total): stage is "database", "files", "verify"; total may be 0.
Progress = Callable[[str, int, int], None]


def _quiet(_stage: str, _done: int, _total: int) -> None:
    pass


class BackupError(Exception):
    """Why a backup or restore cannot go on; the message is for the operator."""

    def __init__(self, code: str, **details: object) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


@dataclass
class Manifest:
    created_at: str
    dialect: str
    schema: tuple[str, ...]
    tables: dict[str, int]
    files: dict[str, dict[str, object]]  # relative path -> {"size", "sha256"}
    database: dict[str, object]  # {"member", "size", "sha256", "pg_schema"?}
    missing_files: int = 0
    format: int = FORMAT
    extra: dict[str, object] = field(default_factory=dict)

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "format": self.format,
                "created_at": self.created_at,
                "dialect": self.dialect,
                "schema_version": list(self.schema),
                "tables": self.tables,
                "database": self.database,
                "files": self.files,
                "missing_files": self.missing_files,
                "secret_key_included": False,
            },
            indent=2,
            sort_keys=True,
        ).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        raw = json.loads(data)
        if raw.get("format") != FORMAT:
            raise BackupError("unknown_format", format=raw.get("format"))
        return cls(
            created_at=raw["created_at"],
            dialect=raw["dialect"],
            schema=tuple(raw["schema_version"]),
            tables=raw["tables"],
            files=raw["files"],
            database=raw["database"],
            missing_files=raw.get("missing_files", 0),
        )


# -- taking a backup ---------------------------------------------------------------------


def create(
    database_url: str,
    files_dir: Path,
    out: Path,
    *,
    progress: Progress = _quiet,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Manifest:
    """Write a backup of the database and the file store to `out` (mode 0600, atomically)."""
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
                files = _add_files(tar, Path(files_dir), progress)
                missing = len(snapshot.file_keys - set(files))
                manifest = Manifest(
                    created_at=now().isoformat(timespec="seconds"),
                    dialect=engine.dialect.name,
                    schema=snapshot.schema,
                    tables=snapshot.tables,
                    files=files,
                    database=database,
                    missing_files=missing,
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
            tables, keys, schema = _describe(conn)
    finally:
        snap_engine.dispose()
    packed = tmp / "database.sqlite3.gz"
    with open(copy, "rb") as raw, gzip.open(packed, "wb", compresslevel=6) as out:
        shutil.copyfileobj(raw, out, 1024 * 1024)
    copy.unlink()
    return _Snapshot(packed, SQLITE_MEMBER, schema, tables, keys)


def _pg_snapshot(engine: Engine, url: str, tmp: Path) -> _Snapshot:
    dump = tmp / "database.pgdump"
    repeatable = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    with repeatable as conn, conn.begin():
        snapshot_id = conn.execute(sa.text("select pg_export_snapshot()")).scalar_one()
        pg_schema = conn.execute(sa.text("select current_schema()")).scalar_one()
        major = conn.execute(sa.text("show server_version_num")).scalar_one()
        tables, keys, schema = _describe(conn)
        pg_dump = find_pg_tool("pg_dump", int(major) // 10000)
        conninfo, env = _libpq(url)
        command = [
            pg_dump, "--format=custom", "--no-owner", "--no-privileges",
            f"--snapshot={snapshot_id}", f"--schema={pg_schema}", f"--file={dump}",
            f"--dbname={conninfo}",
        ]  # fmt: skip
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError("pg_dump_failed", error=_last_line(result.stderr))
    return _Snapshot(dump, PG_MEMBER, schema, tables, keys, {"pg_schema": pg_schema})


def _describe(conn: Connection) -> tuple[dict[str, int], set[str], tuple[str, ...]]:
    """Rows per table, the file keys rows name, and the schema version, in one snapshot."""
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
    return tables, keys, current_revisions(conn)


def _add_files(
    tar: tarfile.TarFile, root: Path, progress: Progress
) -> dict[str, dict[str, object]]:
    paths = sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
    found: dict[str, dict[str, object]] = {}
    for done, path in enumerate(paths, 1):
        relative = path.relative_to(root).as_posix()
        if _FILE_KEY.match(relative):
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                continue  # deleted meanwhile (a cancelled draft's photo)
            _add_bytes(tar, FILES_PREFIX + relative, data)
            found[relative] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        progress("files", done, len(paths))
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


# -- restoring ---------------------------------------------------------------------------


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
    progress: Progress = _quiet,
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


def read_manifest(archive: Path) -> Manifest:
    with tarfile.open(archive, mode="r:*") as tar:
        member = tar.extractfile(MANIFEST)
        if member is None:
            raise BackupError("no_manifest")
        return Manifest.from_json(member.read())


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
                elif name.startswith(FILES_PREFIX) and _FILE_KEY.match(name[len(FILES_PREFIX) :]):
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
    conninfo, env = _libpq(url)
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
        raise BackupError("pg_restore_failed", error=_last_line(result.stderr))


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


# -- PostgreSQL client tools -------------------------------------------------------------


def find_pg_tool(name: str, server_major: int) -> str:
    """`pg_dump`/`pg_restore` of the server's major version (Debian keeps each version in
    /usr/lib/postgresql/N/bin), else one on PATH that is at least as new."""
    versioned = Path(f"/usr/lib/postgresql/{server_major}/bin/{name}")
    if versioned.exists():
        return str(versioned)
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    on_path = shutil.which(name)
    for candidate in [*map(str, candidates), *([on_path] if on_path else [])]:
        if _major_of(candidate) >= server_major:
            return candidate
    raise BackupError("no_pg_tool", tool=name, major=server_major)


def _major_of(tool: str) -> int:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run([tool, "--version"], capture_output=True, text=True).stdout
        found = re.search(r"(\d+)(?:\.\d+)?", out)
        if found:
            return int(found.group(1))
    return 0


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI for the command-line tools, the password passed in the environment."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def iter_members(archive: Path) -> Iterator[str]:
    with tarfile.open(archive, mode="r:*") as tar:
        yield from tar.getnames()
