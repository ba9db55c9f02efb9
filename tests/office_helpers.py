"""Helpers for the staff office's tests: the office served on a loopback port, a real headless
Chromium driven by Playwright (Debian's `/usr/bin/chromium`, never a downloaded build), and
an officer logged in the way an officer logs in: `/web` in the chat, then the link's button."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.web.routes import build_web_app
from tests.fake_line import serving
from tests.transcript import Chat

if TYPE_CHECKING:
    from playwright.async_api import Browser

CHROMIUM = "/usr/bin/chromium"
LINK = re.compile(r"(https?://\S+/office/login/[A-Za-z0-9_-]+)")
DOCS_IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"


def chromium() -> str:
    if Path(CHROMIUM).is_file():
        return CHROMIUM
    found = shutil.which("chromium")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("Chromium is required under CI=true (.ci/run installs it)")
    pytest.skip("Chromium is not installed")


@asynccontextmanager
async def office(core) -> AsyncIterator[str]:
    """The whole web app of `core` on a free port; `/web` links point at it."""
    async with serving(build_web_app([], core)) as base:
        core.engine.deps = replace(core.engine.deps, public_url=base)
        yield base


# What each office test module sets as its `pytestmark`: its tests run on the test process's
# session event loop, where one Chromium stays open for all of them (`shared_browser`).
ONE_BROWSER = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.usefixtures("one_browser")]


def on_one_browser(test: Callable) -> Callable:
    """ONE_BROWSER for one test, in a module whose other tests do not all use the browser."""
    for mark in ONE_BROWSER:
        test = mark(test)
    return test


BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
# The Chromium of each event loop that `shared_browser` keeps open.
_SHARED: dict[asyncio.AbstractEventLoop, Browser] = {}


@asynccontextmanager
async def _launched(path: str) -> AsyncIterator[Browser]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=path, args=BROWSER_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@asynccontextmanager
async def shared_browser() -> AsyncIterator[None]:
    """One Chromium for every office test on this event loop (the test process's session
    loop): starting Playwright and a Chromium for each test took 1.5-2 s of each."""
    if not Path(CHROMIUM).is_file() and not shutil.which("chromium"):
        yield  # `browser()` skips or fails each test, as it says why
        return
    loop = asyncio.get_running_loop()
    async with _launched(chromium()) as launched:
        _SHARED[loop] = launched
        try:
            yield
        finally:
            del _SHARED[loop]


@asynccontextmanager
async def browser() -> AsyncIterator[Browser]:
    """A Chromium for one test: the shared one where there is one on this loop, and every
    context the test opened in it closed afterwards (so no cookie or page outlives the
    test); else one launched for this test alone."""
    shared = _SHARED.get(asyncio.get_running_loop())
    if shared is None or not shared.is_connected():
        async with _launched(chromium()) as launched:
            yield launched
        return
    try:
        yield shared
    finally:
        for context in shared.contexts:
            await context.close()


def link_in(text: str) -> str:
    match = LINK.search(text)
    assert match, f"no login link in:\n{text}"
    return match.group(1)


async def log_in(page, chat: Chat, base: str) -> None:
    """The officer types `/web` in their chat, opens the link and presses the button."""
    link = link_in(await chat.say("/web"))
    await page.goto(link)
    await page.click("#login-button")
    # The queue, or the page an officer without a queue starts on (the plan, the host's).
    await page.wait_for_url(re.compile(re.escape(base) + r"/office/(plan|host/)?$"))


async def fits_the_screen(page, *selectors: str) -> None:
    """No sideways scrolling, and each element starts inside the viewport's width."""
    width = page.viewport_size["width"]
    overflow = await page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"page is {overflow}px wide on a {width}px screen"
    for selector in selectors:
        box = await page.locator(selector).first.bounding_box()
        assert box is not None, f"{selector} is not shown"
        assert box["x"] >= 0 and box["width"] > 0 and box["x"] + box["width"] <= width + 1, (
            f"{selector} sticks out: {box}"
        )


def check_screenshot(data: bytes, name: str, *, keep: bool) -> None:
    """A real picture (many colours, dark text on a light page). With
    `COMPLAINTBOT_DOCS_SCREENSHOTS=1` the pictures `keep` names are written to docs/images/
    for the staff guide (off by default: every run has new codes, so new pictures)."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(data)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50, f"{name} looks blank"
    grey = image.convert("L")
    dark = sum(grey.point(lambda v: 255 if v < 100 else 0).histogram()[255:])
    assert dark > image.size[0] * 20, f"{name} has almost no text"
    if keep and os.environ.get("COMPLAINTBOT_DOCS_SCREENSHOTS") == "1":
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        (DOCS_IMAGES / f"{name}.png").write_bytes(data)
