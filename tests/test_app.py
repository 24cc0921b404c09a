"""The dashboard under Streamlit's AppTest: filters, URL state, selection, problems.

AppTest runs app.py headless (no browser): widgets can be driven and the deck
spec read back, but nothing is drawn. A map click is simulated by putting a
selection into session state, as the browser would.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from lawreach.ui import selection
from tests.conftest import REPO
from tests.sample_data import HOSTILE_NAME, feature, station_features, write_geojson, write_sample

APP = str(REPO / "app.py")
ABOUT_PAGE = "pages/1_About.py"


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory) -> Path:
    return write_sample(tmp_path_factory.mktemp("app-sample"))


@pytest.fixture
def app(sample_dir, monkeypatch):
    """An AppTest on the sample data; call .run() after setting params/state."""
    monkeypatch.setenv("LAWREACH_DATA_DIR", str(sample_dir))
    st.cache_data.clear()
    return AppTest.from_file(APP, default_timeout=60)


def ms(at: AppTest, key: str):
    """The multiselect showing list filter ``key``. Its widget key carries a digest of
    its labels (they hold live counts), so it is found by prefix; exactly one exists."""
    found = [m for m in at.multiselect if str(m.key).startswith(f"w_{key}_")]
    assert len(found) == 1, [m.key for m in at.multiselect]
    return found[0]


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def table(at: AppTest):
    return at.dataframe[0].value


def deck_spec(at: AppTest) -> dict:
    return json.loads(at.get("deck_gl_json_chart")[0].proto.json)


def layer(at: AppTest, layer_id: str) -> dict:
    return next(x for x in deck_spec(at)["layers"] if x["id"] == layer_id)


def qp(at: AppTest, key: str) -> list[str]:
    """A URL parameter as a list (AppTest gives a single value as a plain string)."""
    value = at.query_params.get(key, [])
    return [value] if isinstance(value, str) else list(value)


def detail_html(at: AppTest) -> str:
    return "".join(m.value for m in at.markdown if 'class="lr-detail"' in m.value)


def test_loads_with_everything_shown(app):
    at = app.run()
    assert not at.exception
    assert metric(at, "Records shown") == "14"
    assert len(table(at)) == 14
    assert any(m.value.startswith("### 14 records in 7 countries") for m in at.markdown)
    # coverage comes from the totals file, not a literal
    assert any("of 102 reported stations located" in m.value for m in at.markdown)
    assert len(layer(at, "stations")["data"]) == 7
    assert not at.error and not at.info  # no problems, no notices


def test_bureau_filter_changes_counts_table_map_and_url(app):
    at = app.run()
    ms(at, "f_bureau").select("fuzhou-psb").run()
    assert metric(at, "Records shown") == "3"
    assert sorted(table(at)["id"]) == ["st-fra-paris-1", "st-ita-rome-1", "st-nld-1"]
    assert {o["id"] for o in layer(at, "stations")["data"]} == set(table(at)["id"])
    assert qp(at, "bureau") == ["fuzhou-psb"]
    assert any("run by Fuzhou PSB" in m.value for m in at.markdown)


def test_option_labels_carry_counts(app):
    at = app.run()
    labels = ms(at, "f_country").options
    assert "France (3)" in labels and "Italy (5)" in labels


def test_search_type_and_as_of(app):
    at = app.run()
    at.text_input(key="f_q").input("bali").run()  # tone marks folded: Bālí
    assert list(table(at)["id"]) == ["st-fra-paris-1"]
    at.text_input(key="f_q").input("").run()
    ms(at, "f_type").select("joint_patrol").run()
    assert metric(at, "Records shown") == "3"
    at.text_input(key="f_asof_text").input("2016-05-10").run()
    assert list(table(at)["id"]) == ["jp-ita-2016-rome"]
    assert qp(at, "as_of") == ["2016-05-10"]


def test_reset_clears_everything(app):
    at = app.run()
    ms(at, "f_bureau").select("mps").run()
    at.text_input(key="f_q").input("Rome").run()
    assert metric(at, "Records shown") != "14"
    at.button(key="reset").click().run()
    assert metric(at, "Records shown") == "14"
    assert dict(at.query_params) == {}


def test_link_restores_filters_and_selection(app):
    app.query_params["bureau"] = ["mps"]
    app.query_params["country"] = ["ITA"]
    app.query_params["sel"] = "jp-ita-2016-rome"
    app.query_params["zoom"] = "5"
    app.query_params["lat"] = "42"
    app.query_params["lon"] = "12"
    at = app.run()
    assert not at.exception and not at.info
    assert ms(at, "f_bureau").value == ["mps"]
    assert ms(at, "f_country").value == ["ITA"]
    assert metric(at, "Records shown") == "3"
    assert "China&#45;Italy joint patrol 2016, Rome" in detail_html(at)
    view = deck_spec(at)["initialViewState"]
    assert (view["latitude"], view["longitude"], view["zoom"]) == (42, 12, 5)


def test_malformed_link_gives_notices_not_tracebacks(app):
    app.query_params["bureau"] = ["mps", "<script>"]
    app.query_params["as_of"] = "2020-13-45"
    app.query_params["from"] = "abc"
    app.query_params["zoom"] = "banana"
    app.query_params["lat"] = "1"
    app.query_params["lon"] = "2"
    app.query_params["sel"] = "no-such-record"
    app.query_params["utm_source"] = "x"
    at = app.run()
    assert not at.exception
    notices = " ".join(i.value for i in at.info)
    for part in ("unknown bureau", "date", "year range", "map position", "selected record",
                 "utm"):
        assert part in notices, part
    assert "<script>" not in notices  # shown escaped
    assert ms(at, "f_bureau").value == ["mps"]  # the valid part is kept
    assert "utm_source" not in at.query_params  # the URL is rewritten clean
    at.run()
    assert not at.info  # said once, not on every rerun


def test_map_selection_opens_the_detail_panel(app):
    at = app.run()
    at.session_state["map"] = {"selection": {
        "indices": {"stations": [1]},
        "objects": {"stations": [{"id": "st-fra-paris-2", "x": 2.37, "y": 48.86}]}}}
    at.run()
    html = detail_html(at)
    assert "Paris station 2" in html and "Qingtian County PSB" in html
    assert "Sources (1)" in html and 'href="https://example.org/report"' in html
    assert qp(at, "sel") == ["st-fra-paris-2"]
    assert layer(at, "highlight")["data"]  # ringed on the map


def test_patrol_circle_offers_each_deployment(app):
    at = app.run()
    at.session_state["map"] = {"selection": {"indices": {"patrols": [0]}, "objects": {"patrols": [
        {"id": "jp-ita-2017-rome", "ids": "jp-ita-2017-rome,jp-ita-2016-rome"}]}}}
    at.run()
    (pick,) = [box for box in at.selectbox if str(box.key).startswith("pick_")]
    assert pick.options == ["China-Italy joint patrol 2017, Rome", "China-Italy joint patrol 2016, Rome"]
    assert "2017, Rome" in detail_html(at)
    pick.select_index(1).run()
    assert "2016, Rome" in detail_html(at)


def test_table_row_selects_the_record(app):
    at = app.run()
    ids = list(table(at)["id"])
    row = ids.index("st-ita-prato-1")
    key = selection.table_key(ids)
    at.session_state[key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert "Prato station" in detail_html(at)


def test_table_selection_does_not_leak_across_filters(app):
    """Row 0 ticked, then a filter: the new table has no selection; ticking its row 0
    opens the new row-0 record, not nothing (positions are per result)."""
    at = app.run()
    ids = list(table(at)["id"])
    at.session_state[selection.table_key(ids)] = {"selection": {"rows": [0], "columns": [],
                                                                "cells": []}}
    at.run()
    first = detail_html(at)
    assert first
    ms(at, "f_type").select("service_station").run()
    new_ids = list(table(at)["id"])
    assert new_ids[0] != ids[0] and selection.table_key(new_ids) != selection.table_key(ids)
    at.session_state[selection.table_key(new_ids)] = {"selection": {"rows": [0], "columns": [],
                                                                    "cells": []}}
    at.run()
    assert detail_html(at) and detail_html(at) != first


def test_forged_selection_is_ignored(app):
    at = app.run()
    at.session_state["map"] = {"selection": {"objects": {"stations": [{"id": "<img src=x>"}]}}}
    at.run()
    assert not at.exception and detail_html(at) == ""


def test_hostile_record_text_is_escaped_in_the_panel(app):
    at = app.run()
    at.session_state["map"] = {"selection": {"objects": {"stations": [{"id": "st-deu-hostile"}]}}}
    at.run()
    html = detail_html(at)
    assert html and "<img" not in html and "<script" not in html and "javascript:" not in html
    assert HOSTILE_NAME not in html


def test_filter_change_keeps_the_map_view(app):
    at = app.run()
    before = deck_spec(at)["initialViewState"]
    ms(at, "f_country").select("FRA").run()
    assert deck_spec(at)["initialViewState"] == before  # the user's pan/zoom survives
    at.button(key="fit").click().run()
    after = deck_spec(at)["initialViewState"]
    assert after["zoom"] > before["zoom"]
    assert 0 < after["longitude"] < 5 and 47 < after["latitude"] < 51
    assert "zoom" in at.query_params


def test_data_problems_banner_and_valid_records_still_shown(sample_dir, tmp_path, monkeypatch):
    broken = write_sample(tmp_path / "broken")
    features = station_features()
    features.append(feature(dict(features[0]["properties"], id="st-bad-1", country="XXX")))
    features.append({"type": "Feature", "geometry": None, "properties": {"id": "st-bad-2"}})
    write_geojson(broken / "stations.geojson", features)
    monkeypatch.setenv("LAWREACH_DATA_DIR", str(broken))
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    (banner,) = at.error
    assert "2 record(s) could not be used" in banner.value and "14 valid records" in banner.value
    assert "st-bad-1" in at.code[0].value and "country" in at.code[0].value
    assert metric(at, "Records shown") == "14"


def test_missing_data_folder_is_a_banner_not_a_crash(tmp_path, monkeypatch):
    monkeypatch.setenv("LAWREACH_DATA_DIR", str(tmp_path / "nowhere"))
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.error and metric(at, "Records shown") == "0"


def test_about_page(sample_dir, monkeypatch):
    monkeypatch.setenv("LAWREACH_DATA_DIR", str(sample_dir))
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(ABOUT_PAGE).run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    from lawreach.contract.schema import CONFIDENCES, PRECISIONS, STATUSES

    for key in (*STATUSES, *PRECISIONS, *CONFIDENCES):
        assert f"`{key}`" in text, key
    for heading in ("## Known gaps", "## Licence", "## How to cite", "## Data version"):
        assert heading in text
    assert "CC BY 4.0" in text and "2026-01-01+" in text


def test_no_results_is_calm(app):
    at = app.run()
    at.text_input(key="f_q").input("no such place anywhere").run()
    assert not at.exception
    assert metric(at, "Records shown") == "0" and len(table(at)) == 0
    at.button(key="fit").click().run()  # fitting nothing falls back to the world view
    assert not at.exception


def test_layer_toggles_remove_layers(app):
    at = app.run()
    at.checkbox(key="layer_arcs").uncheck().run()
    at.checkbox(key="layer_stations").uncheck().run()
    ids = [x["id"] for x in deck_spec(at)["layers"]]
    assert "arcs" not in ids and "stations" not in ids and "patrols" in ids


# --- journeys: several changes in a row, then something else ---------------------------


def heading(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("### ")).replace("\\", "")


def test_bureau_then_two_countries_then_a_button_keeps_every_choice(app):
    """The reviewer's sequence: each change keeps the others (ids, not labels)."""
    at = app.run()
    ms(at, "f_bureau").select("fuzhou-psb").run()
    assert metric(at, "Records shown") == "3"
    ms(at, "f_country").select("FRA").run()
    assert metric(at, "Records shown") == "1"
    assert qp(at, "bureau") == ["fuzhou-psb"] and qp(at, "country") == ["FRA"]
    ms(at, "f_country").select("ITA").run()
    assert metric(at, "Records shown") == "2"
    assert sorted(table(at)["id"]) == ["st-fra-paris-1", "st-ita-rome-1"]
    assert qp(at, "bureau") == ["fuzhou-psb"] and qp(at, "country") == ["FRA", "ITA"]
    assert ms(at, "f_bureau").value == ["fuzhou-psb"]
    at.button(key="world").click().run()
    at.button(key="fit").click().run()
    assert metric(at, "Records shown") == "2"
    assert qp(at, "bureau") == ["fuzhou-psb"] and qp(at, "country") == ["FRA", "ITA"]
    assert heading(at).startswith("### 2 service stations in France and Italy run by Fuzhou PSB")
    assert not at.exception and not at.info


def test_type_then_country_keeps_the_type(app):
    at = app.run()
    ms(at, "f_type").select("joint_patrol").run()
    assert metric(at, "Records shown") == "3"
    ms(at, "f_country").select("ITA").run()
    ms(at, "f_bureau").select("mps").run()
    assert metric(at, "Records shown") == "3"
    assert qp(at, "type") == ["joint_patrol"] and qp(at, "country") == ["ITA"]
    assert set(table(at)["id"]) == {"jp-ita-2016-rome", "jp-ita-2017-rome", "jp-ita-2017-milan"}


def test_options_with_no_match_come_last_with_zero(app):
    at = app.run()
    ms(at, "f_bureau").select("fuzhou-psb").run()
    countries = ms(at, "f_country").options
    zero = [o for o in countries if o.endswith("(0)")]
    assert zero and countries[-len(zero):] == zero  # zero counts sorted last
    assert countries[0] in ("France (1)", "Italy (1)", "Netherlands (1)")


def test_heading_names_only_what_matched(app):
    at = app.run()
    ms(at, "f_bureau").select("fuzhou-psb").run()
    ms(at, "f_country").select("FRA").run()
    ms(at, "f_country").select("DEU").run()
    assert metric(at, "Records shown") == "1"
    assert heading(at).startswith("### 1 service station in France run by Fuzhou PSB")
    assert "(none for Germany)" in heading(at)


def test_region_filter_uses_m49_codes(app):
    at = app.run()
    ms(at, "f_region").select("150").run()  # Europe
    assert set(table(at)["Country"]) == {"France", "Italy", "Netherlands", "Germany"}
    assert qp(at, "region") == ["150"]
    ms(at, "f_bureau").select("fuzhou-psb").run()
    assert metric(at, "Records shown") == "3"
    assert "Europe" in heading(at)


def test_layer_toggle_is_part_of_the_state_and_the_link(app):
    at = app.run()
    total = int(metric(at, "Records shown"))
    at.checkbox(key="layer_patrols").uncheck().run()
    assert int(metric(at, "Records shown")) == total - 3
    assert "Joint police patrol abroad" not in set(table(at)["Type"])
    assert qp(at, "hide") == ["patrols"]
    assert "joint patrols hidden" in heading(at)


def test_hidden_layer_link_restores_the_toggle(app):
    at = app
    at.query_params["hide"] = ["patrols", "arcs"]
    at.run()
    assert at.checkbox(key="layer_patrols").value is False
    assert at.checkbox(key="layer_arcs").value is False
    assert at.checkbox(key="layer_stations").value is True
    assert not at.info


@pytest.mark.parametrize("as_of, shown", [("2099-01-01", "2030-12-31"), ("1989-12-31", "1990-01-01"),
                                          ("0001-01-01", "1990-01-01")])
def test_out_of_range_date_link_is_clamped_with_one_notice(app, as_of, shown):
    at = app
    at.query_params["as_of"] = as_of
    at.run()
    assert not at.exception
    notices = [i.value.replace("\\", "") for i in at.info if "nothing to export" not in i.value]
    assert len(notices) == 1 and "as_of" in notices[0] and shown in notices[0], notices
    assert at.text_input(key="f_asof_text").value == shown
    assert metric(at, "Records shown").isdigit()


def test_repeated_agreeing_values_are_silent(app):
    at = app
    at.query_params["bureau"] = ["mps", "mps"]
    at.query_params["q"] = ["rome", "rome"]
    at.run()
    assert not at.info
    assert ms(at, "f_bureau").value == ["mps"]


def test_date_and_years_in_one_link_the_date_wins_and_says_so(app):
    at = app
    at.query_params.update({"as_of": "2016-05-10", "from": "2012", "to": "2013"})
    at.run()
    assert len(at.info) == 1 and "the date wins" in at.info[0].value.replace("\\", "")
    assert at.radio(key="f_time").value == "on"
    assert heading(at).endswith("as of 2016-05-10")


def test_time_controls_cannot_contradict(app):
    at = app.run()
    at.text_input(key="f_asof_text").input("2016-05-10").run()
    assert at.radio(key="f_time").value == "on"
    as_of_count = metric(at, "Records shown")
    at.slider(key="f_years").set_value((2011, 2012)).run()
    assert at.radio(key="f_time").value == "between"
    assert "as of" not in heading(at) and "between 2011 and 2012" in heading(at)
    assert "as_of" not in at.query_params and qp(at, "from") == ["2011"]
    at.radio(key="f_time").set_value("on").run()
    assert metric(at, "Records shown") == as_of_count
    assert "from" not in at.query_params


def test_status_in_the_table_is_the_status_on_the_date(app):
    at = app.run()
    ms(at, "f_bureau").select("wenzhou-psb").run()
    assert list(table(at)["Status"]) == ["Closed or ceased"]
    at.text_input(key="f_asof_text").input("2022-12-31").run()
    assert list(table(at)["Status"]) == ["Reported"]
    at.session_state["map"] = {"selection": {"objects": {"stations": [{"id": "st-fra-paris-3"}]}}}
    at.run()
    panel = html.unescape(detail_html(at))
    assert "Status on 2022-12-31" in panel and "latest: Closed or ceased" in panel


def test_map_selection_brings_its_row_to_the_top(app):
    at = app.run()
    last = str(table(at)["id"].iloc[-1])
    at.session_state["map"] = {"selection": {"objects": {"stations": [{"id": last}]}}}
    at.run()
    assert str(table(at)["id"].iloc[0]) == last
    assert qp(at, "sel") == [last]


def test_typed_partial_date_means_its_last_day_and_bad_dates_are_said(app):
    at = app.run()
    at.text_input(key="f_asof_text").input("2016").run()
    assert at.text_input(key="f_asof_text").value == "2016-12-31"
    assert at.radio(key="f_time").value == "on" and qp(at, "as_of") == ["2016-12-31"]
    at.text_input(key="f_asof_text").input("2016-13-40").run()
    assert any("is not a date" in w.value for w in at.warning)
    assert qp(at, "as_of") == ["2016-12-31"]  # the last good date stays
    at.text_input(key="f_asof_text").input("").run()
    assert "as_of" not in at.query_params and not at.exception


def test_journalist_types_prato_station_and_reads_its_sources(monkeypatch):
    """On the bundled data: the Prato station is the first row, and its panel lists its
    sources with their links."""
    from lawreach.contract.load import DEFAULT_DATA_DIR, load_dataset

    monkeypatch.delenv("LAWREACH_DATA_DIR", raising=False)
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.text_input(key="f_q").input("prato station").run()
    ids = list(table(at)["id"])
    first = load_dataset(DEFAULT_DATA_DIR).records.set_index("id").loc[ids[0]]
    assert first["activity_type"] == "service_station" and first["city"] == "Prato"
    at.session_state[selection.table_key(ids)] = {"selection": {"rows": [0], "columns": [],
                                                                "cells": []}}
    at.run()
    panel = html.unescape(detail_html(at))
    assert first["name"] in panel
    for source in first["sources"]:
        assert f'href="{source["url"]}"' in panel or source["title"] in panel
    assert qp(at, "sel") == [ids[0]]
