"""The display frame: where and how each record is drawn, computed once per dataset.

``prepare`` adds display-only columns to the records frame; the app caches the
result with the data, so a rerun only filters it and builds layers. The true
``lon``/``lat`` are never changed: records that share a point (Paris x3, Madrid
x3 ...) get a *display* point ``x``/``y`` on a small ring around it, so each is
visible and clickable from about zoom 9.

Colour says bureau (``style.bureau_colour``); fill opacity says location
precision (a country-level record is a hollow ring, so it never poses as a
precise point); radius and outline say activity type.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from lawreach.contract.schema import ACTIVITY_TYPES
from lawreach.contract.vocab import country_name
from lawreach.map import style

DISPLAY_DP = 5  # ~1 m: more digits only add bytes
# Ring spread for co-located records, in degrees of latitude (~2.2 km): enough to
# separate 6-pixel markers from about zoom 9 on.
SPREAD_DEG = 0.02
# Fill opacity by precision; country-level records are hollow rings. A ring's fill is
# not fully transparent: deck.gl never picks a pixel of alpha 0, so a click inside a
# ring would pick nothing. A faint tint keeps it reading as hollow and clickable.
RING_FILL_ALPHA = 30
PRECISION_FILL_ALPHA: dict[str, int] = {
    "address": 235, "street": 235, "city": 235, "region": 110, "country": RING_FILL_ALPHA,
}
OUTLINE_DARK = (35, 35, 35)
RING_WIDTH = 2.5  # outline of a hollow (country-level) ring, whatever the type
TOOLTIP_FIELDS = ("t_name", "t_kind", "t_place", "t_more")
# String columns the layers read on every pass (kept as numpy object arrays).
OBJECT_COLUMNS = ("id", "activity_type", "operating_bureau", "city", "country", "partner_agency",
                  "route_id", "bureau_name", *TOOLTIP_FIELDS)
DISPLAY_COLUMNS = ("x", "y", "fill", "line", "radius", "line_width", "bureau_name", "home_x",
                   "home_y", *TOOLTIP_FIELDS)


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
    sharing = np.ones(len(frame), dtype=int)  # records drawn around the same true point
    if single.any():
        sx, sy = spread_offsets(frame["lon"][single], frame["lat"][single], frame["id"][single])
        x[single], y[single] = sx, sy
        points = frame.loc[single, ["lon", "lat"]].round(DISPLAY_DP)
        sharing[single] = points.groupby(["lon", "lat"])["lon"].transform("size").to_numpy()
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
            lut_line[k] = _rgba(rgb, 255) if alpha <= RING_FILL_ALPHA else _rgba(OUTLINE_DARK, 230)
        fills.append(lut_fill[k])
        lines.append(lut_line[k])
    frame["fill"], frame["line"] = fills, lines
    types = frame["activity_type"]
    type_style = style.TYPE_MAP_STYLE
    frame["radius"] = types.map(lambda t: type_style.get(t, {"radius": 6})["radius"]).astype(float)
    width = types.map(lambda t: type_style.get(t, {"line": 1})["line"]).astype(float)
    # a hollow ring needs a visible stroke whatever the type
    frame["line_width"] = np.where(frame["location_precision"] == "country",
                                   np.maximum(width, RING_WIDTH), width)

    # Tooltip texts (raw; escaped later only for the standalone HTML).
    frame["t_name"] = frame["name"].astype(str)
    city = frame["city"].fillna("").astype(str)
    country = frame["country"].map(country_name)
    precision = frame["location_precision"].map(lambda p: p if isinstance(p, str) else "")
    frame["t_kind"] = (types.map(lambda t: _label(ACTIVITY_TYPES, t)) + " · "
                       + frame["bureau_name"].astype(str))
    place = np.where(city.str.len() > 0, city + ", " + country, country)
    shared_note = np.where(sharing > 1, np.char.add(np.char.add("; ", sharing.astype(str)),
                                                    " records share this point"), "")
    frame["t_place"] = (pd.Series(place, index=frame.index) + " (located to " + precision
                        + pd.Series(shared_note, index=frame.index) + ")")
    frame["t_more"] = [
        _dates(s, e, r) + " · " + _text(st).replace("_", " ")
        for s, e, r, st in zip(frame["start_date"], frame["end_date"], frame["first_reported"],
                               frame["status"], strict=True)
    ]
    # The layers read these as numpy arrays on every rerun: plain object arrays
    # convert for free, Arrow-backed strings cost ~1 ms per 1e4 values each time.
    for column in OBJECT_COLUMNS:
        if column in frame:
            frame[column] = frame[column].astype(object)
    return frame


def more_with_status_on(frame: pd.DataFrame) -> np.ndarray:
    """The tooltips' last line with the status on the filter's day (``status_on``, added
    by the filter) where it differs from the latest status, so the map says what the
    table and the panel say: "2022-09 · reported then (latest: closed)"."""
    more = frame["t_more"].to_numpy(dtype=object)
    if "status_on" not in frame or frame.empty:
        return more
    then, latest = frame["status_on"].to_numpy(dtype=object), frame["status"].to_numpy(dtype=object)
    differs = np.flatnonzero(then != latest)
    if not len(differs):
        return more
    more = more.copy()
    for i in differs:
        dates = str(more[i]).rsplit(" · ", 1)[0]
        more[i] = (f"{dates} · {_text(then[i]).replace('_', ' ')} then "
                   f"(latest: {_text(latest[i]).replace('_', ' ')})")
    return more


def is_prepared(records: pd.DataFrame) -> bool:
    return all(column in records.columns for column in DISPLAY_COLUMNS)


def ensure_prepared(records: pd.DataFrame, bureaus: pd.DataFrame) -> pd.DataFrame:
    """``records`` if it already has the display columns, else ``prepare(records)``."""
    return records if is_prepared(records) else prepare(records, bureaus)
