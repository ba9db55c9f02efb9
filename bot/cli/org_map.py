"""`complaintbot org map …`: the host's table of tambons and the organisation answering each.

    complaintbot org map import FILE [--dry-run]     CSV or XLSX: org, subdistrict_code or
                                                     province/district/subdistrict, lat, lon
    complaintbot org map list [--org SLUG]

`register_map` adds `map` to an existing `org` command group; `register` makes an `org`
group with only `map`, for a build where the group is not defined elsewhere.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from sqlmodel import Session, select

from bot.cli import import_file, progress
from messages.cli.common import UNKNOWN_ORG
from messages.hosting import org_map as msg
from storage import orgs
from storage.hosting import org_map
from storage.models import Organisation

_BAR_FROM = 200  # lines: smaller files are read before a bar would show


def register(subparsers: argparse._SubParsersAction) -> None:
    """An `org` command group holding only `map`."""
    group = subparsers.add_parser("org", help="organisations of this deployment")
    register_map(group.add_subparsers(dest="org_command", required=True))


def register_map(org_sub: argparse._SubParsersAction) -> None:
    """Add `map import` and `map list` to the `org` group's subcommands."""
    cmd = org_sub.add_parser("map", help="which organisation answers for which tambon")
    sub = cmd.add_subparsers(dest="map_command", required=True)
    imp = sub.add_parser("import", help="replace the named organisations' tambons from a file")
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="check the file, write nothing")
    imp.set_defaults(func=_import)
    show = sub.add_parser("list", help="the mapped tambons")
    show.add_argument("--org", default=None, help="only this organisation's (slug)")
    show.set_defaults(func=_list)


def _progress(lines: Iterable[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    return progress.bar(lines, desc="map", unit="line", show_from=_BAR_FROM)


def _import(args: argparse.Namespace) -> int:
    result = import_file.all_or_nothing(
        args.file,
        lambda session: org_map.import_map(
            session, args.file, dry_run=args.dry_run, progress=_progress
        ),
        msg.import_problem,
    )
    if result is None:
        return 2
    done = msg.DRY_RUN_DONE if result.dry_run else msg.IMPORT_DONE
    print(done.format(rows=result.rows, orgs=len(result.per_org), replaced=result.replaced))
    return 0


def _list(args: argparse.Namespace) -> int:
    db = import_file.open_migrated()
    try:
        with Session(db) as session:
            org_id = None
            if args.org is not None:
                org = orgs.by_slug(session, args.org)
                if org is None:
                    print(UNKNOWN_ORG.format(slug=args.org), file=sys.stderr)
                    return 2
                org_id = org.id
            rows = org_map.places(session, org_id)
            names = {o.id: o.name for o in session.exec(select(Organisation))}
    finally:
        db.dispose()
    if not rows:
        print(msg.LIST_EMPTY)
        return 0
    print(msg.LIST_HEADER)
    for r in rows:
        print(msg.place_line(r.subdistrict_code, r.subdistrict_th, r.district_th, r.province_th,
                             names.get(r.org_id, "")))  # fmt: skip
    print(msg.LIST_TOTAL.format(rows=len(rows)))
    return 0
