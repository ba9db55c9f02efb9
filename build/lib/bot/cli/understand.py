"""`complaintbot understand "TEXT" [--json] [--org SLUG]`: how the bot reads a free text.

For staff tuning messages/understand/vocab.py and for evaluation. It calls the function the
conversation calls at the main menu; with `--org`, the organisation's plan is consulted too,
so a text naming one of its items reads as a plan question, exactly as in the chat.
"""

from __future__ import annotations

import argparse
import json
import sys

from sqlmodel import Session

from bot.config import Settings
from handlers.citizen.free_text import plan_hint
from handlers.understand.reading import Reading, understand
from messages.citizen import complaint as complaint_msg
from messages.citizen import tip as tip_msg
from messages.understand import replies as msg
from storage import orgs
from storage.db import make_engine, migrate


def register(subparsers: argparse._SubParsersAction) -> None:
    cmd = subparsers.add_parser("understand", help="show how a free text at the menu is read")
    cmd.add_argument("text", help="what a citizen typed")
    cmd.add_argument("--json", action="store_true", help='print {"intent", "category", ...}')
    cmd.add_argument("--org", default=None, help="also match this organisation's plan")
    cmd.set_defaults(func=_understand)


def _understand(args: argparse.Namespace) -> int:
    if args.org is None:
        reading = understand(args.text)
    else:
        read = _read_with_plan(args.org, args.text)
        if read is None:
            print(msg.CLI_UNKNOWN_ORG.format(slug=args.org), file=sys.stderr)
            return 2
        reading = read
    if args.json:
        print(json.dumps(reading.as_json(), ensure_ascii=False))
    else:
        print(_describe(reading))
    return 0


def _read_with_plan(slug: str, text: str) -> Reading | None:
    db = make_engine(Settings.from_env().database_url)
    try:
        migrate(db)
        with Session(db) as session:
            org = orgs.by_slug(session, slug)
            if org is None or org.id is None:
                return None
            return understand(text, plan_hint(session, org.id))
    finally:
        db.dispose()


def _describe(reading: Reading) -> str:
    lines = [msg.CLI_INTENT.format(label=msg.INTENT_LABELS[reading.intent], intent=reading.intent)]
    if reading.category is not None:
        tip = reading.intent == "tip"
        labels = tip_msg.CATEGORY_LABELS if tip else complaint_msg.CATEGORY_LABELS
        label = labels.get(reading.category, reading.category)
        lines.append(msg.CLI_CATEGORY.format(label=label, category=reading.category))
    lines.append(msg.CLI_CONFIDENCE.format(confidence=reading.confidence))
    return "\n".join(lines)
