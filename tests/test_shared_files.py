"""Uploaded files where every machine of a deployment finds them.

On PostgreSQL the files live in the database, sealed and in chunks, so a photo a citizen sent
through one `serve` opens for an officer served by another machine with a data directory of
its own; on SQLite they stay on the local disk. `files migrate` moves a deployment's older
local files into the database, checked, and wipes them from the disk.
"""

from __future__ import annotations

import json
import os

import httpx
import pytest
import sqlalchemy as sa

from bot.cli.main import main
from storage import crypto
from storage.backup import create as backup
from storage.blobs.choose import kind_for
from storage.blobs.database import CHUNK, DatabaseBlobs
from storage.blobs.models import FileBlob
from storage.files import FileStore
from tests.conftest import TEST_SECRET
from tests.fake_line import FakeLine, serving, sign
from tests.line_harness import LineUser
from tests.serve_process import TEST_SECRET_KEY, ServeProcess, run_program
from tests.staff_helpers import invite_in
from tests.test_staff_photos_on_line import JPEG, OTHER_JPEG, file_complaint_with_photos
from tests.waiting import eventually

LINE_SECRET = "0123456789abcdef0123456789abcdef"
LINE_TOKEN = "two-machines-token"
PUBLIC_URL = "https://bot.example.go.th"


def test_the_database_store_seals_chunks_reseals_and_forgets(engine):
    store = FileStore(DatabaseBlobs(engine))
    evidence = b"receipt of the bribe " + os.urandom(2 * CHUNK + 123)
    key = store.save(evidence, suffix="pdf")
    small = store.save(b"", suffix="txt")

    sealed = len(store.stored(key))
    assert sealed > 2 * CHUNK  # so in three chunks or more
    with engine.connect() as conn:
        parts = conn.execute(sa.select(FileBlob.part).where(FileBlob.key == key)).scalars()
        assert sorted(parts) == list(range(-(-sealed // CHUNK)))
        raw = b"".join(conn.execute(sa.select(FileBlob.data)).scalars())
    assert b"receipt of the bribe" not in raw
    assert store.read(key) == evidence and store.read(small) == b""
    assert sorted(store.stored_keys()) == sorted([key, small])
    assert store.exists(key) and not store.exists("0" * 32 + ".pdf")
    with pytest.raises(FileNotFoundError):
        store.read("0" * 32 + ".pdf")

    crypto.configure(crypto.Keyring([b"n" * 32, TEST_SECRET]))
    assert not store.is_current(key)
    store.reseal(key)
    assert store.is_current(key) and store.read(key) == evidence

    store.delete(key)
    assert not store.exists(key) and list(store.stored_keys()) == [small]
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).where(FileBlob.key == key)).scalar() == 0


def test_the_store_follows_the_database_unless_set(engine):
    postgres = engine.dialect.name == "postgresql"
    assert kind_for("", engine) == ("database" if postgres else "disk")
    assert kind_for("disk", engine) == "disk"
    with pytest.raises(ValueError, match="must be one of"):
        kind_for("ftp", engine)
    if postgres:
        assert kind_for("Database", engine) == "database"
    else:
        with pytest.raises(ValueError, match="PostgreSQL"):
            kind_for("database", engine)


def test_files_migrate_moves_local_files_into_the_database(
    db_url, engine, make_core, tmp_path, capsys
):
    files_dir = tmp_path / "data" / "files"
    postgres = engine.dialect.name == "postgresql"
    core = make_core() if postgres else None  # (its key seals the files below)
    disk = FileStore(files_dir)
    originals = {disk.save(f"photo {n}".encode() * 1000, suffix="jpg"): n for n in range(6)}
    if core is not None:  # upgraded, not yet migrated: the disk's files open, new ones go shared
        assert core.files.kind == "database"
        assert all(
            core.files.read(key) == f"photo {n}".encode() * 1000 for key, n in originals.items()
        )
        new = core.files.save(b"a new photo", suffix="jpg")
        assert not disk.exists(new) and FileStore(DatabaseBlobs(engine)).exists(new)
        gone = next(iter(originals))
        core.files.delete(gone)  # retention reaches a file still on disk: wiped there
        assert not disk.exists(gone)
        del originals[gone]
    env = {"COMPLAINTBOT_DATABASE_URL": db_url, "COMPLAINTBOT_DATA_DIR": str(tmp_path / "data")}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        moved = main(["files", "migrate"])
        first = capsys.readouterr()
        again = main(["files", "migrate"])
        second = capsys.readouterr()

    if not postgres:
        assert moved == 2 and "COMPLAINTBOT_FILES_STORE" in first.err
        assert sorted(disk.stored_keys()) == sorted(originals)  # untouched
        return
    assert moved == 0, first.err
    assert "5" in first.out and again == 0 and str(files_dir) in second.out
    assert list(disk.stored_keys()) == []
    assert not [p for p in files_dir.rglob("*") if p.is_file()]  # wiped from the disk
    database = FileStore(DatabaseBlobs(engine))
    for key, n in originals.items():
        assert database.read(key) == f"photo {n}".encode() * 1000


def test_a_restored_backup_of_disk_files_lands_where_the_deployment_keeps_files(
    db_url, engine, tmp_path, capsys
):
    files_dir = tmp_path / "data" / "files"
    key = FileStore(files_dir).save(b"photo taken before the move", suffix="jpg")
    archive = tmp_path / "before-the-move.tar"
    backup.create(db_url, files_dir, archive)
    env = {"COMPLAINTBOT_DATABASE_URL": db_url, "COMPLAINTBOT_DATA_DIR": str(tmp_path / "data")}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        restored = main(["restore", str(archive), "--force"])
    out = capsys.readouterr().out

    assert restored == 0, out
    on_disk = FileStore(files_dir)
    if engine.dialect.name == "postgresql":
        assert "moved into the shared file store" in out
        assert FileStore(DatabaseBlobs(engine)).read(key) == b"photo taken before the move"
        assert list(on_disk.stored_keys()) == []
    else:
        assert "moved into the shared file store" not in out
        assert on_disk.read(key) == b"photo taken before the move"


class ServedLine:
    """LINE delivering one chat's webhooks to whichever machine the proxy picks (`url`)."""

    def __init__(self, fake: FakeLine, http: httpx.AsyncClient) -> None:
        self.fake, self.http, self.url = fake, http, ""

    async def post(self, body: bytes) -> httpx.Response:
        headers = {"Content-Type": "application/json", "X-Line-Signature": sign(body, LINE_SECRET)}
        response = await self.http.post(self.url + "/line/webhook", content=body, headers=headers)
        token = json.loads(body)["events"][0]["replyToken"]
        await eventually(lambda: self.fake.replies(token), what="the bot's answer")
        return response


@pytest.mark.long
async def test_a_photo_sent_through_one_machine_opens_from_the_other(db_url, tmp_path):
    if not db_url.startswith("postgresql"):
        pytest.skip("several machines share a PostgreSQL database")

    fake = FakeLine(access_token=LINE_TOKEN)
    async with serving(fake.app()) as api_url, httpx.AsyncClient(timeout=30) as http:
        machines = []
        for name in ("a", "b"):
            server = ServeProcess(env={}, log_path=tmp_path / f"serve-{name}.log")
            server.env = {
                "COMPLAINTBOT_DATABASE_URL": db_url,
                "COMPLAINTBOT_DATA_DIR": str(tmp_path / name),
                "COMPLAINTBOT_PUBLIC_URL": PUBLIC_URL,
                "LINE_CHANNEL_SECRET": LINE_SECRET,
                "LINE_CHANNEL_ACCESS_TOKEN": LINE_TOKEN,
                "LINE_API_HOST": api_url,
            }
            machines.append(server)
        a, b = machines
        for server in machines:
            server.start()
        try:
            for server in machines:
                await server.wait_ready()
            environment = {**os.environ, "COMPLAINTBOT_SECRET_KEY": TEST_SECRET_KEY, **a.env}
            invited = run_program(["staff", "invite", "--role", "complaint"], environment)
            assert invited.returncode == 0, invited.stderr
            line = ServedLine(fake, http)
            officer, citizen = LineUser(line, "U" + "1" * 32), LineUser(line, "U" + "2" * 32)

            line.url = a.url  # the citizen's and the officer's first turns reach machine a
            await officer.say(f"/staff {invite_in(invited.stdout)}")
            code = await file_complaint_with_photos(citizen, JPEG, OTHER_JPEG)

            line.url = b.url  # the officer's next turn reaches machine b
            sent = await officer.say(f"/photos {code}")
            images = [m["originalContentUrl"] for m in sent if m["type"] == "image"]
            assert len(images) == 2
            for server in machines:  # each machine opens the photos the other stored
                got = [await http.get(server.url + u.removeprefix(PUBLIC_URL)) for u in images]
                assert [r.status_code for r in got] == [200, 200]
                assert sorted(r.content for r in got) == sorted([JPEG, OTHER_JPEG])
            for name in ("a", "b"):  # nothing of them on either machine's disk
                assert not [p for p in (tmp_path / name).rglob("files/**/*") if p.is_file()]
        finally:
            for server in machines:
                server.stop()
    logs = a.log() + b.log()
    assert "Traceback" not in logs
