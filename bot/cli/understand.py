"""`complaintbot understand "TEXT" [--json] [--org SLUG]`: how the bot reads a free text.

For staff tuning messages/understand/vocab.py and for evaluation. It calls the function the
conversation calls at the main menu; with `--org`, the organisation's plan is consulted too,
so a text naming one of its items reads as a plan question, exactly as in the chat.

`complaintbot understand --evaluate MESSAGES.csv [--json]` reads a labelled set (columns
text, intent, category, set, class and optionally org) and reports how much of it is read as
meant, per set (tuned, held_out) and per class, with the two costly confusions counted on
their own: a tip read as a plan question or as nothing, and a plan question opening the tip
channel. A reading that asks which of the two (`ask`) is neither.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

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
    cmd.add_argument("text", nargs="?", default=None, help="what a citizen typed")
    cmd.add_argument("--json", action="store_true", help='print {"intent", "category", ...}')
    cmd.add_argument("--org", default=None, help="also match this organisation's plan")
    cmd.add_argument(
        "--evaluate", type=Path, default=None, metavar="CSV",
        help="read a labelled set of messages and report per set and class",
    )  # fmt: skip
    cmd.set_defaults(func=_understand)


def _understand(args: argparse.Namespace) -> int:
    if args.evaluate is not None:
        return _evaluate(args)
    if args.text is None:
        print(msg.CLI_NEED_TEXT, file=sys.stderr)
        return 2
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


# --- evaluation -------------------------------------------------------------------------

Reader = Callable[[str, str | None], Reading]  # (text, organisation slug or None) → reading


def _costly(expected: str, reading: Reading) -> str | None:
    """Which of the two costly confusions a reading makes, if any."""
    if reading.ask is not None:
        return None  # the chat asks which: neither is guessed
    if expected == "tip" and reading.intent in ("plan", "other"):
        return "tip_as_plan_or_other"
    if expected == "plan" and reading.intent == "tip":
        return "plan_starts_tip"
    return None


@dataclass
class Tally:
    """How many messages of one group were read as meant."""

    messages: int = 0
    intent_right: int = 0
    with_category: int = 0
    category_right: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "messages": self.messages,
            "intent": _share(self.intent_right, self.messages),
            "intent_right": self.intent_right,
            "with_category": self.with_category,
            "category": _share(self.category_right, self.with_category),
            "category_right": self.category_right,
        }


def _share(right: int, total: int) -> float | None:
    return round(right / total, 4) if total else None


@dataclass
class Evaluation:
    sets: dict[str, Tally] = field(default_factory=dict)
    classes: dict[str, Tally] = field(default_factory=dict)
    held_out_classes: dict[str, Tally] = field(default_factory=dict)
    costly: Counter[str] = field(default_factory=Counter)
    asked: int = 0
    misses: list[dict[str, object]] = field(default_factory=list)
    readings: list[dict[str, object]] = field(default_factory=list)  # every row, in order

    def as_json(self) -> dict[str, object]:
        return {
            "sets": {k: v.as_json() for k, v in sorted(self.sets.items())},
            "classes": {k: v.as_json() for k, v in sorted(self.classes.items())},
            "held_out_classes": {k: v.as_json() for k, v in sorted(self.held_out_classes.items())},
            "costly": {
                k: self.costly.get(k, 0) for k in ("tip_as_plan_or_other", "plan_starts_tip")
            },
            "asked": self.asked,
            "misses": self.misses,
            "readings": self.readings,
        }


def evaluate(rows: list[dict[str, str]], read: Reader) -> Evaluation:
    """Read every row as the chat would and tally it per set and per class."""
    result = Evaluation()
    for row in rows:
        org = (row.get("org") or "").strip() or None
        reading = read(row["text"], org)
        result.readings.append({"text": row["text"], "org": org, "got": reading.as_json()})
        name, kind = row.get("set") or "all", row.get("class") or "general"
        groups = [result.sets.setdefault(name, Tally()), result.classes.setdefault(kind, Tally())]
        if name == "held_out":
            groups.append(result.held_out_classes.setdefault(kind, Tally()))
        ok_intent = reading.intent == row["intent"]
        ok_category = not row["category"] or (ok_intent and reading.category == row["category"])
        for tally in groups:
            tally.messages += 1
            tally.intent_right += ok_intent
            if row["category"]:
                tally.with_category += 1
                tally.category_right += ok_category
        costly = _costly(row["intent"], reading)
        if costly is not None:
            result.costly[costly] += 1
        result.asked += reading.ask is not None
        if not (ok_intent and ok_category) or costly:
            result.misses.append({
                "text": row["text"], "org": org, "set": name, "class": kind,
                "expected": [row["intent"], row["category"] or None],
                "got": reading.as_json(), "costly": costly,
            })  # fmt: skip
    return result


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def session_reader(session: Session, default_org: str | None = None) -> Reader:
    """Read texts as the chat of each row's organisation would (its plan consulted)."""
    hints: dict[str, object] = {}

    def read(text: str, org: str | None) -> Reading:
        slug = org or default_org
        if slug is None:
            return understand(text)
        if slug not in hints:
            found = orgs.by_slug(session, slug)
            hints[slug] = plan_hint(session, found.id) if found and found.id else None
        return understand(text, hints[slug])  # type: ignore[arg-type]

    return read


def report(result: Evaluation) -> str:
    """The evaluation as an officer reads it: figures per set and class, then the misses."""
    lines = [msg.CLI_EVAL_HEADER]
    for title, groups in (
        (msg.CLI_EVAL_SETS, result.sets),
        (msg.CLI_EVAL_CLASSES, result.classes),
        (msg.CLI_EVAL_HELD_OUT_CLASSES, result.held_out_classes),
    ):
        lines.append(title)
        for name, tally in sorted(groups.items()):
            lines.append(msg.eval_line(name, tally.messages, tally.intent_right,
                                       tally.with_category, tally.category_right))  # fmt: skip
    lines.append(msg.eval_costly(
        result.costly.get("tip_as_plan_or_other", 0), result.costly.get("plan_starts_tip", 0),
        result.asked,
    ))  # fmt: skip
    for miss in result.misses:
        got = miss["got"]
        assert isinstance(got, dict)
        lines.append(msg.eval_miss(str(miss["set"]), str(miss["class"]), str(miss["text"]),
                                   "/".join(str(x or "-") for x in miss["expected"]),  # type: ignore[union-attr]
                                   f"{got['intent']}/{got['category'] or '-'}",
                                   str(got.get("ask") or "")))  # fmt: skip
    return "\n".join(lines)


def _evaluate(args: argparse.Namespace) -> int:
    rows = read_rows(args.evaluate)
    db = make_engine(Settings.from_env().database_url)
    try:
        migrate(db)
        with Session(db) as session:
            result = evaluate(rows, session_reader(session, args.org))
    finally:
        db.dispose()
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=1))
    else:
        print(report(result))
    return 0
