"""Periods and dates as staff type them: either era, Thai or Arabic digits, Thai month names."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from messages.stats.labels import period_label
from storage.stats.periods import last_month, parse_day, parse_period


@pytest.mark.parametrize(
    ("typed", "slug", "first", "last"),
    [
        ("2567-03", "2567-03", date(2024, 3, 1), date(2024, 3, 31)),
        ("2024-03", "2567-03", date(2024, 3, 1), date(2024, 3, 31)),
        ("๒๕๖๗-๐๓", "2567-03", date(2024, 3, 1), date(2024, 3, 31)),
        ("03/2567", "2567-03", date(2024, 3, 1), date(2024, 3, 31)),
        ("มี.ค. 2567", "2567-03", date(2024, 3, 1), date(2024, 3, 31)),
        ("มีนาคม 67", "2567-03", date(2024, 3, 1), date(2024, 3, 31)),
        ("กุมภาพันธ์ 2567", "2567-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2567-Q1", "2567-Q1", date(2023, 10, 1), date(2023, 12, 31)),
        ("2567-Q2", "2567-Q2", date(2024, 1, 1), date(2024, 3, 31)),
        ("q4/2024", "2567-Q4", date(2024, 7, 1), date(2024, 9, 30)),
        ("ไตรมาสที่ 2 ปีงบประมาณ 2567", "2567-Q2", date(2024, 1, 1), date(2024, 3, 31)),
        ("2567-H1", "2567-H1", date(2023, 10, 1), date(2024, 3, 31)),
        ("2567-h2", "2567-H2", date(2024, 4, 1), date(2024, 9, 30)),
        ("2567", "2567", date(2023, 10, 1), date(2024, 9, 30)),
        ("2024", "2567", date(2023, 10, 1), date(2024, 9, 30)),
        ("ปีงบประมาณ 2567", "2567", date(2023, 10, 1), date(2024, 9, 30)),
    ],
)
def test_periods_in_every_form(typed, slug, first, last):
    period = parse_period(typed)
    assert period is not None
    assert (period.slug, period.first, period.last) == (slug, first, last)
    assert parse_period(period.slug) == period  # the canonical form reads back


@pytest.mark.parametrize("typed", ["2567-13", "2567-Q5", "2567-H3", "เดือนหน้า", "", "12345"])
def test_what_is_not_a_period(typed):
    assert parse_period(typed) is None


def test_labels_and_the_default_period():
    assert period_label(parse_period("2567-03")) == "มีนาคม 2567"
    assert period_label(parse_period("2567-H1")) == "รอบ 6 เดือนแรก ปีงบประมาณ 2567"
    # 00:30 on 1 October in Bangkok is still 30 September in UTC: Bangkok decides
    assert last_month(datetime(2024, 9, 30, 17, 30, tzinfo=UTC)).slug == "2567-09"
    assert last_month(datetime(2024, 9, 30, 16, 30, tzinfo=UTC)).slug == "2567-08"


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2567-03-05", date(2024, 3, 5)),
        ("2024-03-05", date(2024, 3, 5)),
        ("5/3/2567", date(2024, 3, 5)),
        ("05/03/2024", date(2024, 3, 5)),
        ("5 มี.ค. 67", date(2024, 3, 5)),
        ("๕ มีนาคม ๒๕๖๗", date(2024, 3, 5)),
        ("2024-03-05 00:00:00", date(2024, 3, 5)),
        ("2567-02-30", None),
        ("5 มีนา", None),
    ],
)
def test_days_in_either_era(typed, day):
    assert parse_day(typed) == day
