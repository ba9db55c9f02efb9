"""The bar chart of a period (PNG): the two streams side by side, complaints by category.

Published, so tips appear as totals only. Drawn with matplotlib's Agg backend (no display)
in Sarabun loaded from its package file, so Thai renders on a server with no fonts at all.
"""

from __future__ import annotations

import io

from handlers.stats.fonts import sarabun, sarabun_base64
from messages.format import thai_date_long
from messages.stats import labels as msg
from storage.stats.figures import Report, StreamFigures

WIDTH_IN, HEIGHT_IN, DPI = 12, 6.75, 100  # 1200 × 675 px: fits a chat image preview
FIGURES = ("received", "completed_in_period", "open_at_end", "answered_within_deadline")
COLOURS = {"complaint": "#1f6fb2", "tip": "#d98c1f"}


def _values(figures: StreamFigures) -> list[int]:
    return [getattr(figures, name) for name in FIGURES]


def render_png(report: Report) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    assert sarabun_base64()  # fail early and clearly if the font package is broken
    regular = font_manager.FontProperties(fname=str(sarabun("Regular")))
    bold = font_manager.FontProperties(fname=str(sarabun("Bold")))

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    figure.patch.set_facecolor("white")
    left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})

    streams = (("complaint", report.figures.complaints), ("tip", report.figures.tips))
    width = 0.38
    positions = range(len(FIGURES))
    for offset, (stream, figures) in zip((-width / 2, width / 2), streams, strict=True):
        bars = left.bar([p + offset for p in positions], _values(figures), width,
                        color=COLOURS[stream], label=msg.STREAM_SHORT[stream])  # fmt: skip
        for bar in bars:
            left.annotate(
                str(int(bar.get_height())), (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center", va="bottom", fontproperties=regular, fontsize=11,
                xytext=(0, 2), textcoords="offset points",
            )  # fmt: skip
    left.set_xticks(list(positions))
    left.set_xticklabels([msg.CHART_BARS[f] for f in FIGURES], fontproperties=regular,
                         fontsize=11)  # fmt: skip
    left.set_ylabel(msg.CHART_AXIS, fontproperties=regular, fontsize=12)
    left.legend(prop=regular, frameon=False)
    left.margins(y=0.15)

    categories = [(msg.category_label("complaint", key), n)
                  for key, n in report.figures.complaints.by_category.items()]  # fmt: skip
    labels = [name for name, _ in reversed(categories)]
    counts = [n for _, n in reversed(categories)]
    bars = right.barh(labels, counts, color=COLOURS["complaint"])
    for bar in bars:
        right.annotate(
            str(int(bar.get_width())), (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            va="center", fontproperties=regular, fontsize=11, xytext=(3, 0),
            textcoords="offset points",
        )  # fmt: skip
    right.set_yticks(range(len(labels)))
    right.set_yticklabels(labels, fontproperties=regular, fontsize=11)
    right.set_title(msg.CATEGORY_HEADING + " (" + msg.STREAM_SHORT["complaint"] + ")",
                    fontproperties=regular, fontsize=12)  # fmt: skip
    right.margins(x=0.2)

    left.yaxis.set_major_locator(MaxNLocator(integer=True))
    right.xaxis.set_major_locator(MaxNLocator(integer=True))
    for axes in (left, right):
        axes.spines[["top", "right"]].set_visible(False)
        for label in axes.get_xticklabels() + axes.get_yticklabels():
            label.set_fontproperties(regular)
    figure.suptitle(
        msg.CHART_TITLE.format(period=msg.period_label(report.period)) + " · " + report.org_name,
        fontproperties=bold, fontsize=16,
    )  # fmt: skip
    figure.text(0.99, 0.01, msg.AS_OF_HEADING + " " + thai_date_long(report.as_of),
                ha="right", fontproperties=regular, fontsize=10, color="#555555")  # fmt: skip
    figure.tight_layout(rect=(0, 0.03, 1, 0.95))
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, facecolor="white")
    return out.getvalue()
