"""A problem found in a data file, addressed so that a person can fix it.

Every message names the file, the record (feature index or CSV line, and its
id when readable), the field, the value and what was expected. The rule name
says which named check failed, so tests can assert the *reason*, not just a
failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lawreach.contract.text import HIDDEN

# Named rules, with the one-line expectation each enforces. The keys appear in
# problem reports and in data/README.md.
RULES: dict[str, str] = {
    "file_read": ("the file exists, is a regular file (not a symbolic link, pipe or device), is "
                  "readable and is not larger than the size limit"),
    "file_format": "the file is of the expected format (GeoJSON FeatureCollection or UTF-8 CSV)",
    "encoding": ("the file is UTF-8 text; text fields hold no lone surrogates, control characters "
                 "or bidi overrides"),
    "csv_shape": "each CSV row has exactly as many cells as the header",
    "columns": "the CSV header holds exactly the documented columns",
    "json_cell": "a history/sources cell holds a JSON array",
    "geometry": "each feature has a Point geometry with two finite numbers [lon, lat]",
    "required": "required fields are present and not empty",
    "type": "each field has the documented type",
    "unknown_field": "no field outside the data dictionary",
    "vocabulary": "controlled fields use a documented value",
    "bureau": "operating_bureau is an id in bureaus.csv",
    "country_code": "country is an ISO 3166-1 alpha-3 code",
    "coordinates_range": "lon is within -180..180 and lat within -90..90",
    "point_in_country": "the point lies inside its stated country (25 km tolerance for coasts)",
    "date_format": ("dates are ISO 8601 with ASCII digits (YYYY, YYYY-MM or YYYY-MM-DD, optional ? "
                    "or ~), at most 31 days after today"),
    "date_order": "start_date is not after end_date or first_reported",
    "url_scheme": ("source and event links are http(s) URLs that parse, with no spaces"),
    "sources_min": "each record has at least one source",
    "event_source": "an event's source is one of the record's source URLs",
    "status_for_type": "the status applies to the activity type",
    "bureau_confidence": "a known operating bureau carries a bureau_confidence",
    "id_format": "ids are lowercase letters, digits and hyphens",
    "unique_id": "ids are unique across all data files",
    "route": "route waypoints have a route_id and a unique route_order",
    "formula": "text does not start with =, +, - or @ (spreadsheet formula injection)",
}


#: How much of an offending field name or value a problem carries. A hostile file can
#: put anything there (a whole header line, a linked file's contents), and problems go
#: to the page and to CI logs.
MAX_SHOWN = 200


def visible(text: str) -> str:
    """Control and bidi-override characters as escapes, so one problem is one line and
    reads in the order it is stored ("id\\n", not a line break)."""
    return HIDDEN.sub(lambda m: repr(m.group())[1:-1], text)


def clip(value: Any) -> Any:
    """A string cut to MAX_SHOWN characters with its length said; other values as given
    (lists and dicts are shown through repr, so they are cut as text)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= MAX_SHOWN:
        return value
    return f"{text[:MAX_SHOWN]}… ({len(text):,} characters)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one record (or with a whole file when record is None).

    ``field`` and ``value`` are clipped on creation (``clip``), so no sink can show more
    than MAX_SHOWN characters of what a file holds."""

    file: str
    record: str | None  # "feature 3" or "line 12"; None for file-level problems
    record_id: str | None
    field: str | None
    value: Any
    rule: str
    expected: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "field",
                           None if self.field is None else visible(clip(str(self.field))))
        object.__setattr__(self, "value", clip(self.value))
        if self.record_id is not None:
            object.__setattr__(self, "record_id", visible(clip(str(self.record_id))))
        object.__setattr__(self, "expected", visible(str(self.expected)))

    def __str__(self) -> str:
        where = self.file
        if self.record is not None:
            where += f", {self.record}"
            if self.record_id:
                where += f" (id {self.record_id})"
        field = f", field '{self.field}'" if self.field else ""
        value = ""
        if self.value is not None:
            shown = repr(self.value)
            value = f", value {shown[:80] + '…' if len(shown) > 80 else shown}"
        return f"{where}{field}{value}: {self.expected} [{self.rule}]"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "record": self.record,
            "record_id": self.record_id,
            "field": self.field,
            "value": None if self.value is None else str(self.value),
            "rule": self.rule,
            "expected": self.expected,
        }


#: How many problems of one file are listed; the rest are counted. A hostile or broken
#: file can hold 10^5 bad records: listing them all costs minutes and helps no one.
LISTED_PER_FILE = 200


def listed(problems: list[Problem], per_file: int = LISTED_PER_FILE) -> list[str]:
    """One line per problem, at most ``per_file`` per file, then "… and N more in F"."""
    lines: list[str] = []
    shown: dict[str, int] = {}
    hidden: dict[str, int] = {}
    for problem in problems:
        if shown.get(problem.file, 0) < per_file:
            shown[problem.file] = shown.get(problem.file, 0) + 1
            lines.append(str(problem))
        else:
            hidden[problem.file] = hidden.get(problem.file, 0) + 1
    lines += [f"… and {n:,} more problem(s) in {name}" for name, n in hidden.items()]
    return lines
