"""The main menu: five services, reachable from anywhere."""

from __future__ import annotations

from handlers.types import Choice, Reply
from messages import common

COMPLAINT = "menu:complaint"
TIP = "menu:tip"
TRACK = "menu:track"
PLAN = "menu:plan"
CONTACT = "menu:contact"

# Buttons that work from any step of any flow.
MENU = "menu"
CANCEL = "cancel"

MAIN_CHOICES = (
    Choice(common.MENU_COMPLAINT, COMPLAINT),
    Choice(common.MENU_TIP, TIP),
    Choice(common.MENU_TRACK, TRACK),
    Choice(common.MENU_PLAN, PLAN),
    Choice(common.MENU_CONTACT, CONTACT),
)
CANCEL_CHOICE = Choice(common.BUTTON_CANCEL, CANCEL)
MENU_CHOICE = Choice(common.BUTTON_MENU, MENU)


def main_menu(text: str = common.MAIN_MENU) -> Reply:
    return Reply(text, MAIN_CHOICES)


def with_cancel(*choices: Choice) -> tuple[Choice, ...]:
    """A step's buttons plus the cancel button, which every step offers."""
    return (*choices, CANCEL_CHOICE)
