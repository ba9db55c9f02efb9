"""The backup archive's layout and manifest, shared by taking (`create`) and `restore`.

A backup is one tar file: `complaintbot-backup/database.sqlite3.gz` (SQLite, gzipped) or
`database.pgdump` (PostgreSQL custom format), the local file store under `files/` (a store in
the database travels inside the database's copy), and
`manifest.json` last: when it was taken, the schema version, rows per table and a SHA-256
of every member. The secret key is never part of it.
"""

from __future__ import annotations

import json
import re
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FORMAT = 1
ROOT = "complaintbot-backup"
MANIFEST = f"{ROOT}/manifest.json"
SQLITE_MEMBER = f"{ROOT}/database.sqlite3.gz"
PG_MEMBER = f"{ROOT}/database.pgdump"
FILES_PREFIX = f"{ROOT}/files/"
# Tables whose rows name a stored file (key column), to report files a row names but the
# store no longer holds. Other branches may add more; unknown tables are just counted.
FILE_TABLES = ("complaint_file", "tip_file")
# Where a deployment that keeps its files in the database keeps them (storage.blobs); the
# database copy carries them, so they are counted here, not archived twice.
BLOB_TABLE = "file_blob"
FILE_KEY = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{32}(\.[a-z0-9]{1,8})?$")

# progress(stage, done, total): stage is "database", "files", "verify"; total may be 0.
Progress = Callable[[str, int, int], None]


def quiet(_stage: str, _done: int, _total: int) -> None:
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
    files_in_database: int = 0  # files kept in the database, inside its copy
    format: int = FORMAT

    @property
    def file_count(self) -> int:
        return len(self.files) + self.files_in_database

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
                "files_in_database": self.files_in_database,
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
            files_in_database=raw.get("files_in_database", 0),
        )


def read_manifest(archive: Path) -> Manifest:
    with tarfile.open(archive, mode="r:*") as tar:
        member = tar.extractfile(MANIFEST)
        if member is None:
            raise BackupError("no_manifest")
        return Manifest.from_json(member.read())
