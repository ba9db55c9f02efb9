"""The public statistics page over real HTTP, and in a real browser (headless Chromium).

The browser test screenshots the page three times: as served, with its Thai text removed,
and with each Thai letter replaced by a character no font has (which draws as a box). The
page must differ clearly from both: Thai drew ink, and that ink is not a row of boxes.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from PIL import Image, ImageChops
from sqlmodel import Session
from starlette.applications import Starlette

from bot.web.routes import build_web_app
from bot.web.stats_page import stats_routes
from handlers.cases.lifecycle import RESOLUTION_DAYS
from handlers.stats.web_page import render_html
from messages import sample_org
from messages.stats import labels as msg
from storage.stats import figures as stats
from storage.stats.periods import parse_period
from tests.fake_line import serving
from tests.stats_fixture import run_cli
from tests.test_stats_figures import khaothong  # noqa: F401  (the fixture's cases)
from tests.test_stats_outputs import TIP_WORDS
from tests.waiting import DEADLINE

CHROMIUM = "/usr/bin/chromium"
THAI = re.compile(r"[\u0E00-\u0E7F]")


async def test_the_page_for_a_period_with_its_downloads(khaothong):  # noqa: F811
    async with (
        serving(build_web_app([], khaothong)) as base,
        httpx.AsyncClient(timeout=DEADLINE) as client,
    ):
        page = await client.get(f"{base}/stats/khaothong/2567-03")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        html = page.text
        assert sample_org.NAME in html and "มีนาคม 2567" in html and "31 มีนาคม 2567" in html
        assert "@font-face" in html and "base64," in html
        assert not any(word in html for word in TIP_WORDS)
        assert "เรื่อง C" not in html and "เบาะแส T" not in html  # no case content
        assert not re.search(r"\d{4}-\d{4}-\d{4}-\d{4}", html)  # no codes

        csv_link = re.search(r'href="([^"]+/csv)"', html)
        xlsx_link = re.search(r'href="([^"]+/xlsx)"', html)
        assert csv_link and xlsx_link
        data = (await client.get(base + csv_link[1])).content
        assert data.startswith(b"\xef\xbb\xbf")
        rows = {r[0]: r[1:] for r in csv.reader(io.StringIO(data.decode("utf-8-sig")))}
        assert rows["มีนาคม 2567"] == ["7", "5", "4", "5", "3", "1", "2", "2"]

        workbook = await client.get(base + xlsx_link[1])
        assert workbook.status_code == 200
        assert "attachment" in workbook.headers["content-disposition"]
        book = load_workbook(io.BytesIO(workbook.content))
        cells = [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row]
        assert not any(word in cell for cell in cells for word in TIP_WORDS)  # public variant

        same = await client.get(f"{base}/stats/khaothong/มี.ค.%202567")
        assert same.status_code == 200 and "มีนาคม 2567" in same.text


async def test_wrong_addresses_get_a_thai_page(khaothong):  # noqa: F811
    async with (
        serving(build_web_app([], khaothong)) as base,
        httpx.AsyncClient(timeout=DEADLINE) as client,
    ):
        unknown = await client.get(f"{base}/stats/nowhere")
        assert unknown.status_code == 404
        assert msg.PAGE_NOT_FOUND.format(slug="nowhere") in unknown.text
        bad = await client.get(f"{base}/stats/khaothong/2567-13")
        assert bad.status_code == 400 and "2567-13" in bad.text and THAI.search(bad.text)
        future = await client.get(f"{base}/stats/khaothong/2599")
        assert future.status_code == 400
        assert (await client.get(f"{base}/stats/nowhere/2567-03/csv")).status_code == 404


async def test_the_default_page_is_the_running_fiscal_year_month_by_month(khaothong):  # noqa: F811
    now = datetime(2024, 4, 20, 5, 0, tzinfo=UTC)  # April 2567, FY 2567
    app = Starlette(routes=stats_routes(khaothong, clock=lambda: now))
    async with serving(app) as base, httpx.AsyncClient(timeout=DEADLINE) as client:
        page = await client.get(f"{base}/stats/khaothong")
    assert page.status_code == 200
    html = page.text
    assert "ปีงบประมาณ 2567" in html and "20 เมษายน 2567" in html  # as of today
    for month in ("ตุลาคม 2566", "มีนาคม 2567", "เมษายน 2567"):
        assert month in html
    assert "พฤษภาคม 2567" not in html  # not begun
    assert 'href="/stats/khaothong/2567/csv"' in html


def _need_chromium() -> str:
    if Path(CHROMIUM).is_file():
        return CHROMIUM
    found = shutil.which("chromium")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("Chromium is required under CI=true (.ci/run installs it)")
    pytest.skip("Chromium is not installed")


def _screenshot(browser: str, html: str, tmp_path: Path, name: str) -> Image.Image:
    tmp_path.mkdir(parents=True, exist_ok=True)
    page = tmp_path / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    shot = tmp_path / f"{name}.png"
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", "--hide-scrollbars",
         "--window-size=1000,1400", f"--screenshot={shot}", page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    return Image.open(shot).convert("L")


def _ink(image: Image.Image) -> int:
    return sum(image.point(lambda v: 255 if v < 128 else 0).histogram()[255:])


def _differing(a: Image.Image, b: Image.Image) -> float:
    diff = ImageChops.difference(a, b).point(lambda v: 255 if v > 64 else 0)
    return diff.histogram()[255] / (a.size[0] * a.size[1])


def _outside_style(html: str, change) -> str:
    """Apply `change` to the page's text, not to its embedded font and styles."""
    head, body = html.split("</style>", 1)
    return head + "</style>" + change(body)


def _without_font(html: str) -> str:
    """The page as it would be if its embedded Sarabun failed to load."""
    return re.sub(r"@font-face \{.*?\}", "", html, flags=re.S).replace(
        '"Sarabun"', '"No Such Font"'
    )


def thai_renders(browser: str, html: str, tmp_path: Path) -> bool:
    """Whether the page's Thai is drawn as letters: it must add ink over the page without
    Thai, and look clearly unlike the page with boxes for letters and the page without its
    font (which on a machine without Thai fonts is boxes too)."""
    page = _screenshot(browser, html, tmp_path, "page")
    without = _screenshot(browser, _outside_style(html, lambda t: THAI.sub("", t)), tmp_path,
                          "without")  # fmt: skip
    boxes = _screenshot(browser, _outside_style(html, lambda t: THAI.sub("\ue000", t)), tmp_path,
                        "boxes")  # fmt: skip
    unfonted = _screenshot(browser, _without_font(html), tmp_path, "unfonted")
    return (
        _ink(page) > 1.5 * _ink(without)
        and _differing(page, boxes) > 0.05
        and _differing(page, unfonted) > 0.04
    )


def _system_has_thai_font() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    found = subprocess.run([fc_list, ":lang=th"], capture_output=True, text=True, timeout=30)
    return bool(found.stdout.strip())


@pytest.mark.long
def test_the_page_shows_thai_letters_in_a_browser_not_boxes(khaothong, tmp_path, request):  # noqa: F811
    if "postgresql" in request.node.name:
        pytest.skip("the page is the same on both databases; one browser run is enough")
    browser = _need_chromium()
    period = parse_period("2567-03")
    assert period is not None
    with Session(khaothong.db) as session:
        report = stats.report(
            session, org_id=khaothong.org_id, org_slug="khaothong", org_name=sample_org.NAME,
            period=period, deadline_days=RESOLUTION_DAYS, now=datetime.now(UTC), by_month=True,
        )  # fmt: skip
    html = render_html(report)
    assert thai_renders(browser, html, tmp_path / "served")
    with Image.open(tmp_path / "served" / "page.png") as shot:
        assert shot.size == (1000, 1400)
    if not _system_has_thai_font():  # the check can fail: without Sarabun, Thai is boxes here
        assert not thai_renders(browser, _without_font(html), tmp_path / "broken")


async def test_a_busy_page_is_served_from_memory_for_five_minutes(khaothong, capsys):  # noqa: F811
    now = [datetime(2024, 4, 20, 5, 0, tzinfo=UTC)]
    app = Starlette(routes=stats_routes(khaothong, clock=lambda: now[0]))
    async with serving(app) as base, httpx.AsyncClient(timeout=DEADLINE) as client:
        before = (await client.get(f"{base}/stats/khaothong/2567-04/csv")).content
        run_cli(capsys, "case", "add", "--stream", "complaint", "--channel", "phone",
                "--received", "2567-04-10", "--category", "road", "--text", "ถนนทรุด")  # fmt: skip
        again = (await client.get(f"{base}/stats/khaothong/2567-04/csv")).content
        now[0] += timedelta(minutes=6)
        later = (await client.get(f"{base}/stats/khaothong/2567-04/csv")).content
    assert again == before
    row = {r[0]: r[1] for r in csv.reader(io.StringIO(later.decode("utf-8-sig")))}
    assert row["เมษายน 2567"] == "2"  # C10 and the phone call
