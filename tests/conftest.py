"""Shared fixtures: a tiny valid dataset that each rule test breaks in one way."""

from __future__ import annotations

import copy
import csv
import json
import os
from pathlib import Path

import pytest

from lawreach.contract.schema import RECORD_FIELDS

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
ARTIFACTS = REPO / "tests" / "artifacts"

SOURCE = {
    "title": "Example report",
    "publisher": "Example News",
    "date": "2022-10-27",
    "url": "https://example.org/report",
    "kind": "press",
    "reliability": "normal",
    "note": None,
}

STATION = {
    "id": "st-ita-rome-1",
    "name": "Test station, Rome",
    "activity_type": "service_station",
    "operating_bureau": "fuzhou-psb",
    "bureau_confidence": "secondary-source",
    "report": "110-overseas-2022",
    "city": "Rome",
    "country": "ITA",
    "location_precision": "city",
    "coordinate_source": "geonames:3169070",
    "start_date": "2018",
    "first_reported": "2022-09",
    "status": "reported",
    "confidence": "secondary-source",
    "history": [
        {"date": "2022-09-12", "event": "Listed by an NGO report", "authority": "NGO",
         "status": "reported", "source": "https://example.org/report"}
    ],
    "sources": [SOURCE],
}

PATROL = {
    "id": "jp-hrv-2019-zagreb",
    "name": "Test joint patrol, Zagreb 2019",
    "activity_type": "joint_patrol",
    "operating_bureau": "mps",
    "bureau_confidence": "read-in-source",
    "city": "Zagreb",
    "country": "HRV",
    "lon": 15.978,
    "lat": 45.815,
    "location_precision": "city",
    "coordinate_source": "geonames:3186886",
    "start_date": "2019-07-13",
    "end_date": "2019-08-14",
    "status": "ended",
    "confidence": "read-in-source",
    "history": [],
    "sources": [SOURCE],
}

BUREAUS = [
    {"id": "fuzhou-psb", "name": "Fuzhou PSB", "level": "municipal", "home_city": "Fuzhou",
     "lon": "119.306", "lat": "26.061"},
    {"id": "mps", "name": "Ministry of Public Security", "level": "national", "home_city": "Beijing",
     "lon": "116.397", "lat": "39.907"},
    {"id": "unknown", "name": "Unknown", "level": "unknown"},
]


def feature(props: dict, lon: float = 12.4964, lat: float = 41.9028) -> dict:
    return {"type": "Feature", "id": props.get("id"),
            "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}


def write_geojson(path: Path, features: list[dict]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                               ensure_ascii=False), encoding="utf-8")
    return path


def write_patrols(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(RECORD_FIELDS))
        writer.writeheader()
        for row in rows:
            cells = {k: (json.dumps(v) if k in ("history", "sources") else v)
                     for k, v in row.items()}
            writer.writerow(cells)
    return path


def write_bureaus(path: Path) -> None:
    cols = ["id", "name", "name_zh", "level", "home_city", "home_province", "lon", "lat",
            "coordinate_source", "notes"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=cols)
        writer.writeheader()
        writer.writerows(BUREAUS)


@pytest.fixture
def station() -> dict:
    return copy.deepcopy(STATION)


@pytest.fixture
def patrol() -> dict:
    return copy.deepcopy(PATROL)


@pytest.fixture
def mini_dir(tmp_path: Path, station: dict, patrol: dict) -> Path:
    """A valid two-record data directory (plus the real totals and version)."""
    write_geojson(tmp_path / "stations.geojson", [feature(station)])
    write_patrols(tmp_path / "patrols.csv", [patrol])
    write_bureaus(tmp_path / "bureaus.csv")
    (tmp_path / "reported_totals.csv").write_text(
        "id,scope,report,bureau,country,stations,countries,cities,as_of,source_title,publisher,"
        "source_date,url,confidence,notes\n"
        "pp-total,report,patrol-and-persuade-2022,,,102,53,,2022-12-05,Patrol and Persuade,"
        "Safeguard Defenders,2022-12-05,https://example.org/pp,read-in-source,\n",
        encoding="utf-8",
    )
    (tmp_path / "VERSION").write_text("2026-01-01\n", encoding="utf-8")
    return tmp_path


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")
