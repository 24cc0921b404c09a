"""The bundled data: validates clean, keeps the invariant, and reconciles with stated totals."""

from __future__ import annotations

import json

import pytest

from lawreach.cli import main
from lawreach.contract import coverage
from lawreach.contract.load import load_dataset
from lawreach.contract.schema import RECORD_FIELDS
from tests.conftest import DATA


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(DATA)


def test_real_data_has_no_problems(dataset):
    assert [str(p) for p in dataset.problems] == []


def test_invariant_on_real_data(dataset):
    raw = json.loads((DATA / "stations.geojson").read_text(encoding="utf-8"))
    assert dataset.in_files["stations.geojson"] == len(raw["features"])
    for name, total in dataset.in_files.items():
        assert total > 0
        assert dataset.loaded(name) + dataset.invalid[name] == total


def test_geojson_is_rfc7946(dataset):
    doc = json.loads((DATA / "stations.geojson").read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    for f in doc["features"]:
        assert f["geometry"]["type"] == "Point"
        lon, lat = f["geometry"]["coordinates"][:2]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert f["id"] == f["properties"]["id"]
        assert set(f["properties"]) <= set(RECORD_FIELDS) - {"lon", "lat"}


def test_every_record_is_sourced(dataset):
    assert dataset.records["sources"].map(len).min() >= 1
    urls = [s["url"] for sources in dataset.records["sources"] for s in sources]
    assert all(u.startswith(("http://", "https://")) for u in urls)


def test_required_activity_types_present(dataset):
    present = set(dataset.records["activity_type"])
    assert {"service_station", "joint_patrol", "training", "riverine_patrol"} <= present


def test_mekong_route_is_ordered_and_complete(dataset):
    route = dataset.records[dataset.records["route_id"] == "mekong-joint-patrol"]
    orders = sorted(int(o) for o in route["route_order"])
    assert orders == list(range(1, len(orders) + 1)) and len(orders) >= 5


def test_co_located_records_stay_distinct(dataset):
    stations = dataset.records[dataset.records["activity_type"] == "service_station"]
    per_city = stations.groupby(["country", "city"]).size()
    # the reports name three stations each in Paris proper (less one moved to
    # Noisy-le-Grand), Madrid and the Toronto area: co-located records are kept apart
    assert per_city.max() >= 2
    assert stations["id"].is_unique


# --- reconciliation with the totals the reports state ------------------------


def _stated(dataset, report=None, bureau=None):
    t = dataset.totals
    rows = t[(t["report"] == report)] if report else t[(t["bureau"] == bureau)]
    return int(rows["stations"].dropna().max())


def test_totals_are_recorded_as_data(dataset):
    assert coverage.stated_total(dataset.totals, "patrol-and-persuade-2022") == 102
    assert coverage.stated_total(dataset.totals, "110-overseas-2022") == 54


def test_identified_stations_never_exceed_the_stated_totals(dataset):
    stations = dataset.records[dataset.records["activity_type"] == "service_station"]
    first = (stations["report"] == "110-overseas-2022").sum()
    both = stations["report"].isin(coverage.SD_REPORTS).sum()
    assert first <= _stated(dataset, report="110-overseas-2022")
    assert both <= _stated(dataset, report="patrol-and-persuade-2022")
    for bureau in ("nantong-psb", "wenzhou-psb"):
        in_data = (stations["operating_bureau"] == bureau).sum()
        assert 0 < in_data <= _stated(dataset, bureau=bureau)


def test_coverage_sentence_comes_from_data(dataset):
    cov = coverage.station_coverage(dataset.records, dataset.totals)
    assert cov.reported == 102
    assert 0 < cov.located <= cov.identified <= 102
    assert cov.sentence().startswith(f"{cov.located} of 102 ")


def test_validate_and_stats_commands(capsys):
    assert main(["validate", str(DATA)]) == 0
    assert main(["stats", str(DATA)]) == 0
    out = capsys.readouterr().out
    assert "of 102 reported stations located" in out and "By bureau:" in out


def test_every_stated_total_reconciles(dataset):
    """No stated station total is exceeded by the records it counts; where the research
    identified every one (Spain's nine, Germany's two), the data holds exactly that."""
    stations = dataset.records[dataset.records["activity_type"] == "service_station"]
    with_counts = dataset.totals.dropna(subset=["stations"])
    assert len(with_counts) >= 10
    for _, row in with_counts.iterrows():
        assert len(coverage.records_for_total(stations, row)) <= row["stations"], row["id"]
    exact = dataset.totals.set_index("id")
    for total_id in ("esp-110-overseas", "deu-federal-government", "bra-patrol-and-persuade"):
        row = exact.loc[total_id]
        assert len(coverage.records_for_total(stations, row)) == row["stations"], total_id
