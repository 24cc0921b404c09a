"""A small, varied, valid data directory for the export tests.

Twelve records cover what exports must get right: several bureaus and types,
co-located stations (Milan ×2, Paris ×3), a country-precision record (hollow
marker), a Mekong route of three waypoints, and hostile markup in names (tooltip
XSS and a ``</script>`` break-out). The loader refuses spreadsheet formulas, so
tests plant those in the loaded frame (``with_formulas``). Expected files under
tests/expected/ are made from this directory.
"""

from __future__ import annotations

import copy
import csv
from datetime import date
from pathlib import Path

from tests.conftest import SOURCE, feature, write_geojson, write_patrols

EXPORT_DATE = date(2026, 1, 15)
XSS_NAME = "<img src=x onerror=alert(1)>"
BREAKOUT_NAME = "Paris 3 </script><script>window.__pwned=1</script>"

BUREAUS = [
    ("fuzhou-psb", "Fuzhou PSB", "119.306", "26.061"),
    ("qingtian-psb", "Qingtian County PSB", "120.289", "28.139"),
    ("wenzhou-psb", "Wenzhou PSB", "120.699", "27.994"),
    ("mps", "Ministry of Public Security", "116.397", "39.907"),
    ("yunnan-police", "Yunnan provincial police", "102.833", "24.880"),
    ("unknown", "Unknown", "", ""),
]


def _station(rid: str, name: str, city: str | None, country: str, bureau: str, lon: float,
             lat: float, **extra) -> tuple[dict, float, float]:
    rec = {
        "id": rid, "name": name, "activity_type": "service_station", "operating_bureau": bureau,
        "bureau_confidence": None if bureau == "unknown" else "secondary-source",
        "report": "110-overseas-2022", "city": city, "country": country,
        "location_precision": "city", "coordinate_source": "gazetteer:test",
        "start_date": "2018", "first_reported": "2022-09", "status": "reported",
        "confidence": "secondary-source",
        "history": [{"date": "2022-09-12", "event": "Listed by an NGO report", "authority": "NGO",
                     "status": "reported", "source": SOURCE["url"]}],
        "sources": [dict(SOURCE)],
    }
    rec.update(extra)
    return rec, lon, lat


def stations() -> list[tuple[dict, float, float]]:
    return [
        _station("st-ita-rome-1", "Rome station", "Rome", "ITA", "qingtian-psb", 12.4964, 41.9028,
                 status="closed", end_date="2023-03",
                 history=[{"date": "2023-03-01", "event": "Closed after inquiry",
                           "authority": "Italian police", "status": "closed",
                           "source": SOURCE["url"]}]),
        _station("st-ita-milan-1", "Milan station 1", "Milan", "ITA", "qingtian-psb", 9.19, 45.4642),
        _station("st-ita-milan-2", "Milan station 2", "Milan", "ITA", "fuzhou-psb", 9.19, 45.4642),
        _station("st-ita-prato-1", "Prato station", "Prato", "ITA", "qingtian-psb", 11.0963, 43.8777),
        _station("st-fra-paris-1", "Paris station 1", "Paris", "FRA", "qingtian-psb", 2.3522, 48.8566),
        _station("st-fra-paris-2", "Paris station 2", "Paris", "FRA", "qingtian-psb", 2.3522, 48.8566),
        _station("st-fra-paris-3", BREAKOUT_NAME, "Paris", "FRA", "wenzhou-psb", 2.3522, 48.8566),
        _station("st-nld-amsterdam-1", XSS_NAME, "Amsterdam", "NLD", "fuzhou-psb", 4.9041, 52.3676),
        _station("st-bra-country-1", "Brazil (city not known)", None, "BRA", "unknown",
                 -51.9253, -14.235, location_precision="country"),
    ]


def patrols() -> list[dict]:
    base = {
        "bureau_confidence": "read-in-source", "location_precision": "city",
        "coordinate_source": "gazetteer:test", "confidence": "read-in-source", "history": [],
        "sources": [dict(SOURCE)],
    }
    rows = [
        {"id": "jp-hrv-2019-zagreb", "name": "Joint patrol, Zagreb 2019", "activity_type": "joint_patrol",
         "operating_bureau": "mps", "city": "Zagreb", "country": "HRV", "lon": 15.978, "lat": 45.815,
         "start_date": "2019-07-13", "end_date": "2019-08-14", "status": "ended"},
        {"id": "tr-srb-belgrade", "name": "Police training, Belgrade", "activity_type": "training",
         "operating_bureau": "mps", "city": "Belgrade", "country": "SRB", "lon": 20.4573, "lat": 44.787,
         "start_date": "2019", "status": "active"},
    ]
    for order, (rid, city, country, lon, lat) in enumerate([
        ("rp-mekong-guanlei", "Guanlei", "CHN", 101.23, 21.63),
        ("rp-mekong-chiang-saen", "Chiang Saen", "THA", 100.083, 20.275),
        ("rp-mekong-luang-prabang", "Luang Prabang", "LAO", 102.135, 19.889),
    ], start=1):
        rows.append({"id": rid, "name": f"Mekong patrol waypoint, {city}",
                     "activity_type": "riverine_patrol", "operating_bureau": "yunnan-police",
                     "city": city, "country": country, "lon": lon, "lat": lat,
                     "start_date": "2011-12", "status": "active", "route_id": "mekong",
                     "route_order": order})
    return [{**copy.deepcopy(base), **row} for row in rows]


def write_export_dir(path: Path) -> Path:
    """Write the fixture data directory (records, bureaus, totals, VERSION) into ``path``."""
    path.mkdir(parents=True, exist_ok=True)
    write_geojson(path / "stations.geojson", [feature(rec, lon, lat) for rec, lon, lat in stations()])
    write_patrols(path / "patrols.csv", patrols())
    with (path / "bureaus.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "name_zh", "level", "home_city", "home_province", "lon", "lat",
                         "coordinate_source", "notes"])
        for bid, name, lon, lat in BUREAUS:
            writer.writerow([bid, name, "", "municipal", "", "", lon, lat, "", ""])
    (path / "reported_totals.csv").write_text(
        "id,scope,report,bureau,country,stations,countries,cities,as_of,source_title,publisher,"
        "source_date,url,confidence,notes\n"
        "pp-total,report,patrol-and-persuade-2022,,,102,53,,2022-12-05,Patrol and Persuade,"
        "Safeguard Defenders,2022-12-05,https://example.org/pp,read-in-source,\n",
        encoding="utf-8",
    )
    (path / "VERSION").write_text("2026-01-01\n", encoding="utf-8")
    return path


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader",
                 "--disable-background-networking"]


def require_chromium() -> None:
    """Skip without Debian's Chromium locally; fail under CI, where it must be installed."""
    import pytest

    from tests.conftest import under_ci

    if not CHROMIUM.exists():
        if under_ci():
            pytest.fail(f"{CHROMIUM} is required under CI")
        pytest.skip(f"{CHROMIUM} not found (apt-get install chromium)")


def with_chromium(task):
    """Run ``task(browser)`` with its own Playwright, on a worker thread.

    Playwright's sync API refuses to start a second instance on a thread that
    already runs one, and the dashboard's browser tests keep theirs open for
    the whole session; a thread of our own sidesteps that. Exceptions (and
    failed asserts) propagate to the caller.
    """
    from concurrent.futures import ThreadPoolExecutor

    require_chromium()

    def run():
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                return task(browser)
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()
