"""The map as data: pydeck layers built from the (filtered) records frame.

Everything the browser draws is decided here, in plain Python, so tests can read
the deck spec and the standalone HTML export draws exactly what the app draws.

Choices that matter:

* Columnar lon/lat in ScatterplotLayer / ArcLayer, never GeoJSON features for the
  records: GeoJSON costs 4-13x the time and 2-4x the bytes. GeoJSON is used only
  for the basemap.
* ``pdk.Deck(map_provider=None)`` and ``map_style`` left unset: this is the only
  combination that makes Streamlit draw no tile basemap and fetch nothing.
* Every layer has an explicit ``id`` and ``pickable``: Streamlit keys selections by
  layer id, and it only leaves ``pickable`` alone when every layer declares it.
* Co-located records are drawn at their display point (``display.prepare``).
* Tooltips read the ``t_*`` fields. With ``escape_html=True`` (standalone HTML,
  where pydeck interpolates raw values into HTML) every value is ``html.escape``d;
  otherwise Streamlit (>= 1.60) escapes interpolated values itself.
* The deck serialises compactly (no indentation) and with ``<``, ``>`` and ``&``
  written as JSON unicode escapes, so a value can never close a ``<script>`` in an
  exported page.
* Layer data is built from numpy columns taken once per pass, not from row-wise
  pandas selections: at 1e5 records that is the difference between 0.7 s and
  0.2 s (``scripts/bench.py``).
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from lawreach.contract.countries import basemap_geojson
from lawreach.contract.schema import PRECISIONS
from lawreach.contract.text import escape_text
from lawreach.contract.vocab import country_name
from lawreach.map import style
from lawreach.map.display import (
    DISPLAY_DP,
    OUTLINE_DARK,
    RING_FILL_ALPHA,
    RING_WIDTH,
    TOOLTIP_FIELDS,
    ensure_prepared,
    more_with_status_on,
    prepare,
)

__all__ = ["build_deck", "build_layers", "prepare", "legend_html", "TOGGLES", "PICKABLE_LAYERS"]

#: Toggle key -> label. ``layers_on`` takes these keys; the basemap is always on.
TOGGLES: dict[str, str] = {
    "stations": "Service stations",
    "arcs": "Arcs from home bureau",
    "patrols": "Joint patrols (by city)",
    "sites": "Training, liaison, cooperation",
    "mekong": "Mekong River patrol",
}
#: Layers whose objects can be clicked to open a record.
PICKABLE_LAYERS = ("stations", "sites", "patrols", "mekong")

SITE_TYPES = ("training", "liaison", "cooperation")
ARC_TYPES = ("service_station",)  # the "long arm": a bureau's station abroad
HIGHLIGHT = (0, 0, 0)

TOOLTIP_HTML = "<b>{t_name}</b><br/>{t_kind}<br/>{t_place}<br/><i>{t_more}</i>"
TOOLTIP_STYLE = {
    "backgroundColor": "rgba(255,255,255,0.96)", "color": "#111", "fontSize": "12px",
    "border": "1px solid #888", "maxWidth": "320px", "whiteSpace": "normal",
}
DEFAULT_VIEW: dict[str, float] = {"longitude": 40.0, "latitude": 28.0, "zoom": 1.2}

# Columns a pass reads from the prepared frame.
_PASS_COLUMNS = ("id", "activity_type", "operating_bureau", "x", "y", "lon", "lat", "fill", "line",
                 "radius", "line_width", "home_x", "home_y", *TOOLTIP_FIELDS, "city", "country",
                 "partner_agency", "start_earliest", "reported_earliest", "route_id",
                 "route_order")
Columns = dict[str, np.ndarray]


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation and no raw ``<``, ``>`` or ``&``.

    pydeck pretty-prints (about 58% of its output is whitespace). Streamlit and
    ``to_html`` both call ``to_json``, so both get the compact form.
    """

    def to_json(self) -> str:
        text = json.dumps(self, default=default_serialize, sort_keys=True,
                          separators=(",", ":"), ensure_ascii=False)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# --- layer data --------------------------------------------------------------------


def _columns(frame: pd.DataFrame) -> Columns:
    cols = {column: frame[column].to_numpy() for column in _PASS_COLUMNS}
    cols["t_more"] = more_with_status_on(frame)
    return cols


def _tips(cols: Columns, mask: np.ndarray, escape: bool) -> list[list[str]]:
    out = []
    for field in TOOLTIP_FIELDS:
        values = cols[field][mask].tolist()
        out.append([html.escape(str(v)) for v in values] if escape else values)
    return out


def _point_rows(cols: Columns, mask: np.ndarray, escape: bool, sized: bool = False
                ) -> list[dict[str, Any]]:
    """Layer data for one point layer: short keys, plain Python values.

    ``sized`` adds per-object radius ``r`` and line width ``w`` (layers that mix
    activity types); other layers take them as layer constants, which keeps the
    per-object dicts, the pass and the JSON smaller.
    """
    name, kind, place, more = _tips(cols, mask, escape)
    ids, xs, ys = cols["id"][mask].tolist(), cols["x"][mask].tolist(), cols["y"][mask].tolist()
    fills, lines = cols["fill"][mask].tolist(), cols["line"][mask].tolist()
    if not sized:
        return [
            {"id": i, "x": x, "y": y, "fill": f, "line": ln,
             "t_name": a, "t_kind": b, "t_place": c, "t_more": d}
            for i, x, y, f, ln, a, b, c, d in zip(ids, xs, ys, fills, lines, name, kind, place,
                                                   more, strict=True)
        ]
    return [
        {"id": i, "x": x, "y": y, "fill": f, "line": ln, "r": r, "w": w,
         "t_name": a, "t_kind": b, "t_place": c, "t_more": d}
        for i, x, y, f, ln, r, w, a, b, c, d in zip(
            ids, xs, ys, fills, lines, cols["radius"][mask].tolist(),
            cols["line_width"][mask].tolist(), name, kind, place, more, strict=True)
    ]


def _point_layer(layer_id: str, data: list[dict[str, Any]], activity_type: str | None = None
                 ) -> pdk.Layer:
    """A clickable point layer. With ``activity_type`` the radius and outline are that
    type's constants (and a hollow ring, fill alpha RING_FILL_ALPHA, gets a thicker outline);
    without it every object carries its own ``r`` and ``w``."""
    if activity_type is None:
        radius, width = "r", "w"
    else:
        look = style.TYPE_MAP_STYLE.get(activity_type, {"radius": 6, "line": 1})
        radius = look["radius"]
        width = f"fill[3] <= {RING_FILL_ALPHA} ? {max(look['line'], RING_WIDTH)} : {look['line']}"
    return pdk.Layer(
        "ScatterplotLayer",
        data=data,
        id=layer_id,
        pickable=True,
        auto_highlight=True,
        stroked=True,
        filled=True,
        get_position="[x, y]",
        get_fill_color="fill",
        get_line_color="line",
        get_radius=radius,
        get_line_width=width,
        radius_units="'pixels'",
        line_width_units="'pixels'",
        radius_min_pixels=3,
    )


@lru_cache(maxsize=1)
def basemap_data() -> dict[str, Any]:
    """The basemap without Antarctica (no records there; at world zoom it would take a
    third of the map) and with geometry only: properties are never shown.

    Cached and shared: treat it as read-only.
    """
    source = basemap_geojson()
    features = [{"type": "Feature", "geometry": f["geometry"], "properties": {}}
                for f in source["features"] if f.get("properties", {}).get("iso_a3") != "ATA"]
    return {"type": "FeatureCollection", "features": features}


def basemap_layer() -> pdk.Layer:
    """Natural Earth countries; never pickable, so it takes no clicks or tooltips."""
    return pdk.Layer(
        "GeoJsonLayer",
        data=basemap_data(),
        id="basemap",
        pickable=False,
        stroked=True,
        filled=True,
        get_fill_color=[*style.BASEMAP_FILL, 255],
        get_line_color=[*style.BASEMAP_LINE, 255],
        line_width_min_pixels=0.5,
        get_line_width=1,
    )


def arcs_layer(cols: Columns) -> pdk.Layer:
    """One arc per station from its bureau's seat in China (the 'long arm')."""
    home_x = cols["home_x"].astype(float)
    home_y = cols["home_y"].astype(float)
    mask = np.isin(cols["activity_type"], ARC_TYPES) & ~np.isnan(home_x) & ~np.isnan(home_y)
    data = [
        {"a": hx, "b": hy, "x": x, "y": y, "c": f}
        for hx, hy, x, y, f in zip(home_x[mask].tolist(), home_y[mask].tolist(),
                                   cols["x"][mask].tolist(), cols["y"][mask].tolist(),
                                   cols["fill"][mask].tolist(), strict=True)
    ]
    return pdk.Layer(
        "ArcLayer",
        data=data,
        id="arcs",
        pickable=False,
        get_source_position="[a, b]",
        get_target_position="[x, y]",
        get_source_color="[c[0], c[1], c[2], 200]",
        get_target_color="[c[0], c[1], c[2], 60]",
        get_width=1.2,
        # Flat curves: tilted 90 degrees the arc lies on the map, so it reads as a
        # curve from above (great circles would leave the map over the Arctic).
        get_tilt=90,
        get_height=0.25,
        great_circle=False,
    )


def patrol_groups(cols: Columns, escape: bool = False) -> list[dict[str, Any]]:
    """Joint patrol deployments aggregated by city: one object per (city, country).

    ``ids`` lists the deployments newest first; ``id`` is the newest, so a click
    opens it and the app can offer the others. Rows are sorted once and each
    city's run is sliced out (pandas' groupby on Arrow strings is ~10x slower).
    """
    mask = cols["activity_type"] == "joint_patrol"
    if not mask.any():
        return []
    start = pd.Series(cols["start_earliest"][mask])
    rows = pd.DataFrame({
        "city": pd.Series(cols["city"][mask], dtype=object).fillna(""),
        "country": pd.Series(cols["country"][mask], dtype=object),
        "when": start.fillna(pd.Series(cols["reported_earliest"][mask])),
        "id": pd.Series(cols["id"][mask], dtype=object),
        "row": np.arange(int(mask.sum())),
    }).sort_values(["city", "country", "when", "id"], ascending=[True, True, False, True],
                   na_position="last")
    order = rows["row"].to_numpy()
    city, country = rows["city"].tolist(), rows["country"].tolist()
    ids, when = rows["id"].tolist(), rows["when"].to_numpy()
    lon, lat = cols["lon"][mask].astype(float)[order], cols["lat"][mask].astype(float)[order]
    bureau = cols["operating_bureau"][mask][order]
    partner = cols["partner_agency"][mask][order]
    keys = np.array([f"{a}\x1f{b}" for a, b in zip(city, country, strict=True)], dtype=object)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    out = []
    for lo_i, hi_i in zip(starts, [*starts[1:], len(keys)], strict=True):
        n = int(hi_i - lo_i)
        dated = when[lo_i:hi_i][~pd.isna(when[lo_i:hi_i])]
        span = ""
        if len(dated):
            lo, hi = pd.Timestamp(dated.min()).year, pd.Timestamp(dated.max()).year
            span = f", {lo}" if lo == hi else f", {lo}–{hi}"
        iso3 = country[lo_i]
        place = f"{city[lo_i]}, {country_name(iso3)}" if city[lo_i] else country_name(iso3)
        found = set(partner[lo_i:hi_i].tolist())
        partners = ", ".join(sorted(p for p in found if isinstance(p, str) and p))
        tips = [f"Joint patrols in {place}", f"{n} deployment{'s' if n != 1 else ''}{span}",
                ("Partner: " + partners)[:160] if partners else "",
                "Click to see each deployment"]
        if escape:
            tips = [html.escape(t) for t in tips]
        out.append({
            "id": ids[lo_i], "ids": ",".join(ids[lo_i:hi_i]), "n": n,
            "x": round(float(lon[lo_i:hi_i].mean()), DISPLAY_DP),
            "y": round(float(lat[lo_i:hi_i].mean()), DISPLAY_DP),
            "fill": [*style.bureau_colour(bureau[lo_i]), 170], "line": [*OUTLINE_DARK, 230],
            "r": round(7.0 + 4.0 * math.sqrt(n), 2), "w": 2.0,
            **dict(zip(TOOLTIP_FIELDS, tips, strict=True)),
        })
    return out


def patrol_layers(cols: Columns, escape: bool) -> list[pdk.Layer]:
    groups = patrol_groups(cols, escape)
    labels = pdk.Layer(
        "TextLayer",
        data=[{"x": g["x"], "y": g["y"], "label": str(g["n"])} for g in groups],
        id="patrol-labels",
        pickable=False,
        get_position="[x, y]",
        get_text="label",
        get_size=12,
        get_color=[20, 20, 20, 255],
        font_weight="'bold'",
        get_text_anchor="'middle'",
        get_alignment_baseline="'center'",
    )
    return [_point_layer("patrols", groups), labels]


def mekong_layers(cols: Columns, escape: bool) -> list[pdk.Layer]:
    """The Mekong patrol: its route (true points, in route_order) and its sites."""
    mask = cols["activity_type"] == "riverine_patrol"
    routes = pd.DataFrame({"route": cols["route_id"][mask], "order": cols["route_order"][mask],
                           "lon": cols["lon"][mask], "lat": cols["lat"][mask]})
    routes = routes.dropna(subset=["route", "order"]).sort_values(["route", "order"])
    paths = [
        {"route": str(route), "path": [[round(float(a), DISPLAY_DP), round(float(b), DISPLAY_DP)]
                                       for a, b in zip(g["lon"], g["lat"], strict=True)]}
        for route, g in routes.groupby("route", sort=True)
    ]
    route_layer = pdk.Layer(
        "PathLayer",
        data=paths,
        id="mekong-route",
        pickable=False,
        get_path="path",
        get_color=[*style.MEKONG_ROUTE, 220],
        get_width=3,
        width_units="'pixels'",
        joint_rounded=True,
        cap_rounded=True,
    )
    return [route_layer, _point_layer("mekong", _point_rows(cols, mask, escape), "riverine_patrol")]


def highlight_layer(cols: Columns, selected: str | None) -> pdk.Layer:
    """A ring around the selected record (display point), drawn on top."""
    mask = cols["id"] == selected if selected else np.zeros(len(cols["id"]), dtype=bool)
    data = [{"x": x, "y": y} for x, y in zip(cols["x"][mask].tolist(), cols["y"][mask].tolist(),
                                             strict=True)]
    return pdk.Layer(
        "ScatterplotLayer",
        data=data,
        id="highlight",
        pickable=False,
        stroked=True,
        filled=False,
        get_position="[x, y]",
        get_radius=14,
        radius_units="'pixels'",
        get_line_color=[*HIGHLIGHT, 255],
        get_line_width=3,
        line_width_units="'pixels'",
    )


# --- the deck ----------------------------------------------------------------------


def tooltip() -> dict[str, Any]:
    """One html template for every pickable layer. The values are escaped by the
    renderer (Streamlit) or beforehand (``escape_html=True``, standalone HTML)."""
    return {"html": TOOLTIP_HTML, "style": dict(TOOLTIP_STYLE)}


def build_layers(
    records: pd.DataFrame,
    bureaus: pd.DataFrame,
    *,
    escape_html: bool = False,
    layers_on: Iterable[str] | None = None,
    selected: str | None = None,
) -> list[pdk.Layer]:
    """All layers, bottom to top. Toggled-off layers are left out entirely."""
    on = set(TOGGLES) if layers_on is None else set(layers_on)
    cols = _columns(ensure_prepared(records, bureaus))
    types = cols["activity_type"]
    layers = [basemap_layer()]
    if "arcs" in on:
        layers.append(arcs_layer(cols))
    if "patrols" in on:
        layers += patrol_layers(cols, escape_html)
    if "mekong" in on:
        layers += mekong_layers(cols, escape_html)
    if "sites" in on:
        layers.append(_point_layer("sites", _point_rows(cols, np.isin(types, SITE_TYPES),
                                                        escape_html, sized=True)))
    if "stations" in on:
        layers.append(_point_layer("stations", _point_rows(cols, types == "service_station",
                                                           escape_html), "service_station"))
    layers.append(highlight_layer(cols, selected))
    return layers


def build_deck(
    records: pd.DataFrame,
    bureaus: pd.DataFrame,
    *,
    escape_html: bool = False,
    view: dict | None = None,
    layers_on: Iterable[str] | None = None,
    selected: str | None = None,
) -> pdk.Deck:
    """The whole map for a (filtered) records frame, prepared or not.

    ``escape_html=True`` is for the standalone HTML export: every data value that
    reaches the tooltip is ``html.escape``d, because pydeck's page interpolates
    raw values into HTML. ``view`` is ``{longitude, latitude, zoom}``; keep it
    stable between reruns so the user's pan and zoom survive a filter change.
    ``selected`` rings one record id.
    """
    view = dict(view or DEFAULT_VIEW)
    return CompactDeck(
        layers=build_layers(records, bureaus, escape_html=escape_html, layers_on=layers_on,
                            selected=selected),
        initial_view_state=pdk.ViewState(
            longitude=float(view.get("longitude", DEFAULT_VIEW["longitude"])),
            latitude=float(view.get("latitude", DEFAULT_VIEW["latitude"])),
            zoom=float(view.get("zoom", DEFAULT_VIEW["zoom"])),
            min_zoom=0, max_zoom=14, pitch=0, bearing=0,
        ),
        map_provider=None,
        tooltip=tooltip(),
    )


# --- legend (drawn by the app, not the map) ----------------------------------------


def legend_items(records: pd.DataFrame, bureaus: pd.DataFrame) -> list[tuple[str, str]]:
    """(hex colour, bureau name) for the bureaus present, most records first."""
    names = dict(zip(bureaus["id"], bureaus["name"], strict=False)) if len(bureaus) else {}
    counts = records["operating_bureau"].value_counts()
    counts = counts.sort_index().sort_values(ascending=False, kind="stable")
    return [(style.hex_colour(style.bureau_colour(b)), names.get(b) or str(b)) for b in counts.index]


def legend_html(records: pd.DataFrame, bureaus: pd.DataFrame) -> str:
    """The map key as escaped HTML: bureau colours with names (colour is never the
    only carrier: names are written), then the type and precision encodings."""
    parts = ['<div class="lr-legend" style="font-size:0.85rem;line-height:1.6">']
    for colour, name in legend_items(records, bureaus):
        parts.append(
            f'<span style="white-space:nowrap;margin-right:0.9em">'
            f'<span aria-hidden="true" style="display:inline-block;width:0.8em;height:0.8em;'
            f'border-radius:50%;background:{colour};border:1px solid #333;margin-right:0.3em">'
            f"</span>{escape_text(name)}</span> "
        )
    parts.append("<br/>")
    parts.append(
        "Small dot: service station · larger dot, thick outline: training, liaison or "
        "cooperation site · big circle with a number: joint patrol deployments in that city · "
        "blue line: Mekong patrol route · curves: from the bureau's seat in China. "
        "Solid fill: located to a city or better; pale fill: region; hollow ring: "
        f"country only ({escape_text(PRECISIONS['country'].lower())})."
    )
    parts.append("</div>")
    return "".join(parts)
