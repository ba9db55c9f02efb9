"""`complaintbot org …`: organisations and their accounts from the command line; secrets never
printed; mistakes answered in Thai with nothing changed; the hosting guide's commands all exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from sqlmodel import Session

from bot.cli.main import build_parser, main
from messages import org_rules as rules_msg
from messages.cli import org as msg
from storage import org_settings, orgs
from storage.db import make_engine
from storage.hosting import accounts

HOSTING_GUIDE = Path(__file__).resolve().parent.parent / "docs" / "hosting.md"


@pytest.fixture
def env(monkeypatch, tmp_path, db_url):
    monkeypatch.setenv("COMPLAINTBOT_DATABASE_URL", db_url)
    monkeypatch.setenv("COMPLAINTBOT_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def secret_file(tmp: Path, name: str, text: str) -> str:
    path = tmp / name
    path.write_text(text + "\n")
    return str(path)


def test_an_organisation_is_added_set_shown_and_its_secrets_never_printed(env, capsys, db_url):
    assert main(["org", "add", "namcham", "--name", "อบต.น้ำชำ", "--phone", "054000000"]) == 0
    assert main(["org", "set", "namcham", "deadline-days", "20"]) == 0
    assert main(["org", "set", "namcham", "units", "สำนักปลัด, กองช่าง"]) == 0
    assert main(["org", "set-line", "namcham", "--secret-file", secret_file(env, "s", "LSECRET"),
                 "--token-file", secret_file(env, "t", "LTOKEN")]) == 0  # fmt: skip
    assert main(["org", "set-telegram", "--shared", "--token-file",
                 secret_file(env, "tg", "1:TGTOKEN")]) == 0  # fmt: skip
    assert main(["org", "list"]) == 0
    assert main(["org", "show", "namcham"]) == 0
    out = capsys.readouterr().out
    assert "อบต.น้ำชำ" in out and "20" in out and "กองช่าง" in out
    assert msg.SET in out and "/line/namcham/webhook" in out
    assert not any(s in out for s in ("LSECRET", "LTOKEN", "TGTOKEN"))

    engine = make_engine(db_url)
    with Session(engine) as session:
        org = orgs.by_slug(session, "namcham")
        assert org_settings.get(session, org.id).deadline_days == 20
        line = accounts.get(session, "line", "namcham")
        assert (line.secret, line.token, line.org_id) == ("LSECRET", "LTOKEN", org.id)
        shared = accounts.get(session, "telegram", "shared")
        assert shared.org_id is None and shared.webhook_secret  # its own webhook secret
    with engine.connect() as raw:  # sealed at rest
        stored = raw.exec_driver_sql("SELECT secret, token FROM chat_account").all()
    assert not any(b"LSECRET" in bytes(s) or b"LTOKEN" in bytes(t) for s, t in stored)
    engine.dispose()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["org", "add", "shared", "--name", "x"], "shared"),
        (["org", "add", "Bad Slug", "--name", "x"], "Bad Slug"),
        (["org", "set", "namcham", "deadline-days", "0"], rules_msg.WHY_DAYS),
        (["org", "set", "namcham", "reminder-time", "8 โมง"], rules_msg.WHY_TIME),
        (["org", "set", "namcham", "colour", "red"], "colour"),
        (["org", "show", "nobody"], "nobody"),
        (["org", "set-telegram", "--token-file", "/nonexistent"], msg.SLUG_OR_SHARED),
        (["org", "set-telegram", "namcham", "--token-file", "/nonexistent"], "/nonexistent"),
    ],
)
def test_mistakes_are_refused_in_thai_and_change_nothing(env, capsys, args, says):
    assert main(["org", "add", "namcham", "--name", "อบต.น้ำชำ"]) == 0
    capsys.readouterr()
    assert main(args) == 2
    assert says in capsys.readouterr().err
    assert main(["org", "show", "namcham"]) == 0
    out = capsys.readouterr().out
    assert "15" in out and msg.SET not in out  # the seed deadline; no account


def test_the_same_slug_cannot_be_added_twice(env, capsys):
    assert main(["org", "add", "namcham", "--name", "อบต.น้ำชำ"]) == 0
    assert main(["org", "add", "namcham", "--name", "อื่น"]) == 2
    assert msg.EXISTS.format(slug="namcham") in capsys.readouterr().err


def test_every_command_of_the_hosting_guide_setup_section_exists():
    text = HOSTING_GUIDE.read_text(encoding="utf-8")
    section = text.split("## Setting it up, in order", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1).replace("\\\n", " ")
    commands = [line for line in block.splitlines() if line.startswith("complaintbot ")]
    assert len(commands) >= 15
    parser = build_parser()
    for line in commands:
        args = shlex.split(line.split("#", 1)[0])[1:]
        parser.parse_args(args)  # exits (fails the test) on an unknown command or option
