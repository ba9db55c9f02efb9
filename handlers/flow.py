"""The shape every conversation flow has: named steps, each with a prompt and a handler.

A flow module builds one `Flow`. The router (`handlers.router`) does the generic work
around it: typed numbers pick the prompt's buttons, stale buttons and wrong kinds of input
are answered with the step's own prompt, and the step handler only ever sees input its
prompt asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

from handlers.types import Event, Reply, Turn

if TYPE_CHECKING:
    from storage.files import FileStore
    from storage.models import Organisation


@dataclass(frozen=True)
class Deps:
    """What steps may use besides the database session; built once by the app."""

    files: FileStore
    clock: Callable[[], datetime]


@dataclass
class Ctx:
    """One turn's view of the world, handed to every step."""

    event: Event
    session: Session
    org: Organisation
    deps: Deps
    flow: str | None = None
    step: str | None = None
    data: dict = field(default_factory=dict)

    def now(self) -> datetime:
        return self.deps.clock()


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
    # A private flow's conversation row is deleted when it ends, so nothing keyed by the
    # chat outlives the draft (the corruption tip flow).
    private: bool = False


def ask(ctx: Ctx, step: str, flow: Flow, *before: Reply, data: dict | None = None) -> Turn:
    """Move to `step` and show its prompt, after any replies in `before`."""
    turn_data = ctx.data if data is None else data
    probe = Ctx(ctx.event, ctx.session, ctx.org, ctx.deps, flow.name, step, turn_data)
    return Turn([*before, flow.steps[step].prompt(probe)], flow.name, step, turn_data)


def finish(*replies: Reply) -> Turn:
    """End the flow: back to the main menu with no draft."""
    return Turn(list(replies), None, None, {})
