"""CSV and GeoJSON exports: exactly the filtered records, provenance, safety, stable bytes."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from lawreach.contract.load import load_dataset
from lawreach.export import tabular as export_data
from lawreach.export.tabular import CSV_COLUMNS, ExportMeta, neutralise, to_csv, to_geojson
from lawreach.query.filters import FilterState, apply, describe
from tests.conftest import ARTIFACTS
from tests.sample_data import EXPORT_DATE, XSS_NAME, write_export_dir

EXPECTED = Path(__file__).resolve().parent / "expected"
REGEN = os.environ.get("LAWREACH_REGEN_EXPECTED") == "1"


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory) -> Path:
    return write_export_dir(tmp_path_factory.mktemp("export-data"))


@pytest.fixture(scope="module")
def dataset(export_dir):
    data = load_dataset(export_dir)
    assert not data.problems, data.problems
    return data


def _meta(export_dir: Path, dataset, state: FilterState, filtered: pd.DataFrame) -> ExportMeta:
    names = dict(zip(dataset.bureaus["id"], dataset.bureaus["name"], strict=True))
    return ExportMeta.for_data(export_dir, describe(state, filtered, names), export_date=EXPORT_DATE)


def _read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM so Excel reads Chinese names correctly"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _compare_expected(name: str, data: bytes) -> None:
    path = EXPECTED / name
    if REGEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"missing {path}; run with LAWREACH_REGEN_EXPECTED=1 once"
    assert data == path.read_bytes(), f"{name} differs from the saved expected file"


@pytest.mark.parametrize("state", [
    FilterState(),
    FilterState(countries=("ITA",)),
    FilterState(bureaus=("qingtian-psb",), countries=("ITA", "FRA")),
    FilterState(types=("riverine_patrol",)),
    FilterState(search="no such place"),
])
def test_csv_has_exactly_the_filtered_records(export_dir, dataset, state):
    filtered = apply(dataset.records, state)
    rows = _read_csv(to_csv(filtered, _meta(export_dir, dataset, state, filtered)))
    assert len(rows) == len(filtered)
    assert [r["id"] for r in rows] == filtered["id"].tolist()


def test_csv_opens_cleanly_and_carries_provenance(export_dir, dataset):
    state = FilterState(countries=("ITA",))
    filtered = apply(dataset.records, state)
    meta = _meta(export_dir, dataset, state, filtered)
    data = to_csv(filtered, meta)
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(CSV_COLUMNS)
    assert len(frame) == 4
    assert set(frame["data_version"]) == {meta.data_version}
    assert set(frame["filter"]) == {"4 service stations in Italy"}
    assert set(frame["citation"]) == {meta.citation}
    assert meta.data_version.startswith("2026-01-01+")
    rome = frame.set_index("id").loc["st-ita-rome-1"]
    assert rome["history"] == "2023-03-01: Closed after inquiry (Italian police) [closed]"
    assert rome["sources"] == ("Example report — Example News — 2022-10-27 — https://example.org/report "
                               "(press)")
    assert rome["source_count"] == "1"
    assert data.count(b"\r\n") == len(filtered) + 1


def test_csv_neutralises_formulas_but_not_numbers(export_dir, dataset):
    records = dataset.records.copy()
    first = records.index[0]
    records.at[first, "name"] = "=HYPERLINK(\"http://evil.example\",\"click\")"
    records.at[first, "notes"] = "+1+2"
    records.at[first, "city"] = "-2+3"
    records.at[first, "address"] = "@SUM(A1)"
    records.at[first, "name_pinyin"] = "\tcmd"
    records.at[first, "name_zh"] = "\rcmd"
    records.at[first, "sources"] = [dict(records.at[first, "sources"][0], title="=cmd|' /C calc'!A0")]
    records.at[first, "history"] = [{"date": None, "event": "x", "authority": "y"}]
    rows = _read_csv(to_csv(records, _meta(export_dir, dataset, FilterState(), records)))
    row = rows[0]
    assert row["name"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert row["notes"] == "'+1+2"
    assert row["city"] == "'-2+3"
    assert row["address"] == "'@SUM(A1)"
    assert row["name_pinyin"] == "'\tcmd"
    assert row["name_zh"] == "'\rcmd"
    assert row["sources"].startswith("'=cmd")
    assert row["history"] == "undated: x (y)"
    brazil = next(r for r in rows if r["id"] == "st-bra-country-1")
    assert brazil["lon"] == "-51.9253", "negative numbers stay numbers"
    for r in rows:
        for column, cell in r.items():
            assert not cell.startswith(export_data.FORMULA_PREFIXES) or column in ("lon", "lat"), (
                column, cell)


def test_neutralise():
    assert neutralise("=1") == "'=1"
    assert neutralise("Rome") == "Rome"
    assert neutralise("") == ""


def test_csv_and_geojson_are_byte_identical_and_match_saved_files(export_dir, dataset):
    state = FilterState()
    filtered = apply(dataset.records, state)
    first_csv = to_csv(filtered, _meta(export_dir, dataset, state, filtered))
    second_csv = to_csv(filtered.copy(), _meta(export_dir, dataset, state, filtered))
    assert first_csv == second_csv
    first_geo = to_geojson(filtered, _meta(export_dir, dataset, state, filtered))
    assert first_geo == to_geojson(filtered.copy(), _meta(export_dir, dataset, state, filtered))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "export-all.csv").write_bytes(first_csv)
    (ARTIFACTS / "export-all.geojson").write_bytes(first_geo)
    _compare_expected("export-all.csv", first_csv)
    _compare_expected("export-all.geojson", first_geo)


def test_geojson_revalidates_with_the_project_loader(export_dir, dataset, tmp_path):
    state = FilterState(bureaus=("mps", "yunnan-police", "fuzhou-psb", "unknown"))
    filtered = apply(dataset.records, state)
    assert set(filtered["activity_type"]) >= {"joint_patrol", "training", "riverine_patrol"}
    meta = _meta(export_dir, dataset, state, filtered)
    out = tmp_path / "export.geojson"
    out.write_bytes(to_geojson(filtered, meta))
    for name in ("bureaus.csv", "reported_totals.csv", "VERSION"):
        shutil.copy(export_dir / name, tmp_path / name)
    again = load_dataset(tmp_path, record_files=[out])
    assert again.problems == []
    assert again.records["id"].tolist() == sorted(filtered["id"].tolist())
    left = again.records.set_index("id")
    right = filtered.set_index("id")
    for column in ("name", "lon", "lat", "status", "route_order", "start_date", "sources", "history"):
        assert left[column].equals(right.loc[left.index, column]) or all(
            (a == b) or (pd.isna(a) and pd.isna(b)) if not isinstance(a, list) else a == b
            for a, b in zip(left[column], right.loc[left.index, column], strict=True)
        ), column
    assert XSS_NAME in set(again.records["name"])


def test_geojson_shape_and_metadata(export_dir, dataset):
    state = FilterState(countries=("ITA",))
    filtered = apply(dataset.records, state)
    meta = _meta(export_dir, dataset, state, filtered)
    doc = json.loads(to_geojson(filtered, meta))
    assert doc["type"] == "FeatureCollection"
    assert doc["metadata"] == meta.as_dict(4)
    assert doc["metadata"]["filter"] == "4 service stations in Italy"
    assert doc["metadata"]["exported"] == EXPORT_DATE.isoformat()
    assert len(doc["features"]) == 4
    for feature in doc["features"]:
        assert feature["geometry"]["type"] == "Point"
        assert feature["id"] == feature["properties"]["id"]
        assert "lon" not in feature["properties"] and "lat" not in feature["properties"]


def test_empty_selection_exports_header_only(export_dir, dataset):
    state = FilterState(search="no such place")
    filtered = apply(dataset.records, state)
    meta = _meta(export_dir, dataset, state, filtered)
    assert _read_csv(to_csv(filtered, meta)) == []
    assert json.loads(to_geojson(filtered, meta))["features"] == []


def test_suggested_name():
    assert export_data.suggested_name(["Qingtian County PSB", "ITA"], "png", EXPORT_DATE) == (
        "lawreach-qingtian-county-psb-ita-2026-01-15.png")
    assert export_data.slug("../../etc/passwd") == "etc-passwd"
    assert export_data.slug("重庆") == "all"


def test_real_data_round_trips_through_geojson_and_csv(tmp_path):
    """The bundled data: every valid record exports, and re-loads unchanged."""
    from tests.conftest import DATA

    data = load_dataset(DATA)
    meta = ExportMeta.for_data(DATA, "all records", export_date=EXPORT_DATE)
    out = tmp_path / "all.geojson"
    out.write_bytes(to_geojson(data.records, meta))
    for name in ("bureaus.csv", "reported_totals.csv"):
        shutil.copy(DATA / name, tmp_path / name)
    again = load_dataset(tmp_path, record_files=[out])
    assert again.problems == []
    assert again.records["id"].tolist() == data.records["id"].tolist()
    for column in ("name", "name_zh", "lon", "lat", "status", "sources", "history", "route_order"):
        assert again.records[column].astype(str).tolist() == data.records[column].astype(str).tolist()
    assert len(_read_csv(to_csv(data.records, meta))) == len(data.records)
