"""What a person sees: the page draws a map offline, filters work, links restore views."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest

from lawreach import layers
from lawreach.load import DEFAULT_DATA_DIR, load_dataset
from tests.browser.helpers import (
    MAP_CANVAS,
    map_pixels,
    metric_value,
    no_exceptions,
    wait_for_metric,
    wait_for_script,
)
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def test_page_draws_basemap_and_markers_offline(page, app_url):
    page.goto(app_url)
    wait_for_script(page)
    counts = map_pixels(page)
    assert no_exceptions(page)
    assert counts, "the map canvas never appeared"
    assert counts["base"] > 0.05 * counts["total"], f"no basemap drawn: {counts}"
    assert counts["marker"] >= 20, f"no markers drawn: {counts}"
    assert int(metric_value(page, "Records shown")) > 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"))
    # the external-request check runs in the page fixture's teardown


def test_bureau_filter_changes_count_and_link_restores_it(page, new_context, app_url):
    page.goto(app_url)
    wait_for_script(page)
    total = int(metric_value(page, "Records shown"))
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has_text="Operating bureau")
    box.locator("input").click()
    # the first option may be "Select all"; take the first bureau ("Name (count)")
    option = page.locator('[role="option"]').filter(has_text=re.compile(r"\(\d+\)$")).first
    label = option.inner_text().strip()
    option.click()
    page.keyboard.press("Escape")
    shown = int(wait_for_metric(page, "Records shown", lambda v: v.isdigit() and int(v) != total))
    assert 0 < shown < total, (label, shown, total)
    page.wait_for_url("**bureau=**")
    assert no_exceptions(page)
    link = page.url

    fresh = new_context().new_page()  # a new browser profile: nothing but the link
    fresh.goto(link)
    wait_for_script(fresh)
    assert int(wait_for_metric(fresh, "Records shown", lambda v: v == str(shown))) == shown
    chip_text = fresh.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has_text="Operating bureau").inner_text()
    assert label.rsplit(" (", 1)[0] in chip_text
    assert no_exceptions(fresh)


def _isolated_station(data_dir: Path | None):
    """A service station with no other record near it (so a click at its point hits it)."""
    data = load_dataset(data_dir or DEFAULT_DATA_DIR)
    frame = layers.prepare(data.records, data.bureaus)
    xs, ys = frame["x"].to_numpy(float), frame["y"].to_numpy(float)
    for i in np.flatnonzero((frame["activity_type"] == "service_station").to_numpy()):
        others = np.hypot(xs - xs[i], ys - ys[i])
        others[i] = np.inf
        if others.min() > 1.0:
            return frame.iloc[i]
    pytest.skip("no isolated service station in the data")


def test_clicking_a_marker_opens_its_detail_panel(page, app_url):
    record = _isolated_station(Path(os.environ["LAWREACH_DATA_DIR"])
                               if os.environ.get("LAWREACH_DATA_DIR") else None)
    # a link centred on the record: it sits in the middle of the map
    page.goto(f"{app_url}?lat={record['y']}&lon={record['x']}&zoom=9")
    wait_for_script(page)
    assert map_pixels(page, min_marker=5)["marker"] >= 5
    box = page.locator(MAP_CANVAS).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    panel = page.locator(".lr-detail")
    panel.wait_for(timeout=30_000)
    assert record["name"] in panel.inner_text()
    page.wait_for_url(f"**sel={record['id']}**")
    assert no_exceptions(page)
