"""The one role check every staff step calls, on every event, before doing anything.

A chat is staff only while its account is bound and not removed, and a step runs only if the
account holds the role the step (or the case's stream) needs. Callers treat a refusal exactly
like text the bot does not understand, so nobody learns that staff commands exist.
"""

from __future__ import annotations

from handlers.flow import Ctx
from storage.staff import accounts as staff
from storage.staff.accounts import Role
from storage.staff.models import StaffMember


def authorise(ctx: Ctx, *roles: Role) -> StaffMember | None:
    """The chat's staff account if it holds any of `roles` (any role at all if none given)."""
    event = ctx.event
    if event.is_private:
        member = staff.active(ctx.session, ctx.org_id, event.channel.value, event.chat_id)
    else:
        member = staff.by_user(ctx.session, ctx.org_id, event.channel.value, event.user_id)
    if member is None:
        return None
    held = staff.roles_of(member)
    if not held or (roles and not held.intersection(roles)):
        return None
    return member


def actor(member: StaffMember) -> str:
    """How history and the access log name a staff member."""
    return staff.describe(member)
