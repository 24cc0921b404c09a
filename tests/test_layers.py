"""The map as data: layer ids, picking, colours, spreading, escaping, size."""

from __future__ import annotations

import html
import json
import math

import pytest

from lawreach.contract.load import load_dataset
from lawreach.map import layers, style
from lawreach.map.display import RING_FILL_ALPHA
from tests.sample_data import HOSTILE_NAME, PARIS, write_sample


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    data = load_dataset(write_sample(tmp_path_factory.mktemp("sample")))
    assert data.problems == []
    return data


@pytest.fixture(scope="module")
def prepared(sample):
    return layers.prepare(sample.records, sample.bureaus)


def spec_of(deck) -> dict:
    return json.loads(deck.to_json())


def by_id(spec: dict) -> dict[str, dict]:
    return {layer["id"]: layer for layer in spec["layers"]}


def test_layers_in_order_with_explicit_ids_and_picking(sample, prepared):
    spec = spec_of(layers.build_deck(prepared, sample.bureaus))
    ids = [layer["id"] for layer in spec["layers"]]
    assert ids == ["basemap", "arcs", "patrols", "patrol-labels", "mekong-route", "mekong", "sites",
                   "stations", "highlight"]
    for layer in spec["layers"]:
        assert "pickable" in layer, layer["id"]  # Streamlit needs it on every layer
    pickable = {layer["id"] for layer in spec["layers"] if layer["pickable"]}
    assert pickable == set(layers.PICKABLE_LAYERS)


def test_offline_no_map_style(sample, prepared):
    deck = layers.build_deck(prepared, sample.bureaus)
    spec = spec_of(deck)
    # map_provider=None and map_style unset serialise as this placeholder, which
    # Streamlit reads as "no basemap" and fetches nothing.
    assert spec["mapStyle"] == "__MAP_STYLE__"
    assert "carto" not in deck.to_json().lower()
    basemap = by_id(spec)["basemap"]
    assert basemap["@@type"] == "GeoJsonLayer" and basemap["pickable"] is False
    assert len(basemap["data"]["features"]) > 150


def test_stations_coloured_by_bureau_and_precision(sample, prepared):
    stations = {o["id"]: o for o in by_id(spec_of(layers.build_deck(prepared, sample.bureaus)))
                ["stations"]["data"]}
    assert stations["st-ita-rome-1"]["fill"][:3] == list(style.BUREAU_COLOURS["fuzhou-psb"])
    assert stations["st-fra-paris-2"]["fill"][:3] == list(style.BUREAU_COLOURS["qingtian-psb"])
    assert stations["st-ita-prato-1"]["fill"][:3] == list(style.UNKNOWN_BUREAU)
    # located to a city: solid; country only: hollow ring in the bureau's colour
    assert stations["st-ita-rome-1"]["fill"][3] > 200
    ring = stations["st-nld-1"]
    # faint but not transparent: deck.gl never picks a pixel of alpha 0
    assert 0 < ring["fill"][3] == RING_FILL_ALPHA < 60
    assert ring["line"] == [*style.BUREAU_COLOURS["fuzhou-psb"], 255]
    # the ring's outline is thicker: a layer expression on the fill's alpha
    width = by_id(spec_of(layers.build_deck(prepared, sample.bureaus)))["stations"]["getLineWidth"]
    assert width == f"@@=fill[3] <= {RING_FILL_ALPHA} ? 2.5 : 1"


def test_types_differ_by_size_not_only_colour(sample, prepared):
    spec = by_id(spec_of(layers.build_deck(prepared, sample.bureaus)))
    station = (spec["stations"]["getRadius"], 1)
    assert station == (style.TYPE_MAP_STYLE["service_station"]["radius"], 1)
    training = spec["sites"]["data"][0]
    assert training["id"] == "tr-slb-honiara"
    assert (training["r"], training["w"]) == (8, 2)  # bigger, thicker outline
    assert min(o["r"] for o in spec["patrols"]["data"]) > station[0]


def test_colocated_records_are_spread_for_display_only(sample, prepared):
    paris = prepared[prepared["city"] == "Paris"]
    assert len(paris) == 3
    points = set(zip(paris["x"], paris["y"], strict=True))
    assert len(points) == 3  # each visible and clickable
    for x, y in points:
        # on a ring of ~2 km around the true point
        dist_km = math.hypot((x - PARIS[0]) * 111 * math.cos(math.radians(PARIS[1])),
                             (y - PARIS[1]) * 111)
        assert 1.0 < dist_km < 4.0
    # the data keeps the true point
    assert set(paris["lon"]) == {PARIS[0]} and set(paris["lat"]) == {PARIS[1]}
    alone = prepared.set_index("id").loc["st-ita-rome-1"]
    assert (alone["x"], alone["y"]) == (alone["lon"], alone["lat"])
    # the tooltip says so
    assert set(paris["t_place"]) == {"Paris, France (located to city; 3 records share this point)"}
    assert alone["t_place"] == "Rome, Italy (located to city)"
    # deterministic
    again = layers.prepare(sample.records, sample.bureaus)
    assert again["x"].tolist() == prepared["x"].tolist()


def test_arcs_from_home_bureau_to_each_located_station(sample, prepared):
    arcs = by_id(spec_of(layers.build_deck(prepared, sample.bureaus)))["arcs"]["data"]
    stations = prepared[prepared["activity_type"] == "service_station"]
    known = stations[stations["operating_bureau"] != "unknown"]
    assert len(arcs) == len(known) == 6  # Prato's bureau is unknown: no arc
    fuzhou = [a for a in arcs if (a["a"], a["b"]) == (119.306, 26.061)]
    assert len(fuzhou) == 3


def test_patrols_aggregated_by_city(sample, prepared):
    spec = by_id(spec_of(layers.build_deck(prepared, sample.bureaus)))
    patrols = {o["t_name"]: o for o in spec["patrols"]["data"]}
    rome = patrols["Joint patrols in Rome, Italy"]
    assert rome["n"] == 2
    assert rome["ids"] == "jp-ita-2017-rome,jp-ita-2016-rome"  # newest first
    assert rome["id"] == "jp-ita-2017-rome"
    assert "2016–2017" in rome["t_kind"]
    labels = {(o["x"], o["y"]): o["label"] for o in spec["patrol-labels"]["data"]}
    assert labels[(rome["x"], rome["y"])] == "2"


def test_mekong_route_in_order_and_base_port_shown(sample, prepared):
    spec = by_id(spec_of(layers.build_deck(prepared, sample.bureaus)))
    (route,) = spec["mekong-route"]["data"]
    assert route["path"] == [[101.1592, 21.5519], [100.087, 20.275]]  # route_order 1, 2
    sites = {o["id"] for o in spec["mekong"]["data"]}
    assert sites == {"rp-guanlei", "rp-chiang-saen", "rp-base-guanlei"}


def test_layer_toggles(sample, prepared):
    spec = spec_of(layers.build_deck(prepared, sample.bureaus, layers_on=["stations"]))
    assert [layer["id"] for layer in spec["layers"]] == ["basemap", "stations", "highlight"]


def test_highlight_marks_the_selected_record(sample, prepared):
    spec = by_id(spec_of(layers.build_deck(prepared, sample.bureaus, selected="st-fra-paris-2")))
    row = prepared.set_index("id").loc["st-fra-paris-2"]
    assert spec["highlight"]["data"] == [{"x": row["x"], "y": row["y"]}]
    assert spec["highlight"]["pickable"] is False


def test_tooltips_escaped_for_standalone_html(sample, prepared):
    deck = layers.build_deck(prepared, sample.bureaus, escape_html=True)
    text = deck.to_json()
    assert "<img" not in text and "\\u003cimg" not in text
    stations = {o["id"]: o for o in by_id(json.loads(text))["stations"]["data"]}
    assert stations["st-deu-hostile"]["t_name"] == html.escape(HOSTILE_NAME)
    # every tooltip field of every pickable layer is escaped
    for layer in json.loads(text)["layers"]:
        for obj in layer.get("data") or [] if isinstance(layer.get("data"), list) else []:
            for field in layers.TOOLTIP_FIELDS:
                if field in obj:
                    assert "<" not in obj[field] and ">" not in obj[field]
    assert deck._tooltip["html"] == layers.TOOLTIP_HTML


def test_streamlit_deck_keeps_raw_values_but_json_cannot_break_a_script(sample, prepared):
    deck = layers.build_deck(prepared, sample.bureaus)  # Streamlit escapes the values itself
    text = deck.to_json()
    assert "<" not in text and ">" not in text  # written as \u003c / \u003e
    stations = {o["id"]: o for o in by_id(json.loads(text))["stations"]["data"]}
    assert stations["st-deu-hostile"]["t_name"] == HOSTILE_NAME


def test_compact_json_and_rounded_coordinates(sample, prepared):
    text = layers.build_deck(prepared, sample.bureaus).to_json()
    assert '\n  "' not in text and '{"initialViewState":{' in text  # no indentation
    assert len(text) < 400_000
    for obj in by_id(json.loads(text))["stations"]["data"]:
        for value in (obj["x"], obj["y"]):
            assert round(value, 5) == value


def test_view_is_the_one_given(sample, prepared):
    view = {"longitude": 12.5, "latitude": 41.9, "zoom": 6.0}
    spec = spec_of(layers.build_deck(prepared, sample.bureaus, view=view))
    assert {k: spec["initialViewState"][k] for k in view} == view


def test_empty_frame_builds(sample):
    spec = spec_of(layers.build_deck(sample.records.iloc[0:0], sample.bureaus))
    assert by_id(spec)["stations"]["data"] == []


def test_unprepared_records_are_prepared(sample):
    spec = spec_of(layers.build_deck(sample.records, sample.bureaus, escape_html=True))
    assert len(by_id(spec)["stations"]["data"]) == 7


def test_legend_names_each_bureau_escaped(sample, prepared):
    bureaus = sample.bureaus.copy()
    bureaus.loc[bureaus["id"] == "mps", "name"] = "<b>MPS</b>"
    legend = layers.legend_html(prepared, bureaus)
    assert "&lt;b&gt;MPS&lt;/b&gt;" in legend and "<b>MPS" not in legend
    assert "Qingtian County PSB" in legend and "Unknown" in legend
    assert style.hex_colour(style.BUREAU_COLOURS["qingtian-psb"]) in legend


def test_bundled_data_deck_stays_small_and_fast():
    """Guard: the real data's deck is well under the browser's comfort zone."""
    from lawreach.contract.load import DEFAULT_DATA_DIR

    data = load_dataset(DEFAULT_DATA_DIR)
    if data.records.empty:
        pytest.skip("no bundled data yet")
    prepared = layers.prepare(data.records, data.bureaus)
    text = layers.build_deck(prepared, data.bureaus).to_json()
    assert len(text.encode()) < 2_000_000
    spec = by_id(json.loads(text))
    drawn = sum(len(spec[i]["data"]) for i in ("stations", "sites", "mekong"))
    patrols = sum(o["n"] for o in spec["patrols"]["data"])
    assert drawn + patrols == len(data.records)  # every valid record is on the map
