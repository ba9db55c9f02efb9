"""`complaintbot doctor` on a deployment hosting a thousand organisations: one summary line per
state and platform, every failing account named, quick without the network, each account in
detail on request, one organisation asked online against the fake LINE API, and no secret
ever printed. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import re

import pytest
from sqlmodel import Session

from bot.app import build_core
from bot.cli.main import main
from bot.config import Settings
from messages.cli import doctor_accounts as msg
from storage import crypto
from storage.hosting.account_models import ChatAccount
from storage.hosting.place_models import PlaceOrg
from storage.models import Organisation
from tests.fake_line import FakeLine, serving_in_thread

PUBLIC = "https://bot.phrae.go.th"
ORGS = 1000


@pytest.fixture
def hosted(monkeypatch, tmp_path, db_url):
    """1,000 organisations: most with a LINE account, some with Telegram, a few broken."""
    for name in [n for n in os.environ if n.startswith(("COMPLAINTBOT_", "LINE_", "TELEGRAM_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("COMPLAINTBOT_DATABASE_URL", db_url)
    monkeypatch.setenv("COMPLAINTBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COMPLAINTBOT_PUBLIC_URL", PUBLIC)
    core = build_core(Settings.from_env())
    with Session(core.db) as session, session.begin():
        orgs = [Organisation(slug=f"org-{n:04d}", name=f"อบต.ที่ {n}") for n in range(1, ORGS)]
        session.add_all(orgs)
        session.flush()
        for n, org in enumerate(orgs, 1):
            if n % 10:  # 9 in 10 have LINE
                secret = "" if n == 11 else f"line-secret-{n}"  # org-0011: no secret
                session.add(ChatAccount(key=f"line:{org.slug}", platform="line", org_id=org.id,
                                        secret=secret, token=f"LINE-TOKEN-{n}"))  # fmt: skip
            if n % 4 == 0:
                token = "not a token" if n == 8 else f"{n}00:TG-TOKEN-{n}"  # org-0008: pasted wrong
                session.add(ChatAccount(key=f"telegram:{org.slug}", platform="telegram",
                                        org_id=org.id, token=token))  # fmt: skip
            if n == 10:  # org-0010 reaches citizens through the shared account's map
                session.add(PlaceOrg(subdistrict_code="540101", org_id=org.id,
                                     subdistrict_th="ในเวียง", district_th="เมืองแพร่",
                                     province_th="แพร่"))  # fmt: skip
        session.add(ChatAccount(key="line:shared", platform="line", secret="s", token="SHARED-T"))
    with core.db.begin() as conn:  # org-0003's token was sealed under a key since lost
        lost = crypto.Keyring([os.urandom(32)]).seal(b"x", "account", "chat_account.token")
        conn.exec_driver_sql("UPDATE chat_account SET token = %s WHERE key = 'line:org-0003'"
                             .replace("%s", "?" if core.db.dialect.name == "sqlite" else "%s"),
                             (lost,))  # fmt: skip
    core.db.dispose()
    return tmp_path


def doctor(capsys, *args: str) -> str:
    main(["doctor", *args])
    out = capsys.readouterr().out
    assert not re.search(r"LINE-TOKEN-\d|line-secret-\d|TG-TOKEN|SHARED-T", out)
    return out


def test_a_thousand_organisations_accounts_are_summarised_per_state(hosted, capsys):
    out = doctor(capsys)
    # The default organisation and org-0001…0999: 900 LINE accounts, 249 Telegram.
    line = msg.SUMMARY.format(platform="LINE", ok=898, not_set=100, failing=2, orgs=ORGS)
    telegram = msg.SUMMARY.format(platform="Telegram", ok=248, not_set=751, failing=1, orgs=ORGS)
    assert line.th in out and line.en in out and telegram.th in out
    assert msg.SHARED_SUMMARY.format(platform="LINE", state=msg.STATE_OK).th in out
    for failing, why in (("org-0003", msg.SEALED_WRONG_KEY), ("org-0011", msg.EMPTY_SECRET),
                         ("org-0008", msg.BAD_TELEGRAM_TOKEN)):  # fmt: skip
        assert f"{failing} (" in out and why.th in out
    assert "org-0001 (" not in out  # a healthy account is only counted
    # No account at all: org-0010, -0030, -0050, … (50 of them), but org-0010 is on the
    # shared channel's map; and the default organisation.
    unreachable = re.search(r"(\d+) หน่วยงานไม่มีบัญชีของตัวเอง[^\n]*: [a-z-]+, org-0030, org-0050", out)
    assert unreachable and int(unreachable.group(1)) == 50 - 1 + 1
    seconds = float(re.search(r"ใช้เวลา ([\d.]+) วินาที", out).group(1))
    assert msg.CHECKED_OFFLINE.th.split(":")[0] in out and seconds < 5
    with capsys.disabled():
        print(f"\n{ORGS} organisations' accounts checked offline in {seconds:.2f} s")

    details = doctor(capsys, "--details")
    assert "org-0001 (อบต.ที่ 1) LINE: ตั้งแล้ว ใช้ได้" in details
    assert "org-0010 (อบต.ที่ 10) LINE: ยังไม่ตั้ง" in details


def test_one_organisation_is_asked_online(hosted, capsys, monkeypatch):
    fake = FakeLine(access_token="LINE-TOKEN-1")
    fake.webhook_endpoint, fake.webhook_active = f"{PUBLIC}/line/org-0001/webhook", True
    with serving_in_thread(fake.app()) as line_api:
        monkeypatch.setenv("LINE_API_HOST", line_api)
        out = doctor(capsys, "--org", "org-0001")
        assert "org-0001 (อบต.ที่ 1) LINE: ตั้งแล้ว ใช้ได้: บัญชี อบต.เขาทอง" in out
        assert "org-0001 (อบต.ที่ 1) Telegram: ยังไม่ตั้ง" in out
        assert msg.SUMMARY.format(platform="LINE", ok=1, not_set=0, failing=0, orgs=1).th in out
        assert msg.CHECKED_ONLINE.th.split(":")[0] in out
        assert msg.UNKNOWN_ORG.format(slug="nobody").th in doctor(capsys, "--org", "nobody")
        fake.webhook_endpoint = f"{PUBLIC}/line/webhook"  # set for another account
        out = doctor(capsys, "--org", "org-0001")
        assert "org-0001 (อบต.ที่ 1) LINE: มีปัญหา: webhook ชี้ไปที่" in out
    assert [c.path for c in fake.calls].count("/v2/bot/info") == 2  # only org-0001 was asked
