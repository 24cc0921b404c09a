"""Debian's Chromium for the tests that render exports (the HTML map, the app's downloads)."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader",
                 "--disable-background-networking"]


def require_chromium() -> None:
    """Skip without Debian's Chromium locally; fail under CI, where it must be installed."""
    import pytest

    from tests.conftest import under_ci

    if not CHROMIUM.exists():
        if under_ci():
            pytest.fail(f"{CHROMIUM} is required under CI")
        pytest.skip(f"{CHROMIUM} not found (apt-get install chromium)")


def with_chromium(task):
    """Run ``task(browser)`` with its own Playwright, on a worker thread.

    Playwright's sync API refuses to start a second instance on a thread that
    already runs one, and the dashboard's browser tests keep theirs open for
    the whole session; a thread of our own sidesteps that. Exceptions (and
    failed asserts) propagate to the caller.
    """
    from concurrent.futures import ThreadPoolExecutor

    require_chromium()

    def run():
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                return task(browser)
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()
