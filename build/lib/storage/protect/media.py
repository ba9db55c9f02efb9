"""Photos without their metadata: what a camera writes into a picture can name its owner.

EXIF and XMP carry GPS coordinates, the time to the second, the camera's make, model and
serial number; PNG text chunks and WebP metadata can carry the same. A photo is rebuilt with
Pillow from its pixels alone before it is stored, for tips and complaints alike. A JPEG keeps
its quantisation tables and subsampling, so it is not visibly degraded, and only its
orientation tag survives, so it still shows upright. Documents are stored exactly as sent.
"""

from __future__ import annotations

import io
import logging

from PIL import Image, UnidentifiedImageError
from PIL.JpegImagePlugin import get_sampling

log = logging.getLogger(__name__)

ORIENTATION = 0x0112
_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def without_metadata(data: bytes) -> bytes:
    """The photo in `data` with no metadata; unreadable data is returned unchanged.

    Pillow reads every format the chat apps deliver photos in (Telegram and LINE send JPEG);
    what it cannot read it cannot clean either, and it is kept rather than lost.
    """
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        log.warning("a photo could not be read to remove its metadata; stored as sent")
        return data
    if image.format not in _FORMATS:
        log.warning("photo format %s has no metadata cleaner; stored as sent", image.format)
        return data
    # A new image from the pixels alone: no info dict, so nothing of the original's
    # EXIF, XMP, comments or text chunks can be carried over by a save default.
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    if image.mode == "P":
        clean.putpalette(image.getpalette() or [])
        if "transparency" in image.info:
            clean.info["transparency"] = image.info["transparency"]
    out = io.BytesIO()
    if image.format == "JPEG":
        exif = Image.Exif()
        orientation = image.getexif().get(ORIENTATION)
        if orientation:
            exif[ORIENTATION] = orientation  # so the photo still shows upright
        clean.save(
            out, "JPEG", qtables=image.quantization, subsampling=get_sampling(image),
            exif=exif.tobytes(),
        )  # fmt: skip
    else:
        clean.save(out, image.format)
    return out.getvalue()
