"""Hostile text in a real browser: nothing planted in the data ever runs.

A record carries script payloads in every text field, and so do the data
version, the data README and a record the loader rejects (its ``javascript:``
source is shown in the problems banner). Each test opens one place where the
text appears and checks, in headless Chromium, that

* no payload ran: ``window.__xss`` stays undefined and no dialog opened;
* no element carries an inline event handler, and no link points anywhere but
  http(s);
* the payload is *shown*, as text (so the test really exercised that place).

Places: the map tooltip (hovering the marker), the detail panel, the table,
the About page, the standalone HTML export opened from file://, and the SVG
snapshot opened in Chromium.
"""

from __future__ import annotations

import copy
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest

from lawreach.contract.load import load_dataset
from tests.browser.helpers import MAP_CANVAS, wait_for_script
from tests.sample_data import (
    PATROL,
    SOURCE,
    STATION,
    feature,
    patrol_rows,
    station_features,
    write_geojson,
    write_patrols,
    write_sample,
)

pytestmark = pytest.mark.browser

IMG = "<img src=x onerror=window.__xss=1>"
SCRIPT = "<script>window.__xss=1</script>"
SVG = '"><svg onload=window.__xss=1>'
JS_LINK = "[click me](javascript:window.__xss=1)"
DETAILS = "<details open ontoggle=window.__xss=1>"
PAYLOADS = (IMG, SCRIPT, SVG, JS_LINK, DETAILS)
# An http(s) URL the loader accepts, which tries to break out of an href attribute.
BREAKOUT_URL = 'https://example.org/report"onmouseover="window.__xss=1"x="'
HOSTILE_ID = "st-aut-vienna-hostile"
HOSTILE_PATROL_ID = "jp-hun-2019-hostile"
REJECTED_ID = "st-aut-graz-javascript"
VIENNA = (16.3738, 48.2082)

# Collected by an init script in every page: dialogs, and any run of a payload.
WATCH_JS = """
window.__dialogs = [];
for (const name of ['alert', 'confirm', 'prompt']) {
  window[name] = (...args) => { window.__dialogs.push(name + ':' + args.join(',')); };
}
"""
# Inline handlers and non-http(s) links anywhere in the document (shadow roots included).
DOM_CHECK_JS = """
() => {
  const out = {handlers: [], links: [], scripts: 0};
  const visit = (root) => {
    for (const el of root.querySelectorAll('*')) {
      for (const attr of el.getAttributeNames()) {
        if (attr.toLowerCase().startsWith('on')) out.handlers.push(el.tagName + '[' + attr + ']');
      }
      const href = el.getAttribute('href') || el.getAttribute('xlink:href');
      if (href !== null && /^\\s*(javascript|data|vbscript):/i.test(href)) out.links.push(href);
      if (el.tagName === 'A' && href && /^\\s*https?:/i.test(href) === false && !href.startsWith('#')
          && !href.startsWith('/') && !href.startsWith('./') && !/^[\\w-]+\\/?(\\?|$)/.test(href)) {
        out.links.push(href);
      }
      if (el.shadowRoot) visit(el.shadowRoot);
    }
  };
  visit(document);
  out.xss = typeof window.__xss;
  out.dialogs = window.__dialogs || [];
  return out;
}
"""


# Streamlit's own markup next to a heading: an aria-hidden icon in a "#heading" link.
OWN_ICON = "[data-testid=stHeaderActionElements] svg"
ANCHOR_LINK = "[data-testid=stHeaderActionElements] a"


def _hostile_station() -> dict:
    rec = copy.deepcopy(STATION)
    source = dict(SOURCE, title=IMG, publisher=SVG, note=SCRIPT, url=BREAKOUT_URL)
    rec.update(
        id=HOSTILE_ID, name=IMG, name_zh=SCRIPT, name_pinyin=SVG, partner_agency=JS_LINK,
        programme=DETAILS, city=SVG, country="AUT", address=JS_LINK,
        coordinate_source=IMG, operating_bureau="fuzhou-psb",
        notes=" ".join(PAYLOADS) + " javascript:window.__xss=1",
        history=[{"date": "2022-09-12", "event": SCRIPT, "authority": IMG, "status": "reported",
                  "source": BREAKOUT_URL}],
        sources=[source, dict(SOURCE, title=JS_LINK, url="https://example.org/<script>x</script>")],
    )
    return rec


def _hostile_patrol() -> dict:
    rec = copy.deepcopy(PATROL)
    rec.update(id=HOSTILE_PATROL_ID, name=SVG, city=IMG, country="HUN", lon=19.0402, lat=47.4979,
               partner_agency=SCRIPT, programme=JS_LINK, notes=DETAILS, address=IMG,
               sources=[dict(SOURCE, title=SCRIPT, publisher=IMG)])
    return rec


def write_hostile(directory: Path) -> Path:
    """The dashboard's sample data plus the hostile records, version and README."""
    write_sample(directory)
    rejected = copy.deepcopy(STATION)
    rejected.update(id=REJECTED_ID, name=IMG, country="AUT", history=[],
                    sources=[dict(SOURCE, url="javascript:window.__xss=1")])
    write_geojson(directory / "stations.geojson", [
        *station_features(), feature(_hostile_station(), *VIENNA), feature(rejected, 15.4395, 47.0707),
    ])
    write_patrols(directory / "patrols.csv", [*patrol_rows(), _hostile_patrol()])
    (directory / "VERSION").write_text(f"2026-01-01{IMG}\n", encoding="utf-8")
    (directory / "README.md").write_text(
        f"# Data\n\n## Known gaps\n\n{IMG} {SCRIPT} {JS_LINK} <a href=\"javascript:window.__xss=1\">x</a>\n",
        encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory) -> Path:
    directory = write_hostile(tmp_path_factory.mktemp("hostile"))
    data = load_dataset(directory)
    assert {HOSTILE_ID, HOSTILE_PATROL_ID} <= set(data.records["id"])  # they are shown...
    assert REJECTED_ID not in set(data.records["id"])  # ...and the javascript: one is not
    return directory


@pytest.fixture(scope="module")
def hostile_url(start_app, hostile_dir) -> str:
    return start_app(hostile_dir)


@pytest.fixture
def watched(new_context):
    """A page that records dialogs, and fails the test if any payload ran."""
    page = new_context().new_page()
    page.add_init_script(WATCH_JS)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield page
    assert dialogs == [], f"a dialog opened: {dialogs}"


@pytest.fixture
def file_page(browser):
    """A watched page for files opened from disk: file: URLs load, the network does not."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    attempted: list[str] = []

    def offline(route, request) -> None:
        if request.url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            attempted.append(request.url)
            route.abort()

    context.route("**/*", offline)
    page = context.new_page()
    page.add_init_script(WATCH_JS)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield page
    context.close()
    assert dialogs == [], f"a dialog opened: {dialogs}"
    assert attempted == [], f"the exported file tried to reach the network: {attempted}"


def assert_nothing_ran(page) -> None:
    state = page.evaluate(DOM_CHECK_JS)
    assert state["xss"] == "undefined", "a payload ran"
    assert state["dialogs"] == []
    assert state["handlers"] == [], f"inline event handlers in the DOM: {state['handlers'][:10]}"
    assert state["links"] == [], f"non-http(s) links in the DOM: {state['links'][:10]}"


def open_app(page, url: str, **params: str) -> None:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    page.goto(url + ("?" + query if query else ""))
    wait_for_script(page)


def test_tooltip_shows_payload_as_text(watched, hostile_url):
    page = watched
    lon, lat = VIENNA
    open_app(page, hostile_url, lat=f"{lat:.3f}", lon=f"{lon:.3f}", zoom="9.00")
    canvas = page.wait_for_selector(MAP_CANVAS, timeout=60_000)
    box = canvas.bounding_box()
    assert box
    tooltip = page.locator(".deck-tooltip")
    # no fixed wait for the first frame: hovering until the tooltip shows is the wait
    deadline = time.monotonic() + 90
    text = ""
    while time.monotonic() < deadline:
        for dx, dy in ((0, 0), (2, 0), (0, 2), (-2, 0), (0, -2)):
            page.mouse.move(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy)
            page.wait_for_timeout(300)
            if tooltip.count() and tooltip.first.is_visible():
                text = tooltip.first.inner_text()
                if IMG in text:
                    break
        if IMG in text:
            break
    assert IMG in text, f"the hostile marker's tooltip never showed its name (got {text!r})"
    assert tooltip.first.locator("img, svg, script, iframe, details").count() == 0
    assert_nothing_ran(page)


def test_detail_panel_shows_payloads_as_text_and_only_http_links(watched, hostile_url):
    page = watched
    open_app(page, hostile_url, sel=HOSTILE_ID)
    panel = page.locator(".lr-detail")
    panel.wait_for(timeout=30_000)
    text = panel.inner_text()
    for payload in (IMG, SCRIPT, SVG.strip()):
        assert payload in text, f"{payload!r} not shown as text in the detail panel"
    assert panel.locator(f"img, svg:not({OWN_ICON}), script, iframe, details").count() == 0
    links = panel.locator(f"a:not({ANCHOR_LINK})")  # Streamlit's own "link to heading" aside
    hrefs = links.evaluate_all("els => els.map(a => a.getAttribute('href'))")
    assert hrefs, "the sources have no links"
    assert all(h.startswith(("https://", "http://")) for h in hrefs), hrefs
    assert BREAKOUT_URL in hrefs  # the whole URL stayed inside the attribute
    for anchor in links.all():
        anchor.hover()  # an escaped onmouseover would fire here
    page.wait_for_timeout(300)
    assert_nothing_ran(page)


def test_table_and_problems_banner(watched, hostile_url):
    page = watched
    open_app(page, hostile_url, country="AUT&country=HUN")
    grid = page.locator('[data-testid="stDataFrame"]')
    grid.wait_for(timeout=30_000)
    grid.scroll_into_view_if_needed()
    # The grid draws on a canvas; its accessible table mirrors the visible cells as text.
    cells = grid.locator('[role="gridcell"]')
    cells.first.wait_for(state="attached", timeout=15_000)
    texts = cells.evaluate_all("els => els.map(e => e.textContent)")
    assert IMG in texts and SVG in texts, texts[:20]
    assert grid.locator('[role="gridcell"] :is(img, svg, script, iframe, details)').count() == 0
    for cell in cells.all()[:12]:
        box = cell.bounding_box()
        if box and box["width"] and box["height"]:
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    # the rejected record's javascript: URL is listed as text in the problems banner
    page.get_by_text("problem(s)", exact=False).last.click()
    banner = page.locator('[data-testid="stCode"]').first
    banner.wait_for(timeout=10_000)
    assert "javascript:window.__xss=1" in banner.inner_text()
    assert REJECTED_ID in banner.inner_text()
    assert_nothing_ran(page)


def test_version_caption_and_about_page(watched, hostile_url):
    page = watched
    open_app(page, hostile_url)
    caption = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first.inner_text()
    # a VERSION that is not a release token is not shown at all, escaped or not
    assert IMG not in caption and "unreadable" in caption
    page.goto(hostile_url + "About")
    page.wait_for_selector("h2", timeout=30_000)
    main = page.locator('[data-testid="stMain"]')
    main.filter(has_text=SVG.strip()).wait_for(timeout=60_000)
    body = main.inner_text()
    assert IMG in body  # the README's gaps, as text
    assert SVG.strip() in body  # a publisher's name in the source summary
    assert_nothing_ran(page)


# --- exports opened from disk ------------------------------------------------------------

def _export_inputs(hostile_dir: Path):
    export_data = pytest.importorskip("lawreach.export.tabular")
    data = load_dataset(hostile_dir)
    records = data.records[data.records["id"].isin([HOSTILE_ID, HOSTILE_PATROL_ID])]
    meta = export_data.ExportMeta.for_data(hostile_dir, sentence=f"records matching “{SVG}”",
                                          title=f"{IMG} {SCRIPT}")
    return records, data.bureaus, meta


def _hover_record(page, canvas_box: dict, lon: float, lat: float, timeout_s: float = 90) -> str:
    """Hover a record in a standalone pydeck page and return its tooltip's text.

    pydeck's page keeps its ``deckInstance`` in a global, so the record's screen
    position comes from the page's own viewport, not from guessing pixels."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        xy = page.evaluate("([lon, lat]) => deckInstance.getViewports()[0]?.project([lon, lat])",
                           [lon, lat])
        if xy:
            for dx, dy in ((0, 0), (1, 1), (-1, -1), (2, 0), (0, 2)):
                page.mouse.move(canvas_box["x"] + xy[0] + dx, canvas_box["y"] + xy[1] + dy)
                page.wait_for_timeout(250)
                tip = page.locator(".deck-tooltip")
                if tip.count() and tip.first.is_visible() and tip.first.inner_text().strip():
                    return tip.first.inner_text()
        page.wait_for_timeout(500)
    return ""


def test_standalone_html_export_from_file(file_page, hostile_dir, tmp_path):
    export_html = pytest.importorskip("lawreach.export.html")
    records, bureaus, meta = _export_inputs(hostile_dir)
    path = tmp_path / "map.html"
    path.write_bytes(export_html.to_html(records, bureaus, meta))
    page = file_page
    page.goto(path.as_uri())
    canvas = page.wait_for_selector("canvas", timeout=60_000)
    header = page.locator("body").inner_text()
    assert IMG in header and SCRIPT in header  # the title, shown as text
    box = canvas.bounding_box()
    assert box
    station = records.set_index("id").loc[HOSTILE_ID]
    patrol = records.set_index("id").loc[HOSTILE_PATROL_ID]
    station_tip = _hover_record(page, box, float(station["lon"]), float(station["lat"]))
    assert IMG in station_tip, f"the hostile station's tooltip: {station_tip!r}"
    assert page.locator(".deck-tooltip :is(img, svg, script, iframe, details)").count() == 0
    patrol_tip = _hover_record(page, box, float(patrol["lon"]), float(patrol["lat"]))
    assert SVG in patrol_tip or IMG in patrol_tip, f"the hostile patrol's tooltip: {patrol_tip!r}"
    assert page.locator(".deck-tooltip :is(img, svg, script, iframe, details)").count() == 0
    assert_nothing_ran(page)


def test_svg_snapshot_opened_in_chromium(file_page, hostile_dir, tmp_path):
    snapshot = pytest.importorskip("lawreach.export.snapshot")
    records, bureaus, meta = _export_inputs(hostile_dir)
    svg = snapshot.snapshot_bytes(records, bureaus, meta, "svg")
    tree = ElementTree.fromstring(svg)
    elements = list(tree.iter())
    assert not [e.tag for e in elements if e.tag.rsplit("}", 1)[-1] in ("script", "foreignObject")]
    assert not [a for e in elements for a in e.attrib if a.rsplit("}", 1)[-1].startswith("on")]
    texts = "".join("".join(e.itertext()) for e in elements if e.tag.endswith("}text"))
    assert IMG in texts  # the title is drawn as SVG text, the payload kept as characters
    path = tmp_path / "snapshot.svg"
    path.write_bytes(svg)
    page = file_page
    page.goto(path.as_uri())
    page.wait_for_timeout(1000)
    shown = page.evaluate("() => document.documentElement.textContent")
    assert IMG in shown  # the title, as text
    assert page.evaluate("() => document.querySelectorAll('img, script, foreignObject').length") == 0
    assert_nothing_ran(page)
