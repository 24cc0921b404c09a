"""The standalone HTML map: self-contained, offline, and inert against planted markup.

The file checks run everywhere; the browser part opens the file from file:// in
Debian Chromium with every non-file request aborted, checks that the map is
drawn (pixels, not just a canvas element), hovers the hostile record and proves
that nothing planted in the data ran.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import time
from pathlib import Path

import numpy as np
import pytest
from matplotlib.image import imread

from lawreach.contract.load import load_dataset
from lawreach.export import html as export_html
from lawreach.export.tabular import ExportMeta
from lawreach.map import style
from lawreach.query.filters import FilterState, apply, describe
from tests.chromium import with_chromium
from tests.conftest import ARTIFACTS
from tests.sample_data import BREAKOUT_NAME, EXPORT_DATE, XSS_NAME, write_export_dir

AMSTERDAM = (4.9041, 52.3676)  # the record named XSS_NAME


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory) -> Path:
    return write_export_dir(tmp_path_factory.mktemp("html"))


@pytest.fixture(scope="module")
def page_file(export_dir) -> Path:
    """The full fixture dataset as a standalone page, saved as a test artifact."""
    data = load_dataset(export_dir)
    state = FilterState()
    filtered = apply(data.records, state)
    names = dict(zip(data.bureaus["id"], data.bureaus["name"], strict=True))
    meta = ExportMeta.for_data(export_dir, describe(state, filtered, names),
                               title="Map <script>alert('title')</script> & more",
                               export_date=EXPORT_DATE)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "map-all.html"
    path.write_bytes(export_html.to_html(filtered, data.bureaus, meta))
    return path


def test_page_is_self_contained_and_escaped(page_file):
    page = page_file.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']?https?:", page, re.I)
    assert XSS_NAME not in page, "the hostile name never appears as raw markup"
    assert "</script><script>window.__pwned" not in page
    assert "<title>Map &lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt; &amp; more</title>" in page
    assert "<h1>Map &lt;script&gt;" in page
    assert "14 records in 9 countries" in page
    assert "exported 2026-01-15" in page and "Data version 2026-01-01+" in page
    block = re.search(r'<script type="application/json" id="lawreach-metadata">(.*?)</script>', page)
    assert block and json.loads(block.group(1))["record_count"] == 14


def test_csp_allows_only_the_pages_own_scripts(page_file):
    page = page_file.read_text(encoding="utf-8")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    csp = csp.replace("&#x27;", "'")
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    scripts = [m.group(2) for m in re.finditer(r"<script([^>]*)>(.*?)</script>", page, re.S)
               if "application/json" not in m.group(1)]
    assert len(scripts) == 2  # deck.gl bundle and the page's createDeck call
    for body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


# --- in a real browser ------------------------------------------------------------


def _canvas_pixels(page) -> np.ndarray:
    png = page.locator("#deck-container canvas").screenshot()
    return (imread(io.BytesIO(png))[..., :3] * 255).round().astype(np.int16)


def _share_near(image: np.ndarray, rgb, tol: int) -> float:
    return float((np.abs(image - np.array(rgb)).sum(axis=2) <= tol).mean())


@pytest.mark.browser
def test_html_draws_offline_and_runs_nothing_planted(page_file):
    with_chromium(lambda browser: _check_page(browser, page_file))


def _check_page(browser, page_file: Path) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    remote: list[str] = []
    dialogs: list[str] = []

    def route(request_route):
        if request_route.request.url.startswith("file://"):
            request_route.continue_()
        else:
            remote.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(page_file.as_uri())
    page.wait_for_selector("#deck-container canvas", timeout=60_000)
    page.wait_for_function("() => typeof deckInstance !== 'undefined' && deckInstance.isInitialized "
                           "&& deckInstance.getViewports().length > 0", timeout=60_000)

    # Drawn: basemap land and bureau-coloured markers, within software WebGL's time.
    deadline = time.monotonic() + 60
    while True:
        image = _canvas_pixels(page)
        land = _share_near(image, style.BASEMAP_FILL, 10)
        qingtian = _share_near(image, style.BUREAU_COLOURS["qingtian-psb"], 40)
        if (land > 0.05 and qingtian > 0) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert land > 0.05, "basemap drawn"
    assert qingtian > 0, "markers drawn"

    # Hover the record named <img src=x onerror=alert(1)>: its name shows as text.
    x, y = page.evaluate(
        """([lon, lat]) => { const [x, y] = deckInstance.getViewports()[0].project([lon, lat]);
           const r = document.querySelector('#deck-container canvas').getBoundingClientRect();
           return [r.left + x, r.top + y]; }""", list(AMSTERDAM))
    page.mouse.move(x + 2, y + 2)
    page.mouse.move(x, y)
    page.wait_for_function("() => { const t = document.querySelector('.deck-tooltip');"
                           " return t && t.innerText.includes('Amsterdam'); }", timeout=15_000)
    tooltip = page.locator(".deck-tooltip")
    assert XSS_NAME in tooltip.inner_text()
    assert tooltip.locator("img").count() == 0
    page.screenshot(path=str(ARTIFACTS / "map-all-hover.png"))
    time.sleep(0.5)  # give a planted handler the chance to fire
    assert dialogs == []
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("img").count() == 0
    assert page.title().startswith("Map <script>")
    assert BREAKOUT_NAME  # planted in a record name, checked via window.__pwned above
    assert remote == [], f"the page asked for the network: {remote}"
    page.close()
