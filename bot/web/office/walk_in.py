"""Cases received at the counter, by phone or by letter: the fields of `complaintbot case
add` (channel, received date, category, text, contact, photos) as a form that files the
complaint through `handlers.cases.records.add_case` (officers are notified as for any case)
and answers with a printable receipt slip carrying the tracking code for the citizen."""

from __future__ import annotations

from datetime import date

from sqlmodel import select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.web.office import pages
from bot.web.office.auth import Clocked, Officer, officer
from bot.web.office.security import CSRF_FIELD, multipart_token_ok
from handlers import inputs
from handlers.cases.lifecycle import EvidenceDraft, Stream
from handlers.cases.records import RECORDED_CHANNELS, DateProblem, add_case, moment_on
from messages.citizen.complaint import CATEGORY_LABELS
from messages.format import local_date
from messages.office import pages as msg
from messages.stats.labels import channel_label
from storage.files import FileStore
from storage.models import Complaint
from storage.protect.media import without_metadata
from storage.timeutil import as_utc

MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def walk_in_routes(ctx: Clocked, files: FileStore) -> list[Route]:
    def form_page(request: Request, who: Officer, status: int = 200, **extra) -> Response:
        return pages.render(
            request, "walk_in.html", status, who=who,
            channels=[(c, channel_label(c)) for c in RECORDED_CHANNELS],
            categories=CATEGORY_LABELS, today=local_date(ctx.clock()).isoformat(), **extra,
        )  # fmt: skip

    def allowed(request: Request) -> Officer | None:
        with ctx.session() as session, session.begin():
            who = officer(session, request, ctx.clock())
            return who if who and Stream.COMPLAINT in who.streams else None

    async def show(request: Request) -> Response:
        who = await run_in_threadpool(allowed, request)
        if who is None:
            return pages.message(request, msg.TITLE, msg.NOT_FOUND, 404)
        return form_page(request, who)

    async def submit(request: Request) -> Response:
        form = await request.form()
        if not multipart_token_ok(request, form.get(CSRF_FIELD)):
            return HTMLResponse(pages.refusal_page(), status_code=403)
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        uploads = [u for u in form.getlist("photos") if isinstance(u, UploadFile) and u.filename]
        photos = []
        for upload in uploads[:MAX_PHOTOS]:
            data = await upload.read(MAX_PHOTO_BYTES + 1)
            suffix = PHOTO_TYPES.get(upload.content_type or "")
            if suffix and 0 < len(data) <= MAX_PHOTO_BYTES:
                photos.append((without_metadata(data), upload.content_type or "", suffix))

        def run():
            with ctx.session() as session, session.begin():
                now = ctx.clock()
                who = officer(session, request, now)
                if who is None or Stream.COMPLAINT not in who.streams:
                    return None, "", ""
                channel, category = fields.get("channel", ""), fields.get("category", "")
                if channel not in RECORDED_CHANNELS or category not in CATEGORY_LABELS:
                    return who, msg.BAD_INPUT.format(what=channel or category or "-"), ""
                text = inputs.free_text(fields.get("text", ""))
                if text.problem:
                    return who, text.problem, ""
                try:
                    received = moment_on(date.fromisoformat(fields.get("received", "")), now)
                except ValueError as problem:
                    text_of = str(problem) if isinstance(problem, DateProblem) else msg.BAD_DATE
                    return who, text_of, ""
                evidence = []
                for data, mime, suffix in photos:
                    key = files.save(data, suffix=suffix)
                    evidence.append(EvidenceDraft("photo", key, mime, len(data)))
                recorded = add_case(
                    session, org_id=who.org.id, stream=Stream.COMPLAINT, channel=channel,
                    category=category, text=text.value, received_at=received,
                    name=fields.get("name", "").strip()[:255],
                    contact=fields.get("contact", "").strip()[:32], evidence=evidence,
                )  # fmt: skip
                return who, "", recorded.code

        who, problem, code = await run_in_threadpool(run)
        ctx.sent()
        if who is None:
            return pages.message(request, msg.TITLE, msg.NOT_FOUND, 404)
        if problem:
            return form_page(request, who, 400, problem=problem, form=fields)
        root = request.scope.get("root_path", "")
        return RedirectResponse(f"{root}/receipt/{code}", status_code=303)

    async def receipt(request: Request) -> Response:
        code = request.path_params["code"]

        def load():
            with ctx.session() as session, session.begin():
                who = officer(session, request, ctx.clock())
                if who is None or Stream.COMPLAINT not in who.streams:
                    return None, None
                case = session.exec(
                    select(Complaint).where(Complaint.org_id == who.org.id,
                                            Complaint.code == code)
                ).first()  # fmt: skip
                return who, case

        who, case = await run_in_threadpool(load)
        if who is None or case is None:
            return pages.message(request, msg.TITLE, msg.NOT_FOUND, 404)
        return pages.render(request, "receipt.html", who=who, case=case,
                            received=as_utc(case.received_at),
                            category=CATEGORY_LABELS.get(case.category, case.category))  # fmt: skip

    return [
        Route("/walk-in", show, methods=["GET"]),
        Route("/walk-in", submit, methods=["POST"]),
        Route("/receipt/{code}", receipt),
    ]
