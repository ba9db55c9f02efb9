"""The tracking flow: ask for a code, answer it (`lookup`), with follow-up where due."""

from __future__ import annotations

from enum import StrEnum

from handlers import menu
from handlers.cases.codes import find_code
from handlers.citizen import followup
from handlers.flow import Ctx, Expect, Flow, Step, ask, retry
from handlers.types import Reply, Turn
from messages.citizen import tracking as msg

NAME = "track"


class S(StrEnum):
    CODE = "code"


def start(ctx: Ctx) -> Turn:
    return ask(ctx, S.CODE, FLOW, data={})


def prompt_code(ctx: Ctx) -> Reply:
    return Reply(msg.ASK_CODE, menu.with_cancel())


def on_code(ctx: Ctx) -> Turn:
    """A found case ends the flow; a typo or unknown code lets the citizen try again."""
    found = find_code(ctx.event.text or "", min_digits=4)
    if found is None:
        return retry(ctx, FLOW, msg.NOT_A_CODE)
    turn = followup.answer_code(ctx, found)
    if turn.replies[0].card is None:
        return retry(ctx, FLOW, turn.replies[0].text)
    return turn


FLOW = Flow(name=NAME, start=start, steps={S.CODE: Step(on_code, prompt_code, Expect.TEXT)})
