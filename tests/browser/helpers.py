"""Small helpers shared by the browser tests: waiting for Streamlit, reading pixels."""

from __future__ import annotations

import re
import time

from lawreach.map import style

MAP_CANVAS = '[data-testid="stDeckGlJsonChart"] canvas'

# Copies the deck canvas into a 2D canvas and counts basemap-coloured and
# marker-coloured pixels (the deck canvas keeps its drawing buffer).
COUNT_PIXELS_JS = """
([basemap, markers]) => {
  const src = document.querySelector('[data-testid="stDeckGlJsonChart"] canvas');
  if (!src || !src.width || !src.height) return null;
  const out = document.createElement('canvas');
  out.width = src.width; out.height = src.height;
  const g = out.getContext('2d');
  g.drawImage(src, 0, 0);
  const d = g.getImageData(0, 0, out.width, out.height).data;
  const near = (i, c, tol) =>
    Math.abs(d[i] - c[0]) + Math.abs(d[i + 1] - c[1]) + Math.abs(d[i + 2] - c[2]) <= tol;
  let base = 0, marker = 0, drawn = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] === 0) continue;
    drawn++;
    if (near(i, basemap, 8)) { base++; continue; }
    for (const c of markers) { if (near(i, c, 40)) { marker++; break; } }
  }
  return {base, marker, drawn, total: out.width * out.height};
}
"""


def wait_for_script(page, timeout_s: float = 60) -> None:
    """Wait until the metric tiles exist and Streamlit is no longer running the script."""
    page.wait_for_selector('[data-testid="stMetric"]', timeout=timeout_s * 1000)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if page.locator('[data-testid="stStatusWidget"]').count() == 0:
            time.sleep(0.3)
            if page.locator('[data-testid="stStatusWidget"]').count() == 0:
                return
        time.sleep(0.2)


def metric_value(page, label: str) -> str:
    tile = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return tile.locator('[data-testid="stMetricValue"]').inner_text().strip()


def wait_for_metric(page, label: str, predicate, timeout_s: float = 30) -> str:
    deadline = time.monotonic() + timeout_s
    value = ""
    while time.monotonic() < deadline:
        value = metric_value(page, label)
        if predicate(value):
            return value
        time.sleep(0.25)
    raise AssertionError(f"metric {label!r} stayed at {value!r}")


def map_pixels(page, timeout_s: float = 60, min_marker: int = 20) -> dict:
    """Poll until the map shows basemap and marker pixels (or time runs out)."""
    page.wait_for_selector(MAP_CANVAS, timeout=timeout_s * 1000)
    markers = [list(c) for c in (*style.BUREAU_COLOURS.values(), style.UNKNOWN_BUREAU,
                                 style.OTHER_BUREAU)]
    deadline = time.monotonic() + timeout_s
    counts: dict = {}
    while time.monotonic() < deadline:
        counts = page.evaluate(COUNT_PIXELS_JS, [list(style.BASEMAP_FILL), markers]) or {}
        if counts and counts["base"] > 0.05 * counts["total"] and counts["marker"] >= min_marker:
            return counts
        time.sleep(1)
    return counts


def no_exceptions(page) -> bool:
    return page.locator('[data-testid="stException"]').count() == 0


def url_params(url: str) -> str:
    return re.sub(r"^[^?]*\??", "", url)
