"""The one builder of sample records and data folders for the tests.

* ``STATION``, ``PATROL`` and ``SOURCE``: a valid base record of each kind, which
  the rule tests copy (the ``station`` and ``patrol`` fixtures) and break in one way;
  ``make_station()`` and ``make_patrol()`` make variants of them.
* ``feature()``, ``write_geojson()``, ``write_patrols()``, ``write_bureaus()`` and
  ``write_data_dir()``: the files of a data folder.
* Three folders: ``write_mini()``, a valid two-record folder (the ``mini_dir`` fixture);
  ``write_sample()``, the dashboard tests' folder; ``write_export_dir()``, the export
  tests' folder (the expected files under tests/expected/ are made from it).
  ``tests/corpus/build_corpus.py`` starts its patrols from ``PATROL``.
"""

from __future__ import annotations

import copy
import csv
import json
from datetime import date
from pathlib import Path

from lawreach.contract.schema import RECORD_FIELDS

# --- base records ----------------------------------------------------------------------------

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


def make_station(rid: str, name: str, bureau: str, city: str | None, country: str, **extra) -> dict:
    """A copy of ``STATION`` moved elsewhere (an unknown bureau has no bureau confidence)."""
    rec = copy.deepcopy(STATION)
    rec.update(id=rid, name=name, operating_bureau=bureau, city=city, country=country)
    if bureau == "unknown":
        rec["bureau_confidence"] = None
    rec.update(extra)
    return rec


def make_patrol(**changes) -> dict:
    """A copy of ``PATROL`` with ``changes``."""
    rec = copy.deepcopy(PATROL)
    rec.update(changes)
    return rec


# --- files -----------------------------------------------------------------------------------

BUREAU_FIELDS = ["id", "name", "name_zh", "level", "home_city", "home_province", "lon", "lat",
                 "coordinate_source", "notes"]
TOTALS = (
    "id,scope,report,bureau,country,stations,countries,cities,as_of,source_title,publisher,"
    "source_date,url,confidence,notes\n"
    "pp-total,report,patrol-and-persuade-2022,,,102,53,,2022-12-05,Patrol and Persuade,"
    "Safeguard Defenders,2022-12-05,https://example.org/pp,read-in-source,\n"
)
VERSION = "2026-01-01\n"


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


def write_bureaus(path: Path, rows: list[dict]) -> Path:
    """``bureaus.csv``: a column missing from a row is written empty."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=BUREAU_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_data_dir(directory: Path, features: list[dict], patrols: list[dict],
                   bureaus: list[dict]) -> Path:
    """A data folder: the records, the bureaus, the reported totals and VERSION."""
    directory.mkdir(parents=True, exist_ok=True)
    write_geojson(directory / "stations.geojson", features)
    write_patrols(directory / "patrols.csv", patrols)
    write_bureaus(directory / "bureaus.csv", bureaus)
    (directory / "reported_totals.csv").write_text(TOTALS, encoding="utf-8")
    (directory / "VERSION").write_text(VERSION, encoding="utf-8")
    return directory


# --- the mini folder: one station, one patrol ------------------------------------------------

MINI_BUREAUS = [
    {"id": "fuzhou-psb", "name": "Fuzhou PSB", "level": "municipal", "home_city": "Fuzhou",
     "lon": "119.306", "lat": "26.061"},
    {"id": "mps", "name": "Ministry of Public Security", "level": "national", "home_city": "Beijing",
     "lon": "116.397", "lat": "39.907"},
    {"id": "unknown", "name": "Unknown", "level": "unknown"},
]


def write_mini(directory: Path, station: dict, patrol: dict) -> Path:
    """A valid two-record data folder (plus the totals and version)."""
    return write_data_dir(directory, [feature(station)], [patrol], MINI_BUREAUS)


# --- the dashboard sample folder -------------------------------------------------------------
# What the map must cope with: three stations sharing one point (Paris), several
# patrol seasons in one city (Rome), a country-level record, a training site, the
# Mekong route with a base port off the route, an unknown bureau, and one record
# whose text is hostile markup.

HOSTILE_NAME = '<img src=x onerror="alert(1)">[click](javascript:alert(2)) $x$'

SAMPLE_BUREAUS = [
    dict(zip(("id", "name", "name_zh", "level", "home_city", "lon", "lat"), row, strict=True),
         coordinate_source="test")
    for row in (
        ("fuzhou-psb", "Fuzhou PSB", "福州市公安局", "municipal", "Fuzhou", "119.306", "26.061"),
        ("qingtian-psb", "Qingtian County PSB", "青田县公安局", "county", "Qingtian", "120.29", "28.14"),
        ("wenzhou-psb", "Wenzhou PSB", "温州市公安局", "municipal", "Wenzhou", "120.672", "28.0"),
        ("mps", "Ministry of Public Security", "公安部", "national", "Beijing", "116.397", "39.907"),
        ("yunnan-police", "Yunnan provincial police", "云南省公安厅", "provincial", "Kunming",
         "102.718", "25.039"),
        ("unknown", "Unknown", "", "unknown", "", "", ""),
    )
]

PARIS = (2.3522, 48.8566)
ROME = (12.4964, 41.9028)


def station_features() -> list[dict]:
    return [
        feature(make_station("st-fra-paris-1", "Paris station 1", "fuzhou-psb", "Paris", "FRA",
                             name_zh="巴黎站", name_pinyin="Bālí zhàn"), *PARIS),
        feature(make_station("st-fra-paris-2", "Paris station 2", "qingtian-psb", "Paris", "FRA"), *PARIS),
        feature(make_station("st-fra-paris-3", "Paris station 3", "wenzhou-psb", "Paris", "FRA",
                             status="closed", end_date="2023-01",
                             history=[{"date": "2023-01", "event": "Closed after inquiry",
                                       "authority": "French police", "status": "closed",
                                       "source": SOURCE["url"]}]), *PARIS),
        feature(make_station("st-ita-rome-1", "Rome station", "fuzhou-psb", "Rome", "ITA"), *ROME),
        feature(make_station("st-ita-prato-1", "Prato station", "unknown", "Prato", "ITA",
                             start_date=None), 11.0963, 43.8777),
        feature(make_station("st-nld-1", "Netherlands station (city not known)", "fuzhou-psb", None, "NLD",
                             location_precision="country", coordinate_source="representative-point"),
                5.29, 52.13),
        feature(make_station("st-deu-hostile", HOSTILE_NAME, "qingtian-psb", "Berlin", "DEU",
                             notes="**bold** <script>alert(3)</script> :red[colour]",
                             sources=[dict(SOURCE, title="<b>title</b>", publisher="Pub & Co")]),
                13.405, 52.52),
        feature(dict(make_station("tr-slb-honiara", "Police training programme, Honiara", "mps",
                                  "Honiara", "SLB", status="active", report=None),
                     activity_type="training"), 159.95, -9.433),
    ]


def patrol_rows() -> list[dict]:
    def season(rid: str, name: str, city: str, lon: float, lat: float, start: str, end: str) -> dict:
        return make_patrol(id=rid, name=name, city=city, country="ITA", lon=lon, lat=lat,
                           start_date=start, end_date=end, partner_agency="Polizia di Stato")

    mekong = [
        make_patrol(id=rid, name=name, activity_type="riverine_patrol", operating_bureau="yunnan-police",
                    city=name.split()[0], country=country, lon=lon, lat=lat, route_id="mekong",
                    route_order=order, start_date="2011-12-10", end_date=None, status="active")
        for rid, name, country, lon, lat, order in (
            ("rp-guanlei", "Guanlei Port (waypoint)", "CHN", 101.1592, 21.5519, 1),
            ("rp-chiang-saen", "Chiang Saen port", "THA", 100.087, 20.275, 2),
        )
    ]
    base = copy.deepcopy(mekong[0])
    base.update(id="rp-base-guanlei", name="Mekong patrol base port, Guanlei", route_id=None,
                route_order=None)
    return [
        season("jp-ita-2016-rome", "China-Italy joint patrol 2016, Rome", "Rome", *ROME,
               "2016-05-02", "2016-05-13"),
        season("jp-ita-2017-rome", "China-Italy joint patrol 2017, Rome", "Rome", *ROME,
               "2017-06-05", "2017-06-25"),
        season("jp-ita-2017-milan", "China-Italy joint patrol 2017, Milan", "Milan", 9.19, 45.4642,
               "2017-06-05", "2017-06-25"),
        *mekong,
        base,
    ]


def write_sample(directory: Path) -> Path:
    """Write the sample data folder and return it."""
    return write_data_dir(directory, station_features(), patrol_rows(), SAMPLE_BUREAUS)


# --- the export folder -----------------------------------------------------------------------
# Twelve records cover what exports must get right: several bureaus and types,
# co-located stations (Milan ×2, Paris ×3), a country-precision record (hollow
# marker), a Mekong route of three waypoints, and hostile markup in names (tooltip
# XSS and a ``</script>`` break-out). The loader refuses spreadsheet formulas, so
# tests plant those in the loaded frame (``with_formulas``).

EXPORT_DATE = date(2026, 1, 15)
XSS_NAME = "<img src=x onerror=alert(1)>"
BREAKOUT_NAME = "Paris 3 </script><script>window.__pwned=1</script>"

EXPORT_BUREAUS = [
    {"id": bid, "name": name, "level": "municipal", "lon": lon, "lat": lat}
    for bid, name, lon, lat in (
        ("fuzhou-psb", "Fuzhou PSB", "119.306", "26.061"),
        ("qingtian-psb", "Qingtian County PSB", "120.289", "28.139"),
        ("wenzhou-psb", "Wenzhou PSB", "120.699", "27.994"),
        ("mps", "Ministry of Public Security", "116.397", "39.907"),
        ("yunnan-police", "Yunnan provincial police", "102.833", "24.880"),
        ("unknown", "Unknown", "", ""),
    )
]


def export_features() -> list[dict]:
    def at(rid: str, name: str, city: str | None, country: str, bureau: str, lon: float, lat: float,
           **extra) -> dict:
        return feature(make_station(rid, name, bureau, city, country,
                                    coordinate_source="gazetteer:test", **extra), lon, lat)

    return [
        at("st-ita-rome-1", "Rome station", "Rome", "ITA", "qingtian-psb", 12.4964, 41.9028,
           status="closed", end_date="2023-03",
           history=[{"date": "2023-03-01", "event": "Closed after inquiry",
                     "authority": "Italian police", "status": "closed", "source": SOURCE["url"]}]),
        at("st-ita-milan-1", "Milan station 1", "Milan", "ITA", "qingtian-psb", 9.19, 45.4642),
        at("st-ita-milan-2", "Milan station 2", "Milan", "ITA", "fuzhou-psb", 9.19, 45.4642),
        at("st-ita-prato-1", "Prato station", "Prato", "ITA", "qingtian-psb", 11.0963, 43.8777),
        at("st-fra-paris-1", "Paris station 1", "Paris", "FRA", "qingtian-psb", 2.3522, 48.8566),
        at("st-fra-paris-2", "Paris station 2", "Paris", "FRA", "qingtian-psb", 2.3522, 48.8566),
        at("st-fra-paris-3", BREAKOUT_NAME, "Paris", "FRA", "wenzhou-psb", 2.3522, 48.8566),
        at("st-nld-amsterdam-1", XSS_NAME, "Amsterdam", "NLD", "fuzhou-psb", 4.9041, 52.3676),
        at("st-bra-country-1", "Brazil (city not known)", None, "BRA", "unknown", -51.9253, -14.235,
           location_precision="country"),
    ]


def export_patrols() -> list[dict]:
    rows = [
        make_patrol(name="Joint patrol, Zagreb 2019"),
        make_patrol(id="tr-srb-belgrade", name="Police training, Belgrade", activity_type="training",
                    city="Belgrade", country="SRB", lon=20.4573, lat=44.787, start_date="2019",
                    end_date=None, status="active"),
    ]
    for order, (rid, city, country, lon, lat) in enumerate([
        ("rp-mekong-guanlei", "Guanlei", "CHN", 101.23, 21.63),
        ("rp-mekong-chiang-saen", "Chiang Saen", "THA", 100.083, 20.275),
        ("rp-mekong-luang-prabang", "Luang Prabang", "LAO", 102.135, 19.889),
    ], start=1):
        rows.append(make_patrol(id=rid, name=f"Mekong patrol waypoint, {city}",
                                activity_type="riverine_patrol", operating_bureau="yunnan-police",
                                city=city, country=country, lon=lon, lat=lat, start_date="2011-12",
                                end_date=None, status="active", route_id="mekong", route_order=order))
    for row in rows:
        row["coordinate_source"] = "gazetteer:test"
    return rows


def write_export_dir(path: Path) -> Path:
    """Write the export data folder (records, bureaus, totals, VERSION) into ``path``."""
    return write_data_dir(path, export_features(), export_patrols(), EXPORT_BUREAUS)
