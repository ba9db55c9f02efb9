"""The disclosure page: one self-contained HTML file (styles and the Sarabun font inside).

It can be saved and uploaded to the organisation's website as it is, or served live by
`complaintbot serve`. Published, so tips appear as totals only. Prints on A4.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from handlers.stats import tables
from handlers.stats.fonts import FAMILY, sarabun_base64
from messages.format import thai_date_long
from messages.stats import labels as msg
from storage.stats.figures import Report

STYLE = """
@font-face { font-family: "%(family)s"; font-weight: 400;
  src: url(data:font/ttf;base64,%(regular)s) format("truetype"); }
@font-face { font-family: "%(family)s"; font-weight: 700;
  src: url(data:font/ttf;base64,%(bold)s) format("truetype"); }
@page { size: A4 portrait; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: "%(family)s"; margin: 0 auto; max-width: 190mm; padding: 8mm 4mm;
  color: #1b1b1b; font-size: 15px; line-height: 1.45; }
h1 { font-size: 24px; margin: 0; }
h2 { font-size: 18px; margin: 18px 0 6px; }
.meta { color: #444; margin: 4px 0 12px; }
table { border-collapse: collapse; width: 100%%; margin: 6px 0 12px; font-size: 13px; }
th, td { border: 1px solid #9aa5b1; padding: 3px 6px; }
th { background: #ddebf7; font-weight: 700; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.pair { display: flex; gap: 12px; } .pair > div { flex: 1; }
.note { color: #444; font-size: 13px; }
.links a { margin-right: 16px; }
@media print { .links { display: none; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
"""


def _cell(value: object) -> str:
    if value is None:
        return f'<td class="n">{msg.NO_VALUE}</td>'
    if isinstance(value, float):
        return f'<td class="n">{value:g}</td>'
    if isinstance(value, int):
        return f'<td class="n">{value:,}</td>'
    return f"<td>{escape(str(value))}</td>"


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _month_table(report: Report) -> str:
    """The year's table with the streams as a header over their columns (narrow on A4)."""
    groups = "".join(
        f'<th colspan="{span}">{escape(name)}</th>' for name, span in tables.month_groups()
    )
    figures = [msg.MONTH_HEADING] + [msg.FIGURE_LABELS[f] for f in tables.MONTH_FIGURES] * 2
    head = "".join(f"<th>{escape(h)}</th>" for h in figures)
    body = "".join(
        "<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in tables.month_rows(report)
    )
    return f"<table><thead><tr>{groups}</tr><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(report: Report, *, csv_url: str = "", xlsx_url: str = "") -> str:
    complaints = report.figures.complaints
    style = STYLE % {
        "family": FAMILY, "regular": sarabun_base64("Regular"), "bold": sarabun_base64("Bold"),
    }  # fmt: skip
    period = msg.period_label(report.period)
    rating = complaints.rating
    parts = [
        "<!DOCTYPE html>",
        '<html lang="th"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(msg.TITLE)} {escape(period)} · {escape(report.org_name)}</title>",
        f"<style>{style}</style></head><body>",
        f"<h1>{escape(report.org_name)}</h1>",
        f"<h2>{escape(msg.REPORT_TITLE)}</h2>",
        f'<p class="meta">{escape(msg.PERIOD_HEADING)}: {escape(period)} · '
        f"{escape(msg.AS_OF_HEADING)} {escape(thai_date_long(report.as_of))}</p>",
        f"<h2>{escape(msg.PERIOD_FIGURES_HEADING.format(period=period))}</h2>",
        _table(tables.summary_header(report), tables.summary_rows(report)),
        '<div class="pair"><div>',
        f"<h2>{escape(msg.STREAM_SHORT['complaint'])}: {escape(msg.CATEGORY_HEADING)}</h2>",
        _table([msg.CATEGORY_HEADING, msg.COUNT_HEADING],
               tables.category_rows("complaint", complaints)),
        "</div><div>",
        f"<h2>{escape(msg.STREAM_SHORT['complaint'])}: {escape(msg.CHANNEL_HEADING)}</h2>",
        _table([msg.CHANNEL_HEADING, msg.COUNT_HEADING],
               tables.channel_rows("complaint", complaints)),
        "</div></div>",
        f'<p class="note">{escape(msg.rating_line(rating.count, rating.mean))}</p>',
        f"<h2>{escape(msg.FISCAL_YEAR_HEADING.format(year=report.period.fiscal_year))}</h2>",
        _month_table(report),
        f'<p class="note">{escape(msg.TIPS_TOTALS_NOTE)}<br>'
        f"{escape(msg.DEADLINE_NOTE.format(days=report.deadline_days))}</p>",
    ]  # fmt: skip
    links = [(csv_url, msg.DOWNLOAD_CSV), (xlsx_url, msg.DOWNLOAD_XLSX)]
    if any(url for url, _ in links):
        parts.append(
            '<p class="links">'
            + "".join(f'<a href="{escape(url)}">{escape(text)}</a>' for url, text in links if url)
            + "</p>"
        )
    parts.append("</body></html>")
    return "\n".join(parts)


def render_message_page(title: str, text: str) -> str:
    """A short page for a wrong address (unknown organisation, unreadable period)."""
    style = STYLE % {
        "family": FAMILY, "regular": sarabun_base64("Regular"), "bold": sarabun_base64("Bold"),
    }  # fmt: skip
    return (
        '<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{style}</style></head><body>"
        f"<h1>{escape(title)}</h1><p>{escape(text)}</p></body></html>"
    )
