"""The host's console, `/office/host/…`: for the provider's administrator (`host-admin`) of a
deployment serving many organisations. Organisations listed with search and paging, added
and edited; each one's LINE and Telegram accounts shown as set or not set, their secrets
typed once and never shown again; and the health of every account as `complaintbot doctor`
reports it. Every change goes through the functions the `complaintbot org …` commands use
(`storage.hosting.org_fields`), so the same rules refuse the same mistakes. The file
uploads (organisations, the tambon map) are in `bot.web.office.host_files`.

Every other role is refused with 403: a host-admin sees no case and no tip here.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.config import Settings
from bot.ops.account_health import check_accounts
from bot.web.office import pages
from bot.web.office.auth import Clocked, Officer, officer
from messages.cli import org as org_msg
from messages.office import host as msg
from messages.office import pages as office_msg
from storage import crypto, orgs
from storage.hosting import accounts, org_fields, org_map
from storage.hosting.account_models import SHARED
from storage.staff.accounts import Role

PAGE_SIZE = 50


class _Undo(Exception):
    """Leaves a transaction with everything in it rolled back."""


def is_host(who: Officer | None) -> bool:
    return who is not None and Role.HOST_ADMIN in who.roles


def refused(request: Request, who: Officer | None) -> Response:
    """Not logged in: the login page's way in (401); any other role: 403, in Thai."""
    if who is None:
        root = request.scope.get("root_path", "")
        return pages.message(request, office_msg.LOGIN_TITLE, office_msg.LOGIN_NEEDED, 401,
                             link=f"{root}/login", link_label=office_msg.LOGIN_TITLE)  # fmt: skip
    return pages.message(request, msg.TITLE, msg.HOST_ONLY, 403, who=who)


def public_base(request: Request, settings: Settings) -> str:
    """Where webhooks should point: the configured public URL, else this server's address
    (as `/web` links do on a demo without one)."""
    return settings.public_url or f"{request.url.scheme}://{request.url.netloc}"


def host_routes(ctx: Clocked, settings: Settings) -> list[Route]:
    def host(session, request: Request) -> tuple[Officer | None, bool]:
        who = officer(session, request, ctx.clock())
        return who, is_host(who)

    def who_of(request: Request) -> tuple[Officer | None, bool]:
        """The officer, read in a session of its own: a refused change rolls back the
        change's session, and the page still shows who is working."""
        with ctx.session() as session, session.begin():
            return host(session, request)

    async def listing(request: Request) -> Response:
        q = request.query_params
        page_text = q.get("page", "1")
        page = int(page_text) if page_text.isdigit() else 1

        def load():
            with ctx.session() as session, session.begin():
                who, ok = host(session, request)
                if not ok:
                    return who, None
                return who, org_fields.page_of(session, q.get("q", "")[:100], page, PAGE_SIZE)

        who, found = await run_in_threadpool(load)
        if found is None:
            return refused(request, who)
        return pages.render(request, "host_orgs.html", who=who, found=found,
                            search=q.get("q", ""), kinds=org_fields.KINDS)  # fmt: skip

    async def new_form(request: Request) -> Response:
        who, ok = await run_in_threadpool(who_of, request)
        if not ok:
            return refused(request, who)
        return pages.render(request, "host_new.html", who=who, form={}, kinds=org_fields.KINDS)

    async def add(request: Request) -> Response:
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}

        def run():
            who, ok = who_of(request)
            if not ok:
                return who, False, ""
            with ctx.session() as session:
                try:
                    with session.begin():
                        tambons = [t for t in form.get("tambons", "").replace(";", "\n")
                                   .splitlines() if t.strip()]  # fmt: skip
                        details = {k: form.get(k, "") for k in ("phone", "website", "address")}
                        org_fields.add(session, form.get("slug", "").strip(),
                                       form.get("name", ""), kind=form.get("type", ""),
                                       tambons=tambons, **details)  # fmt: skip
                except org_fields.Refused as why:  # rolled back: nothing is added
                    return who, True, str(why)
                return who, True, ""

        who, ok, problem = await run_in_threadpool(run)
        if not ok:
            return refused(request, who)
        if problem:
            return pages.render(request, "host_new.html", 400, who=who, form=form,
                                problems=problem.splitlines(), kinds=org_fields.KINDS)  # fmt: skip
        root = request.scope.get("root_path", "")
        slug = form["slug"].strip()
        return RedirectResponse(f"{root}/host/org/{slug}?done=added", status_code=303)

    def org_page(request: Request, who: Officer, slug: str, status: int = 200, **extra):
        with ctx.session() as session, session.begin():
            org = orgs.by_slug(session, slug) if slug != SHARED else None
            if org is None and slug != SHARED:
                return pages.message(request, msg.TITLE, msg.NO_SUCH_ORG.format(slug=slug), 404,
                                     who=who)  # fmt: skip
            values = org_fields.shown(session, org) if org else {}
            stored = org_fields.platforms_of(session, slug)
            present = {p: p in stored for p in accounts.PLATFORMS}
            tambons = len(org_map.places(session, org.id)) if org else 0
        form = extra.pop("form", None) or values
        return pages.render(
            request, "host_org.html", status, who=who, org=org, slug=slug, form=form,
            present=present, tambons=tambons, labels=_labels(), kinds=org_fields.KINDS,
            setting_keys=org_fields.SETTING_KEYS, done=request.query_params.get("done", ""),
            public=public_base(request, settings), **extra,
        )  # fmt: skip

    async def show(request: Request) -> Response:
        slug = request.path_params["slug"]

        def run():
            who, ok = who_of(request)
            if not ok:
                return refused(request, who)
            return org_page(request, who, slug)

        return await run_in_threadpool(run)

    async def save(request: Request) -> Response:
        slug = request.path_params["slug"]
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}

        def run():
            problems: list[str] = []
            who, ok = who_of(request)
            if not ok:
                return refused(request, who)
            try:
                with ctx.session() as session, session.begin():
                    org = orgs.by_slug(session, slug)
                    if org is None:
                        return org_page(request, who, slug)
                    for key in org_fields.SETTABLE:
                        if key not in form:
                            continue
                        try:
                            org_fields.set_value(session, org, key, form[key])
                        except org_fields.Refused as why:
                            problems.append(str(why))
                    if problems:
                        raise _Undo  # one bad field: nothing is saved
            except _Undo:
                return org_page(request, who, slug, 400, form=form, problems=problems)
            root = request.scope.get("root_path", "")
            return RedirectResponse(f"{root}/host/org/{slug}?done=saved", status_code=303)

        return await run_in_threadpool(run)

    async def save_account(request: Request) -> Response:
        slug, platform = request.path_params["slug"], request.path_params["platform"]
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}

        def run():
            who, ok = who_of(request)
            if not ok:
                return refused(request, who)
            with ctx.session() as session:
                try:
                    with session.begin():
                        entered = org_fields.AccountForm(platform, form.get("secret", ""),
                                                         form.get("token", ""))  # fmt: skip
                        org_fields.save_account(session, slug, entered)
                except org_fields.Refused as why:
                    return org_page(request, who, slug, 400, account_problem=(platform, str(why)))
            root = request.scope.get("root_path", "")
            return RedirectResponse(f"{root}/host/org/{slug}?done={platform}", status_code=303)

        return await run_in_threadpool(run)

    async def telegram_webhook(request: Request) -> Response:
        """Register the Telegram bot's webhook (`complaintbot telegram set-webhook SLUG`)."""
        from telegram.error import TelegramError

        from bot.ops.telegram_webhook import register

        slug = request.path_params["slug"]

        def load():
            who, ok = who_of(request)
            if not ok:
                return who, ok, None
            try:
                with ctx.session() as session, session.begin():
                    row = accounts.get(session, "telegram", slug)
                    return who, ok, (row.token, row.webhook_secret) if row is not None else None
            except crypto.SealError:  # sealed under a key since lost: set it again
                return who, ok, None

        who, ok, found = await run_in_threadpool(load)
        if not ok:
            return refused(request, who)
        url = f"{public_base(request, settings)}/telegram/{slug}/webhook"
        problem = ""
        if found is None:
            problem = org_msg.NO_ACCOUNT.format(platform="telegram", owner=slug)
        else:
            try:
                await register(settings, found[0], found[1], url)
            except TelegramError as exc:
                problem = org_msg.PLATFORM_FAILED.format(platform="Telegram",
                                                         reason=type(exc).__name__)  # fmt: skip
        if problem:
            return await run_in_threadpool(
                lambda: org_page(request, who, slug, 400, account_problem=("telegram", problem))
            )
        root = request.scope.get("root_path", "")
        return RedirectResponse(f"{root}/host/org/{slug}?done=webhook", status_code=303)

    async def org_health(request: Request) -> Response:
        """One organisation's accounts, asked of the platforms (a host pressed the button)."""
        slug = request.path_params["slug"]

        def run():
            who, ok = who_of(request)
            if not ok:
                return refused(request, who)
            report = check_accounts(settings, ctx.db, online=True, only=[slug],
                                    public_url=public_base(request, settings),
                                    ring=crypto.keyring())  # fmt: skip
            health = report.shared() if slug == SHARED else report.of(slug)
            return org_page(request, who, slug, health=health)

        return await run_in_threadpool(run)

    async def health(request: Request) -> Response:
        """Every organisation's accounts, checked as `complaintbot doctor` does (offline)."""

        def run():
            who, ok = who_of(request)
            if not ok:
                return refused(request, who)
            report = check_accounts(settings, ctx.db, ring=crypto.keyring())
            return pages.render(request, "host_health.html", who=who, report=report)

        return await run_in_threadpool(run)

    return [
        Route("/host/", listing),
        Route("/host/new", new_form, methods=["GET"]),
        Route("/host/new", add, methods=["POST"]),
        Route("/host/health", health),
        Route("/host/org/{slug}", show, methods=["GET"]),
        Route("/host/org/{slug}", save, methods=["POST"]),
        Route("/host/org/{slug}/health", org_health),
        Route("/host/org/{slug}/account/{platform}", save_account, methods=["POST"]),
        Route("/host/org/{slug}/telegram-webhook", telegram_webhook, methods=["POST"]),
    ]


def _labels() -> dict[str, str]:
    """The Thai label of every key `org show` prints (the same words)."""
    return dict(org_msg.FIELD_LABELS)
