"""Real JPEGs that give their owner away: GPS position, camera serial, time, a comment."""

from __future__ import annotations

import io

from PIL import Image

GPS_IFD, EXIF_IFD = 0x8825, 0x8769
MAKE, MODEL, ORIENTATION, DATETIME = 0x010F, 0x0110, 0x0112, 0x0132
BODY_SERIAL, DATETIME_ORIGINAL = 0xA431, 0x9003
# Strings that must not survive in what is stored.
TELLTALES = (b"InformantCam", b"SN-7733-4412", b"2026:11:28 09:15:07", b"secret-comment")


def jpeg_with_gps(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    image = Image.new("RGB", (64, 48), colour)
    exif = Image.Exif()
    exif[MAKE] = "InformantCam"
    exif[MODEL] = "Pocket 9"
    exif[ORIENTATION] = 6
    exif[DATETIME] = "2026:11:28 09:15:07"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (8.0, 5.0, 10.68), 3: "E", 4: (98.0, 54.0, 22.68)})
    details = exif.get_ifd(EXIF_IFD)
    details.update({BODY_SERIAL: "SN-7733-4412", DATETIME_ORIGINAL: "2026:11:28 09:15:07"})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"secret-comment")
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)[2], "the GPS tag is written"
    return data


def assert_clean(data: bytes) -> None:
    """No telltale in the bytes, no GPS or camera in the EXIF; still an upright JPEG."""
    for telltale in TELLTALES:
        assert telltale not in data
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    assert dict(exif) == {ORIENTATION: 6}
    assert not exif.get_ifd(GPS_IFD) and not exif.get_ifd(EXIF_IFD)
    assert "comment" not in image.info
