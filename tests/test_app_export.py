"""The app's Export area under Streamlit's AppTest: the buttons deliver the files.

The download callables are captured where Streamlit registers them (the media
file manager), then called as Streamlit would on a click.
"""

from __future__ import annotations

import csv
import io
import json
import struct
from pathlib import Path

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from tests.chromium import require_chromium, with_chromium
from tests.conftest import ARTIFACTS
from tests.sample_data import write_export_dir


def export_page(data_dir: str, country: str = "ITA") -> None:
    """The AppTest script: load fixture data, filter like the app, call render."""
    import app_export
    from lawreach.contract.load import load_dataset
    from lawreach.query import filters

    data = load_dataset(data_dir)
    state = filters.FilterState(countries=(country,) if country else ())
    filtered = filters.apply(data.records, state)
    names = dict(zip(data.bureaus["id"], data.bureaus["name"], strict=True))
    sentence = filters.describe(state, filtered, names)
    app_export.render(filtered=filtered, state=state, sentence=sentence, dataset=data,
                      data_dir=data_dir)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return write_export_dir(tmp_path_factory.mktemp("app-export"))


@pytest.fixture
def downloads(monkeypatch) -> dict[str, dict]:
    """file name -> {callable, mime}, as registered by st.download_button."""
    captured: dict[str, dict] = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        captured[file_name] = {"call": data_callable, "mime": mimetype}
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return captured


def _by_ext(downloads: dict[str, dict], ext: str) -> dict:
    [name] = [n for n in downloads if n.endswith("." + ext)]
    return downloads[name]


def test_buttons_deliver_every_format_on_click_only(data_dir, downloads, monkeypatch):
    from lawreach.export import snapshot

    drawn = []
    real = snapshot.snapshot_bytes
    monkeypatch.setattr(snapshot, "snapshot_bytes", lambda *a, **k: drawn.append(1) or real(*a, **k))
    at = AppTest.from_function(export_page, args=(str(data_dir),), default_timeout=60).run()
    assert not at.exception
    buttons = at.get("download_button")
    assert [b.label for b in buttons] == ["PNG", "SVG", "PDF", "HTML map", "CSV", "GeoJSON"]
    assert all(b.proto.deferred_file_id for b in buttons), "data is a callable, run on click"
    assert drawn == [], "nothing is rendered until a button is clicked"
    assert len(downloads) == 6
    assert all(name.startswith("lawreach-ita-") for name in downloads)

    png = _by_ext(downloads, "png")
    assert png["mime"] == "image/png"
    data = png["call"]()
    assert struct.unpack(">II", data[16:24]) == (2560, 1440), "default: slide at 2x"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "app-export-ita.png").write_bytes(data)
    svg = _by_ext(downloads, "svg")["call"]()
    assert svg.count(b'<g id="record-') == 4
    assert _by_ext(downloads, "pdf")["call"]().startswith(b"%PDF")
    html = _by_ext(downloads, "html")["call"]()
    assert html.startswith(b"<!DOCTYPE html>") and b"4 service stations in Italy" in html
    last_csv = [name for name in downloads if name.endswith(".csv")][-1]  # this run's button
    rows = list(csv.DictReader(io.StringIO(downloads[last_csv]["call"]().decode("utf-8-sig"))))
    assert len(rows) == 4
    geo = json.loads(_by_ext(downloads, "geojson")["call"]())
    assert len(geo["features"]) == 4 and geo["metadata"]["filter"] == "4 service stations in Italy"


def test_options_change_the_files(data_dir, downloads):
    at = AppTest.from_function(export_page, args=(str(data_dir),), default_timeout=60).run()
    at.text_input(key="export_title").set_value("Qingtian & Fuzhou in Italy").run()
    at.selectbox(key="export_preset").set_value("square").run()
    at.radio(key="export_scale").set_value(1).run()
    assert not at.exception
    data = _by_ext(downloads, "png")["call"]()
    assert struct.unpack(">II", data[16:24]) == (1080, 1080)
    svg = _by_ext(downloads, "svg")["call"]()
    assert b"Qingtian &amp; Fuzhou in Italy" in svg
    assert b"Qingtian &amp; Fuzhou in Italy" in _by_ext(downloads, "html")["call"]()


def test_no_records_disables_the_buttons(data_dir, downloads):
    at = AppTest.from_function(export_page, args=(str(data_dir), "USA"), default_timeout=60).run()
    assert not at.exception
    assert all(b.disabled for b in at.get("download_button"))
    assert downloads == {}, "a disabled button registers no generator"
    assert "nothing to export" in at.info[0].value


# --- in a real browser: the dashboard itself, clicked -------------------------------


@pytest.mark.browser
def test_dashboard_buttons_download_files(data_dir, tmp_path):
    """Streamlit's real deferred-download path: click, and a file arrives."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from tests.conftest import REPO

    require_chromium()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = (tmp_path / "streamlit.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=REPO, env=dict(os.environ, LAWREACH_DATA_DIR=str(data_dir)), stdout=log,
        stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    remote: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "_stcore/health", timeout=2).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "streamlit did not start"
                time.sleep(0.3)

        def click_downloads(browser) -> dict[str, bytes]:
            context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
                (base, "data:", "blob:")) else (remote.append(route.request.url), route.abort()))
            page = context.new_page()
            page.goto(base + "?country=ITA")
            buttons = page.locator('[data-testid="stDownloadButton"] button')
            buttons.first.wait_for(timeout=90_000)
            got = {}
            for label in ("PNG", "CSV"):
                with page.expect_download(timeout=60_000) as download:
                    buttons.filter(has_text=label).first.click()
                got[label] = Path(download.value.path()).read_bytes()
                assert download.value.suggested_filename.startswith("lawreach-ita-")
            return got

        got = with_chromium(click_downloads)
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()
    assert struct.unpack(">II", got["PNG"][16:24]) == (2560, 1440)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "app-download-ita.png").write_bytes(got["PNG"])
    rows = list(csv.DictReader(io.StringIO(got["CSV"].decode("utf-8-sig"))))
    assert [r["country"] for r in rows] == ["ITA"] * 4
    assert remote == []


def test_analyst_journey_downloads_exactly_the_filtered_records(downloads, monkeypatch):
    """Fuzhou-run records in Europe as of the end of 2022, on the bundled data: the CSV
    button delivers exactly the rows the table shows, with their status on that day."""
    from datetime import date

    import streamlit as st

    from lawreach.contract.load import DEFAULT_DATA_DIR, load_dataset
    from lawreach.query import filters
    from tests.test_app import APP, ms, qp

    monkeypatch.delenv("LAWREACH_DATA_DIR", raising=False)
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=120).run()
    ms(at, "f_bureau").select("fuzhou-psb").run()
    ms(at, "f_region").select("150").run()
    at.text_input(key="f_asof_text").input("2022").run()
    assert qp(at, "as_of") == ["2022-12-31"] and qp(at, "region") == ["150"]
    shown = sorted(at.dataframe[0].value["id"])
    data = load_dataset(DEFAULT_DATA_DIR)
    expected = filters.apply(data.records, filters.FilterState(
        bureaus=("fuzhou-psb",), regions=("150",), as_of=date(2022, 12, 31)))
    assert shown == sorted(expected["id"]) and len(shown) > 5
    last_csv = [name for name in downloads if name.endswith(".csv")][-1]  # this run's button
    rows = list(csv.DictReader(io.StringIO(downloads[last_csv]["call"]().decode("utf-8-sig"))))
    assert sorted(r["id"] for r in rows) == shown
    by_id = dict(zip(expected["id"], expected[filters.STATUS_ON], strict=True))
    assert all(r["status_on"] == by_id[r["id"]] for r in rows)
