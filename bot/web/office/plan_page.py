"""The anti-corruption plan at `/office/plan`, for plan officers and administrators: the
summary and items of a reporting round, an item's status, spending and result (through
`storage.plan.repo.report_progress`, as `complaintbot plan set`), the e-PlanNACC table
uploaded through the same importer as `complaintbot plan import` (every bad row shown,
nothing written unless the whole file is good), the empty template, and what citizens asked
about the plan this month (counts per item, and the questions no item matched)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from itsdangerous import BadSignature, URLSafeSerializer
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.web.office import pages
from bot.web.office.auth import Clocked, Officer, officer
from bot.web.office.security import CSRF_FIELD, multipart_token_ok
from handlers.plan.flow import summary_text
from messages.format import baht, fiscal_year_be, local_date
from messages.office import pages as office_msg
from messages.office import plan as msg
from messages.plan import status as plan_msg
from messages.stats.labels import month_label
from storage import crypto
from storage.import_problems import ImportFailed
from storage.plan import importer as plan_import
from storage.plan import questions as asked
from storage.plan import repo as plan_repo
from storage.plan.models import ROUNDS, PlanStatus
from storage.staff.accounts import Role
from storage.stats.periods import BE_OFFSET

MAX_UPLOAD = 5 * 1024 * 1024
SUFFIXES = (".xlsx", ".csv")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() else None


def _year(text: str | None) -> int | None:
    """A fiscal year as typed, in either era (2568 or 2025), as the Buddhist era."""
    year = _int(text)
    return year + BE_OFFSET if year is not None and 1900 < year < 2400 else year


def plan_routes(ctx: Clocked) -> list[Route]:
    def may_plan(who: Officer | None) -> bool:
        return who is not None and Role.PLAN in who.roles

    def refused(request: Request, who: Officer | None) -> Response:
        if who is None:
            return pages.message(request, office_msg.LOGIN_TITLE, office_msg.LOGIN_NEEDED, 401,
                                 link=f"{request.scope.get('root_path', '')}/login",
                                 link_label=office_msg.LOGIN_TITLE)  # fmt: skip
        return pages.message(request, msg.TITLE, msg.REFUSED, 403, who=who)

    def period_of(session: Session, who: Officer, fy: int | None, rnd: int | None, today: date):
        """The plan and round to show: as asked, else the newest reported (as `plan summary`)."""
        plan = (plan_repo.plan_for_year(session, who.org.id, fy) if fy else None) or (
            plan_repo.latest_plan(session, who.org.id)
        )
        if plan is None:
            return None, fy or fiscal_year_be(today), rnd or 6
        latest = plan_repo.latest_period(session, plan) or (plan.year_to, 12)
        fiscal_year = fy if fy and plan.year_from <= fy <= plan.year_to else latest[0]
        round_ = rnd if rnd in ROUNDS else (latest[1] if fiscal_year == latest[0] else 12)
        return plan, fiscal_year, round_

    def page_context(session: Session, who: Officer, request: Request) -> dict:
        today = local_date(ctx.clock())
        q = request.query_params
        plan, fiscal_year, round_ = period_of(session, who, _year(q.get("fy")),
                                              _int(q.get("round")), today)  # fmt: skip
        found = asked.asked_between(session, who.org.id, today.replace(day=1), today)
        out = {
            "who": who, "plan": plan, "fy": fiscal_year, "round": round_, "rounds": ROUNDS,
            "asked": found, "month": month_label(today.month, today.year + 543),
            "current_fy": fiscal_year_be(today), "plan_msg": plan_msg, "pmsg": msg,
        }  # fmt: skip
        if plan is not None:
            summary = plan_repo.summary(session, plan, fiscal_year, round_)
            out.update(summary=summary_text(summary),
                       views=plan_repo.item_views(session, plan, fiscal_year, round_))  # fmt: skip
        return out

    def load(request: Request):
        with ctx.session() as session, session.begin():
            who = officer(session, request, ctx.clock())
            if not may_plan(who):
                return who, None
            assert who is not None
            return who, page_context(session, who, request)

    async def show(request: Request) -> Response:
        who, context = await run_in_threadpool(load, request)
        if context is None:
            return refused(request, who)
        context["done"] = _notice(request.query_params.get("done", ""))
        return pages.render(request, "plan.html", **context)

    async def upload(request: Request) -> Response:
        form = await request.form()
        if not multipart_token_ok(request, form.get(CSRF_FIELD)):
            return HTMLResponse(pages.refusal_page(), status_code=403)
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        sent = form.get("table")
        data, name = b"", ""
        if isinstance(sent, UploadFile) and sent.filename:
            name = Path(sent.filename).name[:120]
            data = await sent.read(MAX_UPLOAD + 1)

        def run():
            with ctx.session() as session, session.begin():
                now = ctx.clock()
                who = officer(session, request, now)
                if not may_plan(who):
                    return who, None, "", [], None
                assert who is not None
                problem, problems, result = "", [], None
                fiscal_year, round_ = _year(fields.get("fiscal_year")), fields.get("round", "")
                suffix = Path(name).suffix.lower()
                if not data:
                    problem = msg.NO_FILE
                elif suffix not in SUFFIXES:
                    problem = msg.BAD_FILE_TYPE
                elif len(data) > MAX_UPLOAD:
                    problem = msg.TOO_BIG
                elif fiscal_year is None or not 2400 < fiscal_year < 2700:
                    problem = msg.BAD_YEAR
                elif round_ not in ("", *map(str, ROUNDS)):
                    problem = msg.BAD_ROUND
                else:
                    with tempfile.TemporaryDirectory() as folder:
                        path = Path(folder) / f"table{suffix}"
                        path.write_bytes(data)
                        try:
                            # Every row is checked before anything is written.
                            result = plan_import.import_file(
                                session, path, who.org.id, fiscal_year=fiscal_year,
                                round=int(round_) if round_ else None, as_of=local_date(now),
                                reporter=fields.get("reporter", "").strip()[:255],
                            )  # fmt: skip
                        except ImportFailed as failed:
                            problems = [(p.line, plan_msg.IMPORT_REASONS[p.reason.value], p.value)
                                        for p in failed.problems]  # fmt: skip
                            problem = msg.REFUSED_FILE.format(file=name, count=len(problems))
                context = page_context(session, who, request)
                return who, context, problem, problems, result

        who, context, problem, problems, result = await run_in_threadpool(run)
        if context is None:
            return refused(request, who)
        if problem:
            return pages.render(request, "plan.html", 400, problem=problem, problems=problems,
                                form=fields, **context)  # fmt: skip
        fy, round_ = _year(fields["fiscal_year"]) or 0, fields.get("round", "")
        period = plan_msg.period(fy, int(round_)) if round_ else str(fy)
        done = plan_msg.IMPORT_DONE.format(rows=result.rows, created=result.items_created,
                                           reports=result.reports_added, period=period)  # fmt: skip
        return _back(request, done, fy, round_)

    async def edit(request: Request) -> Response:
        number = request.path_params["number"]

        def run(fields: dict[str, str] | None):
            with ctx.session() as session, session.begin():
                now = ctx.clock()
                who = officer(session, request, now)
                if not may_plan(who):
                    return who, None
                assert who is not None
                q = fields if fields is not None else request.query_params
                fy, rnd = _year(q.get("fy")), _int(q.get("round"))
                plan, fiscal_year, round_ = period_of(session, who, fy, rnd, local_date(now))
                item = plan_repo.item_by_number(session, plan, number) if plan else None
                if item is None:
                    return who, {"missing": True}
                view = plan_repo.item_view(session, item, fiscal_year, round_)
                context = {"who": who, "view": view, "fy": fiscal_year, "round": round_,
                           "plan_msg": plan_msg, "statuses": list(PlanStatus)}  # fmt: skip
                if fields is None:
                    return who, context
                status = plan_import.parse_status(fields.get("status", ""))
                spent = plan_import.parse_amount(fields.get("spent", ""))
                if status is None:
                    return who, {**context, "problem": plan_msg.BAD_STATUS.format(
                        status=fields.get("status", ""))}  # fmt: skip
                if spent is None:
                    return who, {**context, "problem": plan_msg.BAD_AMOUNT.format(
                        amount=fields.get("spent", ""))}  # fmt: skip
                plan_repo.report_progress(
                    session, item, fiscal_year=fiscal_year, round=round_, status=status,
                    spent=spent, result=fields.get("result", "").strip()[:4000],
                    as_of=local_date(now), reporter=who.member.name or "",
                )  # fmt: skip
                done = plan_msg.ITEM_UPDATED.format(
                    number=number, status=plan_msg.STATUS_LABELS[status.value],
                    spent=baht(spent), period=plan_msg.period(fiscal_year, round_),
                )  # fmt: skip
                return who, {**context, "done": done}

        fields = None
        if request.method == "POST":
            form = await request.form()
            fields = {k: v for k, v in form.items() if isinstance(v, str)}
        who, context = await run_in_threadpool(run, fields)
        if context is None:
            return refused(request, who)
        if context.get("missing"):
            return pages.message(request, msg.TITLE, office_msg.NOT_FOUND, 404, who=who)
        if context.get("done"):
            return _back(request, context["done"], context["fy"], str(context["round"]))
        status = 400 if context.get("problem") else 200
        return pages.render(request, "plan_item.html", status, form=fields or {}, **context)

    async def template(request: Request) -> Response:
        def check():
            with ctx.session() as session, session.begin():
                return officer(session, request, ctx.clock())

        who = await run_in_threadpool(check)
        if not may_plan(who):
            return refused(request, who)

        def write() -> bytes:
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "template.xlsx"
                plan_import.write_template(path)
                return path.read_bytes()

        data = await run_in_threadpool(write)
        headers = {"Content-Disposition": 'attachment; filename="plan-template.xlsx"'}
        return Response(data, media_type=XLSX, headers=headers)

    return [
        Route("/plan", show, methods=["GET"]),
        Route("/plan/import", upload, methods=["POST"]),
        Route("/plan/template.xlsx", template),
        Route("/plan/item/{number:int}", edit, methods=["GET", "POST"]),
    ]


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(crypto.keyring().mac(b"office", "office-plan-notice"), salt="done")


def _notice(sealed: str) -> str:
    """What was done, as `_back` sealed it: a link cannot put its own words on the page."""
    try:
        return str(_signer().loads(sealed)) if sealed else ""
    except BadSignature:
        return ""


def _back(request: Request, done: str, fy: int, round_: str) -> Response:
    """Back to the plan (so a reload sends nothing again), saying what was done."""
    root = request.scope.get("root_path", "")
    query = urlencode({"fy": fy, "round": round_, "done": _signer().dumps(done)})
    return RedirectResponse(f"{root}/plan?{query}", status_code=303)
