"""The organisation's settings at `/office/settings` (administrators): the same typed values
and checks as `complaintbot settings` and `complaintbot org set` (`storage.org_settings`), all
saved or none, each refusal in Thai beside its field. What citizens will read is shown under
the form, rendered by the very functions the chat answers with."""

from __future__ import annotations

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.web.office import pages
from bot.web.office.admin_access import allowed, refusal
from bot.web.office.auth import Clocked, Officer, officer
from handlers.hosting.shared_front import tip_notice
from messages.citizen import limits
from messages.cli.common import SETTING_LABELS
from messages.contact import contact_and_process
from messages.office import admin as msg
from storage import org_settings
from storage.staff.accounts import Role

LONG = frozenset({"contact", "units", "external-contacts"})  # typed in a box of lines


def preview(session: Session, who: Officer) -> list[tuple[str, str]]:
    """What citizens (and integrity officers) will be told, from the saved settings."""
    org, rules = who.org, org_settings.get(session, who.org.id)
    return [
        (msg.PREVIEW_CONTACT, contact_and_process(
            org.name, org.phone, org.website, org.address, days=rules.deadline_days,
            office_hours=rules.office_hours, channels=rules.contact_channels)),
        (msg.PREVIEW_TIP, tip_notice(session, org.id).text),
        (msg.PREVIEW_FILINGS, limits.refused("filings-chat", rules.filings_per_chat)),
        (msg.PREVIEW_UPLOADS, limits.refused("uploads-chat", rules.uploads_per_chat)),
        ("", msg.rounds_preview(rules.tip_round_minutes)),
    ]  # fmt: skip


def settings_routes(ctx: Clocked) -> list[Route]:
    async def settings_page(request: Request) -> Response:
        typed: dict[str, str] = {}
        if request.method == "POST":
            form = await request.form()
            typed = {k: str(form[k]) for k in org_settings.SETTINGS if isinstance(form.get(k), str)}

        def run():
            with ctx.session() as session, session.begin():
                who = officer(session, request, ctx.clock())
                if not allowed(who, Role.ADMIN):
                    return who, None
                problems = org_settings.apply(session, who.org.id, typed) if typed else {}
                row = org_settings.get(session, who.org.id)
                values = {k: org_settings.typed_value(row, k) for k in org_settings.SETTINGS}
                if problems:
                    values.update(typed)  # the form keeps what was typed; nothing is saved
                return who, {"values": values, "problems": problems,
                             "saved": bool(typed) and not problems,
                             "preview": preview(session, who)}  # fmt: skip

        who, shown = await run_in_threadpool(run)
        if shown is None:
            return refusal(request, who)
        return pages.render(
            request, "settings.html", 400 if shown["problems"] else 200, who=who,
            keys=list(org_settings.SETTINGS), labels=SETTING_LABELS, hints=msg.SETTING_HINTS,
            long=LONG, msg_admin=msg, **shown,
        )  # fmt: skip

    return [Route("/settings", settings_page, methods=["GET", "POST"])]
