"""Uploaded files in an S3-compatible object store, against a real S3 server on loopback.

`moto_server` (moto's stand-alone S3 server, from PyPI) runs as a subprocess on 127.0.0.1;
boto3 reaches it through its own settings (`AWS_ENDPOINT_URL_S3`), as a deployment would
reach MinIO or a cloud's S3. The store seals what it writes, a backup archives the bucket's
files and a restore puts them back, and `files migrate` moves disk files into the bucket.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.cli.main import main
from storage import crypto
from storage.backup.archive import read_manifest
from storage.blobs.s3 import S3Blobs
from storage.files import FileStore
from tests.conftest import TEST_SECRET
from tests.serve_process import free_port
from tests.waiting import eventually_sync

boto3 = pytest.importorskip("boto3")


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return httpx.get(url + "/moto-api/", timeout=1).status_code < 500
        except httpx.TransportError:
            assert server.poll() is None, log.read_text()
            return False

    try:
        eventually_sync(up, timeout=60, what="the S3 server answers")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def bucket(s3_endpoint, monkeypatch) -> str:
    """A new bucket, and boto3 pointed at the server as `AWS_*` would point it anywhere."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "complaintbot",
        "AWS_SECRET_ACCESS_KEY": "complaintbot-test-secret",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL_S3": s3_endpoint,
    }.items():
        monkeypatch.setenv(name, value)
    name = f"complaintbot-{uuid.uuid4().hex[:12]}"
    boto3.client("s3").create_bucket(Bucket=name)
    return name


def test_the_s3_store_seals_what_it_writes_and_forgets_what_it_deletes(bucket):
    store = FileStore(S3Blobs(f"s3://{bucket}/province/files"))
    key = store.save(b"receipt of the bribe " + os.urandom(50_000), suffix="pdf")
    other = store.save(b"a pothole", suffix="jpg")
    client = boto3.client("s3")
    raw = client.get_object(Bucket=bucket, Key=f"province/files/{key[:2]}/{key}")["Body"].read()

    assert b"receipt of the bribe" not in raw and raw == store.stored(key)
    assert store.read(key).startswith(b"receipt of the bribe")
    assert sorted(store.stored_keys()) == sorted([key, other])
    assert store.exists(key) and not store.exists("0" * 32 + ".pdf")
    with pytest.raises(FileNotFoundError):
        store.read("0" * 32 + ".pdf")
    crypto.configure(crypto.Keyring([b"n" * 32, TEST_SECRET]))
    assert not store.is_current(key)
    store.reseal(key)
    assert store.is_current(key) and store.read(key).startswith(b"receipt of the bribe")
    store.delete(key)
    assert list(store.stored_keys()) == [other]
    assert list(FileStore(S3Blobs(f"s3://{bucket}/elsewhere")).stored_keys()) == []


def test_a_backup_carries_the_buckets_files_and_a_restore_puts_them_back(
    db_url, make_core, tmp_path, bucket, capsys
):
    env = {"COMPLAINTBOT_FILES_URL": f"s3://{bucket}/files"}
    core = make_core(env)
    assert core.files.kind == "s3"
    saved = {core.files.save(f"photo {n}".encode() * 500, suffix="jpg"): n for n in range(3)}
    archive = tmp_path / "backup.tar"
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {
            "COMPLAINTBOT_DATABASE_URL": db_url,
            "COMPLAINTBOT_DATA_DIR": str(tmp_path / "data"),
            **env,
        }.items():
            patch.setenv(name, value)
        assert main(["backup", "--out", str(archive)]) == 0, capsys.readouterr().err
        for key in saved:  # the bucket is lost
            core.files.delete(key)
        assert list(core.files.stored_keys()) == []
        restored = main(["restore", str(archive), "--force"])
    out = capsys.readouterr().out

    assert restored == 0, out
    assert sorted(k.split("/")[1] for k in read_manifest(archive).files) == sorted(saved)
    assert "moved into the shared file store" in out
    for key, n in saved.items():
        assert core.files.read(key) == f"photo {n}".encode() * 500
    assert list(FileStore(tmp_path / "data" / "files").stored_keys()) == []  # not left on disk


def test_files_migrate_moves_disk_files_into_the_bucket(db_url, tmp_path, bucket, capsys):
    files_dir = tmp_path / "data" / "files"
    key = FileStore(files_dir).save(b"an older photo", suffix="jpg")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {
            "COMPLAINTBOT_DATABASE_URL": db_url,
            "COMPLAINTBOT_DATA_DIR": str(tmp_path / "data"),
            "COMPLAINTBOT_FILES_URL": f"s3://{bucket}",
        }.items():
            patch.setenv(name, value)
        assert main(["files", "migrate"]) == 0, capsys.readouterr().err

    assert FileStore(S3Blobs(f"s3://{bucket}")).read(key) == b"an older photo"
    assert list(FileStore(files_dir).stored_keys()) == []
