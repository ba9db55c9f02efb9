"""`complaintbot org import FILE [--dry-run]` and `complaintbot org export FILE`: many
organisations at once, as a CSV or XLSX sheet (`storage.hosting.org_file` holds the format
and its checks; the office's host console offers the same import as an upload).

`register_file` adds both to an existing `org` command group.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from sqlmodel import Session

from bot.cli import import_file, progress
from messages.hosting import org_file as msg
from storage.hosting import org_file

T = TypeVar("T")
_BAR_FROM = 200  # items: smaller files are done before a bar would show


def register_file(org_sub: argparse._SubParsersAction) -> None:
    imp = org_sub.add_parser("import", help="add or update organisations from a CSV/XLSX file")
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="check the file, write nothing")
    imp.set_defaults(func=_import)
    exp = org_sub.add_parser("export", help="every organisation to a CSV/XLSX file")
    exp.add_argument("file", type=Path, help="ends in .csv or .xlsx")
    exp.set_defaults(func=_export)


def _progress(items: Iterable[T], what: str) -> Iterator[T]:
    return progress.bar(items, desc=what, unit="line", show_from=_BAR_FROM)


def _import(args: argparse.Namespace) -> int:
    result = import_file.all_or_nothing(
        args.file,
        lambda session: org_file.import_orgs(
            session, args.file, dry_run=args.dry_run, progress=_progress
        ),
        msg.problem,
    )
    if result is None:
        return 2
    done = msg.DRY_RUN_DONE if result.dry_run else msg.IMPORT_DONE
    print(done.format(rows=result.rows, added=result.added, updated=result.updated,
                      tambons=result.tambons))  # fmt: skip
    return 0


def _export(args: argparse.Namespace) -> int:
    if args.file.suffix.lower() not in (".csv", ".xlsx"):
        print(msg.BAD_SUFFIX, file=sys.stderr)
        return 2
    db = import_file.open_migrated()
    try:
        with Session(db) as session, session.begin():
            count = org_file.write_export(session, args.file)
    finally:
        db.dispose()
    print(msg.EXPORT_DONE.format(rows=count, file=args.file))
    return 0
