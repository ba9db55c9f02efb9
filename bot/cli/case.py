"""`complaintbot case add|import|template`: record cases that came in outside the bot.

    complaintbot case add --stream complaint --channel walk-in --received 2567-03-05 \\
        --category road --text "ไฟถนนดับทั้งซอย"
    complaintbot case import records.xlsx
    complaintbot case template records.xlsx
    complaintbot case status CODE completed --at 2567-03-20     (in bot/cli/main.py)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from sqlmodel import Session

from bot.app import build_core
from bot.cli import import_file, progress
from bot.config import Settings
from handlers.cases import record_import as case_import
from handlers.cases.codes import pretty
from handlers.cases.lifecycle import Stream
from handlers.cases.records import (
    RECORDED_CHANNELS,
    DateProblem,
    add_case,
    categories,
    moment_on,
    parse_category,
)
from messages.format import thai_date
from messages.stats import labels as msg
from storage.stats.periods import parse_day
from storage.timeutil import utcnow

T = TypeVar("T")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `add`, `import` and `template` to the `case` group made in bot/cli/main.py."""
    case_sub = _subcommands(subparsers.choices["case"])

    add = case_sub.add_parser("add", help="record a case received by walk-in, phone, letter, …")
    add.add_argument("--stream", choices=[s.value for s in Stream], required=True)
    add.add_argument("--channel", choices=RECORDED_CHANNELS, required=True)
    add.add_argument("--received", required=True,
                     help="the day it was received: 2567-03-05, 2024-03-05, 5/3/2567")  # fmt: skip
    add.add_argument("--category", required=True, help="e.g. road, water; bribe, procurement")
    add.add_argument("--text", required=True, help="what the case is about")
    add.add_argument("--name", default="", help="the complainant's name, if given")
    add.add_argument("--contact", default="", help="a phone number or address, if given")
    add.add_argument("--org", default=None)
    add.set_defaults(func=_add)

    imp = case_sub.add_parser("import", help="import older records from a CSV or XLSX file")
    imp.add_argument("file", type=Path)
    imp.add_argument("--org", default=None)
    imp.set_defaults(func=_import)

    tpl = case_sub.add_parser("template", help="write an empty XLSX for `case import`")
    tpl.add_argument("out", type=Path)
    tpl.set_defaults(func=_template)


def _subcommands(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise LookupError("the case group has no subcommands")


def moment_of_change(text: str, last: datetime | None) -> datetime:
    """`case status --at DAY`: when on that day to record the change (refuses a day before
    the case's last recorded change, so its history stays in order)."""
    day = parse_day(text)
    if day is None:
        raise DateProblem(msg.BAD_DAY.format(day=text))
    return moment_on(day, utcnow(), not_before=last)


def _add(args: argparse.Namespace) -> int:
    stream = Stream(args.stream)
    day = parse_day(args.received)
    if day is None:
        print(msg.BAD_DAY.format(day=args.received), file=sys.stderr)
        return 2
    category = parse_category(stream, args.category)
    if category is None:
        allowed = ", ".join(categories(stream))
        print(msg.BAD_CATEGORY.format(category=args.category, allowed=allowed), file=sys.stderr)
        return 2
    if not args.text.strip():
        print(msg.EMPTY_TEXT, file=sys.stderr)
        return 2
    try:
        received_at = moment_on(day, utcnow())
    except DateProblem as problem:
        print(problem, file=sys.stderr)
        return 2
    core = build_core(Settings.from_env(), org_slug=args.org)
    with Session(core.db) as session, session.begin():
        recorded = add_case(
            session, org_id=core.org_id, stream=stream, channel=args.channel, category=category,
            text=args.text.strip(), received_at=received_at, name=args.name.strip(),
            contact=args.contact.strip(),
        )  # fmt: skip
    print(msg.CASE_ADDED.format(stream=msg.STREAM_TITLES[stream], received=thai_date(day),
                                channel=msg.channel_label(args.channel),
                                code=pretty(recorded.code)))  # fmt: skip
    if stream is Stream.TIP:
        print(msg.TIP_CODE_ONCE)
        print(msg.TIP_REFERENCE.format(reference=recorded.reference))
    return 0


def _progress(rows: Iterable[T]) -> Iterator[T]:
    return progress.bar(rows, desc="import", unit="row", show_from=51)


def _import(args: argparse.Namespace) -> int:
    core = build_core(Settings.from_env(), org_slug=args.org)
    try:
        with Session(core.db) as session, session.begin():  # one transaction: all or none
            result = case_import.import_file(
                session, args.file, org_id=core.org_id, now=utcnow(), progress=_progress
            )
    except case_import.ImportFailed as failed:
        import_file.print_refusal(failed, args.file, msg.IMPORT_FAILED, msg.import_problem)
        return 1
    print(msg.IMPORT_DONE.format(complaints=result.complaints, tips=result.tips))
    return 0


def _template(args: argparse.Namespace) -> int:
    case_import.write_template(args.out)
    print(msg.TEMPLATE_WRITTEN.format(path=args.out))
    return 0
