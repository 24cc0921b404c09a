"""CSV and GeoJSON of exactly the filtered records, each carrying its provenance.

An analyst who downloads "what I filtered" must get those records and nothing
else, and a file found months later must still say what it is. So every export
here carries the data version, the filter sentence and the citation line, and
the same inputs always give the same bytes (tests compare with saved files).

CSV layout (a decision, documented in the module so the tests hold it):

* one row per record, a header row first and nothing before it, so Excel,
  LibreOffice, Google Sheets and ``pandas.read_csv`` open it with no options;
* UTF-8 with a byte-order mark, because Excel reads BOM-less UTF-8 as a
  legacy code page and would garble Chinese names; CRLF line ends (RFC 4180);
* ``sources`` holds one "title — publisher — date — url (kind)" per source
  joined with " | ", ``source_count`` their number, and ``history`` one
  "date: event (authority) [status]" per event joined with " | ";
* ``status_on`` is the status on the filter's date (as of, or the end of the year
  range; ``lawreach.contract.status``), the latest status when the filter has no date: the
  file says what the map said;
* provenance as the last three columns, ``data_version``, ``filter`` and
  ``citation``, repeated on every row: leading ``#`` rows would break the
  header row in spreadsheets, and a sidecar file gets lost from a single
  download; a column survives both, and copying rows elsewhere;
* text cells that a spreadsheet would run as a formula (starting with
  ``=``, ``+``, ``-``, ``@``, tab or CR) get a leading apostrophe, as OWASP
  advises for CSV injection. Numbers (lon, lat, route order) are written as
  numbers and left alone.

GeoJSON: an RFC 7946 FeatureCollection shaped like ``data/stations.geojson``
(one Point per record, patrols included, so the project's own loader
validates it), plus a top-level ``metadata`` foreign member and, on each
feature, a ``status_on`` foreign member (the status on the filter's date).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from lawreach.contract import provenance
from lawreach.contract.schema import RECORD_FIELDS

# Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = " | "
PART_SEPARATOR = " — "
NUMERIC_FIELDS = ("lon", "lat", "route_order")
CSV_FLAT_FIELDS: tuple[str, ...] = tuple(f for f in RECORD_FIELDS if f not in ("history", "sources"))
CSV_COLUMNS: tuple[str, ...] = (
    *CSV_FLAT_FIELDS, "source_count", "sources", "history", "status_on", "data_version", "filter",
    "citation",
)
GEOJSON_PROPERTIES: tuple[str, ...] = tuple(f for f in RECORD_FIELDS if f not in ("lon", "lat"))


@dataclass(frozen=True)
class ExportMeta:
    """What every export says about itself: title, filter, version, citation, date.

    Built once per export request, so a PNG, a CSV and an HTML map made from one
    view agree; ``export_date`` is a parameter so tests can reproduce bytes.
    """

    title: str
    sentence: str
    data_version: str
    citation: str
    credit: str
    export_date: date = field(default_factory=date.today)

    @classmethod
    def for_data(
        cls,
        data_dir: Path | str,
        sentence: str,
        *,
        title: str | None = None,
        export_date: date | None = None,
    ) -> ExportMeta:
        data_dir = Path(data_dir)
        return cls(
            title=(title or "").strip() or provenance.TITLE,
            sentence=sentence,
            data_version=provenance.data_version(data_dir),
            citation=provenance.citation(data_dir),
            credit=provenance.credit_line(data_dir),
            export_date=export_date or date.today(),
        )

    def as_dict(self, record_count: int) -> dict[str, Any]:
        return {
            "title": self.title,
            "filter": self.sentence,
            "record_count": record_count,
            "data_version": self.data_version,
            "citation": self.citation,
            "credit": self.credit,
            "licence": provenance.DATA_LICENCE,
            "exported": self.export_date.isoformat(),
        }


# --- cell helpers -------------------------------------------------------------


def is_missing(value: Any) -> bool:
    """None, NaN and NaT all mean 'not known' in a pandas row."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value)) if not isinstance(value, list | dict | tuple) else False
    except (TypeError, ValueError):
        return False


def plain(value: Any) -> Any:
    """A JSON-ready value: NaN becomes None, integral floats of route_order stay ints."""
    if is_missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, list | dict):  # numpy scalar
        value = value.item()
    return value


def neutralise(text: str) -> str:
    """Prefix an apostrophe when a spreadsheet would read the text as a formula."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _number(value: Any, integral: bool = False) -> str:
    value = plain(value)
    if value is None:
        return ""
    number = float(value)
    if not math.isfinite(number):
        return ""
    return str(int(number)) if integral else repr(number)


def _join(parts: Iterable[Any]) -> str:
    return PART_SEPARATOR.join(str(p) for p in parts if not is_missing(p) and str(p) != "")


def flatten_sources(sources: Any) -> str:
    """'title — publisher — date — url (kind)' per source, joined with ' | '."""
    items = sources if isinstance(sources, list) else []
    out = []
    for source in items:
        text = _join([source.get("title"), source.get("publisher"), source.get("date"),
                      source.get("url")])
        if source.get("kind"):
            text += f" ({source['kind']})"
        out.append(text)
    return LIST_SEPARATOR.join(out)


def flatten_history(history: Any) -> str:
    """'date: event (authority) [status]' per event, joined with ' | '."""
    items = history if isinstance(history, list) else []
    out = []
    for event in items:
        text = f"{event.get('date') or 'undated'}: {event.get('event', '')}"
        if event.get("authority"):
            text += f" ({event['authority']})"
        if event.get("status"):
            text += f" [{event['status']}]"
        out.append(text)
    return LIST_SEPARATOR.join(out)


# --- CSV ----------------------------------------------------------------------


def csv_rows(records: pd.DataFrame, meta: ExportMeta) -> list[list[str]]:
    """The CSV as a header plus one list of cells per record (already neutralised)."""
    rows = [list(CSV_COLUMNS)]
    for rec in records.to_dict("records"):
        cells: list[str] = []
        for name in CSV_FLAT_FIELDS:
            value = rec.get(name)
            if name in NUMERIC_FIELDS:
                cells.append(_number(value, integral=name == "route_order"))
            else:
                cells.append("" if is_missing(value) else neutralise(str(value)))
        sources = rec.get("sources") if isinstance(rec.get("sources"), list) else []
        cells.append(str(len(sources)))
        cells.append(neutralise(flatten_sources(sources)))
        cells.append(neutralise(flatten_history(rec.get("history"))))
        status_on = rec.get("status_on")
        cells.append(neutralise(str(rec.get("status") if is_missing(status_on) else status_on)))
        cells += [neutralise(meta.data_version), neutralise(meta.sentence), neutralise(meta.citation)]
        rows.append(cells)
    return rows


def to_csv(records: pd.DataFrame, meta: ExportMeta) -> bytes:
    """The filtered records as spreadsheet-safe CSV bytes (UTF-8 with BOM, CRLF)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(csv_rows(records, meta))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- GeoJSON ------------------------------------------------------------------


def to_feature(rec: Mapping[str, Any]) -> dict[str, Any]:
    """One record as an RFC 7946 Point feature (lon/lat in the geometry only)."""
    props: dict[str, Any] = {}
    for name in GEOJSON_PROPERTIES:
        value = plain(rec.get(name))
        if name == "route_order" and value is not None:
            value = int(value)
        if name in ("history", "sources"):
            value = [{k: plain(v) for k, v in item.items()} for item in (value or [])]
        props[name] = value
    feature = {
        "type": "Feature",
        "id": props["id"],
        "geometry": {"type": "Point", "coordinates": [float(rec["lon"]), float(rec["lat"])]},
        "properties": props,
    }
    status_on = plain(rec.get("status_on"))
    if status_on is not None:
        # A foreign member (RFC 7946, 6.1), beside the properties: the properties stay the
        # data's own shape, so the loader still validates an export.
        feature["status_on"] = status_on
    return feature


def to_geojson_dict(records: pd.DataFrame, meta: ExportMeta) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "metadata": meta.as_dict(len(records)),
        "features": [to_feature(rec) for rec in records.to_dict("records")],
    }


def to_geojson(records: pd.DataFrame, meta: ExportMeta) -> bytes:
    """The filtered records as GeoJSON bytes (UTF-8, stable key order, LF)."""
    text = json.dumps(to_geojson_dict(records, meta), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


# --- file names -----------------------------------------------------------------


def slug(text: str, limit: int = 40) -> str:
    """A file-name-safe fragment: lowercase ASCII letters, digits and hyphens."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return cleaned[:limit].strip("-") or "all"


def suggested_name(parts: Iterable[str], ext: str, export_date: date | None = None) -> str:
    """'lawreach-qingtian-psb-ita-2026-11-24.png': what the file holds, and when."""
    pieces = ["lawreach", *[slug(p) for p in parts if p]]
    if export_date is not None:
        pieces.append(export_date.isoformat())
    return "-".join(pieces) + "." + ext.lstrip(".")
