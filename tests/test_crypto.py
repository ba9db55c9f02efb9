"""Sealing and keyed hashes: what keeps tip content unreadable without the deployment's key."""

from __future__ import annotations

import base64
import os
import stat

import pytest
import sqlalchemy as sa

from storage import crypto

SECRET = b"a" * 32
OTHER = b"b" * 32


def test_sealed_value_opens_only_with_its_purpose_and_key():
    ring = crypto.Keyring([SECRET])
    blob = ring.seal("ปลัดเรียกเงิน".encode(), "tip")
    assert "ปลัดเรียกเงิน".encode() not in blob
    assert ring.open(blob, "tip").decode() == "ปลัดเรียกเงิน"
    with pytest.raises(crypto.SealError):
        ring.open(blob, "draft")
    with pytest.raises(crypto.SealError):
        crypto.Keyring([OTHER]).open(blob, "tip")


def test_the_same_text_seals_differently_each_time():
    ring = crypto.Keyring([SECRET])
    assert ring.seal(b"x", "tip") != ring.seal(b"x", "tip")


def test_an_old_key_still_opens_after_rotation_and_new_values_use_the_new_key():
    old = crypto.Keyring([SECRET])
    blob = old.seal(b"before", "tip")
    rotated = crypto.Keyring([OTHER, SECRET])
    assert rotated.open(blob, "tip") == b"before"
    assert not rotated.is_current(blob)
    assert rotated.is_current(rotated.seal(b"after", "tip"))


def test_tampering_is_detected():
    ring = crypto.Keyring([SECRET])
    blob = bytearray(ring.seal(b"evidence", "tip"))
    blob[-1] ^= 1
    with pytest.raises(crypto.SealError):
        ring.open(bytes(blob), "tip")


def test_keyed_hash_depends_on_key_and_purpose():
    ring = crypto.Keyring([SECRET])
    assert ring.mac(b"1234", "code") == crypto.Keyring([SECRET]).mac(b"1234", "code")
    assert ring.mac(b"1234", "code") != ring.mac(b"1234", "other")
    assert ring.mac(b"1234", "code") != crypto.Keyring([OTHER]).mac(b"1234", "code")
    assert crypto.Keyring([OTHER, SECRET]).macs(b"1234", "code")[1] == ring.mac(b"1234", "code")


def test_short_secrets_are_refused():
    with pytest.raises(crypto.WeakSecret):
        crypto.Keyring([b"short"])


@pytest.mark.parametrize(
    "text",
    [SECRET.hex(), base64.urlsafe_b64encode(SECRET).decode(), base64.b64encode(SECRET).decode()],
)
def test_secrets_are_read_as_hex_or_base64(text):
    assert crypto.parse_secret(text + "\n") == SECRET


def test_the_demo_key_file_is_created_once_and_private(tmp_path):
    path = tmp_path / "var" / "secret.key"
    first = crypto.ensure_key_file(path)
    assert crypto.ensure_key_file(path) == first
    assert len(first) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_a_sealed_column_stores_only_ciphertext(engine):
    table = sa.Table(
        "sealed_probe",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("body", crypto.SealedText("tip")),
    )
    table.create(engine)
    with engine.begin() as conn:
        conn.execute(table.insert().values(id=1, body="เงินทอนจากผู้รับเหมา"))
        assert conn.execute(sa.select(table.c.body)).scalar_one() == "เงินทอนจากผู้รับเหมา"
        raw = conn.execute(sa.text("select body from sealed_probe")).scalar_one()
    assert "เงินทอน".encode() not in bytes(raw)


def test_tagged_hashes_name_their_key_and_cover_every_key_of_the_ring():
    rotated = crypto.Keyring([OTHER, SECRET])
    old = crypto.Keyring([SECRET])
    tags = rotated.tagged_macs(b"4921706583021348", "tip-code")
    assert [t.split(":")[0] for t in tags] == rotated.key_ids
    assert tags[1] == old.tagged_macs(b"4921706583021348", "tip-code")[0]  # found after rotation
    assert "4921706583021348" not in "".join(tags)


def test_a_sealed_json_column_reads_back_the_dict_and_stores_no_plain_text():
    metadata = sa.MetaData()
    table = sa.Table("t", metadata, sa.Column("data", crypto.SealedJSON("conversation")))
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(table.insert().values(data={"conduct": "ปลัดเรียกเงิน", "n": 2}))
        assert conn.execute(sa.select(table.c.data)).scalar_one() == {
            "conduct": "ปลัดเรียกเงิน",
            "n": 2,
        }
        raw = conn.execute(sa.text("select data from t")).scalar_one()
    assert "ปลัดเรียกเงิน".encode() not in raw and b"conduct" not in raw
