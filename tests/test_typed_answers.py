"""Typed answers that clearly mean a button, and phone numbers found inside a sentence."""

from __future__ import annotations

import pytest

from handlers.citizen import complaint as complaint_flow
from handlers.citizen import tip as tip_flow
from handlers.citizen.typed_answers import meant_choice
from handlers.inputs import phone_in
from handlers.types import Choice
from messages import common
from messages.citizen import complaint as complaint_msg

CONTACT = (
    Choice(complaint_msg.BUTTON_GIVE_CONTACT, complaint_flow.CONTACT_YES),
    Choice(complaint_msg.BUTTON_NO_CONTACT, complaint_flow.CONTACT_NO),
    Choice(common.BUTTON_CANCEL, "cancel"),
)
CATEGORIES = tuple(
    Choice(label, complaint_flow.CAT + code)
    for code, label in complaint_msg.CATEGORY_LABELS.items()
)


@pytest.mark.parametrize("typed", ["ไม่", "ไม่ต้อง", "ไม่มี", "ไม่ประสงค์", " ไม่ครับ ", "No"])
def test_no_words_press_the_no_button(typed):
    assert meant_choice(typed, CONTACT).code == complaint_flow.CONTACT_NO


@pytest.mark.parametrize("typed", ["ใช่", "ได้ครับ", "ตกลง", "OK"])
def test_yes_words_press_the_yes_button(typed):
    assert meant_choice(typed, CONTACT).code == complaint_flow.CONTACT_YES


def test_no_and_yes_press_nothing_where_the_step_has_no_such_button():
    assert meant_choice("ไม่", CATEGORIES) is None
    assert meant_choice("ใช่", CATEGORIES) is None


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("ขยะ", "waste"),
        ("น้ำประปา", "water"),
        ("ขยะ/สิ่งแวดลอม", "waste"),
        ("เหตุเดือดร้อนรำคาน", "nuisance"),
    ],
)
def test_a_part_or_a_close_misspelling_of_a_label_picks_it(typed, code):
    assert meant_choice(typed, CATEGORIES).code == complaint_flow.CAT + code


def test_a_skip_step_takes_no_for_skip():
    skip = (Choice(common.BUTTON_SKIP, tip_flow.SKIP), Choice(common.BUTTON_CANCEL, "cancel"))
    assert meant_choice("ไม่มี", skip).code == tip_flow.SKIP
    assert meant_choice("หน้าตลาดสด", skip) is None


@pytest.mark.parametrize(
    ("typed", "phone", "rest"),
    [
        ("0812345678", "0812345678", ""),
        ("สมชาย ใจดี 081-234-5678", "0812345678", "สมชาย ใจดี"),
        ("เบอร์โทร ๐๘๑ ๒๓๔ ๕๖๗๘ ค่ะ", "0812345678", ""),
        ("+66 81 234 5678 นายสมชาย", "0812345678", "นายสมชาย"),
        ("พรุ่งนี้ว่าง", "", "พรุ่งนี้ว่าง"),
    ],
)
def test_a_phone_number_is_found_inside_a_sentence(typed, phone, rest):
    assert phone_in(typed) == (phone, rest)
