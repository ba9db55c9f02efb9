"""Short-lived signed links to statistics files, for LINE (it shows images only by HTTPS URL).

A link names one file-store key and an expiry, signed with a subkey of the deployment keyring:

    {COMPLAINTBOT_PUBLIC_URL}/shared/{expires}/{signature}/{key}

The route serves the file only if the signature is right (403 otherwise), the link has not
expired (403) and the key is registered as shareable in `shared_file` (404 otherwise). Only
statistics files are ever registered, so no link can reach a tip's evidence or a citizen's
photo, even one signed by mistake.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from storage import crypto
from storage.files import FileStore
from storage.links import registry as shared_files
from storage.timeutil import utcnow

PURPOSE = "shared-file-link"
LIFETIME = timedelta(days=7)  # long enough to open last month's summary a few days later
PATH = "/shared/{expires:int}/{signature}/{key}"


@dataclass(frozen=True)
class Link:
    url: str
    name: str
    expires_at: datetime


def _message(key: str, expires: int) -> bytes:
    return f"{key}\0{expires}".encode()


def sign(key: str, expires: int) -> str:
    return crypto.keyring().mac(_message(key, expires), PURPOSE)


def signature_ok(key: str, expires: int, given: str) -> bool:
    """True if `given` signs (key, expires) under any key of the ring (keys rotate)."""
    macs = crypto.keyring().macs(_message(key, expires), PURPOSE)
    return any(hmac.compare_digest(given.encode(), mac.encode()) for mac in macs)


class SharedLinks:
    """Signs links to registered files and serves them (`routes`, mounted by the LINE channel)."""

    def __init__(
        self,
        db: Engine,
        files: FileStore,
        public_url: str,
        *,
        clock: Callable[[], datetime] = utcnow,
        lifetime: timedelta = LIFETIME,
    ) -> None:
        self.db = db
        self.files = files
        self.public_url = public_url.rstrip("/")
        self.clock = clock
        self.lifetime = lifetime
        self.routes = [Route(PATH, self.serve, methods=["GET", "HEAD"])]

    def links(self, keys: Iterable[str]) -> dict[str, Link]:
        """Signed links to those of `keys` that are registered as shareable (others: none)."""
        keys = [k for k in keys if k]
        if not keys:
            return {}
        with Session(self.db) as session:
            rows = shared_files.registered(session, keys)
        expires_at = (self.clock() + self.lifetime).replace(microsecond=0)
        expires = int(expires_at.timestamp())
        base = self.public_url
        return {
            key: Link(f"{base}/shared/{expires}/{sign(key, expires)}/{key}", row.name, expires_at)
            for key, row in rows.items()
        }

    async def serve(self, request: Request) -> Response:
        params = request.path_params
        key, expires, given = params["key"], params["expires"], params["signature"]
        if not signature_ok(key, expires, given):
            return PlainTextResponse("forbidden", status_code=403)
        if datetime.fromtimestamp(expires, UTC) <= self.clock():
            return PlainTextResponse("link expired", status_code=403)
        row = await run_in_threadpool(self._registered, key)
        if row is None:
            return PlainTextResponse("not found", status_code=404)
        try:  # files are stored sealed: open them, never hand out the raw store file
            data = await run_in_threadpool(self.files.read, key)
        except (ValueError, OSError):
            return PlainTextResponse("not found", status_code=404)
        disposition = "inline" if row.mime.startswith("image/") else "attachment"
        return Response(
            data, media_type=row.mime,
            headers={
                "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(row.name)}",
                "Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
            },
        )  # fmt: skip

    def _registered(self, key: str):
        with Session(self.db) as session:
            return shared_files.find(session, key)
