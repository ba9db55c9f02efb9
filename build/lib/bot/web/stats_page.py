"""The public statistics page under `complaintbot serve`, for the organisation's website.

    /stats/{org}                 the fiscal year now running, month by month
    /stats/{org}/{period}        a month, quarter, six-month round or fiscal year
    /stats/{org}/{period}/csv    the same figures as CSV (UTF-8 with BOM)
    /stats/{org}/{period}/xlsx   and as a workbook, in its public variant

No login and no case content: only the published figures, with tips as totals.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from bot.app import Core
from handlers.stats.outputs import FORMATS, render
from handlers.stats.web_page import render_html, render_message_page
from messages.stats import labels as msg
from storage import org_settings, orgs
from storage.stats import figures as stats
from storage.stats.periods import Period, current_fiscal_year, parse_period
from storage.timeutil import utcnow

FRESH_FOR = timedelta(minutes=5)  # figures change slowly; a busy page must not load the db
CACHE = f"public, max-age={int(FRESH_FOR.total_seconds())}"


def stats_routes(core: Core, *, clock: Callable[[], datetime] = utcnow) -> list[BaseRoute]:
    """The routes of the public page, reading `core`'s database.

    A report is kept for FRESH_FOR in this process: a year month by month over a large
    history takes a second or two, and the page has no login to slow a crowd down.
    """
    kept: dict[tuple[str, str], tuple[datetime, stats.Report | None]] = {}

    def cached(slug: str, period: Period) -> stats.Report | None:
        now = clock()
        key = (slug, period.slug)
        hit = kept.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        if len(kept) > 1000:  # unknown slugs and many periods: never grow without bound
            kept.clear()
        report = build(slug, period)
        kept[key] = (now + FRESH_FOR, report)
        return report

    def build(slug: str, period: Period) -> stats.Report | None:
        with Session(core.db) as session:
            org = orgs.by_slug(session, slug)
            if org is None or org.id is None:
                return None
            days = org_settings.peek_deadline_days(session, org.id)
            return stats.report(
                session, org_id=org.id, org_slug=org.slug, org_name=org.name, period=period,
                deadline_days=days, now=clock(), by_month=True,
            )  # fmt: skip

    def problem(status: int, text: str) -> HTMLResponse:
        return HTMLResponse(render_message_page(msg.PAGE_ERROR_TITLE, text), status_code=status)

    async def resolve(request: Request) -> stats.Report | HTMLResponse:
        slug = request.path_params["slug"]
        typed = request.path_params.get("period")
        period = current_fiscal_year(clock()) if typed is None else parse_period(typed)
        if period is None:
            return problem(400, msg.PAGE_BAD_PERIOD.format(period=typed))
        if period.start > clock():
            return problem(400, msg.PAGE_FUTURE_PERIOD.format(period=msg.period_label(period)))
        report = await run_in_threadpool(cached, slug, period)
        if report is None:
            return problem(
                404, msg.PAGE_NOT_FOUND.format(slug=slug) + " " + msg.PAGE_NOT_FOUND_HINT
            )
        return report

    def base(request: Request, report: stats.Report) -> str:
        root = request.scope.get("root_path", "")
        return f"{root}/stats/{report.org_slug}/{report.period.slug}"

    async def page(request: Request) -> Response:
        report = await resolve(request)
        if isinstance(report, Response):
            return report
        link = base(request, report)
        html = render_html(report, csv_url=f"{link}/csv", xlsx_url=f"{link}/xlsx")
        return HTMLResponse(html, headers={"Cache-Control": CACHE})

    def download(fmt: str):
        async def endpoint(request: Request) -> Response:
            report = await resolve(request)
            if isinstance(report, Response):
                return report
            output = FORMATS[fmt]
            data = await run_in_threadpool(render, report, fmt, public=True)
            name = f"stats-{report.org_slug}-{report.period.slug}.{output.extension}"
            headers = {"Content-Disposition": f'attachment; filename="{name}"',
                       "Cache-Control": CACHE}  # fmt: skip
            return Response(data, media_type=output.media_type, headers=headers)

        return endpoint

    return [
        Route("/stats/{slug}", page),
        Route("/stats/{slug}/{period}", page),
        Route("/stats/{slug}/{period}/csv", download("csv")),
        Route("/stats/{slug}/{period}/xlsx", download("xlsx")),
    ]
