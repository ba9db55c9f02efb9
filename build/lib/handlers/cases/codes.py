"""Tracking codes: 16 digits in groups of four, the last a Verhoeff check digit.

One format for both streams, so a code seen on a phone says nothing about what it tracks.
Digits only, so a phone keypad is enough; the check digit catches every single-digit typo
and every swap of neighbouring digits, so a typo is answered as a typo.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from enum import StrEnum

from messages.format import arabic_digits

LENGTH = 16

_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)
_INV = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)


def verhoeff_check_digit(digits: str) -> str:
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = _D[c][_P[(i + 1) % 8][int(ch)]]
    return str(_INV[c])


def verhoeff_valid(digits: str) -> bool:
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = _D[c][_P[i % 8][int(ch)]]
    return c == 0


def new_code() -> str:
    """A fresh random code (15 random digits from `secrets`, then the check digit)."""
    body = f"{secrets.randbelow(10 ** (LENGTH - 1)):0{LENGTH - 1}d}"
    return body + verhoeff_check_digit(body)


def pretty(code: str) -> str:
    """`1234-5678-9012-3456`: how a code is shown."""
    return "-".join(code[i : i + 4] for i in range(0, LENGTH, 4))


def masked(code: str) -> str:
    """`••••-••••-••••-3456`: enough to tell codes apart, not enough to reuse one."""
    return "••••-••••-••••-" + code[-4:]


class CodeProblem(StrEnum):
    OK = "ok"
    TYPO = "typo"  # 16 digits but the check digit does not match
    LENGTH = "length"  # code-like digits, but not 16 of them


@dataclass(frozen=True)
class FoundCode:
    digits: str
    problem: CodeProblem


# Runs of digits (Arabic or Thai) with single spaces or dashes between them.
_RUN = re.compile(r"[0-9\u0e50-\u0e59](?:[ \-\u2013]?[0-9\u0e50-\u0e59])*")
_MIN_CODE_LIKE = 12  # shorter runs are phone numbers, amounts, dates: not codes


def find_code(text: str, *, min_digits: int = _MIN_CODE_LIKE) -> FoundCode | None:
    """The tracking code in `text`, if any: typed, pasted, or inside a sentence.

    Where a code is expected (the tracking step) pass a small `min_digits`, so that a
    short number is answered as a code with the wrong length rather than as no code.
    """
    best: FoundCode | None = None
    for match in _RUN.finditer(text):
        digits = re.sub(r"\D", "", arabic_digits(match.group()))
        if len(digits) == LENGTH:
            problem = CodeProblem.OK if verhoeff_valid(digits) else CodeProblem.TYPO
            found = FoundCode(digits, problem)
            if problem is CodeProblem.OK:
                return found
            best = best or found
        elif min_digits <= len(digits) <= LENGTH + 3 and len(digits) != 13:
            # 13 digits is a Thai national ID number, never a mistyped code we should echo.
            best = best or FoundCode(digits, CodeProblem.LENGTH)
    return best


def is_only_code(text: str) -> bool:
    """True when the message is nothing but a code (ignoring spaces and dashes)."""
    stripped = re.sub(r"[\s\-–]", "", arabic_digits(text))
    return stripped.isdigit() and _MIN_CODE_LIKE <= len(stripped) <= LENGTH + 3
