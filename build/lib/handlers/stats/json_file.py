"""The statistics as JSON for other systems, in the shape documented in docs/statistics.md."""

from __future__ import annotations

import json
from typing import Any

from messages.stats.labels import period_label
from storage.stats.figures import Figures, Report, StreamFigures


def _stream(figures: StreamFigures, *, rating: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "received": figures.received,
        "status_at_end": dict(figures.status_at_end),
        "completed_in_period": figures.completed_in_period,
        "open_at_end": figures.open_at_end,
        "answered_within_deadline": figures.answered_within_deadline,
        "median_days_to_completion": figures.median_days_to_completion,
        "by_category": dict(figures.by_category),
        "by_channel": dict(figures.by_channel),
    }
    if rating:
        out["rating"] = {
            "count": figures.rating.count,
            "mean": figures.rating.mean,
            "distribution": {str(k): v for k, v in figures.rating.distribution.items()},
        }
    return out


def _pair(figures: Figures) -> dict[str, Any]:
    return {
        "complaints": _stream(figures.complaints, rating=True),
        "tips": _stream(figures.tips, rating=False),
    }


def as_dict(report: Report) -> dict[str, Any]:
    return {
        "org": report.org_slug,
        "period": {
            "label": period_label(report.period),
            "start": report.period.first.isoformat(),
            "end": report.period.last.isoformat(),
        },
        **_pair(report.figures),
        "fiscal_year_to_date": _pair(report.year_to_date),
    }


def render_json(report: Report) -> str:
    return json.dumps(as_dict(report), ensure_ascii=False, indent=1) + "\n"
