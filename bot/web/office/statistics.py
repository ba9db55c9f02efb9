"""The statistics page at `/office/stats`: the figures of `complaintbot stats` for a month,
quarter, six-month round or fiscal year, the chart, the same files as the command line
(XLSX, CSV, PNG, HTML through `handlers.stats.outputs`), the public page's address, the
monthly summary administrators get on the 1st, and the ITA O24 table ready for A4.

The tables show administrators both streams, complaint officers the complaints and integrity
officers the tips. The text and the files are those the chat's `/stats` gives each role (the
complaint figures are published anyway): only those who may read tips get the workbook with
the tips broken down; everyone else gets the published one, tips as totals.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.web.office import pages
from bot.web.office.auth import Clocked, Officer, officer
from handlers.cases.lifecycle import Stream
from handlers.staff.stats_chat import monthly_text
from handlers.stats import tables
from handlers.stats.outputs import FORMATS, render
from messages.format import MONTHS_FULL, buddhist_year
from messages.office import pages as office_msg
from messages.office import statistics as msg
from messages.stats import labels
from messages.stats.labels import summary_text
from storage import org_settings
from storage.stats import figures as stats
from storage.stats.periods import (
    Period,
    PeriodKind,
    current_fiscal_year,
    fiscal_year,
    last_month,
    parse_period,
)

DOWNLOADS = ("xlsx", "csv", "png", "html")
STREAM_COLUMNS = {"complaint": 0, "tip": 1}  # each stream's place in a pair of columns


def typed_period(query: QueryParams) -> str:
    """What the form asks for, as `complaintbot stats --period` takes it: either the typed
    `period`, or the kind with its month or part and a year in either era."""
    typed = query.get("period", "").strip()
    if typed:
        return typed[:60]
    kind, year = query.get("kind", ""), query.get("year", "").strip()[:8]
    if kind == "month":
        return f"{year}-{query.get('month', '').zfill(2)}"
    if kind == "quarter":
        return f"{year}-Q{query.get('quarter', '1')}"
    if kind == "half":
        return f"{year}-H{query.get('half', '1')}"
    return year


def form_values(period: Period) -> dict[str, str]:
    """The picker's fields for a period (the year as Buddhist era)."""
    kind = str(period.kind)
    year = buddhist_year(period.first.year) if kind == "month" else period.fiscal_year
    return {
        "kind": kind, "month": str(period.first.month), "year": str(year),
        "quarter": str(period.number if kind == "quarter" else 1),
        "half": str(period.number if kind == "half" else 1),
    }  # fmt: skip


def _columns(row: Sequence[object], shown: Sequence[str], groups: int, width: int) -> list:
    """The label and, for each of `groups` pairs (complaint, tip) of `width` columns, the
    columns of the streams shown."""
    out = [row[0]]
    for group in range(groups):
        for stream in shown:
            start = 1 + (group * 2 + STREAM_COLUMNS[stream]) * width
            out.extend(row[start : start + width])
    return out


def statistics_routes(ctx: Clocked) -> list[Route]:
    def load(request: Request, typed: str | None, *, by_month: bool):
        """(officer or None, problem text, report); the officer None when not logged in."""
        with ctx.session() as session, session.begin():
            now = ctx.clock()
            who = officer(session, request, now)
            if who is None or not who.streams:
                return who, "", None
            period = last_month(now) if typed is None else parse_period(typed)
            if period is None:
                return who, labels.BAD_PERIOD.format(period=typed), None
            if period.start > now:
                label = labels.period_label(period)
                return who, labels.PAGE_FUTURE_PERIOD.format(period=label), None
            return who, "", report_for(session, who, period, by_month=by_month)

    def report_for(session: Session, who: Officer, period: Period, *, by_month: bool):
        days = org_settings.peek_deadline_days(session, who.org.id)
        return stats.report(
            session, org_id=who.org.id, org_slug=who.org.slug, org_name=who.org.name,
            period=period, deadline_days=days, now=ctx.clock(), by_month=by_month,
        )  # fmt: skip

    def refused(request: Request, who: Officer | None) -> Response:
        if who is None:
            return pages.message(request, office_msg.LOGIN_TITLE, office_msg.LOGIN_NEEDED, 401,
                                 link=f"{request.scope.get('root_path', '')}/login",
                                 link_label=office_msg.LOGIN_TITLE)  # fmt: skip
        return pages.message(request, msg.TITLE, msg.REFUSED, 403, who=who)

    def public_base(request: Request) -> str:
        deps = ctx.engine.deps if ctx.engine is not None else None
        if deps is not None and deps.public_url:
            return deps.public_url.rstrip("/")
        return f"{request.url.scheme}://{request.url.netloc}"

    async def page(request: Request) -> Response:
        query = request.query_params
        typed = typed_period(query) if ("period" in query or "kind" in query) else None
        who, problem, report = await run_in_threadpool(load, request, typed, by_month=True)
        if who is None or not who.streams:
            return refused(request, who)
        if report is None:
            fields = dict(query.items())
            return pages.render(request, "statistics.html", 400, who=who, problem=problem,
                                form=fields, **_choices())  # fmt: skip
        tips = Stream.TIP in who.streams
        shown = [s for s in ("complaint", "tip") if Stream(s) in who.streams]
        ytd = 2 if report.year_to_date is not report.figures else 1
        text = summary_text(report, staff=True, tips=tips)
        public = f"{public_base(request)}/stats/{who.org.slug}"
        monthly = report.period.kind is PeriodKind.MONTH and who.is_admin
        return pages.render(
            request, "statistics.html", who=who, report=report, shown=shown,
            period_label=labels.period_label(report.period), slug=report.period.slug,
            form=form_values(report.period), text=text,
            summary_header=_columns(tables.summary_header(report), shown, ytd, 1),
            summary_rows=[_columns(r, shown, ytd, 1) for r in tables.summary_rows(report)],
            month_header=_columns(tables.month_header(), shown, 1, len(tables.MONTH_FIGURES)),
            month_rows=[_columns(r, shown, 1, len(tables.MONTH_FIGURES))
                        for r in tables.month_rows(report)],
            breakdowns=[(s, labels.STREAM_SHORT[s],
                         tables.category_rows(s, getattr(report.figures, _attr(s))),
                         tables.channel_rows(s, getattr(report.figures, _attr(s))))
                        for s in shown],
            public_url=public, public_period_url=f"{public}/{report.period.slug}",
            monthly=monthly_text(text) if monthly else "", labels=labels,
            downloads=DOWNLOADS, **_choices(),
        )  # fmt: skip

    async def download(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in DOWNLOADS:
            return Response(status_code=404)
        output = FORMATS[fmt]
        typed = request.query_params.get("period", "")
        who, problem, report = await run_in_threadpool(
            load, request, typed, by_month=output.needs_months
        )
        if who is None or not who.streams:
            return refused(request, who)
        if report is None:
            return pages.message(request, msg.TITLE, problem, 400, who=who)
        public = fmt != "xlsx" or Stream.TIP not in who.streams  # as the chat's workbook
        data = await run_in_threadpool(render, report, fmt, public=public)
        name = f"stats-{report.org_slug}-{report.period.slug}.{output.extension}"
        disposition = "inline" if fmt == "png" else "attachment"
        headers = {"Content-Disposition": f'{disposition}; filename="{name}"'}
        return Response(data, media_type=output.media_type, headers=headers)

    async def o24(request: Request) -> Response:
        year = request.query_params.get("year", "").strip()

        def run():
            with ctx.session() as session, session.begin():
                now = ctx.clock()
                who = officer(session, request, now)
                if who is None or Stream.TIP not in who.streams:
                    return who, "", None
                period = current_fiscal_year(now) if not year else parse_period(year)
                if period is None or period.kind is not PeriodKind.YEAR:
                    return who, labels.BAD_PERIOD.format(period=year), None
                if period.start > now:
                    label = labels.period_label(period)
                    return who, labels.PAGE_FUTURE_PERIOD.format(period=label), None
                period = fiscal_year(period.fiscal_year)
                return who, "", report_for(session, who, period, by_month=True)

        who, problem, report = await run_in_threadpool(run)
        if who is None or Stream.TIP not in who.streams:
            return refused(request, who)
        if report is None:
            return pages.message(request, msg.TITLE, problem, 400, who=who)
        rows = [
            [labels.period_label(m.period), m.figures.tips.received,
             m.figures.tips.completed_in_period, m.figures.tips.open_at_end]
            for m in report.months
        ]  # fmt: skip
        tips = report.figures.tips
        rows.append([labels.TOTAL, tips.received, tips.completed_in_period, tips.open_at_end])
        title = msg.O24_TITLE.format(year=report.period.fiscal_year)
        return pages.render(request, "o24.html", who=who, report=report, rows=rows, title=title,
                            smsg=msg)  # fmt: skip

    return [
        Route("/stats", page),
        Route("/stats/o24", o24),
        Route("/stats/file.{fmt}", download),
    ]


def _attr(stream: str) -> str:
    return "complaints" if stream == "complaint" else "tips"


def _choices() -> dict:
    return {
        "kinds": msg.KINDS,
        "months": list(enumerate(MONTHS_FULL, start=1)),
        "quarters": [(n, msg.PARTS["quarter"].format(n=n)) for n in range(1, 5)],
        "halves": list(msg.PARTS["half"].items()),
        "smsg": msg,
    }
