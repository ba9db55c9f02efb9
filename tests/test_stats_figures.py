"""Statistics as of a period's end, from the content-free record: every JSON number checked.

The cases are those of tests/stats_fixture.py; each expected figure below was worked out by
hand from its table (status changes after the month's end, back-dated walk-in records, a
deleted case, each kind of period, both eras of dates).
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from tests import stats_fixture

COMPLAINT_CATEGORIES = ("road", "water", "waste", "nuisance", "service", "other")
TIP_CATEGORIES = ("bribe", "procurement", "abuse", "assets", "personnel", "other")
CHANNELS = ("line", "telegram", "walk-in", "phone", "letter", "website", "email",
            "damrongdhamma", "other")  # fmt: skip


def stream(
    received, at_end, completed, open_, answered, median, categories, channels, rating=None,
    *, tip=False,
):  # fmt: skip
    keys = TIP_CATEGORIES if tip else COMPLAINT_CATEGORIES
    out = {
        "received": received,
        "status_at_end": dict(
            zip(("received", "in_progress", "completed", "referred", "closed"), at_end, strict=True)
        ),
        "completed_in_period": completed,
        "open_at_end": open_,
        "answered_within_deadline": answered,
        "median_days_to_completion": median,
        "by_category": {k: categories.get(k, 0) for k in keys},
        "by_channel": {k: channels.get(k, 0) for k in CHANNELS},
    }
    if not tip:
        count, mean, dist = rating or (0, None, {})
        distribution = {str(s): dist.get(s, 0) for s in range(1, 6)}
        out["rating"] = {"count": count, "mean": mean, "distribution": distribution}
    return out


MARCH = {
    "complaints": stream(
        7, (2, 1, 3, 1, 0), 5, 4, 5, 14.0,
        {"road": 3, "water": 2, "waste": 1, "other": 1},
        {"line": 3, "telegram": 1, "walk-in": 1, "phone": 1, "letter": 1},
        (3, 4.0, {3: 1, 4: 1, 5: 1}),
    ),
    "tips": stream(
        3, (1, 0, 1, 0, 1), 1, 2, 2, 23.0,
        {"bribe": 1, "procurement": 1, "abuse": 1}, {"line": 2, "damrongdhamma": 1}, tip=True,
    ),
}  # fmt: skip
OCT_TO_MARCH = {
    "complaints": stream(
        11, (2, 2, 6, 1, 0), 6, 4, 9, 7.0,
        {"road": 5, "water": 2, "waste": 1, "nuisance": 1, "service": 1, "other": 1},
        {"line": 5, "telegram": 1, "walk-in": 1, "phone": 1, "letter": 1, "website": 1,
         "email": 1},
        (3, 4.0, {3: 1, 4: 1, 5: 1}),
    ),
    "tips": stream(
        4, (1, 1, 1, 0, 1), 1, 2, 2, 23.0,
        {"bribe": 1, "procurement": 2, "abuse": 1},
        {"line": 2, "walk-in": 1, "damrongdhamma": 1}, tip=True,
    ),
}  # fmt: skip
JAN_TO_MARCH = {
    "complaints": stream(
        10, (2, 2, 5, 1, 0), 5, 4, 8, 9.0,
        {"road": 5, "water": 2, "waste": 1, "nuisance": 1, "other": 1},
        {"line": 5, "telegram": 1, "walk-in": 1, "phone": 1, "letter": 1, "email": 1},
        (3, 4.0, {3: 1, 4: 1, 5: 1}),
    ),
    "tips": OCT_TO_MARCH["tips"],
}  # fmt: skip
FISCAL_YEAR = {
    "complaints": stream(
        12, (2, 1, 7, 1, 1), 7, 3, 10, 9.0,
        {"road": 6, "water": 2, "waste": 1, "nuisance": 1, "service": 1, "other": 1},
        {"line": 6, "telegram": 1, "walk-in": 1, "phone": 1, "letter": 1, "website": 1,
         "email": 1},
        (4, 4.25, {3: 1, 4: 1, 5: 2}),
    ),
    "tips": OCT_TO_MARCH["tips"],
}  # fmt: skip
APRIL = {
    "complaints": stream(
        1, (1, 0, 0, 0, 0), 1, 3, 0, 21.0, {"road": 1}, {"line": 1}, (1, 5.0, {5: 1})
    ),
    "tips": stream(0, (0, 0, 0, 0, 0), 0, 2, 0, None, {}, {}, tip=True),
}  # fmt: skip

CASES = [
    ("2567-03", "มีนาคม 2567", "2024-03-01", "2024-03-31", MARCH, OCT_TO_MARCH),
    ("มีนาคม 67", "มีนาคม 2567", "2024-03-01", "2024-03-31", MARCH, OCT_TO_MARCH),
    ("2024-04", "เมษายน 2567", "2024-04-01", "2024-04-30", APRIL, FISCAL_YEAR),
    ("2567-Q2", "ไตรมาสที่ 2 ปีงบประมาณ 2567", "2024-01-01", "2024-03-31", JAN_TO_MARCH,
     OCT_TO_MARCH),
    ("2567-H1", "รอบ 6 เดือนแรก ปีงบประมาณ 2567", "2023-10-01", "2024-03-31", OCT_TO_MARCH,
     OCT_TO_MARCH),
    ("2567", "ปีงบประมาณ 2567", "2023-10-01", "2024-09-30", FISCAL_YEAR, FISCAL_YEAR),
    ("2024", "ปีงบประมาณ 2567", "2023-10-01", "2024-09-30", FISCAL_YEAR, FISCAL_YEAR),
]  # fmt: skip


@pytest.fixture
def khaothong(make_core, db_url, tmp_path, monkeypatch, capsys):
    """The fixture's cases in the sample organisation; the CLI talks to the same database."""
    monkeypatch.setenv("COMPLAINTBOT_DATABASE_URL", db_url)
    monkeypatch.setenv("COMPLAINTBOT_DATA_DIR", str(tmp_path / "data"))
    core = make_core()
    stats_fixture.build(core.db, core.org_id, capsys)
    return core


def test_every_figure_of_every_period_kind_in_both_eras(khaothong, capsys):
    for typed, label, start, end, figures, year_to_date in CASES:
        out = stats_fixture.run_cli(capsys, "stats", "--period", typed, "--format", "json")
        assert json.loads(out) == {
            "org": "khaothong",
            "period": {"label": label, "start": start, "end": end},
            **figures,
            "fiscal_year_to_date": year_to_date,
        }, typed


def test_deleting_content_leaves_the_statistics_unchanged(khaothong, capsys):
    with khaothong.db.connect() as conn:
        assert conn.execute(sa.text("select count(*) from complaint")).scalar_one() == 11
    before = stats_fixture.run_cli(capsys, "stats", "--period", "2567-03", "--format", "json")
    with khaothong.db.begin() as conn:  # every remaining complaint's content goes too
        conn.execute(sa.text("delete from complaint_status_change"))
        conn.execute(sa.text("delete from complaint"))
    after = stats_fixture.run_cli(capsys, "stats", "--period", "2567-03", "--format", "json")
    assert json.loads(after) == json.loads(before)


def test_the_statistics_record_holds_no_content_and_no_chat(khaothong):
    with khaothong.db.connect() as conn:
        columns = {
            table: [c["name"] for c in sa.inspect(conn).get_columns(table)]
            for table in ("stats_case", "stats_status", "stats_rating")
        }
        rows = conn.execute(sa.text("select * from stats_case")).all()
    flat = " ".join(" ".join(cols) for cols in columns.values())
    for word in ("chat", "user", "text", "description", "conduct", "name", "phone", "code"):
        assert word not in flat
    assert not any("chat-" in str(value) for row in rows for value in row)


def test_a_change_recorded_out_of_order_splits_the_history_where_it_belongs(engine):
    from sqlmodel import Session, select

    from handlers.cases.lifecycle import Status, change_status, file_complaint
    from storage import orgs
    from storage.stats.models import StatsCase, StatsStatus

    on = stats_fixture.on
    with Session(engine) as session, session.begin():
        org = orgs.ensure(session, slug="x", name="x")
        case = file_complaint(
            session, org_id=org.id, now=on(3, 1), category="road", description="d",
            channel="letter", chat_id="", user_id="", evidence=[], location=None, name="",
            phone="",
        )  # fmt: skip
        change_status(session, org_id=org.id, code=case.code, status=Status.COMPLETED,
                      actor="a", now=on(3, 10))  # fmt: skip
        change_status(session, org_id=org.id, code=case.code, status=Status.IN_PROGRESS,
                      actor="a", now=on(3, 5))  # fmt: skip
    with Session(engine) as session:
        rows = session.exec(select(StatsStatus).order_by(StatsStatus.at)).all()
        record = session.exec(select(StatsCase)).one()
        history = [(r.status, r.previous, r.at.day if r.at else None, r.days) for r in rows]
        untils = [r.until.year if r.until.year > 3000 else r.until.day for r in rows]
    assert history == [("received", "", 1, 0), ("in_progress", "received", 5, 4),
                       ("completed", "in_progress", 10, 9)]  # fmt: skip
    assert untils == [5, 10, 9999]
    assert record.answer_days == 4
