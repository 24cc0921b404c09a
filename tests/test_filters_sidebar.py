"""The filter helpers the sidebar uses: option counts, the year slider's range, labels."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from lawreach import filters
from lawreach.filters import FilterState
from lawreach.load import load_dataset
from tests.conftest import feature, write_geojson, write_patrols


@pytest.fixture
def records(mini_dir, station, patrol):
    """Three Italian stations (one closed in Milan, one undated) and two Croatian patrols."""
    closed = dict(station, id="st-ita-milan-1", name="Milan station", city="Milan",
                  operating_bureau="unknown", bureau_confidence=None, status="closed",
                  start_date="2016", end_date="2022-12", history=[])
    undated = dict(station, id="st-ita-rome-2", start_date=None, first_reported=None, history=[])
    write_geojson(mini_dir / "stations.geojson",
                  [feature(station), feature(closed, 9.19, 45.46), feature(undated)])
    later = dict(patrol, id="jp-hrv-2023-zagreb", start_date="2023-07-16", end_date="2023-08")
    write_patrols(mini_dir / "patrols.csv", [patrol, later])
    data = load_dataset(mini_dir)
    assert data.problems == []
    return data.records


def test_facet_counts_ignore_the_filters_own_choice(records):
    state = FilterState(countries=("HRV",))
    assert filters.facet_counts(records, state, "countries", "country") == {"ITA": 3, "HRV": 2}
    assert filters.facet_counts(records, state, "types", "activity_type") == {"joint_patrol": 2}


def test_facet_counts_apply_the_other_filters(records):
    state = FilterState(types=("service_station",), statuses=("reported",))
    assert filters.facet_counts(records, state, "bureaus", "operating_bureau") == {"fuzhou-psb": 2}
    assert filters.facet_counts(records, state, "statuses", "status") == {"reported": 2, "closed": 1}


def test_facet_counts_empty_when_nothing_matches(records):
    state = FilterState(search="nowhere at all")
    assert filters.facet_counts(records, state, "countries", "country") == {}


def test_year_bounds_from_earliest_dated_record_to_this_year(records):
    assert filters.year_bounds(records, today=date(2025, 6, 1)) == (2016, 2025)


def test_year_bounds_reach_a_later_end(records):
    later = records.copy()
    later.loc[later.index[0], "end_latest"] = pd.Timestamp("2028-03-31")
    assert filters.year_bounds(later, today=date(2025, 6, 1)) == (2016, 2028)


def test_year_bounds_clamped_to_the_allowed_years(records):
    odd = records.copy()
    odd.loc[odd.index[0], "start_earliest"] = pd.Timestamp("1900-01-01")
    odd.loc[odd.index[1], "end_latest"] = pd.Timestamp("2099-01-01")
    assert filters.year_bounds(odd, today=date(2025, 6, 1)) == (filters.YEAR_MIN, filters.YEAR_MAX)


def test_year_bounds_without_dates_start_in_2010(records):
    undated = records.assign(start_earliest=pd.NaT, reported_earliest=pd.NaT, end_latest=pd.NaT)
    assert filters.year_bounds(undated, today=date(2025, 6, 1)) == (2010, 2025)


def test_year_bounds_default_to_this_year(records):
    assert filters.year_bounds(records)[1] == max(date.today().year, 2023)


@pytest.mark.parametrize(("years", "expected"), [
    (None, None),
    ((2018, 2022), (2018, 2022)),
    ((1995, 2029), (2016, 2025)),
    ((2000, 2012), None),  # entirely before the data
    ((2026, 2029), None),  # entirely after
    ((2025, 2029), (2025, 2025)),
])
def test_clamp_years(years, expected):
    assert filters.clamp_years(years, (2016, 2025)) == expected


@pytest.mark.parametrize(("status", "label"), [
    ("reported", "Reported"), ("closed", "Closed or ceased"),
    ("denied_by_host", "Host government denies it exists"),
    ("active", "Active"), ("ended", "Ended"), ("made-up", "made-up"),
])
def test_status_label(status, label):
    assert filters.status_label(status) == label
