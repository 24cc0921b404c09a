"""The command line: ``python -m lawreach validate|stats|geocode|export``.

Commands print for people (a journalist fixing a record) and exit non-zero
when anything is wrong, so CI and scripts can rely on the exit code.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from lawreach.contract import coverage, provenance
from lawreach.contract.load import DEFAULT_DATA_DIR, Dataset, load_dataset
from lawreach.contract.problems import listed

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
# What a shell reports for a program killed by SIGPIPE (128 + 13), as for `yes | head -1`:
# the reader went away, which is not an error of ours but is not a full run either.
EXIT_BROKEN_PIPE = 128 + getattr(signal, "SIGPIPE", 13)

# The --help text is read in a terminal, so it is plain text (no reST markup).
DESCRIPTION = (
    "The lawreach command line: validate, stats, geocode and export. Each command prints "
    "for people and exits non-zero when anything is wrong, so CI and scripts can rely on "
    "the exit code."
)


def _load(target: Path) -> Dataset:
    """A directory loads as the dataset; a single file is validated on its own."""
    if target.is_dir():
        return load_dataset(target)
    bureaus_dir = target.parent if (target.parent / "bureaus.csv").exists() else DEFAULT_DATA_DIR
    return load_dataset(bureaus_dir, record_files=[target])


def cmd_validate(args: argparse.Namespace) -> int:
    target = Path(args.path)
    if not target.exists():
        print(f"error: {target} does not exist (give a data directory or a data file)",
              file=sys.stderr)
        return EXIT_USAGE
    data = _load(target)
    if args.json:
        print(json.dumps({
            "files": {name: {"records": n, "loaded": data.loaded(name),
                             "invalid": data.invalid.get(name, 0)}
                      for name, n in data.in_files.items()},
            "problems": [p.as_dict() for p in data.problems],
        }, indent=2, ensure_ascii=False))
        return EXIT_INVALID if data.problems else EXIT_OK
    for name, n in data.in_files.items():
        print(f"{name}: {n} records in file, {data.loaded(name)} valid, "
              f"{data.invalid.get(name, 0)} invalid")
    if data.problems:
        print(f"\n{len(data.problems)} problem(s):", file=sys.stderr)
        for line in listed(data.problems):
            print(f"  - {line}", file=sys.stderr)
        return EXIT_INVALID
    print("OK: every record is valid.")
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    data = load_dataset(Path(args.path))
    records = data.records
    print(f"{provenance.TITLE} — data version {provenance.data_version(Path(args.path))}")
    print(f"{len(records)} valid records ({len(data.problems)} problem(s) in the files)\n")
    for column, label in (("activity_type", "By activity type"), ("operating_bureau", "By bureau"),
                          ("status", "By status"), ("location_precision", "By location precision"),
                          ("country", "By country")):
        counts = coverage.counts_by(records, column)
        print(f"{label}:")
        for value, n in counts.items():
            print(f"  {value:<28} {n:>4}")
        print()
    cov = coverage.station_coverage(records, data.totals)
    stations = records[records["activity_type"] == "service_station"]
    located = stations["location_precision"].isin(coverage.LOCATED_PRECISIONS).sum()
    print("Coverage of service stations:")
    print(f"  {cov.sentence()}")
    print(f"  all station records: {len(stations)}, located to a city or finer: {located}, "
          f"country/region only: {len(stations) - located}")
    if not data.totals.empty:
        print("\nTotals stated by the reports, against the station records in the data:")
        for _, row in data.totals.iterrows():
            figures = ", ".join(f"{int(row[c])} {c}" for c in ("stations", "countries", "cities")
                                if c in row and row[c] == row[c])
            who = row.get("bureau") or row.get("country") or row.get("report") or ""
            in_data = coverage.records_for_total(stations, row)
            print(f"  {row['id']:<30} {row['scope']:<8} {who:<26} stated: {figures} "
                  f"(as of {row.get('as_of') or '?'}); in data: {len(in_data)}")
    return EXIT_INVALID if data.problems else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lawreach", description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check the data files; exit 1 on any problem")
    p.add_argument("path", nargs="?", default=str(DEFAULT_DATA_DIR),
                   help="data directory or a single data file (default: the bundled data/)")
    p.add_argument("--json", action="store_true", help="machine-readable report")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("stats", help="counts and coverage of the data")
    p.add_argument("path", nargs="?", default=str(DEFAULT_DATA_DIR))
    p.set_defaults(func=cmd_stats)
    sub.add_parser("geocode", help="propose coordinates from the offline gazetteer "
                   "(python -m lawreach geocode --help)")
    try:
        from lawreach.export import cli as export_cli
    except ImportError as exc:
        # A broken export module must neither hide the command (it would vanish from
        # --help with no word why) nor take validate and stats down with it.
        p = sub.add_parser("export", help="(unavailable: run it to see why)", add_help=False)
        p.set_defaults(func=_unavailable("export", exc), any_arguments=True)
    else:
        export_cli.add_parser(sub)
    return parser


def _unavailable(command: str, error: ImportError) -> Callable[[argparse.Namespace], int]:
    """A command function that reports why ``command`` could not be loaded."""

    def report(_args: argparse.Namespace) -> int:
        print(f"error: the {command} command could not be loaded ({error})", file=sys.stderr)
        return EXIT_INVALID

    return report


def _silence_stdout() -> None:
    """Point stdout at /dev/null after the reader of a pipe has gone.

    Python flushes sys.stdout again at exit; with the pipe closed that flush would
    print "Exception ignored ... BrokenPipeError". This is the recipe of the Python
    documentation (signal module, "Note on SIGPIPE"); restoring SIG_DFL instead would
    let the signal kill the process halfway through writing an export.
    """
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, ValueError, OSError):
        return  # not a real file (e.g. captured by a test): nothing is flushed to a pipe
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def _dispatch(argv: list[str]) -> int:
    """Parse and run one command; ``main`` wraps it so that pipe handling is in one place."""
    if argv and argv[0] == "geocode":
        # The geocoder has its own options (--check); argparse REMAINDER would refuse them.
        from lawreach import geocode

        return geocode.run_cli(argv[1:])
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown and not getattr(args, "any_arguments", False):
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    return args.func(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code.

    ``python -m lawreach stats | head -1`` closes the pipe early. That is the reader's
    choice, not a failure: stop quietly with EXIT_BROKEN_PIPE (141) and no traceback.
    stdout is flushed here, inside the guard, so a pipe closed while Python still holds
    buffered output (or --help text) is caught too, not at interpreter exit.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        try:
            return _dispatch(argv)
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
