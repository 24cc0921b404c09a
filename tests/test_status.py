"""A record's status on a day (contract/status.py), and the map saying the same."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from lawreach.contract.status import status_on_day, statuses_on
from lawreach.map import layers

HISTORY = [
    {"date": "2022-10-27", "status": "under_investigation"},
    {"date": "2022-12", "status": "under_investigation"},
    {"date": "2023-06-06", "status": "closed"},
]


@pytest.mark.parametrize("day, expected", [
    (date(2022, 9, 30), "reported"),             # before any event: a station was reported
    (date(2022, 10, 27), "under_investigation"),
    (date(2023, 6, 5), "under_investigation"),
    (date(2023, 6, 6), "closed"),
    (date(2030, 1, 1), "closed"),
])
def test_last_event_by_that_day_wins(day, expected):
    assert status_on_day("closed", "service_station", HISTORY, pd.NaT, day) == expected


def test_a_month_event_counts_only_once_its_month_is_over():
    history = [{"date": "2023-01", "status": "closed"}]
    assert status_on_day("closed", "service_station", history, pd.NaT, date(2023, 1, 15)) == "reported"
    assert status_on_day("closed", "service_station", history, pd.NaT, date(2023, 1, 31)) == "closed"


def test_an_ended_patrol_was_active_while_it_ran():
    end = pd.Timestamp("2019-08-14")
    assert status_on_day("ended", "joint_patrol", [], end, date(2019, 7, 20)) == "active"
    assert status_on_day("ended", "joint_patrol", [], end, date(2019, 9, 1)) == "ended"


def test_no_day_means_the_recorded_status():
    frame = pd.DataFrame({"status": ["closed"], "activity_type": ["service_station"],
                          "history": [HISTORY], "end_earliest": [pd.NaT]})
    assert list(statuses_on(frame, None)) == ["closed"]
    assert list(statuses_on(frame, date(2022, 11, 1))) == ["under_investigation"]


def test_map_tooltip_says_the_status_then(sample_prepared):
    prepared, bureaus = sample_prepared
    frame = prepared[prepared["id"] == "st-fra-paris-3"].assign(status_on="reported")
    spec = json.loads(layers.build_deck(frame, bureaus).to_json())
    (obj,) = next(x for x in spec["layers"] if x["id"] == "stations")["data"]
    assert obj["t_more"].endswith("reported then (latest: closed)")
    same = prepared[prepared["id"] == "st-fra-paris-3"].assign(status_on="closed")
    spec = json.loads(layers.build_deck(same, bureaus).to_json())
    (obj,) = next(x for x in spec["layers"] if x["id"] == "stations")["data"]
    assert "then" not in obj["t_more"] and obj["t_more"].endswith("closed")


@pytest.fixture
def sample_prepared(tmp_path):
    from lawreach.contract.load import load_dataset
    from tests.sample_data import write_sample

    data = load_dataset(write_sample(tmp_path / "sample"))
    return layers.prepare(data.records, data.bureaus), data.bureaus
