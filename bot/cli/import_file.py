"""What the command line's `… import FILE` commands share: the deployment's database opened
and migrated, the whole file taken in one transaction (all rows or none), and a refused file
printed with every problem on its line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import Settings
from messages.cli import common as msg
from storage import startup
from storage.db import make_engine, migrate
from storage.import_problems import ImportFailed

R = TypeVar("R")


def open_migrated() -> Engine:
    """The deployment's database, migrated to the code's schema (one process at a time)."""
    db = make_engine(Settings.from_env().database_url)
    with startup.exclusive(db):
        migrate(db)
    return db


# The wording of one problem: from its line, its reason's value and the value at fault.
Describe = Callable[[int, str, str], str]


def print_refusal(failed: ImportFailed, file: Path, header: str, describe: Describe) -> None:
    """`header` ({file}, {count}) and then each problem, on standard error."""
    print(header.format(file=file, count=len(failed.problems)), file=sys.stderr)
    for p in failed.problems:
        print(describe(p.line, p.reason.value, p.value), file=sys.stderr)


def all_or_nothing(file: Path, importer: Callable[[Session], R], describe: Describe) -> R | None:
    """`importer`'s result, run on `file` in one transaction; None (and why, printed) when the
    file is missing or refused, and then nothing is written."""
    if not file.is_file():
        print(msg.FILE_MISSING.format(file=file), file=sys.stderr)
        return None
    db = open_migrated()
    try:
        with Session(db) as session, session.begin():
            return importer(session)
    except ImportFailed as failed:
        print_refusal(failed, file, msg.IMPORT_REFUSED, describe)
        return None
    finally:
        db.dispose()
