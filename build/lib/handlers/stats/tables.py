"""The tables every file output shares (workbook, CSV, web page), as rows of plain values.

Values stay numbers (int, float, None for "no value") so a spreadsheet can add them up;
only the labels are Thai, from `messages.stats.labels`.
"""

from __future__ import annotations

from messages.citizen.tracking import STATUS_LABELS
from messages.stats import labels as msg
from storage.stats.figures import Figures, Report, StreamFigures

Value = str | int | float | None

MONTH_FIGURES = ("received", "completed_in_period", "open_at_end", "answered_within_deadline")


def _figure_rows(f: StreamFigures) -> list[Value]:
    return [
        f.received,
        *(f.status_at_end[s] for s in STATUS_LABELS),
        f.completed_in_period,
        f.open_at_end,
        f.answered_within_deadline,
        f.median_days_to_completion,
    ]


def summary_labels() -> list[str]:
    return [
        msg.FIGURE_LABELS["received"],
        *(msg.STATUS_AT_END_ROW.format(status=label) for label in STATUS_LABELS.values()),
        msg.FIGURE_LABELS["completed_in_period"],
        msg.FIGURE_LABELS["open_at_end"],
        msg.FIGURE_LABELS["answered_within_deadline"],
        msg.FIGURE_LABELS["median_days_to_completion"],
    ]


def _with_year_to_date(report: Report) -> bool:
    """A year, or a span from October, is its own fiscal year to date: one set of columns."""
    return report.year_to_date is not report.figures


def summary_header(report: Report) -> list[str]:
    period = msg.period_label(report.period)
    header = [
        msg.FIGURE_HEADING,
        f"{msg.STREAM_SHORT['complaint']} ({period})",
        f"{msg.STREAM_SHORT['tip']} ({period})",
    ]
    if _with_year_to_date(report):
        ytd = msg.period_label(report.period.fiscal_year_to_date())
        header += [f"{msg.STREAM_SHORT['complaint']} ({ytd})", f"{msg.STREAM_SHORT['tip']} ({ytd})"]
    return header


def summary_rows(report: Report) -> list[list[Value]]:
    """One row per figure: the period's two streams, then the fiscal year to date's."""
    columns = [_figure_rows(report.figures.complaints), _figure_rows(report.figures.tips)]
    if _with_year_to_date(report):
        columns += [
            _figure_rows(report.year_to_date.complaints),
            _figure_rows(report.year_to_date.tips),
        ]
    return [[label, *(c[i] for c in columns)] for i, label in enumerate(summary_labels())]


def month_groups() -> list[tuple[str, int]]:
    """The month table's header above its header: each stream over its columns."""
    return [("", 1), *((msg.STREAM_SHORT[s], len(MONTH_FIGURES)) for s in ("complaint", "tip"))]


def month_header() -> list[str]:
    return [
        msg.MONTH_HEADING,
        *(f"{msg.STREAM_SHORT['complaint']}: {msg.FIGURE_LABELS[f]}" for f in MONTH_FIGURES),
        *(f"{msg.STREAM_SHORT['tip']}: {msg.FIGURE_LABELS[f]}" for f in MONTH_FIGURES),
    ]


def _month_values(figures: Figures) -> list[Value]:
    return [
        *(getattr(figures.complaints, f) for f in MONTH_FIGURES),
        *(getattr(figures.tips, f) for f in MONTH_FIGURES),
    ]


def month_rows(report: Report) -> list[list[Value]]:
    """The fiscal year month by month, then the year to date (not a sum: "open at the end"
    of a span is the figure at its end)."""
    rows: list[list[Value]] = [
        [msg.period_label(m.period), *_month_values(m.figures)] for m in report.months
    ]
    if str(report.period.kind) == "quarter" or (
        str(report.period.kind) == "half" and report.period.number == 2
    ):
        rows.append([msg.period_label(report.period), *_month_values(report.figures)])
    rows.append(
        [msg.period_label(report.period.fiscal_year_to_date()), *_month_values(report.year_to_date)]
    )
    return rows


def breakdown_rows(stream: str, counts: dict[str, int], label) -> list[list[Value]]:
    rows: list[list[Value]] = [[label(key), n] for key, n in counts.items()]
    rows.append([msg.TOTAL, sum(counts.values())])
    return rows


def category_rows(stream: str, f: StreamFigures) -> list[list[Value]]:
    return breakdown_rows(stream, f.by_category, lambda key: msg.category_label(stream, key))


def channel_rows(stream: str, f: StreamFigures) -> list[list[Value]]:
    return breakdown_rows(stream, f.by_channel, msg.channel_label)
