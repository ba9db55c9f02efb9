"""The path an access line shows: a secret carried in the path masked (a login link's
one-time token, a tracking code on a receipt, a case's code).

The line is written by the outermost middleware (`bot.web.ops.CountAnswers`), which sees
the raw path but not always the route it matched: the office's CSRF layer copies the
request's scope, so what the office's router finds never reaches the outer copy. So the
outer middleware hands down a holder in the scope (copies share it), and `MaskSecrets`,
wrapped around a router, masks the holder's path once the route's parameters are known.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

SHOWN = "complaintbot.shown_path"
# Route parameters that are secrets or codes, whatever the route: they are never logged.
SECRET_PARAMS = frozenset({"token", "code", "key"})


def hand_down(scope: Scope) -> tuple[Scope, list[str]]:
    """A copy of `scope` carrying a holder for the path to show, and the holder."""
    shown = [scope.get("path", "")]
    return {**scope, SHOWN: shown}, shown


def mask(scope: Scope) -> None:
    """Mask, in the holder, the secret parameters of the route `scope` matched."""
    shown = scope.get(SHOWN)
    if shown is not None:
        shown[0] = masked(shown[0], scope.get("path_params") or {})


def masked(path: str, params: Mapping[str, Any]) -> str:
    for name, value in params.items():
        text = str(value)
        if name in SECRET_PARAMS and text:
            path = path.replace(text, f"<{name}>")
    return path


class MaskSecrets:
    """ASGI middleware around a router whose scope is a copy the outer layers never see."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            mask(scope)
