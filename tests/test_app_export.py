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

from tests.conftest import ARTIFACTS
from tests.export_fixtures import write_export_dir


def export_page(data_dir: str, country: str = "ITA") -> None:
    """The AppTest script: load fixture data, filter like the app, call render."""
    import app_export
    from lawreach import filters
    from lawreach.load import load_dataset

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
    from lawreach import snapshot

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
    rows = list(csv.DictReader(io.StringIO(_by_ext(downloads, "csv")["call"]().decode("utf-8-sig"))))
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
