"""`complaintbot stats`: the month's (or quarter's, round's, year's) complaint statistics.

complaintbot stats                                   last month, as text for staff
complaintbot stats --period 2567-03 --format json
complaintbot stats --period 2567-H1 --format xlsx --out stats.xlsx
complaintbot stats --period "มี.ค. 2567" --format html --out stats.html --org khaothong
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlmodel import Session

from bot.app import build_core
from bot.config import Settings
from handlers.stats.outputs import FORMATS, render
from messages.stats import labels as msg
from storage import org_settings
from storage.models import Organisation
from storage.stats import figures as stats
from storage.stats.periods import last_month, parse_period
from storage.timeutil import utcnow


def register(subparsers: argparse._SubParsersAction) -> None:
    cmd = subparsers.add_parser("stats", help="complaint statistics for a period (ITA disclosure)")
    cmd.add_argument("--period", default=None,
                     help="2567-03, 2024-03, a Thai month and year, 2567-Q2, 2567-H1, 2567 "
                          "(default: last month)")  # fmt: skip
    cmd.add_argument("--format", choices=tuple(FORMATS), default="text")
    cmd.add_argument("--out", type=Path, default=None,
                     help="file to write (default: print text, JSON; name the rest)")  # fmt: skip
    cmd.add_argument("--public", action="store_true",
                     help="text and XLSX as published: tips as totals only")  # fmt: skip
    cmd.add_argument("--org", default=None, help="organisation slug (default: configured)")
    cmd.set_defaults(func=_stats)


def _stats(args: argparse.Namespace) -> int:
    now = utcnow()
    period = last_month(now) if args.period is None else parse_period(args.period)
    if period is None:
        print(msg.BAD_PERIOD.format(period=args.period), file=sys.stderr)
        return 2
    core = build_core(Settings.from_env(), org_slug=args.org)
    output = FORMATS[args.format]
    with Session(core.db) as session:
        org = session.get(Organisation, core.org_id)
        assert org is not None
        days = org_settings.peek_deadline_days(session, core.org_id)
        report = stats.report(
            session, org_id=core.org_id, org_slug=org.slug, org_name=org.name, period=period,
            deadline_days=days, now=now, by_month=output.needs_months,
        )  # fmt: skip
    core.db.dispose()
    data = render(report, args.format, public=args.public)
    out = args.out
    if out is None and args.format in ("text", "json"):
        sys.stdout.write(data.decode())
        return 0
    if out is None:
        out = Path(f"stats-{report.org_slug}-{period.slug}.{output.extension}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(msg.WRITTEN.format(period=msg.period_label(period), path=out))
    return 0
