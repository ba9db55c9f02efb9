"""`complaintbot files migrate`: move the local file store into the database, once.

A deployment that began on one machine keeps its uploads in `COMPLAINTBOT_FILES_DIR`; on
PostgreSQL new uploads go to the database (`storage.blobs`), so that every machine serving
it sees them. This command moves the older ones there too, with a progress bar, checking
each copy before wiping the disk's; it may run while `serve` runs and may be run again.

Registered by `bot.cli.main` through `register(subparsers)`.
"""

from __future__ import annotations

import argparse
import sys

from tqdm import tqdm

from bot.app import open_file_store
from bot.config import Settings
from messages.cli import files as msg
from storage.blobs.choose import kind_for, shared_part
from storage.blobs.disk import DiskBlobs
from storage.blobs.move import move_files
from storage.db import make_engine, migrate


def _migrate(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    db = make_engine(settings.database_url)
    try:
        try:
            kind = kind_for(settings.files_store, db, settings.files_url)
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
        if kind == "disk":
            print(msg.NOT_DATABASE.format(store=settings.files_dir), file=sys.stderr)
            return 2
        migrate(db)
        source = DiskBlobs(settings.files_dir)
        if next(iter(source.all_keys()), None) is None:
            print(msg.NOTHING_ON_DISK.format(path=settings.files_dir))
            return 0
        target = shared_part(open_file_store(settings, db).blobs)
        assert target is not None  # the kind is not disk
        try:
            moved = move_files(source, target, keep=args.keep_local, progress=_bar)
        except OSError as exc:
            print(msg.FAILED.format(error=exc), file=sys.stderr)
            return 1
    finally:
        db.dispose()
    size = f"{moved.bytes / (1024 * 1024):.1f} MB"
    print(
        msg.MOVED.format(copied=moved.copied, size=size, already=moved.already, wiped=moved.wiped)
    )
    if args.keep_local:
        print(msg.KEPT.format(path=settings.files_dir))
    return 0


def _bar(items: list[str]) -> tqdm:
    return tqdm(items, file=sys.stderr, disable=None, leave=False, unit="file")


def register(subparsers: argparse._SubParsersAction) -> None:
    files = subparsers.add_parser("files", help="the store of uploaded photos and files")
    files_sub = files.add_subparsers(dest="files_command", required=True)
    move = files_sub.add_parser(
        "migrate", help="move the local files into the database (PostgreSQL, several machines)"
    )
    move.add_argument(
        "--keep-local", action="store_true", help="copy only; leave the files on disk too"
    )
    move.set_defaults(func=_migrate)
