"""Files -> validated frames, plus every problem found on the way.

The one entry point is ``load_dataset(data_dir)``. Its invariant, tested on the
real data and on broken fixtures: every record in the files is either in
``Dataset.records`` or named in ``Dataset.problems`` — nothing is dropped
silently.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lawreach.contract.problems import Problem
from lawreach.contract.read import RawRecord, read_csv, read_geojson, read_text_file
from lawreach.contract.rules import PointCheck, cross_check, validate_record
from lawreach.contract.schema import CONFIDENCES, RECORD_FIELDS, REPORTS, Record

STATIONS_FILE = "stations.geojson"
PATROLS_FILE = "patrols.csv"
BUREAUS_FILE = "bureaus.csv"
TOTALS_FILE = "reported_totals.csv"
BUREAU_COLUMNS = (
    "id", "name", "name_zh", "level", "home_city", "home_province", "lon", "lat",
    "coordinate_source", "notes",
)
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"

# Columns of the records frame beyond the record fields: where the record came
# from, and the partial dates read as intervals for filtering.
FRAME_EXTRA = ("file", "where", "start_earliest", "start_latest", "end_earliest", "end_latest",
               "reported_earliest")


@dataclass
class Dataset:
    """Validated records (one frame for both files), bureaus, totals and problems."""

    records: pd.DataFrame
    bureaus: pd.DataFrame
    totals: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    in_files: dict[str, int] = field(default_factory=dict)  # records found per file
    invalid: dict[str, int] = field(default_factory=dict)  # records reported invalid per file

    @property
    def ok(self) -> bool:
        return not self.problems

    def loaded(self, file: str) -> int:
        return int((self.records["file"] == file).sum())


def load_dataset(
    data_dir: Path | str = DEFAULT_DATA_DIR,
    *,
    point_in_country: PointCheck | None | str = "default",
    record_files: list[Path] | None = None,
) -> Dataset:
    """Load and validate the data directory.

    ``record_files`` defaults to the directory's stations.geojson and
    patrols.csv; a ``.geojson``/``.json`` file is read as GeoJSON, anything
    else as CSV. ``point_in_country`` defaults to the Natural Earth check; pass
    ``None`` to skip it (for synthetic benchmark data).
    """
    data_dir = Path(data_dir)
    if record_files is None:
        record_files = [data_dir / STATIONS_FILE, data_dir / PATROLS_FILE]
    problems: list[Problem] = []
    bureaus, bureau_problems = read_bureaus(data_dir / BUREAUS_FILE)
    problems += bureau_problems
    totals = read_totals(data_dir / TOTALS_FILE, problems, set(bureaus["id"]))

    raws: list[RawRecord] = []
    in_files: dict[str, int] = {}
    for path in map(Path, record_files):
        name = path.name
        reader = read_geojson if path.suffix.lower() in (".geojson", ".json") else read_csv
        if not path.exists():
            problems.append(Problem(name, None, None, None, None, "file_read",
                                    f"the data file {name} in {path.parent.name}/"))
            in_files[name] = 0
            continue
        file_raws, file_problems = reader(path)
        problems += file_problems
        raws += file_raws
        in_files[name] = len(file_raws)

    pairs: list[tuple[RawRecord, Record]] = []
    for raw in raws:
        model = validate_record(raw)
        if model is not None:
            pairs.append((raw, model))
    if point_in_country == "default":
        from lawreach.contract.countries import point_in_country as default_check

        point_in_country = default_check
    bureau_ids = set(bureaus["id"]) if len(bureaus) else {"unknown"}
    valid = cross_check(pairs, bureau_ids, point_in_country)  # type: ignore[arg-type]

    invalid: dict[str, int] = {name: 0 for name in in_files}
    for raw in raws:
        problems += raw.problems
        if raw.problems:
            invalid[raw.file] = invalid.get(raw.file, 0) + 1
    return Dataset(
        records=records_frame(valid),
        bureaus=bureaus,
        totals=totals,
        problems=problems,
        in_files=in_files,
        invalid=invalid,
    )


def records_frame(pairs: list[tuple[RawRecord, Record]]) -> pd.DataFrame:
    """One row per valid record; nested fields stay lists of plain dicts."""
    rows = []
    for raw, rec in pairs:
        row = rec.model_dump(mode="python")
        for name in ("start_date", "first_reported", "end_date"):
            value = getattr(rec, name)
            row[name] = value.text if value is not None else None
        row["history"] = [_plain(e) for e in rec.history]
        row["sources"] = [_plain(s) for s in rec.sources]
        row["file"], row["where"] = raw.file, raw.where
        row["start_earliest"] = _ts(rec.start_date and rec.start_date.earliest)
        row["start_latest"] = _ts(rec.start_date and rec.start_date.latest)
        row["end_earliest"] = _ts(rec.end_date and rec.end_date.earliest)
        row["end_latest"] = _ts(rec.end_date and rec.end_date.latest)
        row["reported_earliest"] = _ts(rec.first_reported and rec.first_reported.earliest)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(RECORD_FIELDS) + list(FRAME_EXTRA))
    return frame.sort_values("id", kind="stable").reset_index(drop=True)


def _plain(model) -> dict:
    out = model.model_dump(mode="python")
    if "date" in out:
        out["date"] = model.date.text if model.date is not None else None
    return out


def _ts(value) -> pd.Timestamp:
    return pd.Timestamp(value) if value else pd.NaT


def read_bureaus(path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    """The operating-bureau vocabulary with home locations (for arcs)."""
    problems: list[Problem] = []
    empty = pd.DataFrame(columns=list(BUREAU_COLUMNS))
    if not path.exists():
        return empty, [Problem(path.name, None, None, None, None, "file_read",
                               "the bureau vocabulary file bureaus.csv")]
    text, problems = read_text_file(path)
    if text is None:
        return empty, problems
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = [h.strip() for h in (reader.fieldnames or [])]
        rows = list(reader)
    except csv.Error as exc:
        return empty, [Problem(path.name, None, None, None, None, "file_format",
                               f"a readable CSV ({str(exc)[:120]})")]
    if len(set(header)) != len(header):
        twice = sorted({h for h in header if header.count(h) > 1})
        return empty, [Problem(path.name, "line 1", None, twice[0][:60], None, "columns",
                               "each column once in the header (a repeated column silently "
                               "hides the first one's values)")]
    seen: set[str] = set()
    good = []
    for line, row in enumerate(rows, start=2):
        bid = (row.get("id") or "").strip()
        where = f"line {line}"
        if not bid or bid in seen:
            problems.append(Problem(path.name, where, bid or None, "id", bid, "unique_id",
                                    "a unique, non-empty bureau id"))
            continue
        seen.add(bid)
        try:
            lon = float(row["lon"]) if row.get("lon") else None
            lat = float(row["lat"]) if row.get("lat") else None
        except ValueError:
            problems.append(Problem(path.name, where, bid, "lon/lat", (row.get("lon"), row.get("lat")),
                                    "type", "numbers for the bureau's home location"))
            continue
        if bid != "unknown" and (lon is None or lat is None):
            problems.append(Problem(path.name, where, bid, "lon/lat", None, "required",
                                    "a home location (lon, lat) for every known bureau"))
            continue
        good.append({**{c: (row.get(c) or None) for c in BUREAU_COLUMNS}, "lon": lon, "lat": lat})
    return pd.DataFrame(good, columns=list(BUREAU_COLUMNS)), problems


TOTAL_SCOPES = ("report", "bureau", "country")


def read_totals(path: Path, problems: list[Problem], bureau_ids: set[str] | None = None) -> pd.DataFrame:
    """Totals stated by the reports (e.g. 102 stations), kept as data for coverage.

    Each row is checked like a record (vocabularies, http(s) link, numbers); a bad
    row is reported and left out, as records are.
    """
    if not path.exists():
        problems.append(Problem(path.name, None, None, None, None, "file_read",
                                "the reported totals file reported_totals.csv"))
        return pd.DataFrame()
    text, file_problems = read_text_file(path)
    if text is None:
        problems.extend(file_problems)
        return pd.DataFrame()
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        problems.append(Problem(path.name, None, None, None, None, "file_format",
                                f"a readable CSV ({str(exc).splitlines()[0][:120]})"))
        return pd.DataFrame()
    if len(set(frame.columns)) != len(frame.columns) or any(
            str(c).rsplit(".", 1)[-1].isdigit() and str(c).rsplit(".", 1)[0] in frame.columns
            for c in frame.columns):
        problems.append(Problem(path.name, "line 1", None, None, None, "columns",
                                "each column once in the header"))
        return pd.DataFrame()
    keep = []
    for index, row in frame.iterrows():
        found = _check_total(row, path.name, f"line {index + 2}", bureau_ids)
        problems.extend(found)
        keep.append(not found)
    frame = frame[keep].reset_index(drop=True)
    for column in ("stations", "countries", "cities"):
        if column in frame:
            frame[column] = pd.to_numeric(frame[column].replace("", None), errors="coerce")
    return frame


def _check_total(row: pd.Series, file: str, where: str, bureau_ids: set[str] | None) -> list[Problem]:
    """The rules for one row of reported_totals.csv."""
    found: list[Problem] = []
    rid = row.get("id") or None

    def bad(field: str, value: object, rule: str, expected: str) -> None:
        found.append(Problem(file, where, rid, field, value, rule, expected))

    if row.get("scope") not in TOTAL_SCOPES:
        bad("scope", row.get("scope"), "vocabulary", "one of: " + ", ".join(TOTAL_SCOPES))
    if row.get("report") and row["report"] not in REPORTS:
        bad("report", row["report"], "vocabulary", "one of: " + ", ".join(REPORTS))
    if row.get("bureau") and bureau_ids is not None and row["bureau"] not in bureau_ids:
        bad("bureau", row["bureau"], "bureau", "an id from bureaus.csv")
    if row.get("confidence") not in CONFIDENCES:
        bad("confidence", row.get("confidence"), "vocabulary", "one of: " + ", ".join(CONFIDENCES))
    if row.get("url") and not row["url"].startswith(("http://", "https://")):
        bad("url", row["url"], "url_scheme", "an http(s) URL")
    for column in ("stations", "countries", "cities"):
        if row.get(column) and not row[column].isdigit():
            bad(column, row[column], "type", "a whole number, or empty when not stated")
    return found


def read_document(path: Path, limit: int = 200_000) -> str | None:
    """A text file of the data folder (its README) through the checked reader, for pages
    that quote it; None when it is missing or is not a readable regular UTF-8 file."""
    if not path.exists() and not path.is_symlink():
        return None
    text, _problems = read_text_file(path)
    return None if text is None else text[:limit]
