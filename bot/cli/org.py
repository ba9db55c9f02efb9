"""`complaintbot org …`: the organisations one deployment serves, and their chat accounts.

    complaintbot org add SLUG --name NAME [--phone P --website W --address A --tambon T ...]
    complaintbot org list | org show SLUG | org set SLUG KEY VALUE
    complaintbot org set-line (SLUG | --shared) --secret-file F --token-file F
    complaintbot org set-telegram (SLUG | --shared) --token-file F
    complaintbot telegram set-webhook (SLUG | --shared)

Secrets are read from files (never from the command line, which other users can see), sealed
with the deployment's key, and never printed: `org show` says only whether they are set. A
running server picks up every change at its next webhook (`bot.web.hosting`).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session, select

from bot.app import UnknownOrganisation, build_core
from bot.config import Settings
from bot.optional import present_modules
from messages.cli import org as msg
from storage import org_settings, orgs
from storage.hosting import accounts
from storage.hosting.account_models import SHARED
from storage.models import Organisation

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
RESERVED = {SHARED, "webhook"}
ORG_FIELDS = ("name", "phone", "website", "address")


class _Refused(Exception):
    """A user's mistake: the transaction is rolled back and the message printed."""


def valid_slug(slug: str) -> bool:
    return bool(SLUG.match(slug)) and slug not in RESERVED


def _session() -> tuple[Settings, Session]:
    settings = Settings.from_env()
    core = build_core(settings)
    return settings, Session(core.db)


def _org(session: Session, slug: str) -> Organisation:
    org = orgs.by_slug(session, slug)
    if org is None:
        raise UnknownOrganisation(slug)
    return org


def _add(args: argparse.Namespace) -> int:
    if not valid_slug(args.slug):
        print(msg.BAD_SLUG.format(slug=args.slug), file=sys.stderr)
        return 2
    _settings, session = _session()
    try:
        with session, session.begin():
            if orgs.by_slug(session, args.slug) is not None:
                raise _Refused(msg.EXISTS.format(slug=args.slug))
            org = orgs.ensure(session, slug=args.slug, name=args.name, phone=args.phone,
                              website=args.website, address=args.address)  # fmt: skip
            org_settings.get(session, org.id)
            if args.tambon:
                problem = _map_tambons(session, org, args.tambon)
                if problem:
                    raise _Refused(problem)  # nothing is added
    except _Refused as refused:
        print(refused, file=sys.stderr)
        return 2
    print(msg.ADDED.format(name=args.name, slug=args.slug))
    return 0


def _map_tambons(session: Session, org: Organisation, tambons: list[str]) -> str:
    """Add the organisation's tambons to the place table, checked like `org map import`:
    each is a 6-digit code or "ตำบล,อำเภอ,จังหวัด". Returns the problems ("" if none)."""
    from messages.hosting import org_map as map_msg
    from storage.hosting import org_map
    from storage.hosting.place_models import PlaceOrg
    from storage.import_problems import ImportFailed

    lines = [(0, ["org", "subdistrict_code", "subdistrict", "district", "province"])]
    for number, text in enumerate(tambons, 1):
        parts = [p.strip() for p in text.split(",")]
        if len(parts) == 1 and parts[0].isdigit():
            lines.append((number, [org.slug, parts[0], "", "", ""]))
        else:
            lines.append((number, [org.slug, "", *[*parts, "", "", ""][:3]]))
    session.flush()  # the new organisation must be visible to the check
    try:
        rows = org_map.read_rows(session, lines)
    except ImportFailed as failed:
        return "\n".join(map_msg.import_problem(p.line, p.reason.value, p.value)
                         for p in failed.problems)  # fmt: skip
    for row in rows:
        a = row.address
        session.add(PlaceOrg(
            subdistrict_code=a.subdistrict.code, org_id=org.id,
            subdistrict_th=a.subdistrict.name_th, district_th=a.district.name_th,
            province_th=a.province.name_th,
        ))  # fmt: skip
    session.flush()
    org_map.changed()
    return ""


def _list(args: argparse.Namespace) -> int:
    _settings, session = _session()
    with session:
        rows = session.exec(select(Organisation).order_by(Organisation.slug)).all()
        if not rows:
            print(msg.NO_ORGS)
        for org in rows:
            line = accounts.for_org(session, "line", org.id) is not None
            telegram = accounts.for_org(session, "telegram", org.id) is not None
            print(msg.org_line(org.slug, org.name, line, telegram))
    return 0


def _show(args: argparse.Namespace) -> int:
    _settings, session = _session()
    with session, session.begin():
        org = _org(session, args.slug)
        rules = org_settings.get(session, org.id)
        details = {
            "slug": org.slug, "name": org.name, "phone": org.phone, "website": org.website,
            "address": org.address, "deadline-days": str(rules.deadline_days),
            "office-hours": rules.office_hours, "contact": rules.contact_channels,
            "units": ", ".join(rules.units), "reminder-time": rules.reminder_time,
            "tip-round-minutes": str(rules.tip_round_minutes),
            "filings-per-chat": str(rules.filings_per_chat),
            "filings-per-org": str(rules.filings_per_org),
            "uploads-per-chat": str(rules.uploads_per_chat),
            "disk-quota-mb": str(rules.disk_quota_mb),
            "external-contacts": rules.external_contacts,
        }  # fmt: skip
        present = {p: accounts.for_org(session, p, org.id) is not None for p in accounts.PLATFORMS}
        paths = {p: f"/{p}/{org.slug}/webhook" for p in accounts.PLATFORMS}
    print(msg.org_text(details, present, paths))
    return 0


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError(msg.WHY_EMPTY)
    return value.strip()


# KEY -> (where it lives, the field, how the text becomes a value)
SETTABLE: dict[str, tuple[str, str, Callable[[str], object]]] = {
    "name": ("org", "name", _text),
    "phone": ("org", "phone", str.strip),
    "website": ("org", "website", str.strip),
    "address": ("org", "address", str.strip),
    # the organisation's rules: the same checks as `complaintbot settings` and the office
    **{key: ("settings", field, parse) for key, (field, parse) in org_settings.SETTINGS.items()},
}


def _set(args: argparse.Namespace) -> int:
    if args.key not in SETTABLE:
        print(msg.UNKNOWN_KEY.format(key=args.key, keys=", ".join(SETTABLE)), file=sys.stderr)
        return 2
    where, field, parse = SETTABLE[args.key]
    try:
        value = parse(args.value)
    except ValueError as exc:
        print(msg.BAD_VALUE.format(value=args.value, key=args.key, why=exc), file=sys.stderr)
        return 2
    _settings, session = _session()
    with session, session.begin():
        org = _org(session, args.slug)
        row = org if where == "org" else org_settings.get(session, org.id)
        setattr(row, field, value)
        session.add(row)
    print(msg.SET_DONE.format(key=args.key, slug=args.slug))
    return 0


def _read_secret(path: str) -> str | None:
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
    except OSError:
        print(msg.NO_FILE.format(path=path), file=sys.stderr)
        return None
    if not text:
        print(msg.EMPTY_FILE.format(path=path), file=sys.stderr)
        return None
    return text


def _owner(args: argparse.Namespace) -> str | None:
    if bool(args.slug) == bool(args.shared):
        print(msg.SLUG_OR_SHARED, file=sys.stderr)
        return None
    return SHARED if args.shared else args.slug


def _set_account(args: argparse.Namespace, platform: str) -> int:
    owner = _owner(args)
    if owner is None:
        return 2
    secret = ""
    if platform == "line":
        secret = _read_secret(args.secret_file) or ""
        if not secret:
            return 2
    token = _read_secret(args.token_file)
    if token is None:
        return 2
    _settings, session = _session()
    with session, session.begin():
        org_id = None if owner == SHARED else _org(session, owner).id
        accounts.put(session, platform, owner, org_id=org_id, secret=secret, token=token)
    who = msg.SHARED_OWNER if owner == SHARED else owner
    path = f"/{platform}/{owner}/webhook"
    print(msg.ACCOUNT_SAVED.format(platform=platform, owner=who, path=path))
    return 0


def _set_webhook(args: argparse.Namespace) -> int:
    """Register the account's webhook with Telegram (with its own secret token)."""
    import asyncio

    from telegram.error import TelegramError

    from bot.channels.telegram.channel import ALLOWED_UPDATES, build_application
    from messages.channels import telegram as tg_msg

    owner = _owner(args)
    if owner is None:
        return 2
    settings, session = _session()
    if not settings.public_url:
        print(msg.NO_PUBLIC_URL, file=sys.stderr)
        return 2
    with session:
        if owner != SHARED:
            _org(session, owner)
        row = accounts.get(session, "telegram", owner)
        if row is None:
            who = msg.SHARED_OWNER if owner == SHARED else owner
            print(msg.NO_ACCOUNT.format(platform="telegram", owner=who), file=sys.stderr)
            return 2
        token, secret = row.token, row.webhook_secret
    url = f"{settings.public_url}/telegram/{owner}/webhook"

    async def register() -> None:
        from telegram import BotCommand

        app = build_application(settings, token)
        await app.initialize()
        try:
            await app.bot.set_my_commands([BotCommand(n, t) for n, t in tg_msg.COMMANDS])
            await app.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
        finally:
            await app.shutdown()

    try:
        asyncio.run(register())
    except TelegramError as exc:
        print(msg.PLATFORM_FAILED.format(platform="Telegram", reason=type(exc).__name__),
              file=sys.stderr)  # fmt: skip
        return 1
    print(msg.WEBHOOK_SET.format(url=url))
    return 0


def _account_target(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("slug", nargs="?", default=None, help="the organisation's slug")
    parser.add_argument("--shared", action="store_true", help="the province's shared account")


def register(subparsers: argparse._SubParsersAction) -> None:
    group = subparsers.add_parser("org", help="organisations this deployment serves")
    org_sub = group.add_subparsers(dest="org_command", required=True)

    add = org_sub.add_parser("add", help="a new organisation (answers at once, no restart)")
    add.add_argument("slug", help="short name in webhook paths, e.g. tambon-bangrak")
    add.add_argument("--name", required=True, help="the organisation's Thai name")
    add.add_argument("--phone", default="")
    add.add_argument("--website", default="")
    add.add_argument("--address", default="")
    add.add_argument("--tambon", action="append", default=[], help="a tambon it serves")
    add.set_defaults(func=_add)

    org_sub.add_parser("list", help="every organisation").set_defaults(func=_list)
    show = org_sub.add_parser("show", help="one organisation (secrets: only set / not set)")
    show.add_argument("slug")
    show.set_defaults(func=_show)

    set_ = org_sub.add_parser("set", help="change a detail or rule: " + ", ".join(SETTABLE))
    set_.add_argument("slug")
    set_.add_argument("key", help=", ".join(SETTABLE))
    set_.add_argument("value")
    set_.set_defaults(func=_set)

    line = org_sub.add_parser("set-line", help="the LINE Official Account's secret and token")
    _account_target(line)
    line.add_argument("--secret-file", required=True, help="file holding the channel secret")
    line.add_argument("--token-file", required=True, help="file holding the access token")
    line.set_defaults(func=lambda a: _set_account(a, "line"))

    telegram = org_sub.add_parser("set-telegram", help="the Telegram bot's token")
    _account_target(telegram)
    telegram.add_argument("--token-file", required=True, help="file holding the bot token")
    telegram.set_defaults(func=lambda a: _set_account(a, "telegram"))

    for module in present_modules(("bot.cli.org_map",)):
        module.register_map(org_sub)

    tg = subparsers.add_parser("telegram", help="Telegram bot setup")
    tg_sub = tg.add_subparsers(dest="telegram_command", required=True)
    webhook = tg_sub.add_parser("set-webhook", help="register an account's webhook")
    _account_target(webhook)
    webhook.set_defaults(func=_set_webhook)
