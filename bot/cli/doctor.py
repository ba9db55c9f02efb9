"""`complaintbot doctor [--json] [--details] [--online] [--org SLUG]`: check the deployment;
exit 0 only when nothing failed. Hosted organisations' accounts are summarised per state,
checked offline unless `--online` (or `--org`) asks the platforms.

Registered by `bot.cli.main` through `register(subparsers)`.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import TextIO

from bot.config import Settings
from bot.ops.doctor import Level, Result, all_fine, run_checks
from messages.cli import doctor as msg

TAGS = {Level.OK: "[ OK ]", Level.WARN: "[WARN]", Level.FAIL: "[FAIL]", Level.SKIP: "[SKIP]"}


def render(results: list[Result], out: TextIO) -> None:
    print(f"{msg.HEADER.th} / {msg.HEADER.en}\n", file=out)
    for result in results:
        print(f"{TAGS[result.level]} {result.title.th} / {result.title.en}", file=out)
        for finding in result.findings:
            tag = "" if finding.level is result.level else f"{TAGS[finding.level]} "
            print(f"       {tag}{finding.said.th}", file=out)
            print(f"       {' ' * len(tag)}{finding.said.en}", file=out)
            if finding.fix is not None and finding.level in (Level.FAIL, Level.WARN):
                print(f"       → {msg.FIX.th}: {finding.fix.th}", file=out)
                print(f"       → {msg.FIX.en}: {finding.fix.en}", file=out)
    counts = {level.value: sum(r.level is level for r in results) for level in Level}
    print(file=out)
    print(f"{msg.SUMMARY.th.format(**counts)}", file=out)
    print(f"{msg.SUMMARY.en.format(**counts)}", file=out)
    verdict = msg.ALL_GREEN if all_fine(results) else msg.NOT_READY
    print(f"{verdict.th} / {verdict.en}", file=out)


def as_json(results: list[Result]) -> str:
    return json.dumps(
        {
            "ok": all_fine(results),
            "checks": [
                {
                    "check": r.title.en,
                    "level": r.level.value,
                    "findings": [
                        {
                            "level": f.level.value,
                            "th": f.said.th,
                            "en": f.said.en,
                            **({"fix_th": f.fix.th, "fix_en": f.fix.en} if f.fix else {}),
                        }
                        for f in r.findings
                    ],
                }
                for r in results
            ],
        },
        ensure_ascii=False,
        indent=2,
    )


def _doctor(args: argparse.Namespace) -> int:
    # httpx logs every request URL at INFO, and a Bot API URL holds the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    only = tuple(args.org) if args.org else None
    results = run_checks(Settings.from_env(), online=args.online or bool(only), only=only,
                         details=args.details or bool(only))  # fmt: skip
    if args.json:
        print(as_json(results))
    else:
        render(results, sys.stdout)
    return 0 if all_fine(results) else 1


def register(subparsers: argparse._SubParsersAction) -> None:
    doctor = subparsers.add_parser(
        "doctor", help="check the database, key, files, LINE, Telegram, URL and clock"
    )
    doctor.add_argument("--json", action="store_true", help="machine-readable output")
    doctor.add_argument("--details", action="store_true",
                        help="every hosted organisation's accounts, one line each")  # fmt: skip
    doctor.add_argument("--online", action="store_true",
                        help="also ask LINE/Telegram about each hosted account")  # fmt: skip
    doctor.add_argument("--org", action="append", default=[], metavar="SLUG",
                        help="only this organisation's accounts, online, in detail")  # fmt: skip
    doctor.set_defaults(func=_doctor)
