"""Country polygons from the shipped offline basemap, and point-in-country checks.

The map must work with no network, so the country boundaries ship in the
repository as ``data/basemap/countries-110m.geojson`` (Natural Earth 1:110m, built
by ``scripts/build_basemap.py``). The same polygons serve two purposes:

* the basemap layer of the map (``basemap_geojson``), and
* a sanity check on the data: a record's point should lie in the country the
  record names (``point_in_country``). Swapped lon/lat or a wrong sign puts a
  point on another continent, and this check catches it.

The 1:110m coastline is coarse. A harbour city can fall a few kilometres "in the
sea", and small island states (Malta, Tuvalu, Singapore, ...) have no polygon at
all. So the check has a distance tolerance, and it answers ``None`` ("cannot
check") for a country without a polygon rather than failing.

Read a ``False`` as "look at this record", not as proof of an error. Known false
alarms of the 1:110m file:

* Outlying islands of a country that does have a polygon are missing, among them
  Mallorca and the Canary Islands (Spain). A point there is reported hundreds of
  km from its country.
* Natural Earth 4.1.0 draws Crimea as part of Russia, and Somaliland and Northern
  Cyprus as features of their own without an ISO code. So a point in Simferopol
  is not in UKR, and a point in Hargeisa is not in SOM.
* Hong Kong and Macau have no polygon (``None``). Taiwan has one (TWN).
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

BASEMAP_DIR = Path(__file__).resolve().parents[2] / "data" / "basemap"
BASEMAP_PATH = BASEMAP_DIR / "countries-110m.geojson"
# Points are checked against the finer 1:50m boundaries: at 1:110m Madeira, Malta
# and many small islands are missing, so a true point there would look wrong.
CHECK_PATH = BASEMAP_DIR / "countries-50m.geojson"

DEFAULT_TOLERANCE_KM = 25.0


@lru_cache(maxsize=1)
def _basemap_text() -> str:
    return BASEMAP_PATH.read_text(encoding="utf-8")


@lru_cache(maxsize=2)
def countries(path: Path = BASEMAP_PATH) -> gpd.GeoDataFrame:
    """All basemap countries as a GeoDataFrame indexed by ISO 3166-1 alpha-3.

    The file is read once per process: the app and the validation tests call the
    checks once per record. N. Cyprus, Somaliland and Kosovo have no ISO code, so
    their index value is missing. Look them up by the ``name`` column instead.
    Treat the frame as read-only, because it is shared.
    """
    frame = gpd.read_file(path)
    if frame.crs is None:  # RFC 7946 GeoJSON is WGS 84 by definition
        frame = frame.set_crs(4326)
    return frame.set_index("iso_a3", drop=False)


def _key(iso3: str) -> str:
    return iso3.strip().upper()


def country_shape(iso3: str, path: Path = BASEMAP_PATH) -> BaseGeometry | None:
    """The (multi)polygon for an ISO alpha-3 code, or None if the basemap has none.

    None covers two cases: a country too small to appear at 1:110m, and a code that
    is not a country at all. A caller that must tell the two apart can check the
    code with pycountry.
    """
    frame = countries(path)
    key = _key(iso3)
    if key not in frame.index:
        return None
    geom = frame.loc[key, "geometry"]
    if isinstance(geom, gpd.GeoSeries):  # a duplicated code, so merge the rows
        geom = shapely.union_all(list(geom))
    return geom


def _check_lon_lat(lon: float, lat: float) -> None:
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise ValueError(f"coordinates must be finite numbers, got lon={lon!r}, lat={lat!r}")
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise ValueError(
            f"lon={lon} lat={lat} is outside lon -180..180 / lat -90..90 "
            "(are longitude and latitude swapped?)"
        )


def distance_to_country_km(lon: float, lat: float, iso3: str) -> float | None:
    """Distance in km from a point to the nearest part of a country (0 if inside).

    The distance is measured in an azimuthal equidistant projection centred on the
    point. In that projection the distance from the centre to any other point is
    the true distance on the sphere, so 25 km means 25 km at the equator and in
    Norway alike. Plain degrees would overstate east-west gaps by 1/cos(latitude).
    Distances are exact enough for tolerance decisions up to about 150 km. Beyond
    that they are approximate, which is fine for saying "far off".
    Returns None when the country has no polygon in the basemap.
    """
    _check_lon_lat(lon, lat)
    geom = country_shape(iso3, CHECK_PATH)
    if geom is None:
        return None
    point = shapely.Point(lon, lat)
    if geom.covers(point):
        return 0.0
    # Project only the nearby part of the country. That keeps Russia cheap and
    # keeps far-away vertices out of the projection, where it distorts strongly.
    # Near the antimeridian the window would cut off the other side, so there
    # the whole country is projected instead.
    margin = 3.0
    if -180.0 + margin <= lon <= 180.0 - margin:
        geom = shapely.clip_by_rect(geom, lon - margin, lat - margin, lon + margin, lat + margin)
    if geom.is_empty:
        # Nothing within 3 degrees of latitude and longitude, so the point is far
        # off. The great-circle distance to the nearest vertex found in degrees is
        # accurate enough for a report.
        geom = country_shape(iso3, CHECK_PATH)
        nearest = shapely.shortest_line(point, geom).coords[-1]
        return _haversine_km(lon, lat, nearest[0], nearest[1])
    local = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +R=6371008.8 +units=m")
    to_local = Transformer.from_crs("EPSG:4326", local, always_xy=True)

    def project(coords: np.ndarray) -> np.ndarray:
        x, y = to_local.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    projected = shapely.transform(geom, project)
    return float(projected.distance(shapely.Point(0.0, 0.0))) / 1000.0


def _haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def point_in_country(
    lon: float, lat: float, iso3: str, tolerance_km: float = DEFAULT_TOLERANCE_KM
) -> bool | None:
    """Is (lon, lat) in the country, or within ``tolerance_km`` of it?

    Checked against the 1:50m boundaries. The tolerance exists because even that
    coastline is simplified: Dubrovnik or
    Valletta can sit a few km outside their country's polygon. 25 km absorbs that,
    while a point on the wrong continent is thousands of km off. Pass 0 for a
    strict test.

    Returns None ("cannot check") when the basemap has no polygon for ``iso3``,
    (a few micro-states even at 1:50m). A caller should report that, not fail.
    Raises ValueError for coordinates that are not a valid lon/lat pair.
    """
    if tolerance_km < 0:
        raise ValueError("tolerance_km must be >= 0")
    distance = distance_to_country_km(lon, lat, iso3)
    if distance is None:
        return None
    return distance <= tolerance_km


def representative_point(iso3: str) -> tuple[float, float] | None:
    """A (lon, lat) that is guaranteed to lie inside the country, or None.

    This is for records known only to the country level. A centroid can fall
    outside a concave or multi-part country; think of Chile, or of Norway with
    Svalbard. The point is taken inside the largest part, so France gets a
    point in Europe, not in French Guiana. The largest part is measured by area
    scaled by cos(latitude), which roughly corrects for the shrinking of
    meridians towards the poles.
    """
    # Taken from the finer check boundaries, so the point also passes the
    # point-in-country rule with no tolerance (a 1:110m point can be offshore at 1:50m).
    geom = country_shape(iso3, CHECK_PATH) or country_shape(iso3)
    if geom is None:
        return None

    def ground_area(part: BaseGeometry) -> float:
        return part.area * math.cos(math.radians(part.centroid.y))

    largest = max(shapely.get_parts(geom), key=ground_area)
    point = largest.representative_point()
    return (round(point.x, 4), round(point.y, 4))


def basemap_geojson() -> dict[str, Any]:
    """The basemap as a GeoJSON FeatureCollection dict, for the map layer.

    Each call returns a fresh dict, so a caller may add properties (for example a
    fill colour) without corrupting the next render. Parsing the cached text takes
    a few milliseconds.
    """
    return json.loads(_basemap_text())
