"""Checking the stored points of the data files against the gazetteer.

Behind ``python -m lawreach geocode --check``: each record with a city is
resolved as the person adding it would have (``propose``) and flagged when its
stored point is far from that place or outside its country. Nothing is written.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from lawreach.geocode.gazetteer import Candidate, Gazetteer, iso3_to_iso2
from lawreach.geocode.overrides import Override
from lawreach.geocode.propose import has_coordinates, is_ambiguous, is_blank, propose

FLAG_DISTANCE_KM = 25.0


def _haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance on the mean Earth radius: plenty for a 25 km flag."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def read_record_points(data_dir: Path | str) -> list[dict[str, Any]]:
    """Records with id, city, country, lon, lat and coordinate_source from the data files.

    This is a light reader for the check only. It does not validate; the loader
    does that. Missing files are skipped.
    """
    data_dir = Path(data_dir)
    records: list[dict[str, Any]] = []
    stations = data_dir / "stations.geojson"
    if stations.exists():
        collection = json.loads(stations.read_text(encoding="utf-8"))
        for feature in collection.get("features", []):
            props = dict(feature.get("properties") or {})
            coords = (feature.get("geometry") or {}).get("coordinates") or [None, None]
            props["lon"], props["lat"] = coords[0], coords[1]
            props["_file"] = stations.name
            records.append(props)
    patrols = data_dir / "patrols.csv"
    if patrols.exists():
        with patrols.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                row = dict(row)
                row["_file"] = patrols.name
                records.append(row)
    return records


def _name_variants(city: str) -> list[str]:
    """The city as written, then with any "(...)" removed, then its part before a comma.

    Records say "Jinghong (Jingha police wharf), Xishuangbanna". Each variant is
    still matched exactly. Nothing here is a substring search.
    """
    variants = [city.strip()]
    no_paren = re.sub(r"\s*\([^)]*\)", "", city).strip()
    variants.append(no_paren)
    variants.append(no_paren.split(",")[0].strip())
    seen: list[str] = []
    for variant in variants:
        if variant and variant not in seen:
            seen.append(variant)
    return seen


def check_records(
    records: Iterable[Mapping[str, Any]],
    *,
    min_population: int = 1000,
    gazetteer: Gazetteer | None = None,
    overrides: Sequence[Override] | None = None,
    flag_km: float = FLAG_DISTANCE_KM,
) -> list[dict[str, Any]]:
    """For each record with a city, compare its stored point with the gazetteer.

    The result is one row per record, with ``flag`` set when the stored point is
    more than ``flag_km`` from the gazetteer's place, or outside its country. The
    candidate compared with is the one named by the record's coordinate_source if
    present, else the nearest.
    """
    from lawreach.contract.countries import point_in_country

    rows = []
    for record in records:
        city = record.get("city")
        if is_blank(city):
            continue
        country = str(record.get("country") or "").strip().upper()
        row: dict[str, Any] = {
            "file": record.get("_file", ""),
            "id": record.get("id"),
            "city": city,
            "country": country,
            "status": "",
            "matched": "",
            "distance_km": None,
            "in_country": None,
            "flag": False,
        }
        rows.append(row)
        if not has_coordinates(record):
            row["status"] = "no coordinates"
            continue
        try:
            lon, lat = float(record["lon"]), float(record["lat"])
            row["in_country"] = point_in_country(lon, lat, country)
        except (TypeError, ValueError) as exc:
            row["status"] = f"bad coordinates: {exc}"
            row["in_country"] = False
            row["flag"] = True
            continue
        if row["in_country"] is False:
            row["flag"] = True
        try:
            iso3_to_iso2(country)
        except ValueError:
            row["status"] = f"unknown country code {country!r}"
            row["flag"] = True
            continue
        candidates: list[Candidate] = []
        for variant in _name_variants(str(city)):
            candidates = propose(
                variant,
                country,
                min_population=min_population,
                gazetteer=gazetteer,
                overrides=overrides,
            )
            if candidates:
                row["matched"] = variant
                break
        if not candidates:
            row["status"] = "not in gazetteer"
            continue
        source = str(record.get("coordinate_source") or "").strip()
        named = [c for c in candidates if c.coordinate_source == source]
        nearest = min(
            named or candidates, key=lambda c: _haversine_km(lon, lat, c.lon, c.lat)
        )
        distance = _haversine_km(lon, lat, nearest.lon, nearest.lat)
        row["distance_km"] = round(distance, 1)
        row["status"] = f"resolves to {nearest.name} ({nearest.coordinate_source})"
        if row["matched"] != str(city).strip():
            row["status"] += f" as {row['matched']!r}"
        if is_ambiguous(candidates):
            row["status"] += f", ambiguous: {len(candidates)} candidates"
        if distance > flag_km:
            row["flag"] = True
    return rows
