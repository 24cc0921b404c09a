"""A small but complete data folder for the dashboard tests.

It has what the map must cope with: three stations sharing one point (Paris),
several patrol seasons in one city (Rome), a country-level record, a training
site, the Mekong route with a base port off the route, an unknown bureau, and one
record whose text is hostile markup.
"""

from __future__ import annotations

import copy
import csv
from pathlib import Path

from tests.conftest import PATROL, SOURCE, STATION, feature, write_geojson, write_patrols

HOSTILE_NAME = '<img src=x onerror="alert(1)">[click](javascript:alert(2)) $x$'

BUREAU_ROWS = [
    ("fuzhou-psb", "Fuzhou PSB", "福州市公安局", "municipal", "Fuzhou", "119.306", "26.061"),
    ("qingtian-psb", "Qingtian County PSB", "青田县公安局", "county", "Qingtian", "120.29", "28.14"),
    ("wenzhou-psb", "Wenzhou PSB", "温州市公安局", "municipal", "Wenzhou", "120.672", "28.0"),
    ("mps", "Ministry of Public Security", "公安部", "national", "Beijing", "116.397", "39.907"),
    ("yunnan-police", "Yunnan provincial police", "云南省公安厅", "provincial", "Kunming",
     "102.718", "25.039"),
    ("unknown", "Unknown", "", "unknown", "", "", ""),
]

PARIS = (2.3522, 48.8566)
ROME = (12.4964, 41.9028)


def _station(rid: str, name: str, bureau: str, city: str, country: str, **extra) -> dict:
    rec = copy.deepcopy(STATION)
    rec.update(id=rid, name=name, operating_bureau=bureau, city=city, country=country)
    if bureau == "unknown":
        rec["bureau_confidence"] = None
    rec.update(extra)
    return rec


def station_features() -> list[dict]:
    return [
        feature(_station("st-fra-paris-1", "Paris station 1", "fuzhou-psb", "Paris", "FRA",
                         name_zh="巴黎站", name_pinyin="Bālí zhàn"), *PARIS),
        feature(_station("st-fra-paris-2", "Paris station 2", "qingtian-psb", "Paris", "FRA"), *PARIS),
        feature(_station("st-fra-paris-3", "Paris station 3", "wenzhou-psb", "Paris", "FRA",
                         status="closed", end_date="2023-01",
                         history=[{"date": "2023-01", "event": "Closed after inquiry",
                                   "authority": "French police", "status": "closed",
                                   "source": SOURCE["url"]}]), *PARIS),
        feature(_station("st-ita-rome-1", "Rome station", "fuzhou-psb", "Rome", "ITA"), *ROME),
        feature(_station("st-ita-prato-1", "Prato station", "unknown", "Prato", "ITA",
                         start_date=None), 11.0963, 43.8777),
        feature(_station("st-nld-1", "Netherlands station (city not known)", "fuzhou-psb", None, "NLD",
                         location_precision="country", coordinate_source="representative-point"),
                5.29, 52.13),
        feature(_station("st-deu-hostile", HOSTILE_NAME, "qingtian-psb", "Berlin", "DEU",
                         notes="**bold** <script>alert(3)</script> :red[colour]",
                         sources=[dict(SOURCE, title="<b>title</b>", publisher="Pub & Co")]),
                13.405, 52.52),
        feature(dict(_station("tr-slb-honiara", "Police training programme, Honiara", "mps",
                              "Honiara", "SLB", status="active", report=None),
                     activity_type="training"), 159.95, -9.433),
    ]


def patrol_rows() -> list[dict]:
    def patrol(rid: str, name: str, city: str, lon: float, lat: float, start: str, end: str) -> dict:
        rec = copy.deepcopy(PATROL)
        rec.update(id=rid, name=name, city=city, country="ITA", lon=lon, lat=lat,
                   start_date=start, end_date=end, partner_agency="Polizia di Stato")
        return rec

    mekong = []
    for rid, name, country, lon, lat, order in (
        ("rp-guanlei", "Guanlei Port (waypoint)", "CHN", 101.1592, 21.5519, 1),
        ("rp-chiang-saen", "Chiang Saen port", "THA", 100.087, 20.275, 2),
    ):
        rec = copy.deepcopy(PATROL)
        rec.update(id=rid, name=name, activity_type="riverine_patrol", operating_bureau="yunnan-police",
                   city=name.split()[0], country=country, lon=lon, lat=lat, route_id="mekong",
                   route_order=order, start_date="2011-12-10", end_date=None, status="active")
        mekong.append(rec)
    base = copy.deepcopy(mekong[0])
    base.update(id="rp-base-guanlei", name="Mekong patrol base port, Guanlei", route_id=None,
                route_order=None)
    return [
        patrol("jp-ita-2016-rome", "China-Italy joint patrol 2016, Rome", "Rome", *ROME,
               "2016-05-02", "2016-05-13"),
        patrol("jp-ita-2017-rome", "China-Italy joint patrol 2017, Rome", "Rome", *ROME,
               "2017-06-05", "2017-06-25"),
        patrol("jp-ita-2017-milan", "China-Italy joint patrol 2017, Milan", "Milan", 9.19, 45.4642,
               "2017-06-05", "2017-06-25"),
        *mekong,
        base,
    ]


def write_sample(directory: Path) -> Path:
    """Write the sample data folder and return it."""
    directory.mkdir(parents=True, exist_ok=True)
    write_geojson(directory / "stations.geojson", station_features())
    write_patrols(directory / "patrols.csv", patrol_rows())
    with (directory / "bureaus.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "name_zh", "level", "home_city", "home_province", "lon", "lat",
                         "coordinate_source", "notes"])
        for row in BUREAU_ROWS:
            writer.writerow([*row[:5], "", *row[5:], "test", ""])
    (directory / "reported_totals.csv").write_text(
        "id,scope,report,bureau,country,stations,countries,cities,as_of,source_title,publisher,"
        "source_date,url,confidence,notes\n"
        "pp-total,report,patrol-and-persuade-2022,,,102,53,,2022-12-05,Patrol and Persuade,"
        "Safeguard Defenders,2022-12-05,https://example.org/pp,read-in-source,\n",
        encoding="utf-8",
    )
    (directory / "VERSION").write_text("2026-01-01\n", encoding="utf-8")
    return directory
