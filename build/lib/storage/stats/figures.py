"""The statistics of a period as plain numbers, computed from the content-free record.

Every figure is as of the period's end: a status that changed afterwards counts as it was.
Each query is an index range over the period's own rows (cases received in it, changes made
in it, statuses still open at its end), so the cost follows the period, not the table.
Renderers (messages.stats.labels, reports/) take these numbers; nothing there queries.
"""

from __future__ import annotations

import statistics as pystats
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session

from messages.citizen import complaint as complaint_msg
from messages.citizen import tip as tip_msg
from messages.citizen.tracking import STATUS_LABELS
from messages.format import BANGKOK
from messages.stats import labels as stats_msg
from storage.stats.models import StatsCase, StatsRating, StatsStatus
from storage.stats.periods import Period
from storage.timeutil import as_utc

STREAMS = ("complaint", "tip")
STATUSES = tuple(STATUS_LABELS)  # received, in_progress, completed, referred, closed
OPEN_STATUSES = ("received", "in_progress")
COMPLETED = "completed"
SCORES = (1, 2, 3, 4, 5)
CATEGORIES = {
    "complaint": tuple(complaint_msg.CATEGORY_LABELS),
    "tip": tuple(tip_msg.CATEGORY_LABELS),
}
# Always listed, even at zero; other kinds (console, an unknown one) appear when counted.
CHANNELS = tuple(stats_msg.LISTED_CHANNELS)


@dataclass(frozen=True)
class Rating:
    count: int
    mean: float | None
    distribution: dict[int, int]


@dataclass(frozen=True)
class StreamFigures:
    """One stream's figures for one period (see the JSON shape in docs/statistics.md)."""

    received: int
    status_at_end: dict[str, int]  # of the cases received in the period
    completed_in_period: int  # became completed within it, whenever received
    open_at_end: int  # received or in progress at its end, whenever received
    answered_within_deadline: int  # of those received, first answered within the deadline
    median_days_to_completion: float | None
    by_category: dict[str, int]
    by_channel: dict[str, int]
    rating: Rating


@dataclass(frozen=True)
class Figures:
    complaints: StreamFigures
    tips: StreamFigures


@dataclass(frozen=True)
class MonthFigures:
    period: Period
    figures: Figures


@dataclass(frozen=True)
class Report:
    """Everything any output shows: the period, its figures and the fiscal year so far."""

    org_slug: str
    org_name: str
    period: Period
    as_of: date  # the period's last day, or today while the period is still running
    deadline_days: int
    figures: Figures
    year_to_date: Figures
    months: tuple[MonthFigures, ...]  # the fiscal year month by month, up to the period's end


def _bounds(period: Period) -> tuple[datetime, datetime]:
    return as_utc(period.start), as_utc(period.end)


def _received_groups(session: Session, org_id: int, stream: str, period: Period, deadline: int):
    start, end = _bounds(period)
    c = StatsCase.__table__.c  # type: ignore[attr-defined]
    answered = sa.case((sa.and_(c.first_answer_at < end, c.answer_days <= deadline), 1), else_=0)
    return session.execute(
        sa.select(c.category, c.channel, sa.func.count(), sa.func.sum(answered))
        .where(c.org_id == org_id, c.stream == stream)
        .where(c.received_at >= start, c.received_at < end)
        .group_by(c.category, c.channel)
    ).all()


def _status_at_end(session: Session, org_id: int, stream: str, period: Period) -> dict[str, int]:
    start, end = _bounds(period)
    s = StatsStatus.__table__.c  # type: ignore[attr-defined]
    rows = session.execute(
        sa.select(s.status, sa.func.count())
        .where(s.org_id == org_id, s.stream == stream)
        .where(s.received_at >= start, s.received_at < end, s.at < end, s.until >= end)
        .group_by(s.status)
    ).all()
    return {status: count for status, count in rows}


def _completion_days(session: Session, org_id: int, stream: str, period: Period) -> list[int]:
    """Days from receipt to completion of each case that became completed in the period."""
    start, end = _bounds(period)
    s = StatsStatus.__table__.c  # type: ignore[attr-defined]
    per_case = (
        sa.select(sa.func.min(s.days).label("days"))
        .where(s.org_id == org_id, s.stream == stream, s.status == COMPLETED)
        .where(s.at >= start, s.at < end, s.previous != COMPLETED)
        .group_by(s.case_ref)
        .subquery()
    )
    rows = session.execute(
        sa.select(per_case.c.days, sa.func.count()).group_by(per_case.c.days)
    ).all()
    days: list[int] = []
    for value, count in sorted(rows):
        days += [value] * count
    return days


def _open_at_end(session: Session, org_id: int, stream: str, period: Period) -> int:
    _start, end = _bounds(period)
    s = StatsStatus.__table__.c  # type: ignore[attr-defined]
    return session.execute(
        sa.select(sa.func.count())
        .where(s.org_id == org_id, s.stream == stream, s.status.in_(OPEN_STATUSES))
        .where(s.until >= end, s.at < end)
    ).scalar_one()


def _rating(session: Session, org_id: int, stream: str, period: Period) -> Rating:
    start, end = _bounds(period)
    r = StatsRating.__table__.c  # type: ignore[attr-defined]
    rows = session.execute(
        sa.select(r.score, sa.func.count())
        .where(r.org_id == org_id, r.stream == stream, r.at >= start, r.at < end)
        .group_by(r.score)
    ).all()
    distribution = dict.fromkeys(SCORES, 0) | {score: count for score, count in rows}
    count = sum(distribution.values())
    total = sum(score * n for score, n in distribution.items())
    return Rating(count, round(total / count, 2) if count else None, distribution)


def stream_figures(
    session: Session, *, org_id: int, stream: str, period: Period, deadline_days: int
) -> StreamFigures:
    """One stream's figures for one period."""
    by_category = dict.fromkeys(CATEGORIES[stream], 0)
    by_channel = dict.fromkeys(CHANNELS, 0)
    received = answered = 0
    for category, channel, count, within in _received_groups(
        session, org_id, stream, period, deadline_days
    ):
        received += count
        answered += int(within or 0)
        by_category[category] = by_category.get(category, 0) + count
        by_channel[channel] = by_channel.get(channel, 0) + count
    days = _completion_days(session, org_id, stream, period)
    at_end = _status_at_end(session, org_id, stream, period)
    return StreamFigures(
        received=received,
        status_at_end={status: at_end.get(status, 0) for status in STATUSES},
        completed_in_period=len(days),
        open_at_end=_open_at_end(session, org_id, stream, period),
        answered_within_deadline=answered,
        median_days_to_completion=float(pystats.median(days)) if days else None,
        by_category=by_category,
        by_channel=by_channel,
        rating=_rating(session, org_id, stream, period),
    )


def figures(session: Session, *, org_id: int, period: Period, deadline_days: int) -> Figures:
    """Both streams' figures for one period."""
    complaints, tips = (
        stream_figures(
            session, org_id=org_id, stream=stream, period=period, deadline_days=deadline_days
        )
        for stream in STREAMS
    )
    return Figures(complaints, tips)


def _today(now: datetime) -> date:
    return now.astimezone(BANGKOK).date()


def report(
    session: Session,
    *,
    org_id: int,
    org_slug: str,
    org_name: str,
    period: Period,
    deadline_days: int,
    now: datetime,
    by_month: bool = False,
) -> Report:
    """The period's figures and the fiscal year to its end; with `by_month`, also that year
    month by month (for the workbook and the web page).

    `deadline_days` is the organisation's resolution deadline; `now` only dates a period
    that has not ended yet and leaves out the months that have not begun.
    """
    today = _today(now)
    main = figures(session, org_id=org_id, period=period, deadline_days=deadline_days)
    year_to_date = period.fiscal_year_to_date()
    if (year_to_date.first, year_to_date.last) != (period.first, period.last):
        ytd = figures(session, org_id=org_id, period=year_to_date, deadline_days=deadline_days)
    else:
        ytd = main
    months = tuple(
        MonthFigures(month, figures(session, org_id=org_id, period=month,
                                    deadline_days=deadline_days))
        for month in (year_to_date.months() if by_month else [])
        if month.first <= today
    )  # fmt: skip
    return Report(
        org_slug=org_slug,
        org_name=org_name,
        period=period,
        as_of=min(period.last, today),
        deadline_days=deadline_days,
        figures=main,
        year_to_date=ytd,
        months=months,
    )
