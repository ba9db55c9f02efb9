"""`complaintbot`: the command line (console chat, the server, staff tools)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Sequence

from sqlmodel import Session

from bot.app import UnknownOrganisation, build_core, load_keyring
from bot.config import Settings
from bot.ops import logs
from bot.ops.log_redaction import install_redaction
from bot.optional import present_modules
from handlers.cases.lifecycle import Status
from messages.channels import console as console_msg
from messages.cli import common as msg
from messages.cli import settings as settings_msg
from storage import crypto, startup
from storage.bad_setting import BadSetting
from storage.db import make_engine, migrate

# Command groups that live beside their feature; registered when present.
EXTRA_COMMANDS = (
    "bot.cli.plan",
    "bot.cli.line",
    "bot.cli.staff",
    "bot.cli.case",
    "bot.cli.stats",
    "bot.cli.understand",
    "bot.cli.doctor",
    "bot.cli.backup",
    "bot.cli.keys",
    "bot.cli.files",
    "bot.cli.org",  # with `org map` from bot.cli.org_map inside its `org` group
)


def _chat(args: argparse.Namespace) -> int:
    from bot.channels.console import ConsoleChannel

    if args.as_staff:
        print(console_msg.STAFF_NOT_YET, file=sys.stderr)
        return 2
    settings = Settings.from_env()
    # The demo database gets the three sample plans; a configured one only when asked.
    samples = args.samples
    if samples is None:
        samples = "COMPLAINTBOT_DATABASE_URL" not in os.environ
    if samples:
        _load_samples(settings)
    core = build_core(settings, org_slug=args.org)
    channel = ConsoleChannel(core, sys.stdin, sys.stdout, chat_id=args.chat)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(channel.run())
    return 0


def _load_samples(settings: Settings) -> None:
    from storage.plan.samples import load_sample_plans

    crypto.configure(load_keyring(settings))  # a migration may seal existing rows
    db = make_engine(settings.database_url)
    with startup.exclusive(db):
        migrate(db)
        with Session(db) as session, session.begin():
            load_sample_plans(session)
    db.dispose()


def _serve(args: argparse.Namespace) -> int:
    from bot.web.serve import serve

    settings = Settings.from_env()
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    if overrides:
        from dataclasses import replace

        settings = replace(settings, **overrides)
    return serve(settings, build_core(settings), workers=args.workers)


def _db_upgrade(_args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    crypto.configure(load_keyring(settings))  # a migration may seal existing rows
    db = make_engine(settings.database_url)
    with startup.exclusive(db):
        migrate(db)
    print(msg.MIGRATED)
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="complaintbot",
        description="Complaints, corruption tips and plan status for Thai local governments.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    chat = sub.add_parser("chat", help="talk to the bot in this terminal (the console channel)")
    chat.add_argument("--org", default=None, help="organisation slug (default: configured one)")
    chat.add_argument("--chat", default="console", help="chat id to use (default: console)")
    chat.add_argument("--as-staff", action="store_true", help="reserved for the staff mode")
    chat.add_argument(
        "--samples",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="load the sample organisations and plans (default: only on the demo database)",
    )
    chat.set_defaults(func=_chat)

    serve = sub.add_parser("serve", help="run the Telegram and LINE channels that are configured")
    serve.add_argument("--host", default=None, help="bind address (default COMPLAINTBOT_HOST)")
    serve.add_argument("--port", type=int, default=None, help="port (default COMPLAINTBOT_PORT)")
    serve.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help="processes sharing the port (several need PostgreSQL or one machine's SQLite)",
    )
    serve.set_defaults(func=_serve)

    case = sub.add_parser("case", help="staff tools for complaints and tips")
    case_sub = case.add_subparsers(dest="case_command", required=True)
    status = case_sub.add_parser("status", help="record a status change of a case by its code")
    status.add_argument("code")
    status.add_argument("status", choices=[s.value for s in Status])
    status.add_argument("--note", default="", help="public note, shown to the code holder")
    status.add_argument("--internal-note", default="", help="internal note, staff only")
    status.add_argument("--actor", default="staff", help="who made the change")
    status.add_argument("--at", default=None, help="the day it happened, e.g. 2567-03-20")
    status.add_argument("--org", default=None)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply pending migrations").set_defaults(func=_db_upgrade)

    for module in present_modules(EXTRA_COMMANDS):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    install_redaction()  # before anything logs: no ids, codes or text at any level
    # The console is for people reading replies: only warnings go to the terminal there.
    level = logging.WARNING if args.command == "chat" else logging.INFO
    logs.configure(level, os.environ.get("COMPLAINTBOT_LOG_FORMAT", "text").strip().lower())
    if args.command not in ("serve", "db"):
        logging.getLogger("alembic").setLevel(logging.WARNING)  # staff tools: results only
    try:
        return args.func(args)
    except UnknownOrganisation as unknown:  # `--org` names none: every command says so alike
        print(msg.UNKNOWN_ORG.format(slug=unknown.args[0]), file=sys.stderr)
        return 2
    except BadSetting as bad:  # every command reads the settings: a bad one, said alike
        for say in (bad.said, settings_msg.NOT_RUN):
            print(f"{say.th}\n{say.en}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
