"""What a copy of the database shows of sealed values without the key, and what a holder of
the key can do with them: sizes in buckets only, values bound to their row and column,
values of the first format still readable and re-sealed by `keys rotate`, keyed hashes of
failed `/staff` attempts."""

from __future__ import annotations

import hashlib
import secrets

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlmodel import Session, select

from messages import common
from messages.citizen import tip as tip_msg
from storage import crypto
from storage.models import Tip
from storage.protect import rotation
from storage.staff.models import BindAttempt
from tests.transcript import Chat

NAME, CONTACT = "นางสาวประภาพรรณ วงศ์สวัสดิ์", "0812345678"


async def _tip(core, chat_id: str, *, named: bool) -> None:
    chat = Chat(core, chat_id=chat_id)
    await chat.open()
    await chat.press(common.MENU_TIP)
    await chat.press(tip_msg.BUTTON_UNDERSTOOD)
    await chat.press(tip_msg.CATEGORY_LABELS["bribe"])
    await chat.say("ปลัดรับเงินจากผู้รับเหมาโครงการถนน")
    for _ in range(3):
        await chat.press(common.BUTTON_SKIP)
    if named:
        await chat.press(tip_msg.BUTTON_IDENTIFIED)
        await chat.say(NAME)
        await chat.say(CONTACT)
    else:
        await chat.press(tip_msg.BUTTON_ANONYMOUS)
    await chat.press(common.BUTTON_CONFIRM)


def _raw(engine: sa.Engine, *columns: str) -> list[tuple[bytes, ...]]:
    names = ", ".join(columns)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(f"select {names} from tip order by id")).all()
    return [tuple(bytes(v) for v in row) for row in rows]


async def test_sealed_sizes_do_not_tell_whether_a_name_or_phone_was_given(make_core):
    core = make_core()
    await _tip(core, "anonymous", named=False)
    await _tip(core, "named", named=True)
    with Session(core.db) as session:
        given = {(t.informant_name, t.informant_contact) for t in session.exec(select(Tip))}
    assert given == {("", ""), (NAME, CONTACT)}
    sizes = {len(v) for row in _raw(core.db, "informant_name", "informant_contact") for v in row}
    assert len(sizes) == 1, sizes  # empty, a long Thai name and a phone: one size


def test_padding_rounds_up_to_a_bucket_and_never_leaks_the_length_within_it():
    ring = crypto.Keyring([b"k" * 32])
    small = {len(ring.seal(b"x" * n, "tip.informant")) for n in range(crypto.SMALLEST_BUCKET)}
    assert len(small) == 1
    assert crypto.bucket(crypto.SMALLEST_BUCKET) == 2 * crypto.SMALLEST_BUCKET
    assert crypto.bucket(5 << 20) == 6 << 20  # files: whole MiB beyond the largest power
    assert ring.open(ring.seal(b"\x80\0data\0\0", "p"), "p") == b"\x80\0data\0\0"


async def test_a_sealed_value_moved_to_another_tip_or_column_no_longer_opens(make_core):
    core = make_core()
    await _tip(core, "anonymous", named=False)
    await _tip(core, "named", named=True)
    with Session(core.db) as session:
        ids = [t.id for t in session.exec(select(Tip).order_by(Tip.id))]
        named_id = next(t.id for t in session.exec(select(Tip)) if t.informant_name)
    [first, second] = _raw(core.db, "informant_name", "conduct")
    with core.db.begin() as conn:  # the named tip's name into the other tip, and a swap
        move = sa.text("update tip set informant_name = :v where id = :id")
        other = next(i for i in ids if i != named_id)
        named_row = first if ids[0] == named_id else second
        conn.execute(move, {"v": named_row[0], "id": other})
        conn.execute(
            sa.text("update tip set accused = :v where id = :id"),
            {"v": named_row[1], "id": named_id},  # the conduct, copied into the accused
        )
    for tip_id in ids:
        with Session(core.db) as session, pytest.raises(crypto.SealError):
            session.get(Tip, tip_id)


def _first_format(ring_secret: bytes, plaintext: bytes, purpose: str) -> bytes:
    """A value as the first format sealed it: no padding, only the purpose bound."""
    key = crypto._Key.from_secret(ring_secret)
    subkey = crypto._derive(ring_secret, purpose)
    nonce = secrets.token_bytes(crypto.NONCE_BYTES)
    body = AESGCM(subkey).encrypt(nonce, plaintext, purpose.encode())
    return crypto.LEGACY + key.key_id + nonce + body


async def test_values_of_the_first_format_open_and_rotation_reseals_them(make_core, tmp_path):
    core = make_core()
    await _tip(core, "named", named=True)
    secret = (tmp_path / "data" / "secret.key").read_text().strip()
    old = _first_format(crypto.parse_secret(secret), NAME.encode(), "tip.informant")
    with core.db.begin() as conn:
        conn.execute(sa.text("update tip set informant_name = :v"), {"v": old})
    with Session(core.db) as session:
        assert session.exec(select(Tip)).one().informant_name == NAME  # still opens

    report = rotation.rotate(core.db, core.files)
    assert report.rows["tip"] == 1
    [(blob,)] = _raw(core.db, "informant_name")
    assert blob[:1] == crypto.VERSION and crypto.keyring().is_current(blob)
    with Session(core.db) as session:
        assert session.exec(select(Tip)).one().informant_name == NAME
    assert rotation.rotate(core.db, core.files).rows["tip"] == 0  # nothing left to do


async def test_failed_staff_attempts_keep_a_keyed_hash_of_the_chat(make_core):
    core = make_core()
    chat_id = "5830194627"  # a numeric Telegram id: a plain hash is reversed by trying all
    chat = Chat(core, chat_id=chat_id, user_id=chat_id)
    await chat.say("/staff WRONGCODE1")
    with Session(core.db) as session:
        [attempt] = session.exec(select(BindAttempt)).all()
    plain = hashlib.sha256(f"staff-bind\0console\0{chat_id}".encode()).hexdigest()
    assert attempt.chat_key != plain
    assert attempt.chat_key == crypto.keyring().mac(f"console\0{chat_id}".encode(), "staff-bind")
    other = crypto.Keyring([b"o" * 32])
    assert attempt.chat_key != other.mac(f"console\0{chat_id}".encode(), "staff-bind")
