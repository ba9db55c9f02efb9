"""Tracking codes: format, check digit, and finding a code in what people type."""

from __future__ import annotations

import re

from handlers.cases.codes import (
    CodeProblem,
    find_code,
    is_only_code,
    masked,
    new_code,
    pretty,
    verhoeff_valid,
)
from messages.format import thai_digits


def test_new_codes_are_16_digits_with_a_valid_check_digit_and_do_not_repeat():
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert re.fullmatch(r"\d{16}", code)
        assert verhoeff_valid(code)


def test_every_single_digit_typo_and_neighbour_swap_is_caught():
    code = new_code()
    for i in range(16):
        for d in "0123456789":
            if d != code[i]:
                assert not verhoeff_valid(code[:i] + d + code[i + 1 :])
    for i in range(15):
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            assert not verhoeff_valid(swapped)


def test_a_code_is_found_typed_any_way_a_phone_user_would():
    code = new_code()
    shown = pretty(code)
    for typed in (
        code,
        shown,
        shown.replace("-", " "),
        thai_digits(shown),
        f"ขอติดตามเรื่อง {thai_digits(code)} ค่ะ",
        f"my code is {shown}, thanks",
    ):
        found = find_code(typed)
        assert found is not None and found.digits == code, typed
        assert found.problem is CodeProblem.OK


def test_a_typo_is_told_apart_from_a_wrong_length_and_a_national_id_is_ignored():
    code = new_code()
    typo = code[:5] + str((int(code[5]) + 1) % 10) + code[6:]
    assert find_code(typo).problem is CodeProblem.TYPO
    assert find_code(code[:15]).problem is CodeProblem.LENGTH
    assert find_code("เลขบัตร 1103700012345 ครับ") is None
    assert find_code("โทร 0812345678") is None


def test_only_code_messages_and_masking():
    code = new_code()
    assert is_only_code(pretty(code))
    assert not is_only_code(f"ถนนเลขที่ {code} พัง")
    assert masked(code).endswith(code[-4:]) and code[:12] not in masked(code)
