"""`complaintbot plan …`: staff keep the anti-corruption plan current from the command line.

    complaintbot plan import FILE --org SLUG --fiscal-year 2566 --round 12
    complaintbot plan template OUT.xlsx
    complaintbot plan set ITEM --status done --spent 4840 --result "…" --org SLUG \\
        --fiscal-year 2566 --round 12
    complaintbot plan summary --org SLUG
    complaintbot plan samples          (load the three sample plans of the demo)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.cli import import_file, progress
from bot.config import Settings
from handlers.plan.flow import summary_text
from messages.format import BANGKOK, baht
from messages.plan import status as msg
from storage import orgs, startup
from storage.models import Organisation
from storage.plan import importer as plan_import
from storage.plan import repo as plan_repo
from storage.plan.importer import ImportFailed, PlanRow
from storage.plan.models import ROUNDS
from storage.plan.samples import load_sample_plans
from storage.timeutil import utcnow


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `plan` command group to the `complaintbot` parser."""
    plan = subparsers.add_parser("plan", help="the anti-corruption action plan (e-PlanNACC)")
    sub = plan.add_subparsers(dest="plan_command", required=True)

    imp = sub.add_parser("import", help="import an e-PlanNACC report table (CSV or XLSX)")
    imp.add_argument("file", type=Path)
    _org(imp)
    imp.add_argument("--fiscal-year", type=int, required=True, help="Buddhist era, e.g. 2566")
    imp.add_argument("--round", type=int, choices=ROUNDS, default=None,
                     help="report round in months; leave out to import the plan only")  # fmt: skip
    imp.add_argument("--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
    imp.add_argument("--reporter", default="", help="who reported (name, position)")
    imp.add_argument("--title", default="", help="plan title, if the plan is new")
    imp.set_defaults(func=_import)

    tpl = sub.add_parser("template", help="write an empty XLSX table with a status drop-down")
    tpl.add_argument("out", type=Path)
    tpl.set_defaults(func=_template)

    put = sub.add_parser("set", help="record a new progress report for one item")
    put.add_argument("item", type=int, help="the item's number in the plan")
    _org(put)
    put.add_argument("--fiscal-year", type=int, required=True)
    put.add_argument("--round", type=int, choices=ROUNDS, required=True)
    put.add_argument("--status", required=True,
                     help="pending | in_progress | done | cannot, or the Thai word")  # fmt: skip
    put.add_argument("--spent", default=None, help="baht, e.g. 4,840.00")
    put.add_argument("--budget", default=None, help="baht; default: the last reported budget")
    put.add_argument("--result", default=None, help="result text; default: the last one")
    put.add_argument("--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
    put.add_argument("--reporter", default="", help="who reported")
    put.set_defaults(func=_set)

    show = sub.add_parser("summary", help="print the summary as the reports print it")
    _org(show)
    show.add_argument("--fiscal-year", type=int, default=None)
    show.add_argument("--round", type=int, choices=ROUNDS, default=None)
    show.set_defaults(func=_summary)

    samples = sub.add_parser("samples", help="load the sample plans of the three seed documents")
    samples.set_defaults(func=_samples)


def _org(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--org", default=None, help="organisation slug (default: configured)")


def _open() -> tuple[Settings, Engine]:
    return Settings.from_env(), import_file.open_migrated()


def _find_org(session: Session, settings: Settings, slug: str | None) -> Organisation | None:
    if slug in (None, settings.org_slug):
        return orgs.ensure(
            session, slug=settings.org_slug, name=settings.org_name, phone=settings.org_phone,
            website=settings.org_website, address=settings.org_address,
        )  # fmt: skip
    return orgs.by_slug(session, slug)


def _today() -> date:
    return utcnow().astimezone(BANGKOK).date()


def _progress(rows: Iterable[PlanRow]) -> Iterator[PlanRow]:
    return progress.bar(rows, desc="import", unit="row", show_from=51)


def _import(args: argparse.Namespace) -> int:
    settings, db = _open()
    try:
        with Session(db) as session, session.begin():  # one transaction: all rows or none
            org = _find_org(session, settings, args.org)
            if org is None or org.id is None:
                print(msg.UNKNOWN_ORG.format(slug=args.org), file=sys.stderr)
                return 2
            result = plan_import.import_file(
                session, args.file, org.id, fiscal_year=args.fiscal_year, round=args.round,
                as_of=args.as_of or _today(), reporter=args.reporter, plan_title=args.title,
                progress=_progress,
            )  # fmt: skip
    except ImportFailed as failed:
        import_file.print_refusal(failed, args.file, msg.IMPORT_FAILED, msg.import_problem)
        return 1
    period = msg.period(args.fiscal_year, args.round) if args.round else str(args.fiscal_year)
    print(msg.IMPORT_DONE.format(rows=result.rows, created=result.items_created,
                                 reports=result.reports_added, period=period))  # fmt: skip
    return 0


def _template(args: argparse.Namespace) -> int:
    plan_import.write_template(args.out)
    print(msg.TEMPLATE_WRITTEN.format(path=args.out))
    return 0


def _set(args: argparse.Namespace) -> int:
    status = plan_import.parse_status(args.status)
    if status is None:
        print(msg.BAD_STATUS.format(status=args.status), file=sys.stderr)
        return 2
    amounts = {}
    for name in ("spent", "budget"):
        raw = getattr(args, name)
        if raw is not None:
            value = plan_import.parse_amount(raw)
            if value is None:
                print(msg.BAD_AMOUNT.format(amount=raw), file=sys.stderr)
                return 2
            amounts[name] = value
    settings, db = _open()
    with Session(db) as session, session.begin():
        org = _find_org(session, settings, args.org)
        if org is None or org.id is None:
            print(msg.UNKNOWN_ORG.format(slug=args.org), file=sys.stderr)
            return 2
        plan = plan_repo.plan_for_year(session, org.id, args.fiscal_year)
        item = plan_repo.item_by_number(session, plan, args.item) if plan else None
        if plan is None or item is None:
            print(msg.UNKNOWN_ITEM.format(item=args.item, fiscal_year=args.fiscal_year),
                  file=sys.stderr)  # fmt: skip
            return 1
        report = plan_repo.report_progress(
            session, item, fiscal_year=args.fiscal_year, round=args.round, status=status,
            budget=amounts.get("budget"), spent=amounts.get("spent"), result=args.result,
            as_of=args.as_of or _today(), reporter=args.reporter,
        )  # fmt: skip
        spent = report.spent
    print(msg.ITEM_UPDATED.format(number=args.item, status=msg.STATUS_LABELS[status.value],
                                  spent=baht(spent),
                                  period=msg.period(args.fiscal_year, args.round)))  # fmt: skip
    return 0


def _summary(args: argparse.Namespace) -> int:
    settings, db = _open()
    with Session(db) as session, session.begin():
        org = _find_org(session, settings, args.org)
        if org is None or org.id is None:
            print(msg.UNKNOWN_ORG.format(slug=args.org), file=sys.stderr)
            return 2
        plan = (
            plan_repo.plan_for_year(session, org.id, args.fiscal_year)
            if args.fiscal_year
            else plan_repo.latest_plan(session, org.id)
        )
        if plan is None:
            print(msg.NO_PLAN, file=sys.stderr)
            return 1
        latest = plan_repo.latest_period(session, plan) or (plan.year_to, 12)
        fiscal_year = args.fiscal_year or latest[0]
        round_ = args.round or (latest[1] if fiscal_year == latest[0] else 12)
        print(summary_text(plan_repo.summary(session, plan, fiscal_year, round_)))
    return 0


def _samples(_args: argparse.Namespace) -> int:
    _settings, db = _open()
    with startup.exclusive(db), Session(db) as session, session.begin():
        load_sample_plans(session)
    return 0
