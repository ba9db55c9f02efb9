"""The Sarabun font, from the `fontpkg-sarabun` package: Thai renders with no system font."""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

FAMILY = "Sarabun"


def sarabun(weight: str = "Regular") -> Path:
    """The TTF file of one weight (`Regular`, `Bold`, …) shipped inside the package."""
    import fontpkg_sarabun

    path = Path(fontpkg_sarabun.ROOT) / "files" / f"{FAMILY}-{weight}.ttf"
    if not path.is_file():
        raise FileNotFoundError(path)
    return path


@cache
def sarabun_base64(weight: str = "Regular") -> str:
    """The font as base64, for an @font-face a page carries inside itself."""
    return base64.b64encode(sarabun(weight).read_bytes()).decode("ascii")
