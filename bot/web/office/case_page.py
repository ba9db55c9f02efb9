"""The case page at `/office/case/<key>` (a complaint's tracking code, a tip's ASCII
reference `T-2567-4821`): the timeline, files shown inline from an authenticated route, the
location, contact details, and every action the chat has, each through
`handlers.cases.actions`, so notices, the citizen's notification, statistics and the audit log
stay one path. A tip's content stays hidden until a POST "เปิดอ่าน", which writes the access
log; its files are then shown inside that answer only (no URL serves them).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.web.office import pages
from bot.web.office.auth import Clocked, Officer, case_for, officer
from handlers import inputs
from handlers.cases import actions
from handlers.cases.actions import Target
from handlers.cases.lifecycle import Status, Stream
from messages.format import local_date, thai_datetime
from messages.office import pages as msg
from storage import org_settings
from storage.files import FileStore
from storage.models import ComplaintFile, ComplaintStatusChange, TipFile, TipStatusChange
from storage.office import templates as response_templates
from storage.staff import case_handling
from storage.staff.models import StaffMember
from storage.timeutil import as_utc

ACTIONS = ("take", "assign", "refer", "status", "ask", "explain", "note")
CHANGEABLE = [s.value for s in Status if s is not Status.REFERRED]  # referring: its own form


@dataclass
class Entry:
    at: datetime
    kind: str  # status, message, answer, rating
    status: str = ""
    actor: str = ""
    public: str = ""
    internal: str = ""


def timeline(session: Session, target: Target, *, notes: bool) -> list[Entry]:
    """Everything that happened to the case in order; a tip's notes only when `notes`."""
    if target.stream is Stream.TIP:
        rows = session.exec(
            select(TipStatusChange).where(TipStatusChange.tip_id == target.case.id)
        ).all()
    else:
        rows = session.exec(
            select(ComplaintStatusChange).where(
                ComplaintStatusChange.complaint_id == target.case.id
            )
        ).all()
    entries = [
        Entry(as_utc(r.at), "status", r.status, r.actor, r.public_note if notes else "",
              r.internal_note if notes else "")
        for r in rows
    ]  # fmt: skip
    if notes:
        for m in case_handling.messages(session, target.handling):
            kind = "message" if m.from_staff_id is not None else "answer"
            entries.append(Entry(as_utc(m.at), kind, public=m.body))
    if target.stream is Stream.COMPLAINT:
        rating = case_handling.rating_of(session, target.case.id)
        if rating is not None:
            entries.append(Entry(as_utc(rating.at), "rating", str(rating.score),
                                 public=rating.comment))  # fmt: skip
    return sorted(entries, key=lambda e: e.at)


def complaint_files(session: Session, target: Target) -> list[ComplaintFile]:
    if target.stream is not Stream.COMPLAINT:
        return []
    return list(
        session.exec(
            select(ComplaintFile)
            .where(ComplaintFile.complaint_id == target.case.id)
            .order_by(ComplaintFile.id)
        ).all()
    )


def _assignee(session: Session, target: Target) -> str:
    if target.handling.assignee_id is None:
        return ""
    member = session.get(StaffMember, target.handling.assignee_id)
    return (member.name or str(member.id)) if member else ""


def case_routes(ctx: Clocked, files: FileStore, *, tile_url: str) -> list[Route]:
    def not_found(request: Request, who: Officer | None) -> Response:
        if who is None:
            return pages.message(request, msg.LOGIN_TITLE, msg.LOGIN_NEEDED, 401,
                                 link=f"{request.scope.get('root_path', '')}/login",
                                 link_label=msg.LOGIN_TITLE)  # fmt: skip
        return pages.message(request, msg.TITLE, msg.NOT_FOUND, 404, who=who)

    def view(session: Session, who: Officer, target: Target, *, revealed: str = "",
             tip_files: list[tuple[str, str]] | None = None) -> dict:  # fmt: skip
        case = target.case
        settings = org_settings.get(session, who.org.id)
        return {
            "who": who, "target": target, "case": case, "handling": target.handling,
            "stream": target.stream.value,
            "timeline": timeline(session, target, notes=target.stream is Stream.COMPLAINT
                                 or bool(revealed)),
            "files": complaint_files(session, target), "assignee": _assignee(session, target),
            "units": list(settings.units), "deadline_days": settings.deadline_days,
            "templates": response_templates.listing(session, who.org.id),
            "location": actions.location_of(target), "tile_url": tile_url,
            "now_text": thai_datetime(ctx.clock()), "revealed": revealed,
            "tip_files": tip_files or [], "changeable": CHANGEABLE,
            "overdue": case.status in actions.OPEN_STATUSES
            and actions.is_overdue(target, local_date(ctx.clock())),
        }  # fmt: skip

    async def page(request: Request) -> Response:
        key = request.path_params["key"]

        def load():
            with ctx.session() as session, session.begin():
                who = officer(session, request, ctx.clock())
                target = case_for(session, who, key) if who else None
                if target is None:
                    return who, None
                return who, view(session, who, target)

        who, context = await run_in_threadpool(load)
        if context is None:
            return not_found(request, who)
        done = msg.DONE.get(request.query_params.get("done", ""), "")
        return pages.render(request, "case.html", done=done, **context)

    async def file(request: Request) -> Response:
        key, file_id = request.path_params["key"], request.path_params["file_id"]

        def load():
            with ctx.session() as session, session.begin():
                who = officer(session, request, ctx.clock())
                target = case_for(session, who, key) if who else None
                if target is None or target.stream is not Stream.COMPLAINT:
                    return who, None
                row = session.get(ComplaintFile, file_id)
                if row is None or row.complaint_id != target.case.id:
                    return who, None
                return who, (files.read(row.key), row.mime or "application/octet-stream")

        who, found = await run_in_threadpool(load)
        if found is None:
            return not_found(request, who)
        data, mime = found
        return Response(data, media_type=mime, headers={"Cache-Control": "no-store"})

    async def act(request: Request) -> Response:
        key = request.path_params["key"]
        form = await request.form()
        fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}

        def run():
            with ctx.session() as session, session.begin():
                now = ctx.clock()
                who = officer(session, request, now)
                target = case_for(session, who, key) if who else None
                if target is None:
                    return who, None, None
                # A problem the officer can fix is found before anything is changed.
                problem = perform(session, who, target, fields, now)
                return who, problem, view(session, who, target) if problem else None

        who, problem, context = await run_in_threadpool(run)
        ctx.sent()
        if problem is None:
            return not_found(request, who)
        if problem:
            return pages.render(request, "case.html", 400, problem=problem, done="",
                                form=fields, **context)  # fmt: skip
        action = fields.get("action", "")
        return RedirectResponse(
            f"{request.scope.get('root_path', '')}/case/{key}?done={action}", status_code=303
        )

    async def reveal(request: Request) -> Response:
        key = request.path_params["key"]

        def run():
            with ctx.session() as session, session.begin():
                now = ctx.clock()
                who = officer(session, request, now)
                target = case_for(session, who, key) if who else None
                if target is None or target.stream is not Stream.TIP:
                    return who, None
                text = actions.tip_content(session, target, actor=who.actor, now=now)
                shown = []
                for row in session.exec(select(TipFile).where(TipFile.tip_id == target.case.id)):
                    if row.mime.startswith("image/"):
                        data = base64.b64encode(files.read(row.key)).decode("ascii")
                        shown.append((row.mime, data))
                return who, view(session, who, target, revealed=text, tip_files=shown)

        who, context = await run_in_threadpool(run)
        if context is None:
            return not_found(request, who)
        return pages.render(request, "case.html", done="", **context)

    async def templates_page(request: Request) -> Response:
        form = await request.form() if request.method == "POST" else {}
        fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}

        def run():
            with ctx.session() as session, session.begin():
                who = officer(session, request, ctx.clock())
                if who is None or not who.is_admin:
                    return who, None, ""
                problem = ""
                if fields.get("delete", "").isdigit():
                    response_templates.remove(session, who.org.id, int(fields["delete"]))
                elif fields:
                    title = inputs.free_text(fields.get("title", ""), maximum=255)
                    body = inputs.free_text(fields.get("body", ""))
                    problem = title.problem or body.problem or ""
                    if not problem:
                        response_templates.add(session, who.org.id, title.value, body.value)
                return who, response_templates.listing(session, who.org.id), problem

        who, rows, problem = await run_in_threadpool(run)
        if rows is None:
            return not_found(request, who)
        if fields and not problem:
            return RedirectResponse(f"{request.scope.get('root_path', '')}/templates", 303)
        return pages.render(request, "templates.html", 400 if problem else 200, who=who,
                            rows=rows, problem=problem)  # fmt: skip

    return [
        Route("/case/{key}", page),
        Route("/case/{key}/file/{file_id:int}", file),
        Route("/case/{key}/act", act, methods=["POST"]),
        Route("/case/{key}/reveal", reveal, methods=["POST"]),
        Route("/templates", templates_page, methods=["GET", "POST"]),
    ]


def _text(fields: dict[str, str], name: str, *, optional: bool = False) -> tuple[str, str]:
    """(value, problem) of a typed field; an optional empty field is fine."""
    raw = fields.get(name, "").strip()
    if optional and not raw:
        return "", ""
    checked = inputs.free_text(raw)
    return checked.value or "", checked.problem or ""


def perform(session: Session, who: Officer, target: Target, fields: dict[str, str],
            now: datetime) -> str:  # fmt: skip
    """Run the action the form names; a Thai problem if the officer must fix something."""
    action, by = fields.get("action", ""), who.actor
    if action == "take":
        actions.take(session, target, who.member.id, actor=by, now=now)
    elif action == "assign":
        unit = fields.get("unit", "")
        if unit not in org_settings.get(session, who.org.id).units:
            return msg.NEED_UNIT
        actions.assign(session, target, unit, actor=by, now=now)
    elif action == "refer":
        agency, problem = _text(fields, "agency")
        note, note_problem = _text(fields, "internal", optional=True)
        if problem or note_problem:
            return problem or note_problem
        actions.refer(session, target, agency[:255], actor=by, now=now)
        if note:
            actions.add_note(session, target, actor=by, now=now, internal=note)
    elif action == "status":
        status = fields.get("status", "")
        if status not in CHANGEABLE:
            return msg.BAD_INPUT.format(what=status or "-")
        public, problem = _text(fields, "public", optional=True)
        internal, internal_problem = _text(fields, "internal", optional=True)
        if problem or internal_problem:
            return problem or internal_problem
        actions.change_status(session, target, Status(status), actor=by, now=now,
                              public_note=public, internal_note=internal)  # fmt: skip
    elif action in ("ask", "explain", "note"):
        text, problem = _text(fields, "text")
        if problem:
            return problem
        if action == "ask":
            actions.ask(session, target, text, member_id=who.member.id, now=now)
        elif action == "explain":
            actions.explain(session, target, text, actor=by, now=now)
        else:
            actions.add_note(session, target, actor=by, now=now, internal=text)
    else:
        return msg.BAD_INPUT.format(what=action or "-")
    return ""
