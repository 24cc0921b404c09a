"""What a person sees: the page draws a map offline, filters work, links restore views."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import (
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
