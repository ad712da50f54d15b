"""Fixtures for the console's end-to-end tests.

- `browser`: Debian's Chromium, headless, driven by Playwright, with a fresh profile; one
  per test module (Playwright's sync API holds an event loop while it is open).
- `open_page`: a new page of that browser at a URL; any script error or console error on
  it fails the test.
- `start_console`: the real console server for some settings and agency, in a thread of
  its own with its own event loop, stopped at the end of the test.
"""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, sync_playwright

from config import Settings
from streams.console import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"the console tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
        )
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1440, "height": 1000},
            timezone_id="UTC",
            locale="en-GB",
        )
        context.set_default_timeout(20_000)
        yield context
        context.close()


OpenPage = Callable[..., Page]


@pytest.fixture
def open_page(browser: BrowserContext) -> Iterator[OpenPage]:
    pages: list[Page] = []
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"console: {message.text}")

    def open_(url: str, width: int = 1440, height: int = 1000) -> Page:
        page = browser.new_page()
        page.set_viewport_size({"width": width, "height": height})
        page.on("pageerror", lambda exc: errors.append(f"script: {exc}"))
        page.on("console", on_console)
        page.goto(url)
        pages.append(page)
        return page

    yield open_
    for page in pages:
        if not page.is_closed():
            page.close()
    if errors:
        pytest.fail("errors in the console page:\n" + "\n".join(errors))


class ConsoleServer:
    """A console app served on a free local port from a thread of its own."""

    def __init__(self, settings: Settings, agency: str | None) -> None:
        self.app = create_app(settings, agency)
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._thread = threading.Thread(target=self._serve, name=f"console-{agency}", daemon=True)
        self._started = threading.Event()
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> ConsoleServer:
        self._thread.start()
        if not self._started.wait(15):
            raise AssertionError("the console did not start in 15 s")
        if self._error is not None:
            raise AssertionError(f"the console failed to start: {self._error!r}")
        return self

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        runner = web.AppRunner(self.app, shutdown_timeout=2.0)
        try:
            self.loop.run_until_complete(runner.setup())
            site = web.TCPSite(runner, "127.0.0.1", 0)
            self.loop.run_until_complete(site.start())
            self.port = runner.addresses[0][1]
        except BaseException as exc:
            self._error = exc
            self._started.set()
            return
        self._started.set()
        try:
            self.loop.run_forever()
        finally:
            self.loop.run_until_complete(runner.cleanup())
            self.loop.close()

    def stop(self) -> None:
        if self._thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(15)
            assert not self._thread.is_alive(), "the console did not stop in 15 s"

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=10) as response:
            return json.loads(response.read())

    def post(self, path: str, body: Any, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        """POST JSON; the status and the decoded JSON answer, errors included."""
        request = urllib.request.Request(
            self.url + path.lstrip("/"),
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", **(headers or {})},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())


StartConsole = Callable[[Settings, "str | None"], ConsoleServer]


@pytest.fixture
def start_console() -> Iterator[StartConsole]:
    started: list[ConsoleServer] = []

    def start(settings: Settings, agency: str | None) -> ConsoleServer:
        server = ConsoleServer(settings, agency).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
