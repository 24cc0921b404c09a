"""Each named rule fails for the right reason on a record broken in one way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lawreach.contract.load import load_dataset
from tests.sample_data import feature, write_geojson, write_patrols


def _station_problems(mini_dir: Path, props: dict, lon=12.4964, lat=41.9028, check=True):
    write_geojson(mini_dir / "stations.geojson", [feature(props, lon, lat)])
    data = load_dataset(mini_dir, point_in_country="default" if check else None)
    return data, [(p.rule, p.field) for p in data.problems]


def test_valid_fixture_loads_clean(mini_dir):
    data = load_dataset(mini_dir)
    assert data.problems == []
    assert list(data.records["id"]) == ["jp-hrv-2019-zagreb", "st-ita-rome-1"]


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("name", "", "required"),
        ("name", None, "required"),
        ("activity_type", "police_station", "vocabulary"),
        ("status", "rumoured", "vocabulary"),
        ("location_precision", "exact", "vocabulary"),
        ("confidence", "certain", "vocabulary"),
        ("report", "some-report", "vocabulary"),
        ("country", "IT", "country_code"),
        ("country", "XXX", "country_code"),
        ("start_date", "2022-13", "date_format"),
        ("start_date", "2022-02-30", "date_format"),
        ("start_date", "12/10/2022", "date_format"),
        ("id", "ST Rome", "id_format"),
        ("colour", "red", "unknown_field"),
    ],
)
def test_field_rules(mini_dir, station, field, value, rule):
    station[field] = value
    _, found = _station_problems(mini_dir, station)
    assert (rule, field) in found


def test_required_field_missing(mini_dir, station):
    del station["sources"]
    _, found = _station_problems(mini_dir, station)
    assert ("required", "sources") in found


def test_at_least_one_source(mini_dir, station):
    station["sources"] = []
    _, found = _station_problems(mini_dir, station)
    assert ("sources_min", "sources") in found


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://x.org/a",
                                 "example.org/no-scheme"])
def test_only_http_urls(mini_dir, station, url):
    station["sources"][0]["url"] = url
    station["history"][0]["source"] = None
    _, found = _station_problems(mini_dir, station)
    assert ("url_scheme", "sources.0.url") in found


def test_source_kind_vocabulary(mini_dir, station):
    station["sources"][0]["kind"] = "blog"
    _, found = _station_problems(mini_dir, station)
    assert ("vocabulary", "sources.0.kind") in found


def test_dates_in_order(mini_dir, station):
    station["start_date"], station["end_date"] = "2023-05", "2022-10"
    _, found = _station_problems(mini_dir, station)
    assert [r for r, _ in found] == ["date_order"]


def test_partial_dates_overlapping_are_in_order(mini_dir, station):
    station["start_date"], station["end_date"] = "2022", "2022-02"  # same year: not reversed
    data, found = _station_problems(mini_dir, station)
    assert found == []


def test_status_must_fit_type(mini_dir, station):
    station["status"] = "ended"
    _, found = _station_problems(mini_dir, station)
    assert [r for r, _ in found] == ["status_for_type"]


def test_known_bureau_needs_confidence(mini_dir, station):
    station["bureau_confidence"] = None
    _, found = _station_problems(mini_dir, station)
    assert [r for r, _ in found] == ["bureau_confidence"]


def test_bureau_from_vocabulary(mini_dir, station):
    station["operating_bureau"] = "shanghai-psb"
    _, found = _station_problems(mini_dir, station)
    assert found == [("bureau", "operating_bureau")]


def test_event_source_must_be_a_record_source(mini_dir, station):
    station["history"][0]["source"] = "https://elsewhere.example/x"
    _, found = _station_problems(mini_dir, station)
    assert found == [("event_source", "history.0.source")]


@pytest.mark.parametrize(("lon", "lat"), [(200.0, 41.9), (12.5, -95.0)])
def test_coordinates_in_range(mini_dir, station, lon, lat):
    _, found = _station_problems(mini_dir, station, lon, lat)
    assert found and found[0][0] == "coordinates_range"


def test_point_in_stated_country(mini_dir, station):
    _, found = _station_problems(mini_dir, station, lon=-3.70, lat=40.42)  # Madrid, stated ITA
    assert found == [("point_in_country", "lon/lat")]


def test_swapped_lon_lat_is_named(mini_dir, station):
    data, found = _station_problems(mini_dir, station, lon=41.9028, lat=12.4964)
    assert found == [("point_in_country", "lon/lat")]


def test_null_geometry(mini_dir, station):
    f = feature(station)
    f["geometry"] = None
    write_geojson(mini_dir / "stations.geojson", [f])
    data = load_dataset(mini_dir)
    assert [(p.rule, p.record) for p in data.problems] == [("geometry", "feature 0")]


def test_non_point_geometry(mini_dir, station):
    f = feature(station)
    f["geometry"] = {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}
    write_geojson(mini_dir / "stations.geojson", [f])
    data = load_dataset(mini_dir)
    assert data.problems[0].rule == "geometry" and data.problems[0].value == "LineString"


def test_duplicate_ids_across_files(mini_dir, station, patrol):
    patrol["id"] = station["id"]
    write_patrols(mini_dir / "patrols.csv", [patrol])
    data = load_dataset(mini_dir)
    assert [(p.rule, p.file) for p in data.problems] == [("unique_id", "patrols.csv")]
    assert len(data.records) == 1


def test_formula_injection_in_text(mini_dir, station):
    station["name"] = '=HYPERLINK("http://evil.example","click")'
    _, found = _station_problems(mini_dir, station)
    assert ("formula", "name") in found


def test_route_needs_both_fields(mini_dir, patrol):
    patrol["route_id"] = "mekong-joint-patrol"
    write_patrols(mini_dir / "patrols.csv", [patrol])
    data = load_dataset(mini_dir)
    assert [p.rule for p in data.problems] == ["route"]


def test_route_order_unique(mini_dir, patrol):
    second = dict(patrol, id="jp-hrv-2019-zagreb-b")
    for row in (patrol, second):
        row["route_id"], row["route_order"] = "r", 1
    write_patrols(mini_dir / "patrols.csv", [patrol, second])
    data = load_dataset(mini_dir)
    assert [p.rule for p in data.problems] == ["route", "route"]


def test_problem_message_names_file_record_field_value_expectation(mini_dir, station):
    station["country"] = "XXX"
    data, _ = _station_problems(mini_dir, station)
    text = str(data.problems[0])
    for part in ("stations.geojson", "feature 0", "st-ita-rome-1", "'country'", "'XXX'",
                 "alpha-3"):
        assert part in text


def test_csv_problem_names_the_line(mini_dir, patrol):
    second = dict(patrol, id="jp-hrv-2019-zadar", status="finished")
    write_patrols(mini_dir / "patrols.csv", [patrol, second])
    data = load_dataset(mini_dir)
    assert [(p.record, p.field, p.rule) for p in data.problems] == [("line 3", "status", "vocabulary")]


def test_not_json(mini_dir):
    (mini_dir / "stations.geojson").write_text("this is not json", encoding="utf-8")
    data = load_dataset(mini_dir)
    assert data.problems[0].rule == "file_format" and data.problems[0].file == "stations.geojson"
    assert data.loaded("patrols.csv") == 1  # the other file is not lost


def test_not_a_feature_collection(mini_dir, station):
    (mini_dir / "stations.geojson").write_text(json.dumps(feature(station)), encoding="utf-8")
    data = load_dataset(mini_dir)
    assert data.problems[0].rule == "file_format"
