"""The host console's files: the organisation sheet and the tambon map uploaded, checked line
by line and imported only when the whole file is good (the same functions as `complaintbot
org import` and `org map import`), and the organisation sheet downloaded as `org export`
writes it.

The uploads are multipart forms, which asgi-csrf cannot parse: these routes are listed in
`security.MULTIPART_ROUTES` and check the form's token themselves, as the walk-in form does.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from bot.web.office import pages
from bot.web.office.auth import Clocked, officer
from bot.web.office.host import is_host, refused
from bot.web.office.security import CSRF_FIELD, multipart_token_ok
from messages.hosting import org_map as map_msg
from messages.office import host as msg
from storage.hosting import org_file, org_map
from storage.import_problems import ImportFailed

MAX_BYTES = 5 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx", ".xlsm")
KINDS = ("orgs", "map")


def host_file_routes(ctx: Clocked) -> list[Route]:
    def allowed(request: Request):
        with ctx.session() as session, session.begin():
            who = officer(session, request, ctx.clock())
            return who, is_host(who)

    def form_page(request: Request, who, kind: str, status: int = 200, **extra) -> Response:
        return pages.render(request, "host_upload.html", status, who=who, kind=kind, **extra)

    async def show(request: Request) -> Response:
        kind = request.path_params["kind"]
        who, ok = await run_in_threadpool(allowed, request)
        if not ok or kind not in KINDS:
            return refused(request, who if kind in KINDS else None)
        return form_page(request, who, kind)

    async def upload(request: Request) -> Response:
        kind = request.path_params["kind"]
        form = await request.form()
        if not multipart_token_ok(request, form.get(CSRF_FIELD)):
            return HTMLResponse(pages.refusal_page(), status_code=403)
        who, ok = await run_in_threadpool(allowed, request)
        if not ok or kind not in KINDS:
            return refused(request, who)
        dry_run = form.get("action") != "import"
        sent = form.get("file")
        if not isinstance(sent, UploadFile) or not sent.filename:
            return form_page(request, who, kind, 400, problems=[msg.FILE_NEEDED])
        suffix = Path(sent.filename).suffix.lower()
        data = await sent.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            return form_page(request, who, kind, 400,
                             problems=[msg.FILE_TOO_BIG.format(mb=MAX_BYTES // 2**20)])  # fmt: skip
        if suffix not in SUFFIXES:
            suffix = ".csv"

        def run():
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / f"upload{suffix}"
                path.write_bytes(data)
                try:
                    with ctx.session() as session, session.begin():  # all lines or none
                        if kind == "orgs":
                            done = org_file.import_orgs(session, path, dry_run=dry_run)
                            return msg.ORGS_SUMMARY.format(
                                rows=done.rows, added=done.added, updated=done.updated,
                                tambons=done.tambons,
                            ), []  # fmt: skip
                        done = org_map.import_map(session, path, dry_run=dry_run)
                        return msg.MAP_SUMMARY.format(rows=done.rows, orgs=len(done.per_org),
                                                      replaced=done.replaced), []  # fmt: skip
                except ImportFailed as failed:
                    if kind == "orgs":
                        return "", [org_file.problem_text(p) for p in failed.problems]
                    return "", [map_msg.import_problem(p.line, p.reason.value, p.value)
                                for p in failed.problems]  # fmt: skip

        summary, problems = await run_in_threadpool(run)
        if problems:
            return form_page(request, who, kind, 400, problems=problems,
                             failed=msg.PROBLEMS.format(count=len(problems)),
                             filename=sent.filename)  # fmt: skip
        said = (msg.CHECKED if dry_run else msg.IMPORTED) + summary
        return form_page(request, who, kind, done=said, dry_run=dry_run, filename=sent.filename)

    async def export(request: Request) -> Response:
        suffix = request.path_params["suffix"]
        if suffix not in ("csv", "xlsx"):
            return Response(status_code=404)

        def run():
            with ctx.session() as session, session.begin():
                who = officer(session, request, ctx.clock())
                if not is_host(who):
                    return who, None
                return who, org_file.export_rows(session)

        who, rows = await run_in_threadpool(run)
        if rows is None:
            return refused(request, who)
        name = "organisations"
        if suffix == "xlsx":
            from openpyxl import Workbook

            book = Workbook()
            for row in rows:
                book.active.append(row)
            out = io.BytesIO()
            book.save(out)
            kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            saved = {"Content-Disposition": f'attachment; filename="{name}.xlsx"'}
            return Response(out.getvalue(), media_type=kind, headers=saved)
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows(rows)
        saved = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
        body = ("\ufeff" + text.getvalue()).encode()
        return Response(body, media_type="text/csv; charset=utf-8", headers=saved)

    return [
        Route("/host/upload/{kind}", show, methods=["GET"]),
        Route("/host/upload/{kind}", upload, methods=["POST"]),
        Route("/host/organisations.{suffix:str}", export),
    ]
