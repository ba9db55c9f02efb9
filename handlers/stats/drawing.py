"""The chart and the workbook of `/stats` and of the monthly summary, drawn after the commit.

Drawing takes tens to hundreds of milliseconds; inside a turn's transaction it would hold the
database's write lock (SQLite has one) while every other chat waits. So the turn only reads
the figures and answers with the summary text and a placeholder reply (`request`) naming what
to draw; whoever delivers the replies (the engine after its commit, the inbox, the outbox
sender, the console) calls `resolve`, which reads the figures again as of the turn's moment,
draws, stores the files, registers them as shareable and puts an image and a document in the
placeholder's place. The placeholder is kept with the replies (inbox row, outbox row), so a
process that dies after the commit draws it on the next attempt: nothing is lost.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from handlers.stats.for_staff import staff_files, staff_summary
from handlers.types import Reply
from messages.stats import chat as msg
from storage.db import READS_ONLY
from storage.files import FileStore
from storage.links import registry as shared_files
from storage.models import Organisation
from storage.stats.periods import Period, PeriodKind

log = logging.getLogger(__name__)

PNG = "image/png"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def request(org_id: int, period: Period, *, now: datetime, deadline_days: int, tips: bool) -> Reply:
    """The placeholder for the period's chart and workbook; `tips` only for roles that may
    see the tip stream broken down (else the workbook shows the published totals)."""
    spec = {
        "org_id": org_id,
        "period": [period.kind.value, period.fiscal_year, period.number,
                   period.first.isoformat(), period.last.isoformat()],
        "now": now.isoformat(),
        "deadline_days": deadline_days,
        "tips": tips,
    }  # fmt: skip
    return Reply("", draw=spec)


def pending(replies: list[Reply] | None) -> bool:
    return any(reply.draw is not None for reply in replies or ())


def resolve(db: Engine, files: FileStore, replies: list[Reply]) -> list[Reply]:
    """`replies` with each placeholder drawn; call with no transaction open. Raises when
    drawing fails (the outbox then tries again later)."""
    if not pending(replies):
        return replies
    out: list[Reply] = []
    for reply in replies:
        out.extend(_draw(db, files, reply.draw) if reply.draw is not None else [reply])
    return out


def resolve_or_apologise(db: Engine, files: FileStore, replies: list[Reply]) -> list[Reply]:
    """As `resolve`, for replies to a turn already committed: a failure must not fail the
    turn (its text is true and kept), so the placeholder becomes an apology instead."""
    try:
        return resolve(db, files, replies)
    except Exception:
        log.exception("drawing the statistics files failed after the turn")
        return [Reply(msg.FILES_FAILED) if r.draw is not None else r for r in replies]


def _draw(db: Engine, files: FileStore, spec: dict) -> list[Reply]:
    kind, fiscal_year, number, first, last = spec["period"]
    period = Period(
        PeriodKind(kind), fiscal_year, number, date.fromisoformat(first), date.fromisoformat(last)
    )
    now, tips, org_id = datetime.fromisoformat(spec["now"]), bool(spec["tips"]), spec["org_id"]
    with Session(db.execution_options(**READS_ONLY)) as session, session.begin():
        org = session.get(Organisation, org_id)
        assert org is not None
        summary = staff_summary(
            session, org=org, period=period, now=now, deadline_days=spec["deadline_days"],
            tips=tips,
        )  # fmt: skip
    png, xlsx = staff_files(summary.report, tips=tips)  # no transaction open: the slow part
    png_key, xlsx_key = files.save(png, suffix="png"), files.save(xlsx, suffix="xlsx")
    png_name, xlsx_name = f"{summary.file_stem}.png", f"{summary.file_stem}.xlsx"
    with Session(db) as session, session.begin():
        for key, name, mime in ((png_key, png_name, PNG), (xlsx_key, xlsx_name, XLSX)):
            shared_files.register(session, key=key, org_id=org_id, name=name, mime=mime, now=now)
    return [Reply("", image_key=png_key), Reply("", file_key=xlsx_key, file_name=xlsx_name)]
