"""The rich menu: its definition matches the main menu, its image fits LINE's rules, and
`complaintbot line setup-richmenu` creates, uploads and sets it on (a fake) LINE."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.channels.line.richmenu import (
    HEIGHT,
    IMAGE,
    MAX_IMAGE_BYTES,
    WIDTH,
    NoThaiFont,
    definition,
    draw_image,
    find_fonts,
)
from bot.cli.main import main
from handlers import menu
from tests.fake_line import FakeLine, serving_in_thread

TOKEN = "richmenu-test-token"


def test_the_five_panels_send_the_main_menu_codes_with_their_labels():
    areas = definition()["areas"]

    assert [a["action"]["data"] for a in areas] == [c.code for c in menu.MAIN_CHOICES]
    for area, choice in zip(areas, menu.MAIN_CHOICES, strict=True):
        assert area["action"]["type"] == "postback"
        assert area["action"]["displayText"] == area["action"]["label"] == choice.label


def test_the_panels_tile_the_whole_menu_without_overlap():
    boxes = [a["bounds"] for a in definition()["areas"]]

    for n, a in enumerate(boxes):
        assert a["x"] + a["width"] <= WIDTH and a["y"] + a["height"] <= HEIGHT
        for b in boxes[n + 1 :]:
            apart_x = a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
            apart_y = a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"]
            assert apart_x or apart_y, (a, b)
    assert sum(b["width"] * b["height"] for b in boxes) == WIDTH * HEIGHT


def test_the_chat_bar_text_fits():
    assert 0 < len(definition()["chatBarText"]) <= 14


def test_the_bundled_image_is_a_png_of_the_menu_size_under_1_mb():
    data = IMAGE.read_bytes()
    assert len(data) <= MAX_IMAGE_BYTES
    picture = Image.open(io.BytesIO(data))
    assert (picture.format, picture.size) == ("PNG", (WIDTH, HEIGHT))


def test_the_image_can_be_redrawn_with_a_thai_font():
    try:
        bold, regular = find_fonts()
    except NoThaiFont:
        pytest.skip("no Thai font installed (apt-get install fonts-thai-tlwg)")
    picture = Image.open(io.BytesIO(draw_image(bold, regular)))
    assert picture.size == (WIDTH, HEIGHT)


@pytest.fixture
def fake_line(monkeypatch, tmp_path):
    fake = FakeLine(access_token=TOKEN)
    with serving_in_thread(fake.app()) as url:
        monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", TOKEN)
        monkeypatch.setenv("LINE_CHANNEL_SECRET", "secret")
        monkeypatch.setenv("LINE_API_HOST", url)
        monkeypatch.setenv("COMPLAINTBOT_DATA_DIR", str(tmp_path))
        yield fake


def test_setup_richmenu_creates_uploads_and_sets_the_default(fake_line, capsys):
    assert main(["line", "setup-richmenu"]) == 0

    [(rich_menu_id, created)] = fake_line.rich_menus.items()
    assert created == definition() | {"selected": True}
    assert fake_line.rich_menu_images[rich_menu_id].data == IMAGE.read_bytes()
    assert fake_line.rich_menu_images[rich_menu_id].mime == "image/png"
    assert fake_line.default_rich_menu == rich_menu_id
    assert rich_menu_id in capsys.readouterr().out


def test_running_setup_again_replaces_the_old_menu(fake_line):
    assert main(["line", "setup-richmenu"]) == 0
    first = fake_line.default_rich_menu
    assert main(["line", "setup-richmenu"]) == 0

    assert fake_line.default_rich_menu != first
    assert list(fake_line.rich_menus) == [fake_line.default_rich_menu]


def test_setup_richmenu_needs_the_access_token(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("LINE_CHANNEL_ACCESS_TOKEN", raising=False)
    monkeypatch.setenv("COMPLAINTBOT_DATA_DIR", str(tmp_path))
    assert main(["line", "setup-richmenu"]) == 2
    assert "LINE_CHANNEL_ACCESS_TOKEN" in capsys.readouterr().err


def test_a_refused_setup_is_reported(fake_line, monkeypatch, capsys):
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", "wrong-token")
    assert main(["line", "setup-richmenu"]) == 1
    assert "401" in capsys.readouterr().err


def test_setup_richmenu_for_an_organisation_uses_its_own_account(monkeypatch, tmp_path):
    """`setup-richmenu SLUG`: the token `org set-line SLUG` stored, not the environment's."""
    own = FakeLine(access_token="own-account-token")
    with serving_in_thread(own.app()) as url:
        monkeypatch.delenv("LINE_CHANNEL_ACCESS_TOKEN", raising=False)
        monkeypatch.setenv("LINE_API_HOST", url)
        monkeypatch.setenv("COMPLAINTBOT_DATA_DIR", str(tmp_path))
        (tmp_path / "secret").write_text("s" * 32)
        (tmp_path / "token").write_text("own-account-token")
        assert main(["org", "add", "namcham", "--name", "อบต.น้ำชำ"]) == 0
        assert main(["line", "setup-richmenu", "namcham"]) == 2  # no account yet
        assert main(["org", "set-line", "namcham", "--secret-file", str(tmp_path / "secret"),
                     "--token-file", str(tmp_path / "token")]) == 0  # fmt: skip
        assert main(["line", "setup-richmenu", "namcham"]) == 0
        assert main(["line", "setup-richmenu", "nobody"]) == 2
    assert own.default_rich_menu in own.rich_menus
