"""Photos lose their metadata before they are stored; documents are stored as sent."""

from __future__ import annotations

import io

from PIL import Image
from sqlmodel import Session, select

from messages import common
from messages.citizen import complaint
from storage import crypto
from storage.files import FileStore
from storage.models import Conversation
from storage.protect.media import without_metadata
from tests.conftest import TEST_SECRET
from tests.photos import TELLTALES, assert_clean, jpeg_with_gps
from tests.transcript import Chat


def test_a_jpeg_loses_gps_camera_time_and_comment_but_keeps_its_pixels_and_orientation():
    original = jpeg_with_gps()
    cleaned = without_metadata(original)
    assert_clean(cleaned)
    before = Image.open(io.BytesIO(original)).convert("RGB")
    after = Image.open(io.BytesIO(cleaned)).convert("RGB")
    assert after.size == before.size
    pixels = zip(before.getpixel((5, 5)), after.getpixel((5, 5)), strict=True)
    assert max(abs(a - b) for a, b in pixels) <= 3


def test_png_text_chunks_are_dropped():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "SN-7733-4412")
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(out, "PNG", pnginfo=info)
    cleaned = without_metadata(out.getvalue())
    assert b"SN-7733-4412" not in cleaned
    assert Image.open(io.BytesIO(cleaned)).getpixel((1, 1)) == (1, 2, 3)


def test_what_is_not_a_readable_picture_is_kept_as_sent():
    assert without_metadata(b"%PDF-1.4 not a photo") == b"%PDF-1.4 not a photo"


def test_the_file_store_seals_what_it_writes_and_wipes_what_it_deletes(tmp_path):
    store = FileStore(tmp_path)
    key = store.save(b"receipt of the bribe", suffix="pdf")
    raw = store.path(key).read_bytes()
    assert b"receipt" not in raw
    assert store.read(key) == b"receipt of the bribe"
    store.delete(key)
    assert not store.path(key).exists()
    assert list(store.stored_keys()) == []


def test_a_file_sealed_under_a_retired_key_is_read_and_resealed(tmp_path):
    store = FileStore(tmp_path)
    key = store.save(b"evidence")
    crypto.configure(crypto.Keyring([b"n" * 32, TEST_SECRET]))
    assert store.read(key) == b"evidence" and not store.is_current(key)
    store.reseal(key)
    assert store.is_current(key)
    crypto.configure(crypto.Keyring([b"n" * 32]))
    assert store.read(key) == b"evidence"


async def test_a_complaint_photo_is_stored_without_gps_but_a_document_as_sent(make_core, tmp_path):
    core = make_core()
    photo = tmp_path / "pothole.jpg"
    photo.write_bytes(jpeg_with_gps())
    document = tmp_path / "scan.pdf"  # a document, even if a picture is inside
    document.write_bytes(jpeg_with_gps((10, 200, 10)))
    chat = Chat(core)
    await chat.open()
    await chat.press(common.MENU_COMPLAINT)
    await chat.press(complaint.CATEGORY_LABELS["road"])
    await chat.say("ถนนหน้าวัดเป็นหลุมลึก รถจักรยานยนต์ล้มบ่อย")
    out = await chat.send_file(photo)
    assert complaint.EVIDENCE_FILE_SAVED.format(count=1, limit=5) in out
    await chat.say(f"/file {document}")
    with Session(core.db) as session:
        evidence = session.exec(select(Conversation)).one().data["evidence"]
    stored_photo, stored_document = (core.files.read(item["key"]) for item in evidence)
    assert_clean(stored_photo)
    assert stored_document == document.read_bytes()  # a document is evidence as sent
    for key in core.files.stored_keys():
        assert not any(t in core.files.stored(key) for t in TELLTALES)  # sealed as stored too
