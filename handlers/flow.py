"""The shape every conversation flow has: named steps, each with a prompt and a handler.

A flow module builds one `Flow`. The router (`handlers.router`) does the generic work
around it: typed numbers pick the prompt's buttons, stale buttons and wrong kinds of input
are answered with the step's own prompt, and the step handler only ever sees input its
prompt asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

from handlers.types import Event, Reply, Turn
from storage.models import Organisation

if TYPE_CHECKING:
    from storage.files import FileStore


@dataclass(frozen=True)
class Deps:
    """What steps may use besides the database session; built once by the app."""

    files: FileStore
    clock: Callable[[], datetime]
    # Where staff reach the web office (`COMPLAINTBOT_PUBLIC_URL`, else the serving address).
    public_url: str = ""


SCRUB_MARK = "scrub"


@dataclass
class Ctx:
    """One turn's view of the world, handed to every step."""

    event: Event
    session: Session
    org_id: int
    deps: Deps
    flow: str | None = None
    step: str | None = None
    data: dict = field(default_factory=dict)
    # What the engine must know of this turn besides its replies; shared by copies of the
    # context (`dataclasses.replace` keeps the same set).
    marks: set[str] = field(default_factory=set)

    @property
    def org(self) -> Organisation:
        """The organisation's row, read on first use: most turns need only its id, and
        loading it cost a statement and an ORM load on every turn."""
        org = self.session.get(Organisation, self.org_id)
        assert org is not None
        return org

    def now(self) -> datetime:
        return self.deps.clock()

    def scrub_after(self) -> None:
        """This turn read or wrote a tip (a look-up, an answer through its code) or erased
        personal data: older copies of what it changed are wiped from the database files
        after its commit, and its inbox row once its replies are delivered."""
        self.marks.add(SCRUB_MARK)


Handler = Callable[[Ctx], Turn]
Prompt = Callable[[Ctx], Reply]


class Expect:
    """What kind of input a step accepts besides its buttons."""

    CHOICE = "choice"  # buttons only
    TEXT = "text"  # free text (buttons too, if the prompt has any)
    MEDIA = "media"  # photos, files, locations (and the prompt's buttons)


@dataclass(frozen=True)
class Step:
    handle: Handler
    prompt: Prompt
    expect: str = Expect.CHOICE


@dataclass(frozen=True)
class Flow:
    name: str
    start: Handler
    steps: Mapping[str, Step]
    # Called when the flow ends without finishing (cancel, menu): drop what the draft holds.
    discard: Callable[[Ctx], None] | None = None
    # Leaving the flow (filed or dropped) wipes old page versions of its draft from the
    # database files (storage.protect.residue): a tip draft must leave no residue.
    scrub_on_exit: bool = False


def ask(ctx: Ctx, step: str, flow: Flow, *before: Reply, data: dict | None = None) -> Turn:
    """Move to `step` and show its prompt, after any replies in `before`."""
    turn_data = ctx.data if data is None else data
    probe = replace(ctx, flow=flow.name, step=step, data=turn_data)
    return Turn([*before, flow.steps[step].prompt(probe)], flow.name, step, turn_data)


def finish(*replies: Reply) -> Turn:
    """End the flow: back to the main menu with no draft."""
    return Turn(list(replies), None, None, {})


def retry(ctx: Ctx, flow: Flow, problem: str) -> Turn:
    """Say what was wrong and ask the same question again; the draft stays as it was."""
    assert ctx.step is not None
    return Turn([Reply(problem), flow.steps[ctx.step].prompt(ctx)], flow.name, ctx.step, ctx.data)


def stay(ctx: Ctx, flow: Flow, notes: list[str], data: dict) -> Turn:
    """Acknowledge input without moving on; the step's buttons go on the last message."""
    assert ctx.step is not None
    probe = replace(ctx, flow=flow.name, data=data)
    buttons = flow.steps[ctx.step].prompt(probe).choices
    replies = [Reply(n) for n in notes[:-1]] + [Reply(notes[-1], buttons)]
    return Turn(replies, flow.name, ctx.step, data)
