"""The LINE rich menu: five panels for the five main actions, always under the chat.

`richmenu.json` holds the layout and the postback code of each panel (the main menu's
choice codes, so a tap is the same as pressing that menu button); the labels are filled in
from the main menu here, so Thai text stays in `messages/`. `richmenu.png` is the image,
drawn by `draw_image` (`complaintbot line draw-richmenu`).
"""

from __future__ import annotations

import json
from pathlib import Path

from linebot.v3.messaging import (
    ApiClient,
    Configuration,
    MessagingApi,
    MessagingApiBlob,
    RichMenuRequest,
)

from handlers import menu
from messages.channels import line as text

DEFINITION = Path(__file__).with_name("richmenu.json")
IMAGE = Path(__file__).with_name("richmenu.png")
WIDTH, HEIGHT = 2500, 843
MAX_IMAGE_BYTES = 1024 * 1024  # LINE's limit for a rich menu image

LABELS = {choice.code: choice.label for choice in menu.MAIN_CHOICES}


def definition() -> dict:
    """The rich menu object as LINE's create-rich-menu call takes it."""
    data = json.loads(DEFINITION.read_text(encoding="utf-8"))
    data["chatBarText"] = text.RICHMENU_CHAT_BAR
    for area in data["areas"]:
        action = area["action"]
        action["label"] = action["displayText"] = LABELS[action["data"]]
    return data


def setup(configuration: Configuration, image: bytes, *, replace_old: bool = True) -> str:
    """Create the menu, upload its image, make it every user's default; returns its id.

    Older menus with the same name (from earlier runs) are deleted afterwards, so running
    the command again swaps the menu without a gap.
    """
    request = RichMenuRequest.from_dict(definition())
    with ApiClient(configuration) as client:
        api, blob = MessagingApi(client), MessagingApiBlob(client)
        rich_menu_id = api.create_rich_menu(request).rich_menu_id
        blob.set_rich_menu_image(rich_menu_id, body=image, _headers={"Content-Type": "image/png"})
        api.set_default_rich_menu(rich_menu_id)
        if replace_old:
            for old in api.get_rich_menu_list().richmenus:
                if old.name == request.name and old.rich_menu_id != rich_menu_id:
                    api.delete_rich_menu(old.rich_menu_id)
    return rich_menu_id


# -- the image -------------------------------------------------------------------------

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/tlwg"),  # Debian fonts-thai-tlwg (Laksaman = Sarabun)
    Path("/usr/share/fonts/truetype/thai"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/opentype/noto"),
    Path.home() / ".fonts",
)
FONT_NAMES = (
    ("Sarabun-Bold.ttf", "Sarabun-Regular.ttf"),
    ("THSarabunNew Bold.ttf", "THSarabunNew.ttf"),
    ("Laksaman-Bold.ttf", "Laksaman.ttf"),
    ("NotoSansThai-Bold.ttf", "NotoSansThai-Regular.ttf"),
)
PANEL_COLOURS = {
    "menu:complaint": "#1565C0",
    "menu:tip": "#B71C1C",
    "menu:track": "#2E7D32",
    "menu:plan": "#6A1B9A",
    "menu:contact": "#EF6C00",
}


class NoThaiFont(LookupError):
    pass


def find_fonts() -> tuple[Path, Path]:
    """A bold and a regular Thai font installed on this machine (Sarabun preferred)."""
    for bold, regular in FONT_NAMES:
        for folder in FONT_DIRS:
            if (folder / bold).is_file() and (folder / regular).is_file():
                return folder / bold, folder / regular
    raise NoThaiFont


def draw_image(bold: Path, regular: Path) -> bytes:
    """The rich menu picture: one coloured panel per area, its label and a short hint."""
    import io

    from PIL import Image, ImageDraw, ImageFont  # only this command needs Pillow

    picture = Image.new("RGB", (WIDTH, HEIGHT), "#FFFFFF")
    pen = ImageDraw.Draw(picture)
    for area in definition()["areas"]:
        box, code = area["bounds"], area["action"]["data"]
        left, top = box["x"], box["y"]
        right, bottom = left + box["width"], top + box["height"]
        pen.rectangle((left + 6, top + 6, right - 6, bottom - 6), fill=PANEL_COLOURS[code])
        centre = (left + right) / 2
        label_size = 110 if box["width"] > 1000 else 84
        label_font = ImageFont.truetype(str(bold), label_size)
        hint_font = ImageFont.truetype(str(regular), label_size * 3 // 5)
        middle = (top + bottom) / 2
        pen.text(
            (centre, middle - label_size * 0.35),
            LABELS[code],
            font=label_font,
            fill="#FFFFFF",
            anchor="ms",
        )
        pen.text(
            (centre, middle + label_size * 0.75),
            text.RICHMENU_HINTS[code],
            font=hint_font,
            fill="#E8EAF6",
            anchor="ms",
        )
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()
