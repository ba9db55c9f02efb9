"""The chat side of the staff office: `/web` sends a one-time login link, `/web CODE`
confirms a browser that shows a code, `/weblogout` ends every web session, and each new web
login is announced in the officer's chat (so a stolen link cannot be used unnoticed)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from handlers import outbound
from handlers.flow import Ctx
from handlers.staff.auth import authorise
from handlers.types import Choice, Reply, Turn
from messages.office import chat as msg
from storage.office import logins
from storage.staff.models import StaffMember
from storage.timeutil import as_utc

LOGIN_PATH = "/office/login/"
FLOW, VIEW = "staff", "view"  # as `handlers.staff.chat`: typed numbers pick the buttons
CONFIRM = "/webok"
LOGOUT = "/weblogout"


def _view(reply: Reply) -> Turn:
    choices = [[c.label, c.code] for c in reply.choices]
    return Turn([reply], FLOW, VIEW, {"choices": choices})


def _chat_client(ctx: Ctx) -> str:
    return logins.client_key(f"chat\0{ctx.event.channel.value}\0{ctx.event.chat_id}")


def web(ctx: Ctx, arg: str = "") -> Turn | None:
    """`/web`: a login link; `/web CODE`: ask to confirm the browser showing CODE."""
    member = authorise(ctx)
    if member is None:
        return None
    logout = Choice(msg.BUTTON_WEB_LOGOUT, LOGOUT)
    if arg.strip():
        return _ask_confirm(ctx, member, arg)
    base = ctx.deps.public_url.rstrip("/")
    if not base:
        return _view(Reply(msg.NO_PUBLIC_URL))
    token = logins.issue_link(ctx.session, member, ctx.now())
    minutes = int(logins.LINK_LIFETIME.total_seconds() // 60)
    return _view(Reply(msg.login_link(f"{base}{LOGIN_PATH}{token}", minutes), (logout,)))


def _ask_confirm(ctx: Ctx, member: StaffMember, typed: str) -> Turn:
    now, client = ctx.now(), _chat_client(ctx)
    if not logins.attempts_left(ctx.session, client, now):
        return _view(Reply(msg.TOO_MANY))
    code = logins.normalise_code(typed)
    row = logins.pending_code(ctx.session, code, now)
    if row is None:
        logins.count_attempt(ctx.session, client, now)
        return _view(Reply(msg.CODE_UNKNOWN))
    button = Choice(msg.BUTTON_CONFIRM_LOGIN, f"{CONFIRM} {code}")
    return _view(Reply(msg.confirm_code(row.browser, as_utc(row.created_at)), (button,)))


def confirm(ctx: Ctx, arg: str = "") -> Turn | None:
    """The confirm button: the waiting browser logs in as this officer."""
    member = authorise(ctx)
    if member is None:
        return None
    if not logins.confirm_code(ctx.session, arg, member, ctx.now()):
        return _view(Reply(msg.CODE_UNKNOWN))
    return _view(Reply(msg.CODE_CONFIRMED))


def logout_everywhere(ctx: Ctx, _arg: str = "") -> Turn | None:
    member = authorise(ctx)
    if member is None:
        return None
    count = logins.end_all(ctx.session, member.id, ctx.now())
    return _view(Reply(msg.logged_out(count)))


def announce_login(session: Session, member: StaffMember, browser: str, now: datetime) -> None:
    """Tell the officer's chat that a browser just logged in as them."""
    outbound.send(
        session, org_id=member.org_id, channel=member.channel, chat_id=member.chat_id,
        replies=[Reply(msg.login_announced(browser, now),
                       (Choice(msg.BUTTON_WEB_LOGOUT, LOGOUT),))],
        now=now,
    )  # fmt: skip


COMMANDS = {"/web": web, CONFIRM: confirm, LOGOUT: logout_everywhere}
