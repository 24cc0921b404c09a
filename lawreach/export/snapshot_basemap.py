"""The offline Natural Earth basemap drawn under a snapshot's records.

Country rings become one compound matplotlib path (one patch draws fastest),
cut to the view so SVG and PDF files stay small. Owned here so the figure core
only asks for "the basemap of this extent".
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from matplotlib.path import Path as MplPath

from lawreach.contract.countries import BASEMAP_PATH, CHECK_PATH, countries

FINE_MAX_SPAN = 60.0  # degrees of longitude: narrower views use the 1:50m boundaries


def _rings_path(geometries: Iterable[Any]) -> MplPath:
    """Country rings as one compound path: one patch draws fastest."""
    vertices: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for geom in geometries:
        if geom is None or geom.is_empty:
            continue
        for polygon in shapely.get_parts(geom):
            if polygon.geom_type != "Polygon":
                continue  # clipping can leave a stray line or point on the edge
            for ring in (polygon.exterior, *polygon.interiors):
                xy = np.asarray(ring.coords)
                if len(xy) < 3:
                    continue
                ring_codes = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
                ring_codes[0], ring_codes[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
                vertices.append(xy)
                codes.append(ring_codes)
    if not vertices:
        return MplPath(np.zeros((0, 2)))
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


@lru_cache(maxsize=2)
def _country_geometries(fine: bool) -> np.ndarray:
    path = CHECK_PATH if fine and CHECK_PATH.exists() else BASEMAP_PATH
    return np.asarray(countries(path).geometry.values, dtype=object)


@lru_cache(maxsize=1)
def _world_path() -> MplPath:
    return _rings_path(_country_geometries(False))


def basemap_path(extent: tuple[float, float, float, float] | None = None) -> MplPath:
    """The basemap for a view: the 1:110m map's countries, cut to the extent.

    Zoomed in (less than ``FINE_MAX_SPAN`` degrees wide) the 1:50m boundaries
    that ship for the point-in-country check are used instead: at 1:110m Italy
    has no Sicily worth the name, and a print page shows it. Cutting to the
    extent keeps SVG and PDF files small.
    """
    if extent is None:
        return _world_path()
    x0, x1, y0, y1 = extent
    if x1 - x0 >= 300:
        return _world_path()
    geometries = _country_geometries(x1 - x0 <= FINE_MAX_SPAN)
    clipped = shapely.clip_by_rect(geometries, x0 - 1, y0 - 1, x1 + 1, y1 + 1)
    return _rings_path(clipped)
