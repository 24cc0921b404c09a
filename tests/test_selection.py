"""Selection events -> record ids, from Streamlit's state object or a plain dict."""

from __future__ import annotations

import json

import pytest
from streamlit.elements.deck_gl_json_chart import PydeckSelectionSerde

from lawreach.ui import selection

CLICK = {"selection": {"indices": {"stations": [3]},
                       "objects": {"stations": [{"id": "st-fra-paris-2", "x": 2.35, "y": 48.87}]}}}


def test_plain_dict_as_injected_by_apptest():
    assert selection.selected_id(CLICK) == "st-fra-paris-2"
    assert selection.selected_ids(CLICK["selection"]) == ["st-fra-paris-2"]  # inner dict too


def test_streamlit_state_object_from_the_browser():
    state = PydeckSelectionSerde().deserialize(json.dumps(CLICK))
    assert type(state).__name__ == "PydeckState"
    assert selection.selected_id(state) == "st-fra-paris-2"
    empty = PydeckSelectionSerde().deserialize(None)
    assert selection.selected_id(empty) is None


def test_patrol_circle_gives_all_its_deployments_newest_first():
    event = {"selection": {"objects": {"patrols": [
        {"id": "jp-ita-2017-rome", "ids": "jp-ita-2017-rome,jp-ita-2016-rome"}]}}}
    assert selection.selected_ids(event) == ["jp-ita-2017-rome", "jp-ita-2016-rome"]


def test_layers_without_records_are_ignored():
    event = {"selection": {"objects": {"basemap": [{"id": "FRA"}], "mekong": [{"id": "rp-x"}]}}}
    assert selection.selected_ids(event) == ["rp-x"]


@pytest.mark.parametrize("event", [
    None, {}, [], "x", 5, {"selection": None}, {"selection": {"objects": None}},
    {"selection": {"objects": {"stations": "st-a"}}},
    {"selection": {"objects": {"stations": [None, 3, "x", {"id": 7}, {"name": "no id"}]}}},
    {"selection": {"objects": {"stations": [{"id": "x" * 500}]}}},
])
def test_malformed_events_select_nothing(event):
    assert selection.selected_id(event) is None


def test_table_rows():
    assert selection.selected_rows({"selection": {"rows": [2], "columns": []}}) == [2]
    assert selection.selected_rows({"selection": {"rows": [-1, True, "3"]}}) == []
    assert selection.selected_rows(None) == []


def test_signature_tells_a_new_click_from_a_rerun():
    assert selection.signature(CLICK) == selection.signature(json.loads(json.dumps(CLICK)))
    assert selection.signature(CLICK) != selection.signature({"selection": {"objects": {}}})
