"""A small organisation's cases over FY 2567, with figures worked out by hand in the tests.

Complaints (times are Bangkok; "→" is a status change):
  C1  line      road      20 Feb 2024   → in_progress 25 Feb → completed 5 Mar   (rated 3, 6 Mar)
  C2  telegram  water      1 Mar        → in_progress 3 Mar  → completed 10 Mar  (rated 5, 12 Mar)
  C3  walk-in   road       5 Mar (recorded later with `case add`) → completed 20 Mar (`--at`)
                                                                                  (rated 4, 21 Mar)
  C4  line      waste     10 Mar        (no change)
  C5  phone     road      15 Mar        → in_progress 28 Mar → completed 5 Apr
  C6  line      road      20 Mar        → referred 22 Mar
  C7  letter    other     25 Mar        → closed 1 Apr
  C8  line      water     28 Mar        → completed 30 Mar (rated 5, 2 Apr); content deleted later
  C9  line      road      15 Jan        → in_progress 20 Jan
  C10 line      road       3 Apr        (no change)
  C11 email     nuisance  10 Feb        → completed 15 Feb → in_progress 12 Mar → completed 18 Mar
  C12 website   service    5 Nov 2023   → completed 10 Nov
Tips:
  T1  line      bribe      2 Mar        → in_progress 4 Mar  → completed 25 Mar
  T2  walk-in   procurement 28 Feb (recorded later with `case add`) → in_progress 20 Mar (`--at`)
  T3  line      abuse     29 Mar        (no change)
  T4  damrongdhamma procurement 10 Mar  → closed 11 Mar
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from bot.cli import main as cli
from handlers.cases.lifecycle import Status, Stream, change_status, file_complaint, file_tip
from storage.stats.events import record_rating

BKK = ZoneInfo("Asia/Bangkok")
CODE = re.compile(r"\d{4}-\d{4}-\d{4}-\d{4}")


def on(month: int, day: int, year: int = 2024) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=BKK)


def run_cli(capsys, *args: str) -> str:
    assert cli.main(list(args)) == 0
    return capsys.readouterr().out


def build(engine, org_id: int, capsys) -> None:
    """File every case of the module docstring; C3 and T2 go through the command line."""
    complaints = {
        "C1": ("line", "road", on(2, 20), [("in_progress", on(2, 25)), ("completed", on(3, 5))]),
        "C2": ("telegram", "water", on(3, 1), [("in_progress", on(3, 3)),
                                               ("completed", on(3, 10))]),
        "C4": ("line", "waste", on(3, 10), []),
        "C5": ("phone", "road", on(3, 15), [("in_progress", on(3, 28)), ("completed", on(4, 5))]),
        "C6": ("line", "road", on(3, 20), [("referred", on(3, 22))]),
        "C7": ("letter", "other", on(3, 25), [("closed", on(4, 1))]),
        "C8": ("line", "water", on(3, 28), [("completed", on(3, 30))]),
        "C9": ("line", "road", on(1, 15), [("in_progress", on(1, 20))]),
        "C10": ("line", "road", on(4, 3), []),
        "C11": ("email", "nuisance", on(2, 10), [("completed", on(2, 15)),
                                                 ("in_progress", on(3, 12)),
                                                 ("completed", on(3, 18))]),
        "C12": ("website", "service", on(11, 5, 2023), [("completed", on(11, 10, 2023))]),
    }  # fmt: skip
    tips = {
        "T1": ("line", "bribe", on(3, 2), [("in_progress", on(3, 4)), ("completed", on(3, 25))]),
        "T3": ("line", "abuse", on(3, 29), []),
        "T4": ("damrongdhamma", "procurement", on(3, 10), [("closed", on(3, 11))]),
    }
    ids: dict[str, int] = {}
    with Session(engine) as session, session.begin():
        for name, (channel, category, received, changes) in complaints.items():
            case = file_complaint(
                session, org_id=org_id, now=received, category=category,
                description=f"เรื่อง {name}", channel=channel, chat_id=f"chat-{name}",
                user_id="u", evidence=[], location=None, name="", phone="",
            )  # fmt: skip
            ids[name] = case.id
            for status, when in changes:
                change_status(session, org_id=org_id, code=case.code, status=Status(status),
                              actor="staff", now=when)  # fmt: skip
        for name, (channel, category, received, changes) in tips.items():
            _tip, tip_code = file_tip(
                session, org_id=org_id, now=received, category=category, conduct=f"เบาะแส {name}",
                accused="", when_where="", evidence=[], informant_name="", informant_contact="",
                channel=channel,
            )  # fmt: skip
            for status, when in changes:
                change_status(session, org_id=org_id, code=tip_code, status=Status(status),
                              actor="staff", now=when)  # fmt: skip
        for name, score, when in (("C1", 3, on(3, 6)), ("C2", 5, on(3, 12)), ("C8", 5, on(4, 2))):
            record_rating(session, org_id=org_id, stream=Stream.COMPLAINT, case_id=ids[name],
                          score=score, at=when)  # fmt: skip

    # Walk-in cases, recorded by an officer long after they happened, in either era.
    out = run_cli(capsys, "case", "add", "--stream", "complaint", "--channel", "walk-in",
                  "--received", "2567-03-05", "--category", "road", "--text", "ไฟดับ")  # fmt: skip
    c3 = CODE.search(out)
    assert c3, out
    run_cli(capsys, "case", "status", c3[0], "completed", "--at", "๒๐/๓/๒๕๖๗")
    out = run_cli(capsys, "case", "add", "--stream", "tip", "--channel", "walk-in",
                  "--received", "2024-02-28", "--category", "จัดซื้อจัดจ้าง",
                  "--text", "ฮั้วประมูลถนน")  # fmt: skip
    assert CODE.search(out), out  # the informant's code, shown this once
    t2 = re.search(r"ทจ-\d{4}-\d{4}", out)  # staff work on the tip by its reference
    assert t2, out
    run_cli(capsys, "case", "status", t2[0], "in_progress", "--at", "20 มี.ค. 2567")

    with Session(engine) as session, session.begin():
        c3_id = session.execute(
            sa.text("select id from complaint where code = :c"), {"c": c3[0].replace("-", "")}
        ).scalar_one()
        record_rating(session, org_id=org_id, stream=Stream.COMPLAINT, case_id=c3_id, score=4,
                      at=on(3, 21))  # fmt: skip

    # Retention: C8's content is deleted; its statistics must stay.
    with engine.begin() as conn:
        for table in ("complaint_status_change", "complaint_file"):
            conn.execute(
                sa.text(f"delete from {table} where complaint_id = :id"), {"id": ids["C8"]}
            )
        conn.execute(sa.text("delete from complaint where id = :id"), {"id": ids["C8"]})
