"""The queue at `/office/`: the officer's stream of cases with counts per status, filters,
search, sorting by due date, paging, and the filtered list as XLSX or CSV (UTF-8 with BOM).
Tips show their reference, category, date and status only, here and in the exports."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta

from openpyxl import Workbook
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.web.office import pages
from bot.web.office.auth import Clocked, Officer, officer
from handlers.cases.actions import OPEN_STATUSES, Target, excerpt
from handlers.cases.codes import pretty
from handlers.cases.lifecycle import Stream
from messages.citizen.tracking import STATUS_LABELS
from messages.format import BANGKOK, local_date, thai_date
from messages.office import pages as msg
from messages.stats.labels import CHANNEL_LABELS, LISTED_CHANNELS, channel_label
from storage import org_settings
from storage.office import queue as repo
from storage.staff import accounts as staff
from storage.staff.accounts import Role
from storage.timeutil import as_utc


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _bound(day: date | None, *, end: bool) -> datetime | None:
    if day is None:
        return None
    if end:
        day += timedelta(days=1)
    return as_utc(datetime.combine(day, time(0), BANGKOK))


def filters_from(request: Request) -> repo.Filters:
    q = request.query_params
    assignee = q.get("assignee", "")
    page = q.get("page", "1")
    return repo.Filters(
        status=q.get("status", ""), category=q.get("category", ""),
        channel=q.get("channel", ""),
        assignee=int(assignee) if assignee.isdigit() else None, unit=q.get("unit", ""),
        overdue=q.get("overdue") == "1",
        received_from=_bound(_day(q.get("from", "")), end=False),
        received_to=_bound(_day(q.get("to", "")), end=True),
        search=q.get("q", "")[:200], newest_due_first=q.get("sort") == "due-desc",
        page=int(page) if page.isdigit() else 1,
    )  # fmt: skip


def stream_of(request: Request, who: Officer) -> Stream | None:
    wanted = request.query_params.get("stream", "")
    for stream in who.streams:
        if stream.value == wanted:
            return stream
    return who.streams[0] if who.streams else None


def _row(stream: Stream, case, handling, today: date) -> dict:
    target = Target(stream, case, handling)
    row = {
        "key": target.key, "ascii_key": target.ascii_key, "category": target.category_label,
        "status": case.status, "received": case.received_at, "due": case.due_on,
        "overdue": case.status in OPEN_STATUSES and case.due_on < today,
        "unit": handling.unit,
    }  # fmt: skip
    if stream is Stream.COMPLAINT:
        row.update(excerpt=excerpt(case.description), channel=case.channel)
    return row


def home_without_queue(roles: frozenset[Role]) -> str:
    """Where an officer who reads no stream starts: the plan, or the host's console."""
    if Role.PLAN in roles:
        return "/plan"
    if Role.HOST_ADMIN in roles:
        return "/host/"
    return ""


def queue_routes(ctx: Clocked) -> list[Route]:
    def login_first(request: Request) -> Response:
        return pages.message(request, msg.LOGIN_TITLE, msg.LOGIN_NEEDED, 401,
                             link=f"{request.scope.get('root_path', '')}/login",
                             link_label=msg.LOGIN_TITLE)  # fmt: skip

    def load(request: Request, *, paged: bool):
        with ctx.session() as session, session.begin():
            now = ctx.clock()
            who = officer(session, request, now)
            if who is None:
                return None
            stream = stream_of(request, who)
            if stream is None:
                return who, None, None, {}
            filters, today = filters_from(request), local_date(now)
            page = repo.cases(session, stream.value, who.org.id, filters, today, paged=paged)
            rows = [_row(stream, case, handling, today) for case, handling in page.rows]
            extra = {
                "units": list(org_settings.get(session, who.org.id).units),
                "members": [(m.id, m.name or str(m.id))
                            for m in staff.listing(session, who.org.id)],
                "today": today,
            }  # fmt: skip
            return who, stream, (page, rows), extra

    async def queue(request: Request) -> Response:
        loaded = await run_in_threadpool(load, request, paged=True)
        if loaded is None:
            return login_first(request)
        who, stream, found, extra = loaded
        if stream is None:
            home = home_without_queue(who.roles)
            if home:  # a plan officer or a host: their own page is their start
                return RedirectResponse(f"{request.scope.get('root_path', '')}{home}", 303)
            return pages.message(request, msg.TITLE, msg.NO_STREAM, 403, who=who)
        page, rows = found
        query = request.query_params
        keep = [(k, v) for k, v in query.multi_items() if k != "page"]
        return pages.render(
            request, "queue.html", who=who, stream=stream.value, page=page, rows=rows,
            q=query, keep=keep, channels=[(c, CHANNEL_LABELS.get(c, c)) for c in LISTED_CHANNELS],
            statuses=list(STATUS_LABELS), **extra,
        )  # fmt: skip

    def exporter(fmt: str):
        async def export(request: Request) -> Response:
            loaded = await run_in_threadpool(load, request, paged=False)
            if loaded is None:
                return login_first(request)
            who, stream, found, _extra = loaded
            if stream is None:
                return pages.message(request, msg.TITLE, msg.NO_STREAM, 403, who=who)
            _page, rows = found
            table = export_rows(stream, rows)
            name = f"office-{stream.value}-{local_date(ctx.clock()).isoformat()}"
            return table_download(table, fmt, name)

        return export

    return [
        Route("/", queue),
        Route("/export.csv", exporter("csv")),
        Route("/export.xlsx", exporter("xlsx")),
    ]


def export_rows(stream: Stream, rows: list[dict]) -> list[list[str]]:
    table = [list(msg.EXPORT_HEADINGS[stream.value])]
    for row in rows:
        received = thai_date(as_utc(row["received"]))
        status = STATUS_LABELS.get(row["status"], row["status"])
        if stream is Stream.TIP:
            table.append([row["key"], received, row["category"], status])
        else:
            table.append([
                pretty(row["ascii_key"]), received, row["category"], channel_label(row["channel"]),
                status, thai_date(row["due"]), row["unit"], row["excerpt"],
            ])  # fmt: skip
    return table


def table_download(
    table: list[list[str]], fmt: str, name: str, sheet: str = msg.EXPORT_SHEET
) -> Response:
    """A table as the file an officer opens in Excel: CSV in UTF-8 with a BOM (so Thai is
    read right), or XLSX."""
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out).writerows(table)
        data = b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")
        media = "text/csv; charset=utf-8"
    else:
        data = workbook(table, sheet)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    return Response(data, media_type=media, headers=headers)


def workbook(table: list[list[str]], sheet: str = msg.EXPORT_SHEET) -> bytes:
    book = Workbook()
    sheet, title = book.active, sheet
    sheet.title = title
    for line in table:
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
