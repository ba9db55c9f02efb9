"""Administration in the chat: binding an invite, inviting, listing and removing staff,
reading the tip access log, and choosing the staff group of a channel."""

from __future__ import annotations

from collections.abc import Callable

from handlers.flow import Ctx
from handlers.staff import manage
from handlers.staff.auth import actor, authorise
from handlers.types import Reply, Turn
from messages import staff as msg
from messages.format import thai_datetime
from storage import org_settings
from storage.staff import accounts as staff
from storage.staff import case_handling
from storage.staff.accounts import Role
from storage.timeutil import as_utc


def _done(*replies: Reply) -> Turn:
    return Turn(list(replies), None, None, {})


def bind(ctx: Ctx, code: str) -> Turn | None:
    """`/staff CODE`: a good code makes this chat staff; anything else is answered by the
    citizen router like any unknown text (failed guesses are counted and limited)."""
    event = ctx.event
    member = staff.bind(
        ctx.session, org_id=ctx.org_id, code=code, channel=event.channel.value,
        chat_id=event.chat_id, user_id=event.user_id, now=ctx.now(),
    )  # fmt: skip
    if member is None:
        return None
    roles = sorted(r.value for r in staff.roles_of(member) if r.value in member.roles)
    return _done(Reply(msg.bound(member.name, roles)))


def invite(ctx: Ctx, arg: str) -> Turn | None:
    admin = authorise(ctx, Role.ADMIN, Role.HOST_ADMIN)
    if admin is None:
        return None
    role, _, name = arg.partition(" ")
    if role.lower() not in {r.value for r in Role}:
        return _done(Reply(msg.INVITE_USAGE))
    try:
        row, code = manage.invite(
            ctx.session, ctx.org_id, giver=staff.roles_of(admin), actor=actor(admin),
            role=Role(role.lower()), name=name, now=ctx.now(),
        )  # fmt: skip
    except manage.Refused as refused:  # else they could invite themselves to the tips
        return _done(Reply(str(refused)))
    return _done(Reply(msg.invite_created(code, [role.lower()], thai_datetime(row.expires_at))))


def staff_list(ctx: Ctx, _arg: str = "") -> Turn | None:
    if authorise(ctx, Role.ADMIN, Role.HOST_ADMIN) is None:
        return None
    lines = [msg.STAFF_LIST_TITLE]
    for m in staff.listing(ctx.session, ctx.org_id):
        lines.append(msg.staff_line(m.id, m.name, m.roles.split(","), m.channel))
    return _done(Reply("\n".join(lines)))


def remove(ctx: Ctx, arg: str) -> Turn | None:
    admin = authorise(ctx, Role.ADMIN, Role.HOST_ADMIN)
    if admin is None:
        return None
    if not arg.strip().isdigit():
        return _done(Reply(msg.STAFF_NOT_FOUND.format(id=arg.strip())))
    member = manage.remove(ctx.session, ctx.org_id, int(arg), actor=actor(admin), now=ctx.now())
    text = msg.STAFF_REMOVED if member else msg.STAFF_NOT_FOUND
    return _done(Reply(text.format(id=int(arg))))


def audit(ctx: Ctx, _arg: str = "") -> Turn | None:
    if authorise(ctx, Role.ADMIN) is None:
        return None
    rows = case_handling.access_log(ctx.session, ctx.org_id)
    if not rows:
        return _done(Reply(msg.AUDIT_EMPTY))
    lines = [msg.AUDIT_TITLE]
    lines += [msg.audit_line(thai_datetime(as_utc(r.at)), r.actor, r.reference) for r in rows]
    return _done(Reply("\n".join(lines)))


def group_command(ctx: Ctx, *, off: bool) -> Turn | None:
    """`/staffgroup` (or `/staffgroup off`) typed by an administrator inside a group."""
    if authorise(ctx, Role.ADMIN) is None:
        return None
    event = ctx.event
    chat = None if off else event.chat_id
    org_settings.set_staff_group(ctx.session, ctx.org_id, event.channel.value, chat)
    return _done(Reply(msg.GROUP_UNSET if off else msg.GROUP_SET))


GROUP_COMMAND = "/staffgroup"
COMMANDS: dict[str, Callable[[Ctx, str], Turn | None]] = {
    "/invite": invite,
    "/stafflist": staff_list,
    "/remove": remove,
    "/audit": audit,
}
