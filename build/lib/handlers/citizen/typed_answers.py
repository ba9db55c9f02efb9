"""Typed answers where buttons are offered: what clearly means one of the buttons.

"ไม่", "ไม่ต้อง", "ไม่มี", "ไม่ประสงค์" press a step's "no" button (skip, no contact,
anonymous); "ใช่", "ตกลง" its "yes" button; a close misspelling of a label, or one part of a
label ("ขยะ" for "ขยะ/สิ่งแวดล้อม"), presses that button. Anything less clear is asked again,
saying what was read.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from handlers.citizen import complaint as complaint_flow
from handlers.citizen import intake_offer
from handlers.citizen import tip as tip_flow
from handlers.types import Choice
from messages.format import arabic_digits
from messages.understand import replies as msg

# Button codes, in order of preference, that a typed "no" or "yes" presses.
NO_CODES = (
    complaint_flow.CONTACT_NO, complaint_flow.EV_SKIP, complaint_flow.EV_DONE,
    tip_flow.EV_SKIP, tip_flow.EV_DONE, tip_flow.SKIP, tip_flow.ANONYMOUS,
)  # fmt: skip
YES_CODES = (
    intake_offer.ACCEPT, complaint_flow.CONTACT_YES, complaint_flow.CONFIRM,
    tip_flow.UNDERSTOOD, tip_flow.IDENTIFIED, tip_flow.CONFIRM,
)  # fmt: skip
LABEL_SIMILARITY = 0.8


def _compact(text: str) -> str:
    return re.sub(r"[\s\"'“”.!?,]+", "", arabic_digits(text).lower())


_NO = frozenset(_compact(w) for w in msg.NO_WORDS)
_YES = frozenset(_compact(w) for w in msg.YES_WORDS)


def _first_with(codes: tuple[str, ...], choices: tuple[Choice, ...]) -> Choice | None:
    by_code = {c.code: c for c in choices}
    return next((by_code[code] for code in codes if code in by_code), None)


def meant_choice(text: str, choices: tuple[Choice, ...]) -> Choice | None:
    """The one button a typed text clearly means, or None."""
    typed = _compact(text)
    if not typed:
        return None
    if typed in _NO:
        return _first_with(NO_CODES, choices)
    if typed in _YES:
        return _first_with(YES_CODES, choices)
    if len(typed) < 3:
        return None
    scored = []
    for choice in choices:
        label = _compact(choice.label)
        parts = {_compact(p) for p in re.split(r"[/ ]", choice.label) if len(p) >= 3}
        if typed == label or typed in parts:
            scored.append((1.0, choice))
            continue
        scored.append((SequenceMatcher(None, typed, label).ratio(), choice))
    scored.sort(key=lambda sc: sc[0], reverse=True)
    best, choice = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best >= LABEL_SIMILARITY and best - runner_up >= 0.1:
        return choice
    return None


def unclear(text: str) -> str:
    return msg.not_a_choice(text)
