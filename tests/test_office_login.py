"""Logging in to the staff office in a real browser: the chat's one-time link (its GET logs
nobody in, its POST does), the code path for a computer without the chat app, the session's
cookie and its ends, the headers, forged POSTs refused and the limit on attempts."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from messages.office import chat as chat_msg
from messages.office import pages as page_msg
from storage.models import Complaint
from storage.office import logins
from storage.office.models import OfficeSession
from storage.staff import accounts as staff
from storage.staff.accounts import Role
from storage.timeutil import utcnow
from tests.fake_line import serving
from tests.office_helpers import browser, link_in, log_in, office, on_one_browser
from tests.staff_helpers import file_complaint, invite_code
from tests.transcript import Chat
from tests.waiting import DEADLINE

DESKTOP = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Safari/537.36"
)


async def bound_officer(core, role: Role = Role.COMPLAINT, name: str = "สมศรี") -> Chat:
    chat = Chat(core, chat_id=f"officer-{role}", user_id=f"officer-{role}")
    assert f"ลงทะเบียนคุณ{name}" in await chat.say(f"/staff {invite_code(core, role, name)}")
    return chat


@on_one_browser
async def test_the_link_shows_who_it_logs_in_and_only_its_button_logs_in(make_core):
    core = make_core()
    officer = await bound_officer(core)
    async with office(core) as base, browser() as chrome:
        menu = await officer.say("/staff")
        assert chat_msg.BUTTON_WEB in menu
        link = link_in(await officer.say("/web"))
        assert link.startswith(f"{base}/office/login/")

        async with httpx.AsyncClient(timeout=DEADLINE) as client:  # a chat app's preview
            preview = await client.get(link)
            assert preview.status_code == 200
            assert "เข้าสู่ระบบในชื่อ สมศรี" in preview.text
            assert "office_session" not in preview.headers.get("set-cookie", "")
            policy = preview.headers["content-security-policy"]
            assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
            assert "unsafe-inline" not in policy and "<script>" not in preview.text
            assert preview.headers["x-content-type-options"] == "nosniff"
            assert preview.headers["referrer-policy"] == "no-referrer"
            assert preview.headers["cache-control"] == "no-store"
            assert (await client.get(f"{base}/office/")).status_code == 401

        context = await chrome.new_context()
        page = await context.new_page()
        await page.goto(link)
        assert "เข้าสู่ระบบในชื่อ สมศรี" in await page.inner_text("#login-as")
        shown = await page.goto(f"{base}/office/")
        assert shown.status == 401  # seeing the link logged nobody in
        await page.goto(link)
        await page.click("#login-button")
        await page.wait_for_url(f"{base}/office/")
        assert await page.is_visible("#cases")
        [cookie] = [c for c in await context.cookies() if c["name"] == "office_session"]
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

        announced = await officer.inbox()
        assert "มีการเข้าสู่หน้าเว็บเจ้าหน้าที่ในชื่อของคุณ" in announced and "Chrome" in announced

        again = await (await context.new_page()).goto(link)
        assert again.status == 404 and page_msg.LINK_USED in await again.text()

        await page.click("header form button")
        await page.wait_for_url("**/office/logout")  # the session has ended by then
        assert (await page.goto(f"{base}/office/")).status == 401
        with Session(core.db) as session:
            assert session.exec(select(OfficeSession)).one().ended_at is not None


@on_one_browser
async def test_a_computer_without_the_chat_app_logs_in_with_a_code(make_core):
    core = make_core()
    officer = await bound_officer(core)
    async with office(core) as base, browser() as chrome:
        context = await chrome.new_context(user_agent=DESKTOP)
        page = await context.new_page()
        await page.goto(f"{base}/office/login")
        code = (await page.inner_text("#login-code")).removeprefix("/web ").strip()
        assert len(code) == logins.CODE_LENGTH

        assert chat_msg.CODE_UNKNOWN in await officer.say("/web ZZZZZ2")
        asked = await officer.say(f"/web {code.lower()}")
        assert "Chrome / Windows" in asked and "เวลา:" in asked

        thief = await (await chrome.new_context()).new_page()  # another browser, same code
        await thief.goto(f"{base}/office/login/wait")
        assert page_msg.CODE_EXPIRED in await thief.content()

        assert chat_msg.CODE_CONFIRMED in await officer.press(chat_msg.BUTTON_CONFIRM_LOGIN)
        await page.wait_for_url(f"{base}/office/", timeout=DEADLINE * 1000)  # htmx polled
        assert await page.is_visible("#cases")
        assert "Chrome / Windows" in await officer.inbox()
        assert chat_msg.CODE_UNKNOWN in await officer.say(f"/web {code}")  # spent


@on_one_browser
async def test_sessions_end_from_the_chat_and_when_the_officer_is_removed(make_core):
    core = make_core()
    officer = await bound_officer(core)
    async with office(core) as base, browser() as chrome:
        page = await (await chrome.new_context()).new_page()
        await log_in(page, officer, base)
        assert chat_msg.logged_out(1) in await officer.say("/weblogout")
        assert (await page.goto(f"{base}/office/")).status == 401

        await log_in(page, officer, base)
        with Session(core.db) as session, session.begin():
            member = staff.listing(session, core.org_id)[0]
            member.roles = "complaint,integrity"  # a change of role ends the session
            session.add(member)
            member_id = member.id
        assert (await page.goto(f"{base}/office/")).status == 401

        await log_in(page, officer, base)
        with Session(core.db) as session, session.begin():
            staff.remove(session, core.org_id, member_id, utcnow())
        assert (await page.goto(f"{base}/office/")).status == 401
        assert "/office/login/" not in await officer.say("/web")  # no longer staff


def test_sessions_expire_when_idle_and_after_twelve_hours(make_core):
    core = make_core()
    with Session(core.db) as session, session.begin():
        _row, code = staff.invite(session, org_id=core.org_id, roles=[Role.COMPLAINT], name="a",
                                 now=utcnow())  # fmt: skip
        member = staff.bind(session, org_id=core.org_id, code=code, channel="console",
                            chat_id="a", user_id="a", now=utcnow())  # fmt: skip
        start = utcnow()
        sid = logins.start(session, member, start, "Chrome")
        busy = start
        for _ in range(23):  # active all day: every 29 minutes, for 11 hours
            busy += timedelta(minutes=29)
            assert logins.current(session, sid, busy) is not None
        assert logins.current(session, sid, start + timedelta(hours=12)) is None  # absolute
        idle = logins.start(session, member, start, "Chrome")
        assert logins.current(session, idle, start + timedelta(minutes=31)) is None


@on_one_browser
async def test_a_forged_post_is_refused(make_core):
    core = make_core()
    officer = await bound_officer(core)
    citizen = Chat(core, chat_id="citizen", user_id="citizen")
    code = (await file_complaint(citizen, notify=False, description="ไฟถนนดับทั้งซอย")).replace(
        "-", ""
    )

    async def evil(_request) -> HTMLResponse:  # a page elsewhere that posts to the office
        return HTMLResponse(
            f'<form id="f" method="post" action="{base}/office/case/{code}/act">'
            '<input name="action" value="take"></form>'
            "<script>document.getElementById('f').submit()</script>"
        )

    async with (
        office(core) as base,
        serving(Starlette(routes=[Route("/", evil)])) as attacker,
        browser() as chrome,
    ):
        context = await chrome.new_context()
        page = await context.new_page()
        await log_in(page, officer, base)
        forged = await context.new_page()
        async with forged.expect_navigation(url=f"{base}/office/case/{code}/act") as nav:
            await forged.goto(attacker)
        assert (await nav.value).status == 403
        assert page_msg.CSRF_REFUSED in await forged.content()

        cookies = {c["name"]: c["value"] for c in await context.cookies()}
        async with httpx.AsyncClient(timeout=DEADLINE, cookies=cookies) as client:
            wrong = await client.post(f"{base}/office/case/{code}/act",
                                      data={"action": "take", "csrftoken": "forged"})  # fmt: skip
            assert wrong.status_code == 403
        with Session(core.db) as session:
            assert session.exec(select(Complaint)).one().status == "received"

        await page.goto(f"{base}/office/case/{code}")
        await page.click("#take")  # the office's own form carries its token
        await page.wait_for_url(f"{base}/office/case/{code}?done=take")
        with Session(core.db) as session:
            assert session.exec(select(Complaint)).one().status == "in_progress"


async def test_login_attempts_are_limited(make_core):
    core = make_core()
    async with office(core) as base, httpx.AsyncClient(timeout=DEADLINE) as client:
        link = f"{base}/office/login/guessed-token-value"
        assert (await client.get(link)).status_code == 404  # a guesser with a CSRF cookie
        token = {"x-csrftoken": client.cookies["office_csrf"]}
        for _ in range(logins.MAX_ATTEMPTS):
            assert (await client.post(link, headers=token)).status_code == 404
        refused = await client.post(link, headers=token)
        assert refused.status_code == 429 and page_msg.TOO_MANY in refused.text
        assert (await client.get(f"{base}/office/login")).status_code == 429


async def test_the_waiting_page_keeps_polling_until_the_chat_confirms(make_core):
    core = make_core()
    await bound_officer(core)
    async with office(core) as base, httpx.AsyncClient(timeout=DEADLINE) as client:
        page = await client.get(f"{base}/office/login")
        assert page.status_code == 200
        waiting = await client.get(f"{base}/office/login/wait", headers={"HX-Request": "true"})
        assert waiting.status_code == 204  # htmx keeps polling on 204
