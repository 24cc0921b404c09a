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
* Records that share a point (Paris x3, Madrid x3 ...) are spread on a small ring
  *for display only* (columns ``x``/``y``); ``lon``/``lat`` keep the true point.
* Tooltips read the ``t_*`` columns. With ``escape_html=True`` (standalone HTML,
  where pydeck interpolates raw values into HTML) every value is ``html.escape``d;
  otherwise Streamlit (>= 1.60) escapes interpolated values itself.
* The deck serialises compactly (no indentation) and with ``<``, ``>`` and ``&``
  written as JSON unicode escapes, so a value can never close a ``<script>`` in an
  exported page.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from lawreach import style
from lawreach.countries import basemap_geojson
from lawreach.filters import country_name
from lawreach.schema import ACTIVITY_TYPES, PRECISIONS

# --- layer ids and the user-facing toggles ------------------------------------

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
DISPLAY_DP = 5  # ~1 m: more digits only add bytes

# Ring spread for co-located records, in degrees of latitude (~2.2 km): enough to
# separate 6-pixel markers from about zoom 9 on.
SPREAD_DEG = 0.02

# Fill opacity by precision; country-level records are hollow rings so they never
# pose as precise points.
PRECISION_FILL_ALPHA: dict[str, int] = {
    "address": 235, "street": 235, "city": 235, "region": 110, "country": 0,
}
OUTLINE_DARK = (35, 35, 35)
HIGHLIGHT = (0, 0, 0)

TOOLTIP_FIELDS = ("t_name", "t_kind", "t_place", "t_more")
TOOLTIP_HTML = (
    "<b>{t_name}</b><br/>{t_kind}<br/>{t_place}<br/><i>{t_more}</i>"
)
TOOLTIP_STYLE = {
    "backgroundColor": "rgba(255,255,255,0.96)", "color": "#111", "fontSize": "12px",
    "border": "1px solid #888", "maxWidth": "320px", "whiteSpace": "normal",
}

DEFAULT_VIEW: dict[str, float] = {"longitude": 40.0, "latitude": 28.0, "zoom": 1.2}


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation and no raw ``<``, ``>`` or ``&``.

    pydeck pretty-prints (about 58% of its output is whitespace). Streamlit and
    ``to_html`` both call ``to_json``, so both get the compact form.
    """

    def to_json(self) -> str:  # noqa: D401 - pydeck's name
        text = json.dumps(self, default=default_serialize, sort_keys=True,
                          separators=(",", ":"), ensure_ascii=False)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# --- preparing the display frame ------------------------------------------------


def _rgba(rgb: Iterable[int], alpha: int) -> list[int]:
    return [*rgb, alpha]


def spread_offsets(lon: pd.Series, lat: pd.Series, ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Display positions: records sharing a point are placed on a ring around it.

    Deterministic (ordered by id), and a record alone at its point stays on it.
    The ring grows with the group so that a dozen records do not touch.
    """
    key = pd.DataFrame({"lon": lon.round(DISPLAY_DP).to_numpy(),
                        "lat": lat.round(DISPLAY_DP).to_numpy(),
                        "id": ids.astype(str).to_numpy()})
    order = key.sort_values(["lon", "lat", "id"], kind="stable").index
    grouped = key.loc[order].groupby(["lon", "lat"], sort=False)
    rank = grouped.cumcount().reindex(key.index).to_numpy()
    size = grouped["id"].transform("size").reindex(key.index).to_numpy()
    x, y = key["lon"].to_numpy(dtype=float), key["lat"].to_numpy(dtype=float)
    shared = size > 1
    if not shared.any():
        return x.copy(), y.copy()
    angle = np.where(shared, 2 * np.pi * rank / np.maximum(size, 1) + np.pi / 2, 0.0)
    radius = SPREAD_DEG * np.maximum(1.0, size / 6.0)
    cos_lat = np.maximum(np.cos(np.radians(y)), 0.05)
    dx = np.where(shared, radius * np.cos(angle) / cos_lat, 0.0)
    dy = np.where(shared, radius * np.sin(angle), 0.0)
    return x + dx, np.clip(y + dy, -89.9, 89.9)


def _label(vocabulary: Mapping[str, str], value: Any) -> str:
    return vocabulary.get(value, str(value)) if isinstance(value, str) else ""


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _dates(row_start: Any, row_end: Any, reported: Any) -> str:
    start, end, first = _text(row_start), _text(row_end), _text(reported)
    if start and end:
        return f"{start} – {end}"
    if start:
        return f"since {start}"
    if first:
        return f"first reported {first}"
    return "date not known"


def prepare(records: pd.DataFrame, bureaus: pd.DataFrame) -> pd.DataFrame:
    """Add the display columns the layers need (computed once per dataset).

    Adds: ``x``/``y`` (display point), ``fill``/``line`` (RGBA), ``radius``,
    ``line_width``, ``bureau_name``, ``home_x``/``home_y`` (the bureau's seat in
    China, NaN if unknown) and the raw tooltip texts ``t_*``. The input is not
    modified; the true ``lon``/``lat`` are kept.
    """
    frame = records.copy()
    if frame.empty:
        for column in ("x", "y", "radius", "line_width", "home_x", "home_y"):
            frame[column] = pd.Series(dtype=float)
        for column in ("fill", "line", "bureau_name", *TOOLTIP_FIELDS):
            frame[column] = pd.Series(dtype=object)
        return frame
    # Patrol deployments are drawn aggregated by city, so only the individually
    # drawn records are spread.
    x = frame["lon"].to_numpy(dtype=float).copy()
    y = frame["lat"].to_numpy(dtype=float).copy()
    single = (frame["activity_type"] != "joint_patrol").to_numpy()
    if single.any():
        sx, sy = spread_offsets(frame["lon"][single], frame["lat"][single], frame["id"][single])
        x[single], y[single] = sx, sy
    frame["x"], frame["y"] = np.round(x, DISPLAY_DP), np.round(y, DISPLAY_DP)

    names = dict(zip(bureaus["id"], bureaus["name"], strict=False)) if len(bureaus) else {}
    homes = bureaus.dropna(subset=["lon", "lat"]) if len(bureaus) else bureaus
    home_lon = dict(zip(homes["id"], homes["lon"], strict=False)) if len(homes) else {}
    home_lat = dict(zip(homes["id"], homes["lat"], strict=False)) if len(homes) else {}
    bureau = frame["operating_bureau"]
    frame["bureau_name"] = bureau.map(lambda b: names.get(b) or b)
    frame["home_x"] = bureau.map(home_lon).astype(float).round(DISPLAY_DP)
    frame["home_y"] = bureau.map(home_lat).astype(float).round(DISPLAY_DP)

    # Colour says bureau; fill opacity says precision; size and outline say type.
    lut_fill: dict[tuple[str, str], list[int]] = {}
    lut_line: dict[tuple[str, str], list[int]] = {}
    fills, lines = [], []
    for b, p in zip(bureau.tolist(), frame["location_precision"].tolist(), strict=True):
        k = (b, p)
        if k not in lut_fill:
            rgb = style.bureau_colour(b)
            alpha = PRECISION_FILL_ALPHA.get(p, 235)
            lut_fill[k] = _rgba(rgb, alpha)
            lut_line[k] = _rgba(rgb, 255) if alpha == 0 else _rgba(OUTLINE_DARK, 230)
        fills.append(lut_fill[k])
        lines.append(lut_line[k])
    frame["fill"], frame["line"] = fills, lines
    types = frame["activity_type"]
    type_style = style.TYPE_MAP_STYLE
    frame["radius"] = types.map(lambda t: type_style.get(t, {"radius": 6})["radius"]).astype(float)
    width = types.map(lambda t: type_style.get(t, {"line": 1})["line"]).astype(float)
    # a hollow ring needs a visible stroke whatever the type
    frame["line_width"] = np.where(frame["location_precision"] == "country",
                                   np.maximum(width, 2.5), width)

    # Tooltip texts (raw; escaped later only for the standalone HTML).
    frame["t_name"] = frame["name"].astype(str)
    city = frame["city"].fillna("").astype(str)
    country = frame["country"].map(country_name)
    precision = frame["location_precision"].map(lambda p: p if isinstance(p, str) else "")
    frame["t_kind"] = (types.map(lambda t: _label(ACTIVITY_TYPES, t)) + " · "
                       + frame["bureau_name"].astype(str))
    place = np.where(city.str.len() > 0, city + ", " + country, country)
    frame["t_place"] = pd.Series(place, index=frame.index) + " (located to " + precision + ")"
    frame["t_more"] = [
        _dates(s, e, r) + " · " + _text(st).replace("_", " ")
        for s, e, r, st in zip(frame["start_date"], frame["end_date"], frame["first_reported"],
                               frame["status"], strict=True)
    ]
    return frame


def _ensure_prepared(records: pd.DataFrame, bureaus: pd.DataFrame) -> pd.DataFrame:
    needed = ("x", "y", "fill", "line", "home_x", *TOOLTIP_FIELDS)
    return records if all(c in records.columns for c in needed) else prepare(records, bureaus)


# --- layer data ---------------------------------------------------------------------


def _rows(frame: pd.DataFrame, columns: dict[str, str], escape: bool = False) -> list[dict[str, Any]]:
    """Plain list-of-dicts layer data with short keys (frame column -> data key).

    Faster than ``DataFrame.to_dict``; tooltip texts are html-escaped on request.
    """
    values = []
    for column in columns:
        series = frame[column]
        if escape and column in TOOLTIP_FIELDS:
            values.append([html.escape(v) for v in series.astype(str).tolist()])
        else:
            values.append(series.tolist())
    keys = list(columns.values())
    return [dict(zip(keys, row, strict=True)) for row in zip(*values, strict=True)]


POINT_COLUMNS = {"id": "id", "x": "x", "y": "y", "fill": "fill", "line": "line",
                 "radius": "r", "line_width": "w",
                 "t_name": "t_name", "t_kind": "t_kind", "t_place": "t_place", "t_more": "t_more"}


def _point_layer(layer_id: str, data: list[dict[str, Any]], radius_scale: float = 1.0) -> pdk.Layer:
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
        get_radius="r",
        get_line_width="w",
        radius_units="'pixels'",
        line_width_units="'pixels'",
        radius_scale=radius_scale,
        radius_min_pixels=3,
    )


def basemap_layer() -> pdk.Layer:
    """Natural Earth countries; never pickable, so it takes no clicks or tooltips."""
    return pdk.Layer(
        "GeoJsonLayer",
        data=basemap_geojson(),
        id="basemap",
        pickable=False,
        stroked=True,
        filled=True,
        get_fill_color=[*style.BASEMAP_FILL, 255],
        get_line_color=[*style.BASEMAP_LINE, 255],
        line_width_min_pixels=0.5,
        get_line_width=1,
    )


def arcs_layer(frame: pd.DataFrame) -> pdk.Layer:
    """One arc per station from its bureau's seat in China (the 'long arm')."""
    rows = frame[frame["activity_type"].isin(ARC_TYPES)].dropna(subset=["home_x", "home_y"])
    data = [
        {"s": [hx, hy], "t": [x, y], "c": c}
        for hx, hy, x, y, c in zip(rows["home_x"].tolist(), rows["home_y"].tolist(),
                                   rows["x"].tolist(), rows["y"].tolist(),
                                   [f[:3] for f in rows["fill"].tolist()], strict=True)
    ]
    return pdk.Layer(
        "ArcLayer",
        data=data,
        id="arcs",
        pickable=False,
        get_source_position="s",
        get_target_position="t",
        get_source_color="[c[0], c[1], c[2], 200]",
        get_target_color="[c[0], c[1], c[2], 60]",
        get_width=1.2,
        great_circle=True,
    )


def patrol_groups(frame: pd.DataFrame) -> pd.DataFrame:
    """Joint patrol deployments aggregated by city: one row per (city, country).

    ``ids`` lists the deployments newest first; ``id`` is the newest, so a click
    opens it and the app can offer the others.
    """
    rows = frame[frame["activity_type"] == "joint_patrol"]
    columns = ["id", "ids", "x", "y", "n", "fill", "line", "radius", "line_width",
               *TOOLTIP_FIELDS, "label"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = rows.assign(_city=rows["city"].fillna("").astype(str),
                       _when=rows["start_earliest"].fillna(rows["reported_earliest"]))
    rows = rows.sort_values(["_when", "id"], ascending=[False, True], na_position="last")
    out = []
    for (city, iso3), group in rows.groupby(["_city", "country"], sort=True):
        n = len(group)
        years = pd.to_datetime(group["_when"]).dt.year.dropna().astype(int)
        span = ""
        if len(years):
            lo, hi = int(years.min()), int(years.max())
            span = f"{lo}" if lo == hi else f"{lo}–{hi}"
        top = group.iloc[0]
        rgb = style.bureau_colour(group["operating_bureau"].mode().iloc[0])
        place = f"{city}, {country_name(iso3)}" if city else country_name(iso3)
        out.append({
            "id": top["id"], "ids": ",".join(group["id"].tolist()),
            "x": round(float(group["lon"].mean()), DISPLAY_DP),
            "y": round(float(group["lat"].mean()), DISPLAY_DP),
            "n": n, "fill": _rgba(rgb, 170), "line": _rgba(OUTLINE_DARK, 230),
            "radius": 7.0 + 4.0 * math.sqrt(n), "line_width": 2.0,
            "t_name": f"Joint patrols in {place}",
            "t_kind": f"{n} deployment{'s' if n != 1 else ''}" + (f", {span}" if span else ""),
            "t_place": "Partner: " + ", ".join(sorted({_text(p) for p in group["partner_agency"]
                                                        if _text(p)}))[:120],
            "t_more": "Click to see each deployment",
            "label": str(n),
        })
    return pd.DataFrame(out, columns=columns)


def patrol_layers(frame: pd.DataFrame, escape: bool) -> list[pdk.Layer]:
    groups = patrol_groups(frame)
    data = _rows(groups, {**POINT_COLUMNS, "ids": "ids", "n": "n"}, escape)
    circles = _point_layer("patrols", data)
    labels = pdk.Layer(
        "TextLayer",
        data=_rows(groups, {"x": "x", "y": "y", "label": "label"}),
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
    return [circles, labels]


def mekong_layers(frame: pd.DataFrame, escape: bool) -> list[pdk.Layer]:
    """The Mekong patrol: its route (true points, in route_order) and its sites."""
    rows = frame[frame["activity_type"] == "riverine_patrol"]
    paths = []
    routed = rows.dropna(subset=["route_id", "route_order"])
    for route_id, group in routed.groupby("route_id", sort=True):
        group = group.sort_values("route_order")
        path = [[round(float(a), DISPLAY_DP), round(float(b), DISPLAY_DP)]
                for a, b in zip(group["lon"], group["lat"], strict=True)]
        paths.append({"route": str(route_id), "path": path})
    route = pdk.Layer(
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
    return [route, _point_layer("mekong", _rows(rows, POINT_COLUMNS, escape))]


def highlight_layer(frame: pd.DataFrame, selected: str | None) -> pdk.Layer:
    """A ring around the selected record (display point), drawn on top."""
    rows = frame[frame["id"] == selected] if selected else frame.iloc[0:0]
    data = [{"x": x, "y": y} for x, y in zip(rows["x"].tolist(), rows["y"].tolist(), strict=True)]
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


# --- the deck ---------------------------------------------------------------------


def tooltip(escape_html: bool) -> dict[str, Any]:
    """One html template for all pickable layers; values escaped by the renderer
    (Streamlit) or beforehand (``escape_html=True``, standalone HTML)."""
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
    frame = _ensure_prepared(records, bureaus)
    types = frame["activity_type"]
    layers = [basemap_layer()]
    if "arcs" in on:
        layers.append(arcs_layer(frame))
    if "patrols" in on:
        layers += patrol_layers(frame, escape_html)
    if "mekong" in on:
        layers += mekong_layers(frame, escape_html)
    if "sites" in on:
        layers.append(_point_layer("sites", _rows(frame[types.isin(SITE_TYPES)], POINT_COLUMNS,
                                                  escape_html)))
    if "stations" in on:
        layers.append(_point_layer("stations", _rows(frame[types == "service_station"],
                                                     POINT_COLUMNS, escape_html)))
    layers.append(highlight_layer(frame, selected))
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
    """The whole map for a (filtered) records frame.

    ``escape_html=True`` is for the standalone HTML export: every data value that
    reaches the tooltip is ``html.escape``d, because pydeck's page interpolates
    raw values into HTML. ``view`` is ``{longitude, latitude, zoom}``; keep it
    stable between reruns so the user's pan and zoom survive a filter change.
    """
    view = dict(view or DEFAULT_VIEW)
    deck = CompactDeck(
        layers=build_layers(records, bureaus, escape_html=escape_html, layers_on=layers_on,
                            selected=selected),
        initial_view_state=pdk.ViewState(
            longitude=float(view.get("longitude", DEFAULT_VIEW["longitude"])),
            latitude=float(view.get("latitude", DEFAULT_VIEW["latitude"])),
            zoom=float(view.get("zoom", DEFAULT_VIEW["zoom"])),
            min_zoom=0.5, max_zoom=14, pitch=0, bearing=0,
        ),
        map_provider=None,
        tooltip=tooltip(escape_html),
    )
    return deck


# --- legend (drawn by the app, not the map) ----------------------------------------


def legend_items(records: pd.DataFrame, bureaus: pd.DataFrame) -> list[tuple[str, str]]:
    """(hex colour, bureau name) for the bureaus present, most records first."""
    names = dict(zip(bureaus["id"], bureaus["name"], strict=False)) if len(bureaus) else {}
    counts = records["operating_bureau"].value_counts()
    counts = counts.sort_index().sort_values(ascending=False, kind="stable")
    return [(style.hex_colour(style.bureau_colour(b)), names.get(b) or str(b)) for b in counts.index]


def legend_html(records: pd.DataFrame, bureaus: pd.DataFrame) -> str:
    """The map key as escaped HTML: bureau colours with names (colour is never the
    only carrier: names are written), then type and precision encodings."""
    parts = ['<div class="lr-legend" style="font-size:0.85rem;line-height:1.6">']
    for colour, name in legend_items(records, bureaus):
        parts.append(
            f'<span style="white-space:nowrap;margin-right:0.9em">'
            f'<span aria-hidden="true" style="display:inline-block;width:0.8em;height:0.8em;'
            f'border-radius:50%;background:{colour};border:1px solid #333;margin-right:0.3em">'
            f"</span>{html.escape(name)}</span>"
        )
    parts.append("<br/>")
    parts.append(
        "Small dot: service station · larger dot, thick outline: training, liaison or "
        "cooperation site · big circle with a number: joint patrol deployments in that city · "
        "blue line: Mekong patrol route · arcs: from the bureau's seat in China. "
        "Solid fill: located to a city or better; pale fill: region; hollow ring: "
        f"country only ({html.escape(PRECISIONS['country'].lower())})."
    )
    parts.append("</div>")
    return "".join(parts)
