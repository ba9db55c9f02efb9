"""The office's templates (Jinja2, autoescaped) and what every page is given."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from handlers.cases.codes import pretty
from messages.citizen.complaint import CATEGORY_LABELS as COMPLAINT_CATEGORIES
from messages.citizen.tip import CATEGORY_LABELS as TIP_CATEGORIES
from messages.citizen.tracking import STATUS_LABELS
from messages.format import thai_date, thai_date_long, thai_datetime
from messages.office import pages as msg
from messages.stats.labels import channel_label
from storage.timeutil import as_utc


def _when(value: datetime | date | None, *, time: bool = True) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return thai_datetime(as_utc(value)) if time else thai_date(as_utc(value))
    return thai_date(value)


def _long_date(value: datetime | date) -> str:
    return thai_date_long(as_utc(value) if isinstance(value, datetime) else value)


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("bot.web.office", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(when=_when, long_date=_long_date, pretty=pretty, channel=channel_label)
    env.globals.update(
        STATUS_LABELS=STATUS_LABELS,
        CATEGORIES={"complaint": COMPLAINT_CATEGORIES, "tip": TIP_CATEGORIES},
        msg=msg,
    )
    return env


def csrf_token(request: Request) -> str:
    get = request.scope.get("csrftoken")
    return get() if get else ""


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    html = (
        environment()
        .get_template(template)
        .render(request=request, csrf=csrf_token(request), base=root, **context)
    )
    return HTMLResponse(html, status_code=status)


def message(request: Request, title: str, text: str, status: int = 200, **context: Any):
    return render(request, "message.html", status, title=title, text=text, **context)


def refusal_page() -> str:
    """The page of a refused (forged) POST; rendered without a request."""
    return (
        environment()
        .get_template("message.html")
        .render(request=None, csrf="", base="/office", title=msg.TITLE, text=msg.CSRF_REFUSED)
    )
