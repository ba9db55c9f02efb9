"""Backups of a running bot: citizens keep filing complaints with photos over LINE and staff
keep updating them while `backup` runs; the archive is restored elsewhere and every case,
status change and file is compared. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import os
import random
import subprocess
import tarfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from bot.app import build_core
from bot.cli.main import main
from bot.config import Settings
from handlers.cases.lifecycle import Status, change_status, file_tip, find_case
from messages.cli.backup import ERRORS
from storage import crypto
from storage.backup import create as backup
from storage.backup import pg_tools, restore
from storage.backup.archive import PG_MEMBER, SQLITE_MEMBER, BackupError, read_manifest
from storage.blobs.database import DatabaseBlobs
from storage.db import make_engine
from storage.files import FileStore
from storage.models import (
    Complaint,
    ComplaintFile,
    ComplaintStatusChange,
    Tip,
    TipStatusChange,
)
from storage.schema import head_revisions
from storage.timeutil import utcnow
from tests.conftest import POSTGRES_URL, TEST_SECRET
from tests.ops_harness import file_complaint, watched_bot
from tests.transcript import Chat
from tests.waiting import eventually, eventually_sync

PHOTO = b"\xff\xd8\xff\xe0" + b"pothole " * 600
TIP_TEXT = "เจ้าหน้าที่เรียกรับเงินใต้โต๊ะในการออกใบอนุญาต"


@pytest.fixture
def elsewhere(db_url, tmp_path) -> Iterator[tuple[str, Path]]:
    """An empty place to restore into: a new SQLite file, or a new PostgreSQL database."""
    files = tmp_path / "restored" / "files"
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'complaintbot.db'}", files
        return
    name = f"restore_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(
        make_url(POSTGRES_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'create database "{name}"'))
    # The dump keeps its schema's name (the test's own schema): look there, as the source does.
    schema_option = make_url(db_url).query["options"]
    url = make_url(POSTGRES_URL).set(database=name).update_query_dict({"options": schema_option})
    try:
        yield url.render_as_string(hide_password=False), files
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'drop database "{name}" with (force)'))
        admin.dispose()


def rows(url: str) -> dict[str, list[tuple]]:
    """Every case, status change and evidence row, as comparable tuples."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return {
                "complaint": [
                    (c.id, c.code, c.category, c.description, c.status, c.channel, c.chat_id)
                    for c in session.exec(select(Complaint).order_by(Complaint.id))
                ],
                "complaint_change": [
                    (c.id, c.complaint_id, c.status, c.public_note, c.internal_note, c.actor)
                    for c in session.exec(
                        select(ComplaintStatusChange).order_by(ComplaintStatusChange.id)
                    )
                ],
                "complaint_file": [
                    (f.id, f.complaint_id, f.key, f.size, f.mime)
                    for f in session.exec(select(ComplaintFile).order_by(ComplaintFile.id))
                ],
                "tip": [
                    (t.id, t.code_hash, t.conduct, t.status)
                    for t in session.exec(select(Tip).order_by(Tip.id))
                ],
                "tip_change": [
                    (c.id, c.tip_id, c.status, c.public_note)
                    for c in session.exec(select(TipStatusChange).order_by(TipStatusChange.id))
                ],
            }
    finally:
        engine.dispose()


@pytest.mark.long
async def test_a_backup_under_load_restores_every_case_change_and_file(db_url, tmp_path, elsewhere):
    target_url, target_files = elsewhere
    async with watched_bot(db_url, tmp_path) as bot:
        core = bot.line.core
        # On PostgreSQL the bot keeps its files in the database; these are older ones, still
        # on disk (as before `files migrate`): the archive carries both kinds.
        store = FileStore(core.settings.files_dir)
        # Before: complaints through LINE, a tip, and enough stored files to make copying last.
        before = [await file_complaint(bot.line.user(), f"ถนนชำรุดจุดที่ {i} รถตกหลุม", PHOTO)
                  for i in range(4)]  # fmt: skip
        with Session(core.db) as session, session.begin():
            _tip, tip_code = file_tip(
                session, org_id=core.org_id, now=utcnow(), category="bribe", conduct=TIP_TEXT,
                accused="", when_where="", evidence=[], informant_name="", informant_contact="",
            )  # fmt: skip
        for _ in range(300):
            store.save(os.urandom(8 * 1024), suffix="jpg")
        stop = asyncio.Event()
        filed_during: list[str] = []

        async def citizens() -> None:
            n = 0
            while not stop.is_set():
                n += 1
                filed_during.append(
                    await file_complaint(bot.line.user(), f"น้ำประปาไม่ไหลรายที่ {n}", PHOTO)
                )

        async def staff() -> None:
            while not stop.is_set():
                codes = [c.replace("-", "") for c in before + filed_during]
                with Session(core.db) as session, session.begin():
                    change_status(
                        session, org_id=core.org_id, code=random.choice(codes),
                        status=Status.IN_PROGRESS, actor="staff", now=utcnow(),
                        public_note="ส่งช่างแล้ว", internal_note="ทีม ข",
                    )  # fmt: skip
                await asyncio.sleep(0.01)

        load = [asyncio.create_task(citizens()) for _ in range(3)]
        load.append(asyncio.create_task(staff()))
        await eventually(lambda: len(filed_during) >= 3, what="complaints filed under load")
        handled_before = len(filed_during)
        labels = {"channel": "line", "kind": "message"}

        def events() -> float:
            return bot.metrics.registry.get_sample_value(
                "complaintbot_events_received_total", labels
            )

        events_before = events()

        def slow_disk(stage: str, done: int, total: int) -> None:
            if stage != "files":
                return
            if done == total // 2:
                # Halfway through the files, the backup goes on only once the bot has taken
                # ten events since it began: it fails here if the backup holds the bot up.
                eventually_sync(
                    lambda: events() - events_before >= 10,
                    what="the bot takes events while the backup runs",
                )
            time.sleep(0.003)  # a slow disk: the bot keeps taking events meanwhile

        archive = tmp_path / "backups" / "complaintbot.tar"
        manifest = await asyncio.to_thread(
            backup.create, db_url, core.settings.files_dir, archive, progress=slow_disk
        )
        events_during = events() - events_before
        print(
            "load", handled_before, events_during, manifest.tables["complaint"], len(filed_during)
        )
        await asyncio.sleep(0.2)  # a little load after the backup too (nothing waits on it)
        stop.set()
        await asyncio.gather(*load)
        source = rows(db_url)
        source_stored = {key: core.files.stored(key) for key in core.files.stored_keys()}
        source_stored |= {key: store.stored(key) for key in store.stored_keys()}
        in_database = core.files.kind == "database"
        key_file = core.settings.secret_key_file

    assert events_during >= 10, "the bot took events while the backup ran"
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert not any("secret" in n or n.endswith(".key") for n in names)

    restored = restore.restore(archive, target_url, target_files)
    copy = rows(target_url)

    # The copy is one moment: counts match the manifest, and every restored row is the
    # source's row (statuses may have moved on since; history only grows).
    assert {t: len(r) for t, r in copy.items()}["complaint"] == manifest.tables["complaint"]
    assert manifest.tables["complaint_status_change"] == len(copy["complaint_change"])
    for table in ("complaint_change", "complaint_file", "tip", "tip_change"):
        assert set(copy[table]) <= set(source[table]), table
    source_cases = {c[1]: c for c in source["complaint"]}
    for case in copy["complaint"]:
        assert source_cases[case[1]][:4] == case[:4]
        history = [c for c in copy["complaint_change"] if c[1] == case[0]]
        assert history[-1][2] == case[4], "a case's status is its last change in the copy"
    codes = {c[1] for c in copy["complaint"]}
    assert {c.replace("-", "") for c in before} <= codes
    assert len(codes) >= len(before) + handled_before
    assert len(copy["complaint_file"]) == len(copy["complaint"])
    assert manifest.missing_files == 0
    on_disk = list(FileStore(target_files).stored_keys())
    photos = len(copy["complaint_file"])
    if in_database:  # the photos came back inside the database, the older files on disk
        assert manifest.files_in_database >= photos and len(on_disk) == 300
    else:
        assert manifest.files_in_database == 0 and len(on_disk) >= 300 + photos
    for key in on_disk:
        assert FileStore(target_files).stored(key) == source_stored[key]
    assert restored.manifest.schema == manifest.schema

    # The restored deployment answers a look-up for every case, with the same key.
    settings = Settings.from_env(
        {
            "COMPLAINTBOT_DATABASE_URL": target_url,
            "COMPLAINTBOT_DATA_DIR": str(target_files.parent),
            "COMPLAINTBOT_FILES_DIR": str(target_files),
            "COMPLAINTBOT_SECRET_KEY_FILE": str(key_file),
        }
    )
    restored_core = build_core(settings)
    try:
        # Every file a restored row names is there, byte for byte, and opens whole.
        for _id, _case, key, size, _mime in copy["complaint_file"]:
            assert restored_core.files.stored(key) == source_stored[key]
            assert len(restored_core.files.read(key)) == size
        with Session(restored_core.db) as session:
            for code in [*codes, tip_code]:
                view = find_case(session, restored_core.org_id, code)
                assert view is not None, code
        chat = Chat(restored_core)
        await chat.open()
        answer = await chat.say(before[0])
        assert "รับเรื่องแล้ว" in answer or "อยู่ระหว่างดำเนินการ" in answer
        assert copy["tip"][0][2] == TIP_TEXT
    finally:
        restored_core.db.dispose()


def test_restore_refuses_a_deployment_with_data_unless_forced(
    db_url, tmp_path, capsys, monkeypatch
):
    files = tmp_path / "data" / "files"
    FileStore(files).save(b"evidence", suffix="jpg")
    archive = tmp_path / "b.tar"
    backup.create(db_url, files, archive)
    for name, value in {
        "COMPLAINTBOT_DATABASE_URL": db_url,
        "COMPLAINTBOT_DATA_DIR": str(tmp_path / "data"),
    }.items():
        monkeypatch.setenv(name, value)

    refused = main(["restore", str(archive)])
    out = capsys.readouterr()
    forced = main(["restore", str(archive), "--force"])
    forced_out = capsys.readouterr().out

    assert refused == 2
    assert "--force" in out.err and "nothing was changed" in out.err
    assert forced == 0, forced_out
    assert "restored the backup of" in forced_out
    if db_url.startswith("sqlite"):
        assert len(list(files.rglob("*.jpg"))) == 1
    else:  # a PostgreSQL deployment keeps its files in the database: restore puts them there
        engine = make_engine(db_url)
        assert len(list(FileStore(DatabaseBlobs(engine)).stored_keys())) == 1
        engine.dispose()
    if db_url.startswith("sqlite"):
        assert list((tmp_path).glob("complaintbot.db.before-restore-*"))
    assert list((tmp_path / "data").glob("files.before-restore-*"))


def test_a_damaged_archive_is_refused_and_nothing_is_touched(db_url, tmp_path, elsewhere):
    target_url, target_files = elsewhere
    archive = tmp_path / "b.tar"
    FileStore(tmp_path / "files").save(b"evidence", suffix="jpg")
    backup.create(db_url, tmp_path / "files", archive)
    data = bytearray(archive.read_bytes())
    with tarfile.open(archive) as tar:  # damage the database member itself, not padding
        member = max(tar.getmembers(), key=lambda m: m.size)
    data[member.offset_data + member.size // 2] ^= 0xFF
    archive.write_bytes(bytes(data))

    with pytest.raises(BackupError) as refused:
        restore.restore(archive, target_url, target_files)

    assert refused.value.code in ("bad_archive", "checksum")
    assert not target_files.exists()
    engine = make_engine(target_url)
    with engine.connect() as conn:
        assert "complaint" not in sa.inspect(conn).get_table_names()
    engine.dispose()


def test_a_postgresql_dump_is_not_restored_into_another_schema(db_url, tmp_path):
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL schemas only")
    archive = tmp_path / "b.tar"
    backup.create(db_url, tmp_path / "files", archive)
    other = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'create schema "{other}"'))
    target = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={other}"})
    try:
        with pytest.raises(BackupError) as refused:
            restore.restore(archive, target.render_as_string(hide_password=False), tmp_path / "r")
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'drop schema "{other}" cascade'))
        admin.dispose()

    assert refused.value.code == "wrong_schema"
    assert refused.value.details["target"] == other


def test_the_backup_command_prints_counts_and_where_the_key_is(
    db_url, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("COMPLAINTBOT_DATABASE_URL", db_url)
    monkeypatch.setenv("COMPLAINTBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COMPLAINTBOT_SECRET_KEY_FILE", "/etc/complaintbot/secret.key")
    out_file = tmp_path / "b.tar"

    assert main(["backup", "--out", str(out_file)]) == 0

    out = capsys.readouterr().out
    [head] = head_revisions()
    assert "backup written" in out and f"schema {head}" in out
    assert "/etc/complaintbot/secret.key" in out and "not in the archive" in out
    manifest = read_manifest(out_file)
    assert manifest.tables["organisation"] == 0 and manifest.schema == (head,)


def test_a_missing_pg_dump_is_named_with_the_package_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(pg_tools.shutil, "which", lambda _name: None)
    monkeypatch.setattr(pg_tools.Path, "glob", lambda self, pattern: iter(()))
    with pytest.raises(BackupError) as missing:
        pg_tools.find_pg_tool("pg_dump", 99)
    assert missing.value.code == "no_pg_tool"
    assert missing.value.details == {"tool": "pg_dump", "major": 99}
    assert "postgresql-client-{major}" in ERRORS["no_pg_tool"].en


def test_sealed_content_stays_sealed_and_the_key_stays_out(db_url, engine, tmp_path, test_keyring):
    """Whatever a table seals is archived as ciphertext, and the key text is nowhere in it."""
    metadata = sa.MetaData()
    probe = sa.Table(
        "backup_sealed_probe", metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("body", crypto.SealedText("probe")),
    )  # fmt: skip
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(probe.insert().values(id=1, body=TIP_TEXT))
        blob = conn.execute(sa.text("select body from backup_sealed_probe")).scalar_one()
    key_text = base64.b64encode(TEST_SECRET).decode()
    archive = tmp_path / "b.tar"
    try:
        backup.create(db_url, tmp_path / "files", archive)
    finally:
        metadata.drop_all(engine)

    database = _database_text(archive, tmp_path)
    sealed = bytes(blob)
    assert sealed in database or sealed.hex().encode() in database  # the row is there, sealed
    raw = archive.read_bytes()
    for secret in (TIP_TEXT.encode(), TEST_SECRET, key_text.encode()):
        assert secret not in database and secret not in raw


def _database_text(archive: Path, tmp_path: Path) -> bytes:
    """The archived database as bytes one can search: the SQLite file, or the dump as SQL."""
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        if SQLITE_MEMBER in names:
            return gzip.decompress(tar.extractfile(SQLITE_MEMBER).read())
        tar.extract(PG_MEMBER, tmp_path, filter="data")
    dump = tmp_path / PG_MEMBER
    pg_restore = pg_tools.find_pg_tool("pg_restore", 0)  # any version can print a dump as SQL
    return subprocess.run(
        [pg_restore, "--file=-", str(dump)], capture_output=True, check=True
    ).stdout
