"""`logis demo` on a fresh SQLite file, then `logis serve` on a free loopback
port, reached over HTTP like any client; the server is killed at the end."""

from __future__ import annotations

from contextlib import closing, contextmanager
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
import pytest

from tests.e2e.browsing import TIMEOUT_MS, chromium_or_skip
from tests.e2e.commission_store import write_procedure
from tests.e2e.support import (
    Server,
    logis_env,
    logis_serving,
    run_logis,
    store_fixture,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from playwright.sync_api import Browser, ConsoleMessage, Page, Route


@contextmanager
def serving_demo(workdir: Path) -> Iterator[Server]:
    """`logis demo`, then `logis serve` on the same SQLite file; killed at the end."""
    database_path = workdir / "logis.sqlite3"
    database_url = f"sqlite:///{database_path}"
    demo = run_logis("demo", database_url=database_url, cwd=workdir)
    assert demo.returncode == 0, demo.stderr
    env = logis_env(database_url)
    with logis_serving(workdir, env, "--host", "127.0.0.1") as base_url:
        yield Server(base_url, database_url, database_path, workdir, demo.stdout)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The demo served for the whole session (tests that only read it)."""
    with serving_demo(tmp_path_factory.mktemp("logis-e2e")) as served:
        yield served


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


# The `logis commissions` tests' sessions (tests/e2e/commission_store.py),
# written once per test module and backend.
sessions = store_fixture("logis-cli-commissions", write_procedure)


# The browser scenarios' (tests/e2e/test_web*.py): one Chromium a module.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with (
        sync_playwright() as driver,
        closing(
            driver.chromium.launch(executable_path=chromium, headless=True)
        ) as launched,
    ):
        yield launched


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """A fresh browser context (no cookies) whose requests may only reach the
    server on 127.0.0.1: any other is aborted, and the test fails, as it does
    on any script error in the page."""
    context = browser.new_context(base_url=server.base_url, locale="fr-FR")
    context.set_default_timeout(TIMEOUT_MS)
    elsewhere: list[str] = []

    def loopback_only(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", loopback_only)
    opened = context.new_page()
    # what the pages' scripts could not do, a Content-Security-Policy refusal
    # included: nothing, but ReDoc's logo (api/web/docs.py) and the refusals
    # (403, 404) the tests ask for
    broken: list[str] = []
    opened.on("pageerror", lambda error: broken.append(str(error)))

    def console(message: ConsoleMessage) -> None:
        text = message.text
        expected = "status of 40" in text or (
            "cdn.redoc.ly" in text and "blocked" in text
        )
        if message.type == "error" and not expected:
            broken.append(text)

    opened.on("console", console)
    try:
        yield opened
    finally:
        context.close()
    assert elsewhere == [], f"requêtes hors de 127.0.0.1 : {elsewhere}"
    assert broken == [], f"erreurs dans la page : {broken}"
