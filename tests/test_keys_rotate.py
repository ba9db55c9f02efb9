"""`complaintbot keys rotate`: a new key seals everything; old tip codes still work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from handlers.cases.codes import pretty
from messages import common
from messages.citizen import tip, tracking
from messages.cli import keys as keys_msg
from storage import crypto
from storage.models import Tip
from storage.protect.rotation import sealed_columns
from tests.photos import jpeg_with_gps
from tests.test_tip_flow import CONDUCT, file_tip
from tests.transcript import Chat

CLI = str(Path(sys.executable).parent / "complaintbot")


def rotate_keys(db_url: str, tmp_path: Path) -> str:
    env = {**os.environ, "COMPLAINTBOT_DATABASE_URL": db_url,
           "COMPLAINTBOT_DATA_DIR": str(tmp_path / "data")}  # fmt: skip
    done = subprocess.run(
        [CLI, "keys", "rotate"], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout


def all_sealed_under(engine: sa.Engine, ring: crypto.Keyring) -> bool:
    with engine.connect() as conn:
        for _table, columns in sealed_columns():
            raw = [sa.type_coerce(c, sa.LargeBinary) for c in columns]
            for row in conn.execute(sa.select(*raw)):
                if any(v is not None and not ring.is_current(bytes(v)) for v in row):
                    return False
    return True


async def test_rotation_reseals_rows_and_files_and_old_codes_still_find_their_tip(
    make_core, db_url, tmp_path
):
    core = make_core()
    code = await file_tip(Chat(core, chat_id="informant"), tmp_path)
    writer = Chat(core, chat_id="writer")  # a tip half-written while the key changes
    await writer.open()
    await writer.press(common.MENU_TIP)
    await writer.press(tip.BUTTON_UNDERSTOOD)
    await writer.press(tip.CATEGORY_LABELS["bribe"])
    await writer.say(CONDUCT)
    await writer.press(common.BUTTON_SKIP)
    await writer.press(common.BUTTON_SKIP)
    photo = tmp_path / "evidence.jpg"
    photo.write_bytes(jpeg_with_gps())
    await writer.send_file(photo)
    key_file = tmp_path / "data" / "secret.key"
    old_secret = key_file.read_text().strip()

    out = rotate_keys(db_url, tmp_path)
    lines = key_file.read_text().split()
    assert len(lines) == 2 and lines[1] == old_secret  # new first, the old one retired
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    new_only = crypto.Keyring([crypto.parse_secret(lines[0])])
    assert keys_msg.CURRENT_KEY.format(key_id=new_only.current_id) in out
    assert keys_msg.RESEALED_FILES.format(count=2) in out  # the receipt and the photo

    assert all_sealed_under(core.db, new_only)
    crypto.configure(new_only)  # the old key is gone: everything sealed still opens
    with Session(core.db) as session:
        assert session.exec(select(Tip)).one().conduct == CONDUCT
        tip_hash = session.exec(select(Tip)).one().code_hash
    for key in core.files.stored_keys():
        assert core.files.is_current(key)
        core.files.read(key)

    restarted = make_core()  # reads the rotated key file: new key and the retired one
    writer = Chat(restarted, chat_id="writer")
    assert tip.ASK_EVIDENCE in await writer.open()
    out = await writer.press(common.BUTTON_DONE)  # the draft carries on after the rotation
    assert tip.ASK_IDENTITY in out
    informant = Chat(restarted, chat_id="informant")
    assert tracking.STREAM_LABELS["tip"] in await informant.say(pretty(code))
    with Session(restarted.db) as session:
        rehashed = session.exec(select(Tip)).one().code_hash
    assert rehashed != tip_hash and rehashed.startswith(new_only.current_id)

    second = rotate_keys(db_url, tmp_path)  # nothing needs the first key any more
    first_id = crypto.Keyring([crypto.parse_secret(old_secret)]).current_id
    assert keys_msg.RETIRED_UNUSED.format(key_id=first_id) in second
    assert old_secret not in second and lines[0] not in second  # secrets are never printed
