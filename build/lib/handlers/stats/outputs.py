"""One entry point for every output of the statistics: format name → bytes and media type.

`public` picks the published variant, which shows tips as totals only (the HTML page, the
CSV and the chart are always public; text and XLSX exist in both variants).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from storage.stats.figures import Report


@dataclass(frozen=True)
class Output:
    extension: str
    media_type: str
    needs_months: bool  # the fiscal year month by month is part of this output


FORMATS = {
    "text": Output("txt", "text/plain; charset=utf-8", False),
    "json": Output("json", "application/json", False),
    "png": Output("png", "image/png", False),
    "xlsx": Output(
        "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", True
    ),
    "csv": Output("csv", "text/csv; charset=utf-8", True),
    "html": Output("html", "text/html; charset=utf-8", True),
}


def render(report: Report, fmt: str, *, public: bool) -> bytes:
    """The report in `fmt`; see FORMATS for which formats need `report.months`."""
    renderers: dict[str, Callable[[], bytes]] = {
        "text": lambda: _text(report, public),
        "json": lambda: _json(report),
        "png": lambda: _png(report),
        "xlsx": lambda: _xlsx(report, public),
        "csv": lambda: _csv(report),
        "html": lambda: _html(report),
    }
    return renderers[fmt]()


def _text(report: Report, public: bool) -> bytes:
    from messages.stats.labels import summary_text

    return (summary_text(report, staff=not public) + "\n").encode()


def _json(report: Report) -> bytes:
    from handlers.stats.json_file import render_json

    return render_json(report).encode()


def _png(report: Report) -> bytes:
    from handlers.stats.chart import render_png

    return render_png(report)


def _xlsx(report: Report, public: bool) -> bytes:
    from handlers.stats.workbook import render_xlsx

    return render_xlsx(report, public=public)


def _csv(report: Report) -> bytes:
    from handlers.stats.csv_file import render_csv

    return render_csv(report)


def _html(report: Report) -> bytes:
    from handlers.stats.web_page import render_html

    return render_html(report).encode()
