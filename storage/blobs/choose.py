"""Which blob store a deployment uses: the setting, else by the database.

On PostgreSQL the machines of a deployment may be several, and share only the database, so
files go there; on SQLite (one machine by nature) they stay in the local directory as they
always have. `COMPLAINTBOT_FILES_URL=s3://bucket/prefix` puts them in an S3-compatible
object store instead (`storage.blobs.s3`). `COMPLAINTBOT_FILES_STORE=disk` keeps a
PostgreSQL deployment's files on disk (one machine). The database store is refused on
SQLite: a file is deleted while the turn that forgets it holds SQLite's only write lock, so
the deletion would wait for itself.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from messages.cli import settings as msg
from storage.bad_setting import BadSetting
from storage.blobs.base import Blobs
from storage.blobs.database import DatabaseBlobs
from storage.blobs.disk import DiskBlobs
from storage.blobs.leftovers import WithLeftovers

KINDS = ("disk", "database", "s3")
STORE = "COMPLAINTBOT_FILES_STORE"


def kind_for(setting: str, engine: Engine, url: str = "") -> str:
    """The store `setting` names ("" or "auto": s3 when `url` is set, else by the database)."""
    setting = setting.strip().lower()
    if setting in ("", "auto"):
        if url:
            return "s3"
        return "database" if engine.dialect.name == "postgresql" else "disk"
    if setting not in KINDS:
        raise BadSetting(STORE, msg.FILES_STORE_KINDS)
    if setting == "database" and engine.dialect.name != "postgresql":
        raise BadSetting(STORE, msg.FILES_STORE_DATABASE)
    if setting == "s3" and not url:
        raise BadSetting(STORE, msg.FILES_STORE_S3)
    return setting


def shared_part(blobs: Blobs) -> Blobs | None:
    """The store every machine sees inside `blobs` (without the disk's leftovers), or None
    when files are kept on this machine's disk."""
    if isinstance(blobs, WithLeftovers):
        return blobs.shared
    return None if blobs.kind == "disk" else blobs


def open_blobs(setting: str, files_dir: Path, engine: Engine, url: str = "") -> Blobs:
    """The deployment's store; a shared one still finds files left on disk from before."""
    kind = kind_for(setting, engine, url)
    if kind == "disk":
        return DiskBlobs(files_dir)
    if kind == "database":
        return WithLeftovers(DatabaseBlobs(engine), DiskBlobs(files_dir))
    from storage.blobs.s3 import S3Blobs  # boto3 is optional: imported only when used

    return WithLeftovers(S3Blobs(url), DiskBlobs(files_dir))
