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


def test_evaluate_reports_per_set_and_class_and_the_costly_confusions(
    engine, db_url, monkeypatch, capsys, tmp_path
):
    with Session(engine) as session, session.begin():
        load_sample_plans(session)
    monkeypatch.setenv("COMPLAINTBOT_DATABASE_URL", db_url)
    labelled = tmp_path / "set.csv"
    labelled.write_text(
        "text,intent,category,set,class,org\n"
        "ไฟถนนหน้าวัดดับ มืดมาก,complaint,road,held_out,general,\n"
        "นายกเอารถกระบะของอบตไปขนของย้ายบ้านลูกสาว,tip,assets,held_out,wrongdoing,\n"
        "มิติสังคมที่ไม่ทนต่อการทุจริตมีกี่โครงการ,plan,,tuned,plan_name,satengnok\n"
        "ราคาทองวันนี้เท่าไหร่,tip,other,tuned,general,\n",  # mislabelled on purpose
        encoding="utf-8",
    )
    assert main(["understand", "--evaluate", str(labelled)]) == 0
    out = capsys.readouterr().out
    assert msg.eval_line("held_out", 2, 2, 2, 2) in out
    assert msg.eval_line("plan_name", 1, 1, 0, 0) in out
    assert msg.eval_costly(1, 0, 0) in out  # the "tip" read as nothing is counted as costly
    assert "miss [tuned/general] ราคาทองวันนี้เท่าไหร่" in out
    assert main(["understand", "--evaluate", str(labelled), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["costly"] == {"tip_as_plan_or_other": 1, "plan_starts_tip": 0}
    assert [r["got"]["intent"] for r in printed["readings"]] == [
        "complaint",
        "tip",
        "plan",
        "other",
    ]
    assert main(["understand"]) == 2  # neither a text nor a set
