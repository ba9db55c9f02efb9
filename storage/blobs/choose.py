"""Which blob store a deployment uses: the setting, else by the database.

On PostgreSQL the machines of a deployment may be several, and share only the database, so
files go there; on SQLite (one machine by nature) they stay in the local directory as they
always have. `COMPLAINTBOT_FILES_STORE=disk` keeps a PostgreSQL deployment's files on disk
(one machine). The database store is refused on SQLite: a file is deleted while the turn
that forgets it holds SQLite's only write lock, so the deletion would wait for itself.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from storage.blobs.base import Blobs
from storage.blobs.database import DatabaseBlobs
from storage.blobs.disk import DiskBlobs

KINDS = ("disk", "database")


def kind_for(setting: str, engine: Engine) -> str:
    """The store `setting` names ("" or "auto": by the database's dialect)."""
    setting = setting.strip().lower()
    if setting in ("", "auto"):
        return "database" if engine.dialect.name == "postgresql" else "disk"
    if setting not in KINDS:
        raise ValueError(f"COMPLAINTBOT_FILES_STORE must be one of auto, {', '.join(KINDS)}")
    if setting == "database" and engine.dialect.name != "postgresql":
        raise ValueError("COMPLAINTBOT_FILES_STORE=database needs a PostgreSQL database")
    return setting


def open_blobs(setting: str, files_dir: Path, engine: Engine) -> Blobs:
    if kind_for(setting, engine) == "database":
        return DatabaseBlobs(engine)
    return DiskBlobs(files_dir)
