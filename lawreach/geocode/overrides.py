"""The hand-kept gazetteer overrides table (``data/gazetteer_overrides.csv``).

A small table for places the gazetteer lacks (river ports, shoals, a national
park, an island, a prefecture). Each row says where its coordinate came from. In
``name`` several accepted names are separated by ``/``. A matching row wins over
the gazetteer, because someone has already looked at the gazetteer for that place
and found it wanting. Source strings read ``gazetteer:<key>``. Reading is strict
because a wrong override is copied into records as a fact.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lawreach.geocode.gazetteer import Candidate, iso3_to_iso2, normalize_name

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
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

_KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


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
        """The row as a proposal, its uncertainty and source carried in the note."""
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


def read_overrides(path: Path | str = OVERRIDES_PATH) -> list[Override]:
    """Read and check the overrides table; raise ValueError naming the bad row.

    The checks are strict because a wrong override is copied into records as a
    fact. Every row needs a source, a valid precision, and a coordinate in range.
    """
    from lawreach.contract.schema import PRECISIONS

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
def cached_overrides(path: str) -> tuple[Override, ...]:
    """The table read once per path: ``propose`` runs per record in a check."""
    return tuple(read_overrides(path))


def override_matches(query: str, iso3: str, overrides: Iterable[Override]) -> list[Candidate]:
    """Rows in the country with ``query`` as one of their names (or their key), folded."""
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
