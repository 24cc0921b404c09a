"""FilterState: state -> ids, the sentence, the URL round trip, and the sidebar helpers."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from lawreach.contract.load import load_dataset
from lawreach.query import filters
from lawreach.query.filters import FilterState
from tests.sample_data import feature, write_geojson, write_patrols


@pytest.fixture
def records(mini_dir, station, patrol):
    closed = dict(station, id="st-ita-milan-1", name="Qīngtián station, Milan", city="Milan",
                  operating_bureau="unknown", bureau_confidence=None, status="closed",
                  start_date="2018?", end_date="2022-12", history=[])
    undated = dict(station, id="st-ita-rome-2", start_date=None, first_reported=None, history=[])
    write_geojson(mini_dir / "stations.geojson",
                  [feature(station), feature(closed, 9.19, 45.46), feature(undated)])
    later = dict(patrol, id="jp-hrv-2023-zagreb", start_date="2023-07-16", end_date="2023-08")
    write_patrols(mini_dir / "patrols.csv", [patrol, later])
    data = load_dataset(mini_dir)
    assert data.problems == []
    return data.records


def ids(frame):
    return sorted(frame["id"])


def test_empty_state_keeps_everything(records):
    assert len(filters.apply(records, FilterState())) == len(records) == 5


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (FilterState(bureaus=("fuzhou-psb",)), ["st-ita-rome-1", "st-ita-rome-2"]),
        (FilterState(types=("joint_patrol",)), ["jp-hrv-2019-zagreb", "jp-hrv-2023-zagreb"]),
        (FilterState(countries=("HRV",)), ["jp-hrv-2019-zagreb", "jp-hrv-2023-zagreb"]),
        (FilterState(statuses=("closed",)), ["st-ita-milan-1"]),
        (FilterState(search="qingtian"), ["st-ita-milan-1"]),  # tone marks folded
        (FilterState(search="croatia"), ["jp-hrv-2019-zagreb", "jp-hrv-2023-zagreb"]),
        # as of mid-2019: the Milan station (2018?..2022-12) and Rome (2018), and the
        # 2019 patrol had not started before 13 July.
        (FilterState(as_of=date(2019, 7, 1)), ["st-ita-milan-1", "st-ita-rome-1"]),
        (FilterState(as_of=date(2019, 7, 20)),
         ["jp-hrv-2019-zagreb", "st-ita-milan-1", "st-ita-rome-1"]),
        # after the Milan closure month, it is gone
        (FilterState(as_of=date(2023, 1, 1)), ["st-ita-rome-1"]),
        (FilterState(years=(2023, 2024)), ["jp-hrv-2023-zagreb", "st-ita-rome-1"]),
        (FilterState(types=("service_station",), bureaus=("unknown",)), ["st-ita-milan-1"]),
    ],
)
def test_state_selects_expected_ids(records, state, expected):
    assert ids(filters.apply(records, state)) == expected


def test_sentence_names_filter_and_result(records):
    state = FilterState(types=("service_station",), bureaus=("fuzhou-psb",), as_of=date(2022, 12, 31))
    result = filters.apply(records, state)
    sentence = filters.describe(state, result, {"fuzhou-psb": "Fuzhou PSB"})
    assert sentence == "1 service station in 1 country run by Fuzhou PSB, as of 2022-12-31"


def test_sentence_plural_and_countries(records):
    state = FilterState(countries=("ITA", "HRV"))
    sentence = filters.describe(state, filters.apply(records, state))
    assert sentence == "5 records in Italy and Croatia"


def test_url_round_trip(records):
    allowed = filters.allowed_values(records, ["fuzhou-psb", "mps", "unknown"])
    for state in (
        FilterState(bureaus=("fuzhou-psb", "mps"), types=("joint_patrol",), countries=("HRV",),
                    statuses=("ended",), as_of=date(2020, 1, 31), search="Zagreb",
                    regions=("150",), hidden=("arcs", "patrols")),
        FilterState(years=(2018, 2022), regions=("039",)),
    ):
        params = filters.to_query_params(state)
        assert filters.from_query_params(params, allowed) == state


def test_a_date_and_a_year_range_in_one_link_the_date_wins(records):
    allowed = filters.allowed_values(records, ["mps"])
    state = filters.from_query_params({"as_of": "2020-01-31", "from": "2018", "to": "2022"}, allowed)
    assert state.as_of == date(2020, 1, 31) and state.years is None
    assert len(state.notices) == 1 and "date wins" in state.notices[0]


def test_link_values_repeated_in_agreement_are_silent(records):
    allowed = filters.allowed_values(records, ["mps"])
    state = filters.from_query_params({"bureau": ["mps", "mps"], "as_of": ["2020-01-31"] * 2,
                                       "q": ["rome", "rome"]}, allowed)
    assert state.bureaus == ("mps",) and state.as_of == date(2020, 1, 31) and state.search == "rome"
    assert state.notices == ()
    state = filters.from_query_params({"as_of": ["2020-01-31", "2021-01-31"]}, allowed)
    assert state.as_of == date(2021, 1, 31) and len(state.notices) == 1


@pytest.mark.parametrize("text, day", [("2099-01-01", date(2030, 12, 31)),
                                       ("0001-01-01", date(1990, 1, 1))])
def test_out_of_range_link_dates_are_clamped(records, text, day):
    state = filters.from_query_params({"as_of": text}, filters.allowed_values(records, []))
    assert state.as_of == day and len(state.notices) == 1 and "as_of" in state.notices[0]


def test_status_filter_and_status_on_use_the_day(records):
    closed_now = filters.apply(records, FilterState(statuses=("closed",)))
    assert list(closed_now["id"]) == ["st-ita-milan-1"]
    assert (closed_now[filters.STATUS_ON] == "closed").all()
    earlier = filters.apply(records, FilterState(statuses=("closed",), as_of=date(2019, 7, 1)))
    assert earlier.empty  # not yet closed then


def test_hidden_layers_remove_their_records(records):
    shown = filters.apply(records, FilterState(hidden=("patrols",)))
    assert "joint_patrol" not in set(shown["activity_type"]) and len(shown) == len(records) - 2
    assert len(filters.apply(records, FilterState(hidden=("arcs",)))) == len(records)


def test_bad_url_values_become_notices_not_errors(records):
    allowed = filters.allowed_values(records, ["fuzhou-psb", "mps"])
    params = {"bureau": ["mps", "<script>"], "as_of": "yesterday", "from": "2020", "to": "1999",
              "colour": "red", "country": "ZZZ"}
    state = filters.from_query_params(params, allowed)
    assert state.bureaus == ("mps",)
    assert state.as_of is None and state.years is None and state.countries == ()
    assert len(state.notices) == 5
    assert any("colour" in n for n in state.notices)


# --- sidebar helpers ----------------------------------------------------------


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
    assert filters.year_bounds(records, today=date(2025, 6, 1)) == (2018, 2025)


def test_year_bounds_reach_a_later_end(records):
    later = records.copy()
    later.loc[later.index[0], "end_latest"] = pd.Timestamp("2028-03-31")
    assert filters.year_bounds(later, today=date(2025, 6, 1)) == (2018, 2028)


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


def test_a_linked_search_loses_control_and_bidi_characters(records):
    state = filters.from_query_params({"q": "rome\u202e\x00"}, filters.allowed_values(records, []))
    assert state.search == "rome"
