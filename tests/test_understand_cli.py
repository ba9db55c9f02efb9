"""`complaintbot understand`: staff see how the bot reads a text, as JSON or in Thai."""

from __future__ import annotations

import json

from sqlmodel import Session

from bot.cli.main import main
from messages.understand import replies as msg
from storage.plan.samples import load_sample_plans


def test_json_is_exactly_intent_category_and_confidence(capsys):
    assert main(["understand", "ปลัดเรียกเงินค่าออกใบอนุญาต", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert list(printed) == ["intent", "category", "confidence"]
    assert printed["intent"] == "tip" and printed["category"] == "bribe"
    assert 0.0 <= printed["confidence"] <= 1.0

    assert main(["understand", "สวัสดีครับ", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["category"] is None


def test_plain_output_names_the_intent_and_category_in_thai(capsys):
    assert main(["understand", "ไฟถนนหน้าวัดดับ มืดมาก"]) == 0
    out = capsys.readouterr().out
    assert msg.INTENT_LABELS["complaint"] in out and "(road)" in out


def test_with_an_organisation_its_plan_items_are_recognised(engine, db_url, monkeypatch, capsys):
    with Session(engine) as session, session.begin():
        load_sample_plans(session)
    monkeypatch.setenv("COMPLAINTBOT_DATABASE_URL", db_url)
    question = "ประมวลจริยะธรรมของเทศบาล"  # an item's title, misspelled, with no question word
    assert main(["understand", question, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["intent"] == "other"
    assert main(["understand", question, "--json", "--org", "khokphutsa"]) == 0
    assert json.loads(capsys.readouterr().out)["intent"] == "plan"
    assert main(["understand", question, "--org", "nowhere"]) == 2
    assert msg.CLI_UNKNOWN_ORG.format(slug="nowhere") in capsys.readouterr().err
