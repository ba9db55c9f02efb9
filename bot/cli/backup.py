"""`complaintbot backup --out FILE` and `complaintbot restore FILE [--force]`.

Registered by `bot.cli.main` through `register(subparsers)`. Progress bars go to stderr when it
is a terminal; the result lines are always printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.engine import Engine
from tqdm import tqdm

from bot.app import open_file_store
from bot.config import Settings
from messages.cli import backup as msg
from messages.cli.doctor import Say
from storage.backup import create as backup
from storage.backup import restore
from storage.backup.archive import BackupError
from storage.blobs.base import Blobs
from storage.blobs.choose import shared_part
from storage.blobs.disk import DiskBlobs
from storage.blobs.move import move_files
from storage.db import make_engine


class _Bars:
    """One tqdm bar per stage, on stderr, shown only on a terminal."""

    def __init__(self) -> None:
        self.bars: dict[str, tqdm] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        bar = self.bars.get(stage)
        if bar is None:
            label = msg.STAGES[stage]
            bar = self.bars[stage] = tqdm(
                total=total or None, desc=f"{label.th} / {label.en}", unit="",
                file=sys.stderr, disable=None, leave=False,
            )  # fmt: skip
        if total and bar.total != total:
            bar.total = total
        bar.n = done
        bar.refresh()

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def _say(said: Say, *, err: bool = False) -> None:
    out = sys.stderr if err else sys.stdout
    print(said.th, file=out)
    print(said.en, file=out)


def _error(exc: BackupError) -> int:
    details = {k: (msg.YES if v is True else msg.NO if v is False else v)
               for k, v in exc.details.items()}  # fmt: skip
    _say(msg.ERRORS[exc.code].format(**details), err=True)
    return 2 if exc.code in ("not_empty", "no_archive", "wrong_dialect") else 1


def _size(count: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024  # type: ignore[assignment]
    return str(count)


def _backup(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    bars = _Bars()
    try:
        engine = make_engine(settings.database_url)
        try:
            remote = _shared_store(settings, engine)
        finally:
            engine.dispose()
        manifest = backup.create(
            settings.database_url, settings.files_dir, Path(args.out), progress=bars,
            remote=remote if remote is not None and remote.kind == "s3" else None,
        )  # fmt: skip
    except BackupError as exc:
        bars.close()
        return _error(exc)
    bars.close()
    _say(
        msg.BACKUP_DONE.format(
            path=args.out, size=_size(Path(args.out).stat().st_size),
            rows=sum(manifest.tables.values()), tables=len(manifest.tables),
            files=manifest.file_count, schema=", ".join(manifest.schema) or "-",
        )
    )  # fmt: skip
    if manifest.missing_files:
        _say(msg.BACKUP_MISSING_FILES.format(count=manifest.missing_files), err=True)
    where = msg.KEY_FROM_ENV if settings.secret_key else str(settings.secret_key_file)
    _say(msg.KEY_NOT_INCLUDED.format(where=where))
    return 0


def _restore(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    bars = _Bars()
    try:
        restored = restore.restore(
            Path(args.file), settings.database_url, settings.files_dir,
            force=args.force, progress=bars,
        )  # fmt: skip
    except BackupError as exc:
        bars.close()
        return _error(exc)
    bars.close()
    manifest = restored.manifest
    _say(
        msg.RESTORE_DONE.format(
            created_at=manifest.created_at, rows=sum(manifest.tables.values()),
            tables=len(manifest.tables), files=manifest.file_count,
        )
    )  # fmt: skip
    moved = _files_into_store(settings)
    if moved:
        _say(msg.FILES_INTO_STORE.format(count=moved))
    for path in restored.set_aside:
        _say(msg.SET_ASIDE.format(path=path))
    _say(msg.RESTORE_NEXT)
    return 0


def _shared_store(settings: Settings, engine: Engine) -> Blobs | None:
    """The store every machine sees (database or S3), or None for the local directory."""
    return shared_part(open_file_store(settings, engine).blobs)


def _files_into_store(settings: Settings) -> int:
    """A deployment that keeps its files in the database or S3 gets the archive's files
    there (they are restored to disk first), so that every machine sees them."""
    engine = make_engine(settings.database_url)
    try:
        target = _shared_store(settings, engine)
        if target is None:
            return 0
        bar = lambda keys: tqdm(keys, file=sys.stderr, disable=None, leave=False)  # noqa: E731
        moved = move_files(DiskBlobs(settings.files_dir), target, progress=bar)
        return moved.copied + moved.already
    finally:
        engine.dispose()


def register(subparsers: argparse._SubParsersAction) -> None:
    take = subparsers.add_parser(
        "backup", help="copy the database and the file store into one archive, while serving"
    )
    take.add_argument("--out", required=True, help="archive to write, e.g. backup.tar")
    take.set_defaults(func=_backup)

    put = subparsers.add_parser("restore", help="restore an archive into an empty deployment")
    put.add_argument("file", help="an archive written by complaintbot backup")
    put.add_argument(
        "--force", action="store_true",
        help="restore even over existing data (SQLite and files are moved aside first)",
    )  # fmt: skip
    put.set_defaults(func=_restore)
