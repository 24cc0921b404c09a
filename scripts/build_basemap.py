"""Rebuild ``data/basemap/countries-{110m,50m}.geojson`` from the npm package world-atlas.

The app must draw its map with no network access, so the country polygons ship
in the repository as a generated file. This script is how that file was made;
run it by hand (it needs ``npm`` and network access to the npm registry):

    python scripts/build_basemap.py

It is never run by the app or by the tests.

Source: world-atlas 2.0.2 (ISC, (c) Mike Bostock), which packages Natural Earth
4.1.0 1:110m admin-0 countries (public domain) as TopoJSON.

Why each step:

* world-atlas is made for d3's *spherical* rendering: rings cross the
  antimeridian and exterior rings wind clockwise. Read as planar data, Fiji,
  Russia and Antarctica span -180..180 and draw as streaks across the map, so
  those features are cut at the antimeridian with ``antimeridian.fix_shape``.
  Only features wider than 180 degrees go through it: on all features it fails
  on North Korea's degenerate ring.
  Antarctica's ring only touches 180 (it encloses the South Pole), so it is
  closed along the pole instead (see ``close_polar_cap``).
* A few geometries (Sudan, North Korea, ...) are invalid as read; ``make_valid``
  repairs them so that point-in-polygon tests are trustworthy.
* Coordinates are snapped to 4 decimals (about 11 m), far finer than the 1:110m
  generalisation, to keep the file small.
* The output is written by hand as RFC 7946 GeoJSON (WGS84 lon/lat, no ``crs``
  member, exterior rings counter-clockwise), sorted by name with sorted keys, so
  that rebuilding gives a byte-identical file and diffs stay meaningful.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import antimeridian
import geopandas as gpd
import pycountry
import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry

PACKAGE = "world-atlas@2.0.2"
SCALES = ("110m", "50m")  # 110m draws the map; 50m checks points (it keeps Madeira, Malta …)
PRECISION_DEGREES = 1e-4
DECIMALS = 4
REPO_ROOT = Path(__file__).resolve().parent.parent
OUTPUT_DIR = REPO_ROOT / "data" / "basemap"


def fetch_topojson(workdir: Path, scale: str = "110m") -> Path:
    """Download the pinned npm tarball with ``npm pack`` and extract one scale's file."""
    topojson_name = f"countries-{scale}.json"
    subprocess.run(
        ["npm", "pack", PACKAGE, "--silent"],
        cwd=workdir,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    tarballs = sorted(workdir.glob("world-atlas-*.tgz"))
    if len(tarballs) != 1:
        raise RuntimeError(f"expected one world-atlas tarball, found {tarballs}")
    with tarfile.open(tarballs[0]) as tar:
        member = tar.getmember(f"package/{topojson_name}")
        tar.extractall(workdir, members=[member], filter="data")
    return workdir / "package" / topojson_name


def iso_codes(numeric_id: Any) -> tuple[str | None, str | None]:
    """Map world-atlas's ISO 3166-1 numeric id to (alpha-3, numeric).

    N. Cyprus, Somaliland and Kosovo have no id in Natural Earth's 110m file and
    no ISO 3166-1 entry (Kosovo's common user-assigned code XKX is not in ISO
    3166-1 either), so they get null codes and are known by ``name`` only.
    """
    if not isinstance(numeric_id, str) or not numeric_id.strip():
        return None, None
    country = pycountry.countries.get(numeric=numeric_id.strip())
    if country is None:
        return None, numeric_id.strip()
    return country.alpha_3, country.numeric


def polygons_only(geom: BaseGeometry) -> BaseGeometry:
    """Keep the polygonal part: ``make_valid`` may return stray lines or points."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def close_polar_cap(polygon: Polygon) -> Polygon | None:
    """Return ``polygon`` closed along the pole if it is a polar cap, else None.

    Antarctica's main ring runs once round the globe and "closes" with a single
    edge from lon 180 to lon -180 at about 84.7 S. On the sphere that edge has
    zero length and the ring encloses the pole; read as planar data the edge is
    a line across the whole map that cuts the Ross Ice Shelf (a self-intersection).
    ``antimeridian`` leaves it alone because the ring never crosses 180, it only
    touches it. So the ring is reopened at that edge and closed via the pole
    instead. (deck.gl clamps latitude to +/-89.9 when projecting, so -90 is safe.)
    """
    ring = list(polygon.exterior.coords)[:-1]
    n = len(ring)
    # Every edge that jumps more than 180 degrees crosses the antimeridian. An
    # island that straddles it (Fiji, Chukotka) crosses an even number of times;
    # a ring round a pole crosses once.
    crossings = [i for i in range(n) if abs(ring[(i + 1) % n][0] - ring[i][0]) > 180]
    if len(crossings) != 1:
        return None
    i = crossings[0]
    if abs(ring[i][0]) != 180 or ring[i][1] != ring[(i + 1) % n][1]:
        return None  # a cap that does not touch 180 exactly would need interpolation
    start = i + 1
    path = ring[start:] + ring[:start]  # from one side of the antimeridian to the other
    pole = -90.0 if max(y for _, y in path) < 0 else 90.0
    shell = path + [(path[-1][0], pole), (path[0][0], pole)]
    return Polygon(shell, [list(r.coords) for r in polygon.interiors])


def cut_at_antimeridian(geom: BaseGeometry) -> BaseGeometry:
    """Make a feature wider than 180 degrees planar: polar caps closed, crossers cut."""
    pieces: list[BaseGeometry] = []
    for part in shapely.get_parts(geom):
        cap = close_polar_cap(part)
        if cap is not None:
            pieces.append(cap)
        else:
            pieces.append(shape(antimeridian.fix_shape(mapping(part), fix_winding=True)))
    polygons = [p for piece in pieces for p in shapely.get_parts(piece)]
    return MultiPolygon(polygons)


def fix_geometry(geom: BaseGeometry) -> BaseGeometry:
    """Cut antimeridian crossers, repair, snap to the grid and orient for RFC 7946."""
    minx, _, maxx, _ = geom.bounds
    if maxx - minx > 180:
        geom = cut_at_antimeridian(geom)
    geom = polygons_only(shapely.make_valid(geom))
    # set_precision's default mode keeps the result valid after snapping.
    geom = polygons_only(shapely.set_precision(geom, PRECISION_DEGREES))
    # RFC 7946 section 3.1.6: exterior rings counter-clockwise, holes clockwise.
    return shapely.orient_polygons(geom, exterior_cw=False)


def _round(value: Any) -> Any:
    """Round nested coordinate arrays; ``set_precision`` leaves float noise like 1.0000000001."""
    if isinstance(value, (list, tuple)):
        return [_round(v) for v in value]
    rounded = round(float(value), DECIMALS)
    return 0.0 if rounded == 0 else rounded  # no "-0.0" in the file


def build(topojson_path: Path, omit: tuple[str, ...] = ()) -> dict[str, Any]:
    """Read the TopoJSON and return the cleaned FeatureCollection as a dict."""
    frame = gpd.read_file(topojson_path, layer="countries").set_crs(4326)
    features = []
    for row in frame.itertuples(index=False):
        if row.name in omit:
            continue
        geom = fix_geometry(row.geometry)
        if geom.is_empty:
            raise RuntimeError(f"{row.name}: geometry became empty")
        iso_a3, iso_n3 = iso_codes(row.id)
        geometry = mapping(geom)
        features.append(
            {
                "type": "Feature",
                "properties": {"iso_a3": iso_a3, "iso_n3": iso_n3, "name": row.name},
                "geometry": {
                    "type": geometry["type"],
                    "coordinates": _round(geometry["coordinates"]),
                },
            }
        )
    features.sort(key=lambda f: (f["properties"]["name"], f["properties"]["iso_a3"] or ""))
    return {"type": "FeatureCollection", "features": features}


def check(collection: dict[str, Any]) -> None:
    """Fail loudly rather than commit a broken basemap."""
    for feature in collection["features"]:
        geom = shape(feature["geometry"])
        name = feature["properties"]["name"]
        if not geom.is_valid:
            raise RuntimeError(f"{name}: invalid geometry after the fix")
        minx, miny, maxx, maxy = geom.bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise RuntimeError(f"{name}: coordinates outside lon/lat range")
        for part in shapely.get_parts(geom):
            pminx, pminy, pmaxx, _ = part.bounds
            # Only a polar cap (Antarctica) may legitimately run all the way round.
            if pmaxx - pminx > 180 and not math.isclose(pminy, -90):
                raise RuntimeError(f"{name}: a polygon still spans more than 180 degrees")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", type=Path, default=OUTPUT_DIR)
    parser.add_argument("--scale", choices=SCALES, action="append",
                        help="which scale(s) to build (default: all)")
    args = parser.parse_args(argv)
    for scale in args.scale or SCALES:
        with tempfile.TemporaryDirectory() as tmp:
            # The 50m file only checks points; Antarctica (no records, and a polar ring
            # that does not touch 180 exactly at this scale) is left out of it.
            omit = () if scale == "110m" else ("Antarctica",)
            collection = build(fetch_topojson(Path(tmp), scale), omit)
        check(collection)
        output = args.output_dir / f"countries-{scale}.geojson"
        output.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(collection, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        output.write_text(text + "\n", encoding="utf-8")
        size_kb = output.stat().st_size / 1024
        print(f"wrote {len(collection['features'])} features, {size_kb:.0f} KB to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
