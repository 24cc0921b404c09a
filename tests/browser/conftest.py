"""Real-browser fixtures: one Streamlit server per data folder, Debian Chromium, offline.

Reusable by any browser test (``app_url``, ``start_app``, ``browser``, ``page``,
``external_requests``): a test that needs other data starts its own server with
``start_app(data_dir)``; servers are shared for the whole session.

Chromium is Debian's ``/usr/bin/chromium`` (never a downloaded browser). Without
it the tests skip locally and *fail* under CI=true. Every request that leaves
localhost is blocked and recorded; each ``page`` test fails if one was attempted,
so the dashboard is proven to work offline.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import ARTIFACTS, REPO, under_ci

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--disable-quic",
    "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = ("127.0.0.1", "localhost")
SERVER_START_TIMEOUT = 60
# Software WebGL (SwiftShader) on two cores takes 5-10 s to draw the first frame.
DRAW_TIMEOUT_MS = 60_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything in this folder is a browser test, marked or not."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _unavailable(reason: str) -> None:
    if under_ci():
        pytest.fail(f"browser tests must run under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} not found (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("playwright (python) is not installed")
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer in {SERVER_START_TIMEOUT}s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def start_app(chromium: Path) -> Iterator[Callable[[Path | None], str]]:
    """A factory: ``start_app(data_dir)`` -> URL of a server on that data (None: bundled)."""
    servers: dict[str, tuple[subprocess.Popen, str]] = {}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def start(data_dir: Path | None = None) -> str:
        key = str(data_dir or "")
        if key in servers:
            return servers[key][1]
        port = _free_port()
        env = dict(os.environ)
        if data_dir is not None:
            env["LAWREACH_DATA_DIR"] = str(data_dir)
        log = ARTIFACTS / f"streamlit-{port}.log"
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"),
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false"],
            cwd=REPO, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}/"
        try:
            _wait_healthy(url, proc, log)
        except Exception:
            proc.kill()
            raise
        servers[key] = (proc, url)
        return url

    yield start
    for proc, _url in servers.values():
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def app_url(start_app: Callable[[Path | None], str]) -> str:
    """The dashboard on the bundled data (or LAWREACH_DATA_DIR if set)."""
    return start_app(None)


@pytest.fixture(scope="session")
def browser(chromium: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def external_requests() -> list[str]:
    """URLs that some page tried to fetch outside localhost (all were blocked)."""
    return []


@pytest.fixture
def new_context(browser, external_requests: list[str]):
    """A factory for fresh, offline browser contexts (a 'fresh browser' per call)."""
    contexts = []

    def block_external(route, request) -> None:
        host = request.url.split("/")[2].split(":")[0] if "://" in request.url else ""
        if request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            external_requests.append(request.url)
            route.abort()

    def make():
        context = browser.new_context(viewport={"width": 1400, "height": 1400})
        context.route("**/*", block_external)
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context, external_requests: list[str]):
    """A page in a fresh offline context; the test fails if anything left localhost."""
    page = new_context().new_page()
    yield page
    assert external_requests == [], f"requests outside localhost: {external_requests}"
