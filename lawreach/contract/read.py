"""Read the raw records out of the data files, reporting what cannot be read.

This module only turns bytes into ``RawRecord`` dicts addressed by feature
index or CSV line; it does not judge their content (``rules`` does). A file
that cannot be parsed at all yields one file-level problem and no records, so
the caller still knows exactly what was lost.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lawreach.contract.problems import Problem
from lawreach.contract.records import RawRecord
from lawreach.contract.schema import NESTED_FIELDS, RECORD_FIELDS

MAX_FILE_BYTES = 20 * 1024 * 1024  # the real data is < 1 MB; larger is a mistake or an attack
_EXCEL_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # xlsx (zip) and legacy xls (OLE)


def _open_regular(path: Path) -> tuple[bytes | None, list[Problem]]:
    """The bytes of a regular file, at most MAX_FILE_BYTES, or why not.

    A data folder may come from a fork or a pull request, so its "files" are checked
    for what they are, not trusted: a symbolic link is refused (git keeps links, and
    one can point at /proc/self/environ or a secret), and so is anything that is not
    a regular file (a device never ends, a named pipe blocks forever). The size is
    bounded by reading at most one byte past the limit, never by trusting st_size
    (0 for devices). The file is opened without following links and without
    blocking, then checked on the open descriptor, so it cannot be swapped between
    the check and the read.
    """
    name = path.name
    limit = f"a data file of at most {MAX_FILE_BYTES // 2**20} MB; split it or check it is the right file"
    try:
        if stat.S_ISLNK(os.lstat(path).st_mode):
            return None, [Problem(name, None, None, None, None, "file_read",
                                  "a regular file, not a symbolic link (a link can point outside the "
                                  "data folder; commit the file itself)")]
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return None, [Problem(name, None, None, None, None, "file_read",
                              f"a readable file ({exc.strerror or type(exc).__name__})")]
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = ("a folder" if stat.S_ISDIR(mode) else "a named pipe" if stat.S_ISFIFO(mode)
                    else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a socket")
            return None, [Problem(name, None, None, None, None, "file_read",
                                  f"a regular file; this is {kind}")]
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, [Problem(name, None, None, None, None, "file_read",
                              f"a readable file ({exc.strerror or type(exc).__name__})")]
    finally:
        if fd >= 0:
            os.close(fd)
    if len(raw) > MAX_FILE_BYTES:
        return None, [Problem(name, None, None, None, f"over {MAX_FILE_BYTES / 1e6:.1f} MB",
                              "file_read", limit)]
    return raw, []


def read_bytes(path: Path) -> bytes | None:
    """A data file's bytes through the same checks (None if it is not a readable regular
    file within the size limit): for hashing and for the folder's small text files."""
    return _open_regular(path)[0]


def read_text_file(path: Path) -> tuple[str | None, list[Problem]]:
    """Read any file of a data folder as UTF-8 text, with the checks every data file needs
    (regular file, size, encoding); every reader of the folder goes through here."""
    return _read_text(path)


def _read_text(path: Path) -> tuple[str | None, list[Problem]]:
    """Read a data file as UTF-8 text, with the checks every data file needs."""
    name = path.name
    raw, problems = _open_regular(path)
    if raw is None:
        return None, problems
    if raw.startswith(_EXCEL_MAGIC):
        return None, [Problem(name, None, None, None, None, "file_format",
                              "a plain-text file; this looks like a spreadsheet workbook "
                              "(Excel/ODS) — save it as 'CSV UTF-8' instead")]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4]:
        # UTF-16 ("Unicode Text" from Excel) without a BOM is valid "UTF-8" full of NULs:
        # catch it here, or every column is reported as unknown.
        line = raw[: max(raw.find(b"\x00"), 0)].count(b"\n") + 1
        return None, [Problem(name, f"line {line}", None, None,
                              raw[:4].hex(" "), "encoding",
                              "UTF-8 text; this looks like UTF-16 (Excel 'Unicode Text') or a "
                              "binary file — re-save as 'CSV UTF-8'")]
    try:
        text = raw.decode("utf-8-sig")  # a BOM from spreadsheet tools is harmless: accept it
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(name, f"line {line}", None, None,
                              raw[exc.start : exc.start + 4].hex(" "), "encoding",
                              f"UTF-8 text; byte {exc.start} is not UTF-8 (re-save as UTF-8)")]
    return text, []


def read_geojson(path: Path) -> tuple[list[RawRecord], list[Problem]]:
    """Read a FeatureCollection of Points into raw records (lon/lat from geometry)."""
    name = path.name
    text, problems = _read_text(path)
    if text is None:
        return [], problems
    deep = _too_deep(text)
    if deep is not None:
        return [], [Problem(name, f"line {deep}", None, None, None, "file_format",
                            f"JSON nested at most {MAX_JSON_DEPTH} levels deep; it goes deeper at "
                            f"line {deep} (corrupt or crafted)")]
    try:
        doc = json.loads(text, object_pairs_hook=_JsonObject.from_pairs)
    except json.JSONDecodeError as exc:
        return [], [Problem(name, f"line {exc.lineno}", None, None, None, "file_format",
                            f"valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
                            + _json_hint(text, exc))]
    except RecursionError:
        # Python's parser recurses per nesting level; a crafted file must not crash `validate`.
        return [], [Problem(name, None, None, None, None, "file_format",
                            "JSON of ordinary depth; this file nests arrays or objects thousands "
                            "of levels deep (corrupt or crafted)")]
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(
        doc.get("features"), list
    ):
        return [], [Problem(name, None, None, "type", _short(doc), "file_format",
                            "a GeoJSON FeatureCollection with a 'features' array")]
    if "crs" in doc:
        problems.append(Problem(name, None, None, "crs", _short(doc.get("crs")), "file_format",
                                "no 'crs' member: RFC 7946 GeoJSON is always WGS 84 lon/lat; "
                                "reproject the file instead of declaring another system"))
    for key in getattr(doc, "duplicates", ()):
        problems.append(Problem(name, None, None, key, None, "file_format",
                                f"the key '{key}' once in the FeatureCollection; JSON readers keep only "
                                "the last one, so everything in the earlier one is lost"))
    records = []
    for index, feature in enumerate(doc["features"]):
        rec = RawRecord(name, f"feature {index}", {})
        records.append(rec)
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            rec.problem("type", _short(feature), "file_format", "a GeoJSON Feature object")
            continue
        props = feature.get("properties")
        if not isinstance(props, dict):
            rec.problem("properties", _short(props), "file_format", "a properties object")
            continue
        rec.data.update(props)
        for key_path in _surrogate_paths(props):
            rec.problem(key_path, None, "encoding",
                        "text; this holds a lone UTF-16 surrogate escape (\\ud800–\\udfff), "
                        "which is not a character")
        for key_path in _duplicate_keys(feature):
            rec.problem(key_path, None, "file_format",
                        "each key once per object; it appears twice and JSON readers silently keep "
                        "only the last value — keep the right one")
        for clash in ("lon", "lat"):
            if clash in props:
                rec.problem(clash, props[clash], "unknown_field",
                            "no lon/lat in properties: coordinates belong in the Point geometry")
        _read_point(rec, feature.get("geometry"))
        if "id" in feature and props.get("id") not in (None, feature["id"]):
            rec.problem("id", feature["id"], "unique_id",
                        f"the feature id to equal properties.id ({props.get('id')!r})")
    return records, problems


MAX_JSON_DEPTH = 32  # the data nests 5 deep (collection > features > feature > sources > source)
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _too_deep(text: str) -> int | None:
    """The line where the JSON first nests deeper than MAX_JSON_DEPTH, else None.

    Counted by a scan, not by letting the parser recurse: its limit depends on the
    caller's stack, so the same file passed ``validate`` and failed in the app."""
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return text.count("\n", 0, match.start()) + 1
        elif token in "]}":
            depth -= 1
    return None


def _surrogate_paths(value: Any, path: str = "") -> list[str]:
    """Where a JSON value holds a lone UTF-16 surrogate ("\\ud800" is valid JSON but not
    text: it cannot be encoded, and broke the frame for every record)."""
    if isinstance(value, str):
        return [path.rstrip(".") or "(value)"] if _SURROGATE.search(value) else []
    if isinstance(value, dict):
        found = [f"{path}{k}" for k in value if isinstance(k, str) and _SURROGATE.search(k)]
        for key, item in value.items():
            found += _surrogate_paths(item, f"{path}{key}.")
        return found
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _surrogate_paths(item, f"{path}{i}.")]
    return []


def _json_hint(text: str, exc: json.JSONDecodeError) -> str:
    """Name the likely cause of a JSON error a contributor would not recognise."""
    head = text.lstrip()[:200].lower()
    if head.startswith("<"):
        kind = "a KML/XML file" if head.startswith("<?xml") or "<kml" in head else "a web page"
        return f"; this looks like {kind}, not GeoJSON (save the raw .geojson file instead)"
    if exc.pos >= len(text.rstrip()):
        return "; the file ends in the middle of the JSON: was it cut off (incomplete download or copy)?"
    if text[exc.pos : exc.pos + 1] in ("]", "}") and text[: exc.pos].rstrip().endswith(","):
        return "; remove the comma before this closing bracket (JSON allows no trailing comma)"
    first_line = text.split("\n", 1)[0]
    if not head.startswith(("{", "[")) and ("\t" in first_line or "," in first_line):
        return "; this looks like a table (CSV/TSV), not GeoJSON"
    return ""


class _JsonObject(dict):
    """A JSON object that remembers keys given more than once (``json`` keeps the last)."""

    duplicates: tuple[str, ...] = ()

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, Any]]) -> _JsonObject:
        obj = cls(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            obj.duplicates = tuple(k for k, _ in pairs if k in seen or seen.add(k))
        return obj


def _duplicate_keys(value: Any, path: str = "") -> list[str]:
    """Dotted paths of repeated keys anywhere in a feature ("properties.status")."""
    found: list[str] = []
    if isinstance(value, _JsonObject):
        found += [f"{path}{key}" for key in value.duplicates]
        for key, item in value.items():
            found += _duplicate_keys(item, f"{path}{key}.")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _duplicate_keys(item, f"{path}{i}.")
    return [p.removeprefix("properties.") for p in found]


def _read_point(rec: RawRecord, geometry: Any) -> None:
    if geometry is None:
        rec.problem("geometry", None, "geometry", "a Point geometry; got null (every record is mapped)")
        return
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        rec.problem("geometry", kind, "geometry", "a Point geometry (one site per record)")
        return
    coords = geometry.get("coordinates")
    if (
        not isinstance(coords, list)
        or len(coords) not in (2, 3)
        or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords)
        or not all(math.isfinite(c) for c in coords)
    ):
        rec.problem("geometry", _short(coords), "geometry",
                    "coordinates [lon, lat] as two finite numbers (RFC 7946, WGS84)")
        return
    rec.data["lon"], rec.data["lat"] = float(coords[0]), float(coords[1])


def read_csv(path: Path) -> tuple[list[RawRecord], list[Problem]]:
    """Read patrols.csv into raw records, addressed by their first physical line."""
    name = path.name
    text, problems = _read_text(path)
    if text is None:
        return [], problems
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return [], [Problem(name, None, None, None, None, "file_format", "a CSV header row")]
    except csv.Error as exc:
        return [], [Problem(name, "line 1", None, None, None, "file_format", f"a CSV header ({exc})")]
    header = [h.strip() for h in header]
    if len(header) == 1 and any(sep in header[0] for sep in ";\t|"):
        return [], [Problem(name, "line 1", None, None, header[0][:60], "file_format",
                            "comma-separated columns; the header looks separated by ';' or tabs")]
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        return [], [Problem(name, "line 1", None, twice[0], None, "columns",
                            "each column once in the header; a repeated column silently hides the "
                            "first one's values")]
    unknown = [h for h in header if h not in RECORD_FIELDS]
    missing = [f for f in RECORD_FIELDS if f not in header]
    for column in unknown:
        problems.append(Problem(name, "line 1", None, column, column, "columns",
                                "only documented columns (see data/README.md); this column is "
                                "ignored"))
    for column in missing:
        problems.append(Problem(name, "line 1", None, column, None, "columns",
                                "this documented column in the header (it may stay empty per row)"))
    records: list[RawRecord] = []
    lines = io.StringIO(text, newline="").readlines()
    for start, row, error in _rows(lines, reader.line_num):
        if error is not None:
            first_cell = lines[start - 1].split(",", 1)[0].strip()
            rec = RawRecord(name, f"line {start}", {"id": first_cell} if first_cell else {})
            rec.problem(None, None, "csv_shape", error)
            records.append(rec)
            continue
        if not row or all(not cell.strip() for cell in row):
            continue
        rec = RawRecord(name, f"line {start}", {})
        records.append(rec)
        if len(row) != len(header):
            rec.data.update(dict(zip(header, row, strict=False)))
            rec.problem(None, len(row), "csv_shape",
                        f"{len(header)} cells as in the header; got {len(row)} (check delimiters "
                        "and quoting)")
            continue
        for column, cell in zip(header, row, strict=True):
            if column in unknown:
                continue
            rec.data[column] = cell
        _parse_cells(rec)
    return records, problems


MAX_BROKEN_ROWS = 1000  # past this, the file is not the CSV we expect: stop, say so


class _Lines:
    """An iterator over physical lines that can be rewound, for re-reading after an error."""

    def __init__(self, lines: list[str], pos: int) -> None:
        self.lines, self.pos = lines, pos

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.lines):
            raise StopIteration
        self.pos += 1
        return self.lines[self.pos - 1]


def _rows(lines: list[str], header_lines: int) -> Iterator[tuple[int, list[str], str | None]]:
    """Data rows as (first physical line, cells, error), after the header.

    A row the csv module cannot parse (an unbalanced quote, an oversized cell)
    is yielded with an error message, and reading resumes on the next physical
    line, so one stray quote costs one record instead of the rest of the file.
    ``lines`` are split as the csv module splits them (``readlines`` with newline='').
    """
    source = _Lines(lines, header_lines)
    broken = 0
    reader = csv.reader(source, strict=True)
    while True:
        start = source.pos + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            broken += 1
            if "field larger than field limit" in str(exc):
                why = f"cells of at most {csv.field_size_limit()} characters ({exc})"
            else:
                why = f"balanced double quotes ({exc})"
            if broken >= MAX_BROKEN_ROWS:
                yield start, [], (f"{why}; {MAX_BROKEN_ROWS} rows are broken, so the "
                                  f"{len(lines) - start} line(s) from here were not read")
                return
            yield start, [], f"{why}; line {start} was skipped and reading resumed at the next line"
            source.pos = start  # resume just after the first line of the broken row
            reader = csv.reader(source, strict=True)
            continue
        yield start, row, None


def _parse_cells(rec: RawRecord) -> None:
    """Turn CSV text cells into the JSON types the model expects."""
    for column in NESTED_FIELDS:
        cell = rec.data.get(column)
        if cell is None:
            continue
        if not cell.strip():
            rec.data[column] = []
            continue
        try:
            value = json.loads(cell)
        except json.JSONDecodeError as exc:
            rec.problem(column, cell, "json_cell", f"a JSON array of objects ({exc.msg})")
            rec.data.pop(column)
            continue
        if not isinstance(value, list):
            rec.problem(column, cell, "json_cell", "a JSON array of objects")
            rec.data.pop(column)
            continue
        rec.data[column] = value
    for column in ("lon", "lat"):
        cell = rec.data.get(column)
        if isinstance(cell, str) and cell.strip():
            try:
                rec.data[column] = float(cell)
            except ValueError:
                pass  # the model reports the type error with field and value
    order = rec.data.get("route_order")
    if isinstance(order, str):
        rec.data["route_order"] = int(order) if order.strip().isdigit() else (order or None)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:60] + "…"
