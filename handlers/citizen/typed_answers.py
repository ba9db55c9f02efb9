"""Typed answers where buttons are offered: what clearly means one of the buttons.

"ไม่", "ไม่ต้อง", "ไม่มี", "ไม่ประสงค์" press a step's "no" button (skip, no contact,
anonymous); "ใช่", "ตกลง" its "yes" button; a close misspelling of a label, or one part of a
label ("ขยะ" for "ขยะ/สิ่งแวดล้อม"), presses that button. Anything less clear is asked again,
saying what was read.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

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
CLEAR_LEAD = 0.1  # how far the best label must lead the next
MATTERS_FROM = LABEL_SIMILARITY - CLEAR_LEAD


def _compact(text: str) -> str:
    return re.sub(r"[\s\"'“”.!?,]+", "", arabic_digits(text).lower())


_NO = frozenset(_compact(w) for w in msg.NO_WORDS)
_YES = frozenset(_compact(w) for w in msg.YES_WORDS)


@lru_cache(maxsize=512)
def _label_forms(label: str) -> tuple[str, frozenset[str]]:
    """A button's label as typed text is compared with it: whole, and its parts."""
    parts = frozenset(_compact(p) for p in re.split(r"[/ ]", label) if len(p) >= 3)
    return _compact(label), parts


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
    matcher = SequenceMatcher(None, "", typed)  # the typed letters counted once
    for choice in choices:
        label, parts = _label_forms(choice.label)
        if typed == label or typed in parts:
            scored.append((1.0, choice))
            continue
        matcher.set_seq1(label)
        # Below MATTERS_FROM a label can neither win nor stand close behind the winner:
        # the cheap bound (letters in common) spares it the real measure.
        if matcher.quick_ratio() < MATTERS_FROM:
            scored.append((0.0, choice))
            continue
        scored.append((SequenceMatcher(None, typed, label).ratio(), choice))
    scored.sort(key=lambda sc: sc[0], reverse=True)
    best, choice = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best >= LABEL_SIMILARITY and best - runner_up >= CLEAR_LEAD:
        return choice
    return None


def unclear(text: str) -> str:
    return msg.not_a_choice(text)
