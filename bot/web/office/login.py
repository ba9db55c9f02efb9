"""Logging in and out of the office.

    GET  /office/login/<token>   who the link logs in, with one button; logs nobody in
    POST /office/login/<token>   spends the token, starts the session, 303 to /office/
    GET  /office/login           a code to confirm in the chat (`/web CODE`), bound to this browser
    GET  /office/login/wait      the waiting page's poll: logged in, still waiting, or expired
    POST /office/logout          ends this session

Every attempt counts against the client's address (15 minutes, `storage.office.logins`), and
every new session is announced in the officer's chat.
"""

from __future__ import annotations

import secrets

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.web.office import pages
from bot.web.office.auth import Clocked
from bot.web.office.security import browser_cookie, clear_cookie, session_cookie, set_cookie
from handlers.staff.web_login import announce_login
from messages.office import pages as msg
from storage.models import Organisation
from storage.office import logins
from storage.staff.models import StaffMember


def browser_label(request: Request) -> str:
    """A short name of the browser for the chat ("Chrome บน Windows"), from its User-Agent."""
    agent = request.headers.get("user-agent", "")
    names = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"))  # fmt: skip
    systems = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
               ("Windows", "Windows"), ("Mac OS", "macOS"), ("Linux", "Linux"))  # fmt: skip
    name = next((label for mark, label in names if mark in agent), "browser")
    system = next((label for mark, label in systems if mark in agent), "")
    return f"{name} / {system}" if system else name


def _client(request: Request) -> str:
    return logins.client_key(request.client.host if request.client else "")


def login_routes(ctx: Clocked) -> list[Route]:
    def too_many(request: Request) -> Response:
        return pages.message(request, msg.LOGIN_TITLE, msg.TOO_MANY, 429)

    def used(request: Request) -> Response:
        return pages.message(request, msg.LOGIN_TITLE, msg.LINK_USED, 404)

    def started(request: Request, sid: str) -> Response:
        response = RedirectResponse(f"{request.scope.get('root_path', '')}/", status_code=303)
        set_cookie(response, request, session_cookie(request), sid)
        return response

    async def link_page(request: Request) -> Response:
        token = request.path_params["token"]

        def look() -> tuple[StaffMember, Organisation] | None:
            with ctx.session() as session:
                member = logins.link_member(session, token, ctx.clock())
                org = session.get(Organisation, member.org_id) if member else None
                return (member, org) if member and org else None

        found = await run_in_threadpool(look)
        if found is None:
            return used(request)
        member, org = found
        return pages.render(request, "login_confirm.html", member=member, org=org, token=token)

    async def link_post(request: Request) -> Response:
        token, browser, client = (
            request.path_params["token"],
            browser_label(request),
            _client(request),
        )

        def spend() -> str | bool | None:
            with ctx.session() as session, session.begin():
                now = ctx.clock()
                if not logins.attempts_left(session, client, now):
                    return False
                logins.count_attempt(session, client, now)
                member = logins.link_member(session, token, now)
                sid = logins.spend_link(session, token, now, browser)
                if sid is not None and member is not None:
                    announce_login(session, member, browser, now)
                return sid

        sid = await run_in_threadpool(spend)
        ctx.sent()
        if sid is False:
            return too_many(request)
        if not sid:
            return used(request)
        return started(request, sid)

    async def code_page(request: Request) -> Response:
        secret = secrets.token_urlsafe(32)
        browser, client = browser_label(request), _client(request)

        def make() -> str | None:
            with ctx.session() as session, session.begin():
                now = ctx.clock()
                if not logins.attempts_left(session, client, now):
                    return None
                logins.count_attempt(session, client, now)
                return logins.new_code(session, secret, browser, now)

        code = await run_in_threadpool(make)
        if code is None:
            return too_many(request)
        response = pages.render(request, "login_code.html", code=code)
        set_cookie(response, request, browser_cookie(request), secret)
        return response

    async def code_wait(request: Request) -> Response:
        secret = request.cookies.get(browser_cookie(request), "")
        browser = browser_label(request)

        def poll() -> logins.CodeState:
            with ctx.session() as session, session.begin():
                now = ctx.clock()
                state = logins.poll_code(session, secret, now, browser)
                if state.session_id:
                    member = logins.current(session, state.session_id, now)
                    if member is not None:
                        announce_login(session, member, browser, now)
                return state

        state = await run_in_threadpool(poll) if secret else logins.CodeState(True)
        if state.session_id:
            ctx.sent()
        is_htmx = request.headers.get("hx-request") == "true"
        if state.session_id:
            root = request.scope.get("root_path", "")
            if is_htmx:
                response: Response = Response(status_code=200, headers={"HX-Redirect": f"{root}/"})
                set_cookie(response, request, session_cookie(request), state.session_id)
                clear_cookie(response, request, browser_cookie(request))
                return response
            response = started(request, state.session_id)
            clear_cookie(response, request, browser_cookie(request))
            return response
        if state.code_expired:
            if is_htmx:
                return pages.render(request, "login_expired.html")
            return pages.message(request, msg.LOGIN_TITLE, msg.CODE_EXPIRED, 410,
                                 link=f"{request.scope.get('root_path', '')}/login",
                                 link_label=msg.LOGIN_TITLE)  # fmt: skip
        if is_htmx:
            return Response(status_code=204)  # still waiting: htmx keeps polling
        return RedirectResponse(f"{request.scope.get('root_path', '')}/login/waiting", 303)

    async def waiting(request: Request) -> Response:
        return pages.render(request, "login_waiting.html")

    async def logout(request: Request) -> Response:
        sid = request.cookies.get(session_cookie(request), "")

        def end() -> None:
            with ctx.session() as session, session.begin():
                logins.end(session, sid, ctx.clock())

        if sid:
            await run_in_threadpool(end)
        response = pages.message(request, msg.LOGGED_OUT, msg.LOGGED_OUT)
        clear_cookie(response, request, session_cookie(request))
        return response

    return [
        Route("/login", code_page),
        Route("/login/wait", code_wait),
        Route("/login/waiting", waiting),
        Route("/login/{token}", link_page, methods=["GET"]),
        Route("/login/{token}", link_post, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
    ]
