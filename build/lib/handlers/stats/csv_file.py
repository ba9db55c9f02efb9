"""The fiscal year month by month as CSV, with a UTF-8 BOM so that Excel reads the Thai.

Published, so tips are totals only (the month table carries no breakdown at all).
"""

from __future__ import annotations

import csv
import io

from handlers.stats import tables
from storage.stats.figures import Report


def render_csv(report: Report) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(tables.month_header())
    for row in tables.month_rows(report):
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue().encode("utf-8-sig")
