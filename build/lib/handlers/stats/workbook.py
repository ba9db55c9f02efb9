"""The statistics workbook (openpyxl): a summary, a sheet per stream, the year month by month.

The staff workbook breaks tips down by category and channel; the public one (the download
on the web page) shows tips as totals only. Numbers are stored as numbers.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from handlers.stats import tables
from handlers.stats.fonts import FAMILY
from messages.format import thai_date_long
from messages.stats import labels as msg
from storage.stats.figures import Report

HEADER_FILL = "DDEBF7"


def render_xlsx(report: Report, *, public: bool) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = msg.SUMMARY_SHEET
    _title(summary, report)
    _table(summary, 6, tables.summary_header(report), tables.summary_rows(report),
           widths=(46, 24, 24, 30, 30))  # fmt: skip

    for stream, figures in (("complaint", report.figures.complaints),
                            ("tip", report.figures.tips)):  # fmt: skip
        sheet = book.create_sheet(msg.STREAM_SHORT[stream])
        _title(sheet, report, heading=msg.STREAM_TITLES[stream])
        if stream == "tip" and public:
            sheet.cell(row=6, column=1, value=msg.TIPS_TOTALS_NOTE)
            totals = [[row[0], row[2]] for row in tables.summary_rows(report)]
            _table(sheet, 8, [msg.FIGURE_HEADING, msg.COUNT_HEADING], totals, widths=(46, 16))
            continue
        _table(sheet, 6, [msg.CATEGORY_HEADING, msg.COUNT_HEADING],
               tables.category_rows(stream, figures), widths=(34, 16))  # fmt: skip
        _table(sheet, 6, [msg.CHANNEL_HEADING, msg.COUNT_HEADING],
               tables.channel_rows(stream, figures), column=4, widths=(24, 16))  # fmt: skip

    year = book.create_sheet(msg.YEAR_SHEET)
    _title(year, report, heading=msg.FISCAL_YEAR_HEADING.format(year=report.period.fiscal_year))
    _table(year, 6, tables.month_header(), tables.month_rows(report),
           widths=(30, *(18,) * (len(tables.month_header()) - 1)))  # fmt: skip

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _title(sheet, report: Report, *, heading: str = msg.REPORT_TITLE) -> None:
    from openpyxl.styles import Font

    lines = (
        heading,
        f"{msg.ORG_HEADING}: {report.org_name}",
        f"{msg.PERIOD_HEADING}: {msg.period_label(report.period)}",
        f"{msg.AS_OF_HEADING}: {thai_date_long(report.as_of)}",
    )
    for row, text in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font = Font(name=FAMILY, bold=row == 1, size=14 if row == 1 else 11)


def _table(
    sheet,
    top: int,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    column: int = 1,
    widths: Sequence[int] = (),
) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    for index, text in enumerate(header):
        cell = sheet.cell(row=top, column=column + index, value=text)
        cell.font = Font(name=FAMILY, bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for offset, values in enumerate(rows, start=1):
        for index, value in enumerate(values):
            cell = sheet.cell(row=top + offset, column=column + index, value=value)
            cell.font = Font(name=FAMILY)
            if isinstance(value, float):
                cell.number_format = "0.0"
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(column + index)].width = width
