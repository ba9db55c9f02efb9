"""What every answer of the office carries: strict security headers (a CSP without inline
script, no framing, no sniffing, no referrer, never cached), CSRF protection on every POST
(asgi-csrf's signed double-submit cookie), and the session cookie's rules."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from asgi_csrf import asgi_csrf
from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storage import crypto

CSRF_COOKIE = "office_csrf"
CSRF_FIELD = "csrftoken"
SESSION_COOKIE = "office_session"
SECURE_SESSION_COOKIE = "__Host-office_session"
BROWSER_COOKIE = "office_browser"  # binds a login code to the browser that asked for it
SECURE_BROWSER_COOKIE = "__Host-office_browser"


def tile_origin(tile_url: str) -> str:
    """`https://tile.example.org` of a `https://tile.example.org/{z}/{x}/{y}.png` template."""
    parts = urlsplit(tile_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else ""


def content_policy(tile_url: str) -> str:
    images = " ".join(filter(None, ("'self'", "data:", tile_origin(tile_url))))
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src {images}; font-src 'self'; connect-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


class SecurityHeaders:
    """ASGI middleware: the headers above on every answer of the office."""

    def __init__(self, app: ASGIApp, tile_url: str = "") -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", content_policy(tile_url).encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_static = scope.get("path", "").startswith(("/office/static/", "/static/"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() != b"cache-control" or is_static]  # fmt: skip
                headers += self.headers
                if not is_static:  # no page of the office is ever kept by a cache
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _csrf_refused(scope: Scope, send: Send, _problem: object) -> None:
    from bot.web.office.pages import refusal_page  # the page needs the templates

    body = refusal_page().encode()
    await send({"type": "http.response.start", "status": 403,
                "headers": [(b"content-type", b"text/html; charset=utf-8")]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


# Forms with files: asgi-csrf 0.11 cannot parse multipart bodies with the python-multipart
# Starlette needs (its FileClass argument is gone), so these few routes check the same
# token themselves with `multipart_token_ok`, after Starlette has parsed the form.
MULTIPART_ROUTES = frozenset({"/office/walk-in", "/office/plan/import", "/office/host/upload/orgs",
                              "/office/host/upload/map"})  # fmt: skip


def _csrf_secret() -> str:
    return crypto.keyring().mac(b"office", "office-csrf")


def _checks_its_own_token(scope: Scope) -> bool:
    headers = dict(scope.get("headers") or [])
    kind = headers.get(b"content-type", b"").split(b";", 1)[0].strip()
    return kind == b"multipart/form-data" and scope.get("path") in MULTIPART_ROUTES


def protect(app: ASGIApp, *, secure: bool) -> ASGIApp:
    """`app` behind CSRF checks on every POST (asgi-csrf's signed double-submit cookie)."""
    return asgi_csrf(
        app, cookie_name=CSRF_COOKIE, signing_secret=_csrf_secret(), cookie_path="/office",
        cookie_secure=secure, cookie_samesite="Lax", send_csrf_failed=_csrf_refused,
        skip_if_scope=_checks_its_own_token,
    )  # fmt: skip


def multipart_token_ok(request: Request, sent: object) -> bool:
    """The form's token is the browser's signed CSRF cookie, as asgi-csrf checks it."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not isinstance(sent, str):
        return False
    try:
        URLSafeSerializer(_csrf_secret()).loads(cookie, CSRF_FIELD)
    except BadSignature:
        return False
    return secrets.compare_digest(cookie.encode(), sent.encode())


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def session_cookie(request: Request) -> str:
    return SECURE_SESSION_COOKIE if is_https(request) else SESSION_COOKIE


def browser_cookie(request: Request) -> str:
    return SECURE_BROWSER_COOKIE if is_https(request) else BROWSER_COOKIE


def set_cookie(response: Response, request: Request, name: str, value: str) -> None:
    """A cookie only this site's pages send: HttpOnly, SameSite=Lax, Secure under https."""
    secure = is_https(request)
    response.set_cookie(
        name, value, httponly=True, samesite="lax", secure=secure,
        path="/" if secure else "/office",
    )  # fmt: skip


def clear_cookie(response: Response, request: Request, name: str) -> None:
    secure = is_https(request)
    response.delete_cookie(name, path="/" if secure else "/office", secure=secure,
                           httponly=True, samesite="lax")  # fmt: skip
