"""Staff accounts at `/office/staff` (administrators, and the host's administrators as on the
command line) and the audit log at `/office/audit` (administrators), with its CSV (UTF-8
with BOM) and XLSX exports.

An invite's code is shown once, in the answer to the POST that made it, with a QR code (an
SVG drawn here) of the link that opens the chat with `/staff CODE` typed where the platform
allows: Telegram's `?start=staff_CODE`, LINE's `oaMessage`. A change of role or a removal goes
through `handlers.staff.manage`, which ends the officer's web sessions at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import segno
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.config import Settings
from bot.web.office import pages
from bot.web.office.admin_access import allowed, refusal
from bot.web.office.auth import Clocked, Officer, officer
from bot.web.office.queue import _bound, _day, table_download
from handlers.staff import audit_log, manage
from messages import staff as staff_msg
from messages.citizen.tracking import STATUS_LABELS
from messages.format import local_date, thai_date, thai_datetime
from messages.office import admin as msg
from storage.staff import accounts as staff
from storage.staff.accounts import Role
from storage.timeutil import as_utc

STAFF_ROLES = (Role.ADMIN, Role.HOST_ADMIN)
AUDIT_ROLES = (Role.ADMIN,)
AUDIT_SHOWN = 500


@dataclass(frozen=True)
class InviteLink:
    label: str
    url: str  # "" when the code is only typed
    qr: str  # an SVG data URI
    typed: str


def invite_links(code: str, telegram_username: str, line_basic_id: str) -> list[InviteLink]:
    """Where the invite opens the chat with `/staff CODE` typed; the typed text alone when
    no platform's address is known."""
    typed = f"/staff {code}"
    links = []
    if telegram_username:
        links.append((msg.OPEN_TELEGRAM, f"https://t.me/{telegram_username}?start=staff_{code}"))
    if line_basic_id:
        account, text = quote(line_basic_id, safe=""), quote(typed, safe="")
        url = f"https://line.me/R/oaMessage/{account}/?{text}"
        links.append((msg.OPEN_LINE, url))
    if not links:
        return [InviteLink(msg.TYPE_IT, "", _qr(typed), typed)]
    return [InviteLink(label, url, _qr(url), typed) for label, url in links]


def _qr(text: str) -> str:
    return segno.make(text, error="m").svg_data_uri(scale=5, border=2, dark="#1b2733")


def _role_choices(who: Officer) -> list[tuple[str, str]]:
    giver = who.roles
    return [(r.value, staff_msg.ROLE_LABELS[r.value]) for r in Role if manage.may_give(giver, r)]


def staff_routes(ctx: Clocked, settings: Settings) -> list[Route]:
    def listing(session, who: Officer) -> list[dict]:
        active = audit_log.last_activity(session, who.org.id)
        return [
            {"id": m.id, "name": m.name or msg.NO_NAME, "roles": m.roles.split(","),
             "channel": msg.CHANNELS.get(m.channel, m.channel), "last": active.get(m.id),
             "me": m.id == who.member.id}
            for m in staff.listing(session, who.org.id)
        ]  # fmt: skip

    async def staff_page(request: Request) -> Response:
        fields: dict[str, str] = {}
        if request.method == "POST":
            form = await request.form()
            fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        action = request.path_params.get("action", "")
        target = request.path_params.get("member_id")

        def run():
            with ctx.session() as session, session.begin():
                now = ctx.clock()
                who = officer(session, request, now)
                if not allowed(who, *STAFF_ROLES):
                    return who, None
                shown: dict = {"done": "", "problem": "", "invite": None}
                if action == "invite":
                    shown.update(invite(session, who, fields, now))
                elif action in ("role", "remove") and target is not None:
                    shown.update(change(session, who, action, int(target), fields, now))
                return who, {**shown, "rows": listing(session, who), "roles": _role_choices(who)}

        who, shown = await run_in_threadpool(run)
        if shown is None:
            return refusal(request, who)
        status = 400 if shown["problem"] else 200
        return pages.render(request, "staff.html", status, who=who,
                            role_labels=staff_msg.ROLE_LABELS, **shown)  # fmt: skip

    def invite(session, who: Officer, fields: dict[str, str], now) -> dict:
        role = fields.get("role", "")
        name = " ".join(fields.get("name", "").split())
        if role not in {r.value for r in Role}:
            return {"problem": msg.BAD_ROLE}
        if len(name) > 255:
            return {"problem": msg.NAME_TOO_LONG}
        try:
            row, code = manage.invite(session, who.org.id, giver=who.roles, actor=who.actor,
                                      role=Role(role), name=name, now=now)  # fmt: skip
        except manage.Refused as refused:
            return {"problem": str(refused)}
        links = invite_links(code, settings.telegram_bot_username, settings.line_basic_id)
        expires = thai_datetime(as_utc(row.expires_at))
        return {"invite": {"code": code, "links": links, "name": name,
                           "role": staff_msg.ROLE_LABELS[role]},
                "done": msg.INVITED.format(expires=expires)}  # fmt: skip

    def change(session, who: Officer, action: str, member_id: int, fields, now) -> dict:
        member = staff.member_of(session, who.org.id, member_id)
        if member is None:
            return {"problem": msg.NOT_STAFF}
        if member.id == who.member.id:
            return {"problem": msg.NOT_YOURSELF}
        name = member.name or msg.NO_NAME
        if action == "remove":
            manage.remove(session, who.org.id, member_id, actor=who.actor, now=now)
            return {"done": msg.REMOVED.format(name=name)}
        role = fields.get("role", "")
        if role not in {r.value for r in Role}:
            return {"problem": msg.BAD_ROLE}
        try:
            manage.change_role(session, who.org.id, member_id, giver=who.roles, actor=who.actor,
                               role=Role(role), now=now)  # fmt: skip
        except manage.Refused as refused:
            return {"problem": str(refused)}
        return {"done": msg.ROLE_CHANGED.format(name=name)}

    def audit_filter(request: Request) -> audit_log.Filter:
        q = request.query_params
        member = q.get("member", "")
        return audit_log.Filter(
            kind=q.get("kind", ""), member_id=int(member) if member.isdigit() else None,
            since=_bound(_day(q.get("from", "")), end=False),
            until=_bound(_day(q.get("to", "")), end=True),
        )  # fmt: skip

    def load_audit(request: Request):
        with ctx.session() as session, session.begin():
            who = officer(session, request, ctx.clock())
            if not allowed(who, *AUDIT_ROLES):
                return who, None, []
            found = audit_log.entries(session, who.org.id, audit_filter(request))
            members = [(m.id, (m.name or msg.NO_NAME) + (msg.FORMER if m.removed_at else ""))
                       for m in staff.everyone(session, who.org.id)]  # fmt: skip
            return who, found, members

    async def audit_page(request: Request) -> Response:
        who, found, members = await run_in_threadpool(load_audit, request)
        if found is None:
            return refusal(request, who)
        query = request.query_params
        return pages.render(
            request, "audit.html", who=who, rows=[_audit_row(e) for e in found[:AUDIT_SHOWN]],
            total=len(found), shown=AUDIT_SHOWN, q=query, members=members,
            kinds=msg.AUDIT_KINDS, keep=list(query.multi_items()), msg_admin=msg,
        )  # fmt: skip

    def audit_export(fmt: str):
        async def export(request: Request) -> Response:
            who, found, _members = await run_in_threadpool(load_audit, request)
            if found is None:
                return refusal(request, who)
            table = [msg.AUDIT_HEADINGS] + [list(_audit_row(e).values()) for e in found]
            name = f"office-audit-{local_date(ctx.clock()).isoformat()}"
            return table_download(table, fmt, name, sheet=msg.AUDIT_SHEET)

        return export

    return [
        Route("/staff", staff_page),
        Route("/staff/{action:str}", staff_page, methods=["POST"]),
        Route("/staff/{member_id:int}/{action:str}", staff_page, methods=["POST"]),
        Route("/audit", audit_page),
        Route("/audit.csv", audit_export("csv")),
        Route("/audit.xlsx", audit_export("xlsx")),
    ]


def _audit_row(entry: audit_log.Entry) -> dict[str, str]:
    """One line of the log as shown and exported (a tip's status change: its day only)."""
    detail = entry.detail
    if entry.kind == "status":
        detail = STATUS_LABELS.get(detail, detail)
    elif entry.kind in ("invite", "bind", "roles") and detail:
        detail = staff_msg.roles_text([r for r in detail.split(",") if r in staff_msg.ROLE_LABELS])
    when = thai_date(entry.at) if entry.day_only else thai_datetime(entry.at)
    return {"at": when, "kind": msg.AUDIT_KINDS.get(entry.kind, entry.kind),
            "actor": entry.actor, "subject": entry.subject, "detail": detail}  # fmt: skip
