"""`complaintbot org …`: the organisations one deployment serves, and their chat accounts.

    complaintbot org add SLUG --name NAME [--phone P --website W --address A --tambon T ...]
    complaintbot org list | org show SLUG | org set SLUG KEY VALUE
    complaintbot org import FILE [--dry-run] | org export FILE     (bot.cli.org_file)
    complaintbot org set-line (SLUG | --shared) --secret-file F --token-file F
    complaintbot org set-telegram (SLUG | --shared) --token-file F
    complaintbot telegram set-webhook (SLUG | --shared)

Secrets are read from files (never from the command line, which other users can see), sealed
with the deployment's key, and never printed: `org show` says only whether they are set. A
running server picks up every change at its next webhook (`bot.web.hosting`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlmodel import Session, select

from bot.app import UnknownOrganisation, build_core
from bot.config import Settings
from bot.optional import present_modules
from messages.cli import org as msg
from storage import orgs
from storage.hosting import accounts, org_fields, org_map
from storage.hosting.account_models import SHARED
from storage.models import Organisation

# The rules live in storage.hosting.org_fields (shared with the office's host console).
valid_slug = org_fields.valid_slug
SETTABLE = org_fields.SETTABLE


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
    _settings, session = _session()
    try:
        with session, session.begin():
            org_fields.add(session, args.slug, args.name, kind=args.type, phone=args.phone,
                           website=args.website, address=args.address,
                           tambons=args.tambon)  # fmt: skip
    except org_fields.Refused as refused:  # rolled back: nothing is added
        print(refused, file=sys.stderr)
        return 2
    print(msg.ADDED.format(name=args.name.strip(), slug=args.slug))
    return 0


def _list(args: argparse.Namespace) -> int:
    _settings, session = _session()
    with session:
        rows = session.exec(select(Organisation).order_by(Organisation.slug)).all()
        if not rows:
            print(msg.NO_ORGS)
        present = org_fields.accounts_set(session)
        for org in rows:
            line, telegram = ("line", org.id) in present, ("telegram", org.id) in present
            print(msg.org_line(org.slug, org.name, line, telegram))
    return 0


def _show(args: argparse.Namespace) -> int:
    _settings, session = _session()
    with session, session.begin():
        org = _org(session, args.slug)
        details = org_fields.shown(session, org)
        details["tambons"] = str(len(org_map.places(session, org.id)))
        stored = org_fields.platforms_of(session, org.slug)
        present = {p: p in stored for p in accounts.PLATFORMS}
        paths = {p: f"/{p}/{org.slug}/webhook" for p in accounts.PLATFORMS}
    print(msg.org_text(details, present, paths))
    return 0


def _set(args: argparse.Namespace) -> int:
    _settings, session = _session()
    try:
        with session, session.begin():
            org_fields.set_value(session, _org(session, args.slug), args.key, args.value)
    except org_fields.Refused as refused:
        print(refused, file=sys.stderr)
        return 2
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
        if owner != SHARED:
            _org(session, owner)
        form = org_fields.AccountForm(platform, secret=secret, token=token)
        org_fields.save_account(session, owner, form)
    who = msg.SHARED_OWNER if owner == SHARED else owner
    path = f"/{platform}/{owner}/webhook"
    print(msg.ACCOUNT_SAVED.format(platform=platform, owner=who, path=path))
    return 0


def _set_webhook(args: argparse.Namespace) -> int:
    """Register the account's webhook with Telegram (with its own secret token)."""
    import asyncio

    from telegram.error import TelegramError

    from bot.ops.telegram_webhook import register

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
    try:
        asyncio.run(register(settings, token, secret, url))
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
    add.add_argument("--type", default="", help=msg.KIND_HELP)
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
    for module in present_modules(("bot.cli.org_file",)):
        module.register_file(org_sub)

    tg = subparsers.add_parser("telegram", help="Telegram bot setup")
    tg_sub = tg.add_subparsers(dest="telegram_command", required=True)
    webhook = tg_sub.add_parser("set-webhook", help="register an account's webhook")
    _account_target(webhook)
    webhook.set_defaults(func=_set_webhook)
