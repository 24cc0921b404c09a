"""The shipped basemap and the point-in-country checks built on it.

Coordinates of real places below are GeoNames values (the id is given), so each
expected answer can be checked by someone else.
"""

from __future__ import annotations

import json
import math

import pytest
import shapely
from shapely.geometry import shape

from lawreach.contract import countries
from lawreach.contract.countries import (
    BASEMAP_PATH,
    basemap_geojson,
    country_shape,
    distance_to_country_km,
    point_in_country,
    representative_point,
)

ROME = (12.51133, 41.89193)  # geonames:3169070
SALVADOR = (-38.49096, -12.97563)  # geonames:3450554, on the Bay of All Saints
FUNCHAL = (-16.92547, 32.66568)  # geonames:2267827, Madeira: missing at 1:110m
VALLETTA = (14.5148, 35.89968)  # geonames:2562305


@pytest.fixture(scope="module")
def collection() -> dict:
    return json.loads(BASEMAP_PATH.read_text(encoding="utf-8"))


def test_rome_is_in_italy():
    assert point_in_country(*ROME, "ITA") is True
    assert point_in_country(*ROME, "ITA", tolerance_km=0) is True


def test_rome_is_not_in_spain():
    assert point_in_country(*ROME, "ESP") is False


def test_swapped_lon_lat_leaves_italy():
    lon, lat = ROME
    # (41.9, 12.5) as lon/lat lies near the Red Sea, thousands of km from Italy.
    assert point_in_country(lat, lon, "ITA") is False
    assert distance_to_country_km(lat, lon, "ITA") > 2000


def test_coastal_city_needs_the_tolerance():
    # Salvador's GeoNames point lies about 2 km off the simplified 1:50m coast.
    distance = distance_to_country_km(*SALVADOR, "BRA")
    assert 1.0 < distance < 25.0
    assert point_in_country(*SALVADOR, "BRA") is True
    assert point_in_country(*SALVADOR, "BRA", tolerance_km=0) is False


def test_islands_missing_at_110m_are_checked_at_50m():
    assert country_shape("PRT").distance(shapely.Point(*FUNCHAL)) > 5  # degrees: not drawn
    assert point_in_country(*FUNCHAL, "PRT") is True
    assert point_in_country(*FUNCHAL, "ESP") is False


def test_distance_is_in_km_not_degrees():
    # 1 degree of longitude at 60 N is about 55.6 km, not 111 km.
    geom = country_shape("FIN")
    minx, miny, maxx, maxy = geom.bounds
    lat = 62.0
    # A point well west of Finland's western edge at 62 N, in the Gulf of Bothnia
    # (Sweden lies further west).
    west_edge = shapely.clip_by_rect(geom, minx, lat - 0.01, maxx, lat + 0.01).bounds[0]
    point_lon = west_edge - 1.0
    distance = distance_to_country_km(point_lon, lat, "FIN")
    expected = 111.2 * math.cos(math.radians(lat))
    assert distance == pytest.approx(expected, rel=0.15)


def test_country_without_polygon_cannot_be_checked():
    assert country_shape("MLT") is None  # not drawn at 1:110m …
    assert point_in_country(*VALLETTA, "MLT") is True  # … but checked at 1:50m
    assert representative_point("TUV") is None
    assert point_in_country(179.2, -8.5, "TUV") is None  # Tuvalu: no polygon at either scale
    assert point_in_country(0.0, 0.0, "XYZ") is None


def test_lower_case_code_is_accepted():
    assert country_shape("ita") is not None


def test_invalid_coordinates_raise():
    with pytest.raises(ValueError, match="swapped"):
        point_in_country(12.5, 141.9, "ITA")
    with pytest.raises(ValueError):
        point_in_country(float("nan"), 41.9, "ITA")


def test_representative_points_lie_inside_their_country():
    frame = countries.countries()
    codes = [code for code in frame.index if isinstance(code, str)]
    assert len(codes) > 170
    for code in codes:
        if code == "ATA":
            continue  # Antarctica is drawn but not in the 1:50m check file (no records there)
        lon, lat = representative_point(code)
        assert point_in_country(lon, lat, code, tolerance_km=0), code


def test_representative_point_picks_the_main_part():
    lon, lat = representative_point("FRA")  # not French Guiana
    assert -5 < lon < 10 and 41 < lat < 52


def test_no_geometry_is_invalid(collection):
    for feature in collection["features"]:
        geom = shape(feature["geometry"])
        assert geom.is_valid, feature["properties"]["name"]
        assert geom.geom_type in ("Polygon", "MultiPolygon")
        assert not geom.is_empty


def test_no_polygon_spans_the_globe_after_the_fix(collection):
    for feature in collection["features"]:
        for part in shapely.get_parts(shape(feature["geometry"])):
            minx, miny, maxx, _ = part.bounds
            if maxx - minx > 180:
                # Only a cap round the pole may run all the way round (Antarctica).
                assert feature["properties"]["iso_a3"] == "ATA"
                assert miny == -90


def test_antimeridian_countries_are_split():
    for code in ("RUS", "FJI"):
        parts = list(shapely.get_parts(country_shape(code)))
        assert any(p.bounds[2] == 180 for p in parts), code
        assert any(p.bounds[0] == -180 for p in parts), code


def test_file_is_rfc7946(collection):
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert set(feature["properties"]) == {"iso_a3", "iso_n3", "name"}
        geom = shape(feature["geometry"])
        minx, miny, maxx, maxy = geom.bounds
        assert -180 <= minx <= maxx <= 180
        assert -90 <= miny <= maxy <= 90
        for polygon in shapely.get_parts(geom):
            # RFC 7946 3.1.6: exterior rings counter-clockwise, holes clockwise.
            assert polygon.exterior.is_ccw, feature["properties"]["name"]
            assert all(not ring.is_ccw for ring in polygon.interiors)


def test_codes_and_order(collection):
    props = [f["properties"] for f in collection["features"]]
    names = [p["name"] for p in props]
    assert names == sorted(names)
    codes = [p["iso_a3"] for p in props if p["iso_a3"] is not None]
    assert len(codes) == len(set(codes))
    no_code = sorted(p["name"] for p in props if p["iso_a3"] is None)
    assert no_code == ["Kosovo", "N. Cyprus", "Somaliland"]
    assert {"ITA", "CHN", "TWN", "SLB", "VUT", "HRV"} <= set(codes)


def test_basemap_geojson_returns_a_fresh_copy():
    first = basemap_geojson()
    first["features"][0]["properties"]["name"] = "changed"
    second = basemap_geojson()
    assert second["features"][0]["properties"]["name"] != "changed"
    assert len(second["features"]) == 177
