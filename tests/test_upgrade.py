"""`complaintbot db upgrade` brings a database of the first release to today's schema.

A deployment that ran the first release (revision 0002_plans) has complaints with their
history and files, tips with readable codes, and a citizen half-way through a complaint.
After the upgrade every case answers its code, the tip's code is only a hash, the statistics
count the old cases, staff can work the old complaint, and the half-written complaint resumes
where it was and is filed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import command
from sqlmodel import Session, select

from bot.app import build_core
from bot.cli import main as cli
from bot.config import Settings
from handlers.cases.codes import pretty
from messages import common
from messages.citizen import complaint, tracking
from storage.db import alembic_config
from storage.files import FileStore
from storage.models import Complaint, Tip
from storage.schema import current_revisions, head_revisions
from storage.stats.models import StatsCase
from tests.test_migration_protect import _insert, old_engine  # noqa: F401 (a fixture)
from tests.transcript import Chat, code_in

COMPLAINT_CODE = "1234567890123455"
TIP_CODE = "4921706583021345"
DRAFT = "ไฟถนนดับทั้งซอยมาหนึ่งสัปดาห์แล้ว เด็กเดินกลับบ้านมืดมาก"


def _first_release_rows(engine, files: FileStore) -> None:
    at = datetime.now(UTC) - timedelta(days=3)
    photo = "0f" * 16 + ".jpg"  # the first release stored files as they came
    files.path(photo).parent.mkdir(parents=True)
    files.path(photo).write_bytes(b"\xff\xd8\xff\xe0 an old photo, stored plain")
    with engine.begin() as conn:
        # Ids come from the database, as they did (PostgreSQL's sequences must move on).
        conn.execute(sa.text("insert into organisation (slug, name, phone, website, address)"
                             " values ('khaothong', 'อบต.เขาทอง', '', '', '')"))  # fmt: skip
        org = conn.execute(sa.text("select id from organisation")).scalar_one()
        _insert(conn, "complaint", org_id=org, code=COMPLAINT_CODE, category="road",
                description="ถนนหน้าวัดเป็นหลุมลึก", latitude=8.0863, longitude=98.9063,
                location_title="", complainant_name="สมชาย", complainant_phone="0812345678",
                channel="line", chat_id="U" + "a" * 32, user_id="U" + "a" * 32,
                status="in_progress", received_at=at, due_on=(at + timedelta(days=15)).date(),
                updated_at=at)  # fmt: skip
        case = conn.execute(sa.text("select id from complaint")).scalar_one()
        for n, (status, note) in enumerate((("received", ""), ("in_progress", "ส่งช่างแล้ว"))):
            _insert(conn, "complaint_status_change", org_id=org, complaint_id=case,
                    status=status, at=at + timedelta(hours=n), actor="staff",
                    public_note=note, internal_note="")  # fmt: skip
        _insert(conn, "complaint_file", org_id=org, complaint_id=case, kind="photo", key=photo,
                mime="image/jpeg", size=40, name="hole.jpg")  # fmt: skip
        _insert(conn, "tip", org_id=org, code=TIP_CODE, category="bribe",
                conduct="เจ้าหน้าที่เรียกเงินค่าใบอนุญาต", accused="", when_where="",
                informant_name="", informant_contact="", status="received", received_at=at,
                due_on=(at + timedelta(days=15)).date(), updated_at=at)  # fmt: skip
        tip = conn.execute(sa.text("select id from tip")).scalar_one()
        _insert(conn, "tip_status_change", org_id=org, tip_id=tip, status="received", at=at,
                actor="system", public_note="", internal_note="")  # fmt: skip
        _insert(conn, "conversation", org_id=org, channel="console", chat_id="half-way",
                flow="complaint", step="evidence", data={"category": "road", "description": DRAFT},
                version=2, updated_at=datetime.now(UTC))  # fmt: skip


async def test_a_first_release_database_upgrades_with_its_data(old_engine, tmp_path, monkeypatch):  # noqa: F811
    url = old_engine.url.render_as_string(hide_password=False)
    files = FileStore(tmp_path / "data" / "files")
    command.upgrade(alembic_config(old_engine), "0002_plans")
    _first_release_rows(old_engine, files)

    monkeypatch.setenv("COMPLAINTBOT_DATABASE_URL", url)
    monkeypatch.setenv("COMPLAINTBOT_DATA_DIR", str(tmp_path / "data"))
    assert cli.main(["db", "upgrade"]) == 0
    with old_engine.connect() as conn:
        assert current_revisions(conn) == head_revisions()

    core = build_core(Settings.from_env())
    try:
        with Session(core.db) as session:
            tip = session.exec(select(Tip)).one()
            assert TIP_CODE not in str(tip.code_hash), "an old tip's code is kept only hashed"
            assert session.exec(select(Complaint)).one().code == COMPLAINT_CODE
            streams = sorted(row.stream for row in session.exec(select(StatsCase)))
            assert streams == ["complaint", "tip"], "old cases count in the statistics"

        citizen = Chat(core, chat_id="someone", user_id="someone")
        out = await citizen.say(pretty(COMPLAINT_CODE))
        assert tracking.STATUS_LABELS["in_progress"] in out and "ส่งช่างแล้ว" in out
        out = await citizen.say(pretty(TIP_CODE))
        assert tracking.STATUS_LABELS["received"] in out

        # The citizen who was half-way comes back: the same question, the same draft.
        resumed = Chat(core, chat_id="half-way", user_id="half-way")
        out = await resumed.open()
        assert complaint.ASK_EVIDENCE in out
        await resumed.press(common.BUTTON_SKIP)  # no photo to add
        await resumed.press(complaint.BUTTON_NO_CONTACT)
        out = await resumed.press(common.BUTTON_CONFIRM)
        filed = code_in(out)
        with Session(core.db) as session:
            row = session.exec(select(Complaint).where(Complaint.code == filed)).one()
            assert row.description == DRAFT and row.category == "road"
        # Staff work the old complaint from the server; its photo, stored plain, still opens.
        assert cli.main(["case", "show", COMPLAINT_CODE]) == 0
        with core.db.connect() as conn:
            key = conn.execute(sa.text("select key from complaint_file")).scalar_one()
        assert files.read(key).startswith(b"\xff\xd8")
    finally:
        core.db.dispose()
