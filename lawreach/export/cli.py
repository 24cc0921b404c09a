"""``python -m lawreach export``: the app's exports from the command line, one or in batch.

The filters are the app's (``FilterState``), so a slide made here and one made
in the dashboard from the same filters are the same file. A wrong argument
stops before anything is written, with a message naming the valid values; a
failure while writing removes every temporary file, so a crash never leaves a
half-written export (files are written next to their target, then renamed).
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pandas as pd
import pycountry

from lawreach.contract.load import DEFAULT_DATA_DIR, Dataset, load_dataset
from lawreach.contract.schema import ACTIVITY_TYPES, STATUSES
from lawreach.export.tabular import ExportMeta, slug, suggested_name, to_csv, to_geojson
from lawreach.query import filters, search
from lawreach.query.filters import FilterState

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
FORMATS = ("png", "svg", "pdf", "html", "csv", "geojson")
IMAGE_FORMATS = ("png", "svg", "pdf")
BATCH_FIELDS = {"bureau": ("operating_bureau", "bureaus"), "country": ("country", "countries"),
                "type": ("activity_type", "types")}


class UsageError(Exception):
    """A bad argument: reported with exit code 2 before anything is written."""


@dataclass(frozen=True)
class Job:
    """One file to write: what it holds and where it goes."""

    path: Path
    records: pd.DataFrame
    meta: ExportMeta


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``export`` on the main command line (called by ``lawreach.cli``)."""
    p = subparsers.add_parser(
        "export", help="write a snapshot (PNG/SVG/PDF), an HTML map or the data (CSV/GeoJSON)",
        # The raw formatter keeps the examples' lines, so the description is wrapped by hand.
        description="Export the records matching the filters. Filters combine like the app's\n"
                    "sidebar: values of one filter are alternatives, different filters all apply.",
        epilog="examples:\n"
               "  python -m lawreach export --bureau qingtian-psb --country ITA --format png "
               "--out out/qingtian-italy.png\n"
               "  python -m lawreach export --type service_station --batch-by bureau "
               "--out out/slides/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--data", default=str(DEFAULT_DATA_DIR), metavar="DIR",
                   help="data directory (default: the bundled data/)")
    group = p.add_argument_group("filters (as in the app)")
    group.add_argument("--bureau", action="append", default=[], metavar="ID",
                       help="operating bureau id, e.g. qingtian-psb (repeatable)")
    group.add_argument("--type", action="append", default=[], metavar="TYPE",
                       help=f"activity type: {', '.join(ACTIVITY_TYPES)} (repeatable)")
    group.add_argument("--country", action="append", default=[], metavar="ISO3",
                       help="country as ISO 3166-1 alpha-3 (ITA) or name (Italy) (repeatable)")
    group.add_argument("--status", action="append", default=[], metavar="STATUS",
                       help=f"status: {', '.join(STATUSES)} (repeatable)")
    group.add_argument("--as-of", metavar="YYYY-MM-DD", help="what was active or known on that day")
    group.add_argument("--from", dest="year_from", metavar="YEAR", help="first year of a range")
    group.add_argument("--to", dest="year_to", metavar="YEAR", help="last year of a range")
    group.add_argument("--search", default="", metavar="TEXT",
                       help="text in names, cities or notes")
    out = p.add_argument_group("output")
    out.add_argument("--format", choices=FORMATS,
                     help="file format (default: from --out's extension, else png)")
    out.add_argument("--preset", choices=("slide", "square", "a4"), default="slide",
                     help="image layout: 16:9 slide 1280x720, 1:1 square 1080x1080, "
                          "A4 landscape 1123x794 (pixels at scale 1)")
    out.add_argument("--scale", type=int, choices=(1, 2, 4), default=2,
                     help="PNG pixel density: 1, 2 (default) or 4 times the preset's pixels")
    out.add_argument("--title", help="title baked into images and the HTML map")
    out.add_argument("--world", action="store_true", help="show the whole world, not the records' extent")
    out.add_argument("--arcs", action="store_true", help="images: draw arcs from each home bureau")
    out.add_argument("--no-labels", action="store_true", help="images: no city labels")
    out.add_argument("--export-date", metavar="YYYY-MM-DD",
                     help="date printed in the file (default today; fix it for reproducible files)")
    out.add_argument("--out", metavar="PATH",
                     help="output file (or directory); with --batch-by, a directory")
    out.add_argument("--batch-by", choices=tuple(BATCH_FIELDS),
                     help="write one file per bureau, country or type among the matching records")
    p.set_defaults(func=run)
    return p


# --- argument checking ---------------------------------------------------------------


def _country_code(value: str) -> str:
    try:
        return pycountry.countries.lookup(value.strip()).alpha_3
    except LookupError:
        raise UsageError(f"unknown country {value!r}: give an ISO 3166-1 alpha-3 code (ITA) or an "
                         "English name (Italy)") from None


def _iso_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date: expected YYYY-MM-DD") from None


def _year(value: str | None, option: str) -> int | None:
    if value is None:
        return None
    if not value.strip().isdigit() or not filters.YEAR_MIN <= int(value) <= filters.YEAR_MAX:
        raise UsageError(f"{option} {value!r}: expected a year from {filters.YEAR_MIN} to "
                         f"{filters.YEAR_MAX}")
    return int(value)


def _check(values: list[str], allowed: list[str], what: str) -> tuple[str, ...]:
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise UsageError(f"unknown {what} {', '.join(map(repr, unknown))}; expected one of: "
                         f"{', '.join(allowed)}")
    return tuple(dict.fromkeys(values))


def state_from_args(args: argparse.Namespace, dataset: Dataset) -> FilterState:
    """The FilterState the arguments describe; UsageError names what is wrong."""
    years = None
    first, last = _year(args.year_from, "--from"), _year(args.year_to, "--to")
    if first is not None or last is not None:
        years = (first or filters.YEAR_MIN, last or filters.YEAR_MAX)
        if years[0] > years[1]:
            raise UsageError(f"--from {years[0]} is after --to {years[1]}")
    return FilterState(
        bureaus=_check(args.bureau, sorted(dataset.bureaus["id"]), "bureau"),
        types=_check(args.type, list(ACTIVITY_TYPES), "activity type"),
        countries=tuple(dict.fromkeys(_country_code(c) for c in args.country)),
        statuses=_check(args.status, list(STATUSES), "status"),
        as_of=_iso_date(args.as_of, "--as-of"),
        years=years,
        search=args.search[:100],
    )


def output_format(args: argparse.Namespace) -> str:
    suffix = Path(args.out).suffix.lower().lstrip(".") if args.out and not args.batch_by else ""
    suffix = {"json": "geojson", "htm": "html"}.get(suffix, suffix)
    if args.format:
        if suffix in FORMATS and suffix != args.format:
            raise UsageError(f"--out ends in .{suffix} but --format is {args.format}")
        return args.format
    return suffix if suffix in FORMATS else "png"


# --- rendering -------------------------------------------------------------------------


def renderer(fmt: str, args: argparse.Namespace, bureaus: pd.DataFrame) -> Callable[[Job], bytes]:
    """A function from a job to the file's bytes (heavy imports only when needed)."""
    if fmt in IMAGE_FORMATS:
        from lawreach.export import snapshot

        return lambda job: snapshot.snapshot_bytes(
            job.records, bureaus, job.meta, fmt, scale=args.scale, preset=args.preset,
            world=args.world, arcs=args.arcs, labels=not args.no_labels)
    if fmt == "html":
        from lawreach.export import html as export_html

        return lambda job: export_html.to_html(job.records, bureaus, job.meta, world=args.world)
    if fmt == "csv":
        return lambda job: to_csv(job.records, job.meta)
    return lambda job: to_geojson(job.records, job.meta)


def plan(args: argparse.Namespace, dataset: Dataset, state: FilterState, fmt: str) -> list[Job]:
    """Every file to write, decided before anything is written."""
    names, forms = search.bureau_name_maps(dataset.bureaus)
    filtered = filters.apply(dataset.records, state, names, forms)
    if filtered.empty:
        raise LookupError(f"no records match the filters ({filters.describe(state, filtered, names)}); "
                          "nothing written")
    export_date = _iso_date(args.export_date, "--export-date")

    def meta(records: pd.DataFrame, sub_state: FilterState, title: str | None) -> ExportMeta:
        return ExportMeta.for_data(args.data, filters.describe(sub_state, records, names),
                                   title=title, export_date=export_date)

    if not args.batch_by:
        target = Path(args.out) if args.out else Path.cwd()
        if target.is_dir():
            parts = [*state.bureaus, *state.countries, *state.types]
            target = target / suggested_name(parts, fmt, export_date)
        return [Job(target, filtered, meta(filtered, state, args.title))]

    column, attr = BATCH_FIELDS[args.batch_by]
    directory = Path(args.out) if args.out else Path.cwd()
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"--out {directory} is a file; --batch-by writes several files into a directory")
    jobs = []
    for value in sorted(filtered[column].dropna().unique()):
        records = filtered[filtered[column] == value]
        sub_state = replace(state, **{attr: (value,)})
        label = {"bureau": names.get(value, value), "country": filters.country_name(value),
                 "type": filters.TYPE_NOUNS.get(value, (value, value))[1].capitalize()}[args.batch_by]
        title = f"{args.title} — {label}" if args.title else label
        jobs.append(Job(directory / f"{args.batch_by}-{slug(str(value))}.{fmt}", records,
                        meta(records, sub_state, title)))
    return jobs


def write_all(jobs: list[Job], render: Callable[[Job], bytes]) -> list[Path]:
    """Render every file to a temporary file beside its target, then rename them all.

    If anything fails, every temporary file (and any directory made here) is
    removed, so the target directory is as it was.
    """
    made_dirs: list[Path] = []
    temps: list[tuple[Path, Path]] = []
    try:
        for job in jobs:
            parent = job.path.parent
            if not parent.exists():
                missing = [parent, *[p for p in parent.parents if not p.exists()]]
                parent.mkdir(parents=True)
                made_dirs += sorted(missing, key=lambda p: len(p.parts), reverse=True)
            data = render(job)
            # A hidden, unique name beside the target ('x' mode: never clobbers;
            # permissions follow the umask like any new file).
            temp = parent / f".{job.path.name}.{secrets.token_hex(6)}.part"
            with open(temp, "xb") as stream:
                temps.append((temp, job.path))
                stream.write(data)
        for temp, final in temps:
            os.replace(temp, final)
    except BaseException:
        for temp, _ in temps:
            temp.unlink(missing_ok=True)
        for directory in made_dirs:
            try:
                directory.rmdir()
            except OSError:
                pass
        raise
    return [job.path for job in jobs]


def run(args: argparse.Namespace) -> int:
    """The ``export`` command; returns the exit code."""
    try:
        data_dir = Path(args.data)
        if not data_dir.is_dir():
            raise UsageError(f"--data {data_dir} is not a directory")
        fmt = output_format(args)
        _iso_date(args.export_date, "--export-date")
        dataset = load_dataset(data_dir)
        state = state_from_args(args, dataset)
        if dataset.problems:
            print(f"warning: {len(dataset.problems)} problem(s) in the data; exporting the "
                  f"{len(dataset.records)} valid records (see: python -m lawreach validate)",
                  file=sys.stderr)
        jobs = plan(args, dataset, state, fmt)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except LookupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        written = write_all(jobs, renderer(fmt, args, dataset.bureaus))
    except (OSError, ValueError, RuntimeError) as exc:
        print(f"error: could not write the export ({exc}); nothing was written", file=sys.stderr)
        return EXIT_FAILED
    for path, job in zip(written, jobs, strict=True):
        print(f"{path}  ({len(job.records)} records: {job.meta.sentence})")
    return EXIT_OK
