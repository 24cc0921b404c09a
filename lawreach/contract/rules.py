"""Named validation rules, applied to raw records one by one and then across records.

Per-record rules live in the pydantic model (``schema.Record``); this module
turns its errors into addressed ``Problem``s with a rule name, and adds the
rules that need more than one record or outside data: unique ids, bureau ids,
event sources, route order, and the point-in-country check against Natural
Earth boundaries.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pydantic import ValidationError

from lawreach.contract.records import RawRecord
from lawreach.contract.schema import Record

_FORMULA_START = ("=", "+", "@", "\t", "\r")
_TEXT_FIELDS = (
    "name", "name_zh", "name_pinyin", "partner_agency", "programme", "city", "address", "notes",
    "coordinate_source", "route_id",
)
# Free text inside the nested lists: exported CSVs flatten these into cells too.
_NESTED_TEXT_FIELDS = {"sources": ("title", "publisher", "note"), "history": ("event", "authority")}
# Rules raised by the model as a whole (no field in the error location): the
# fields each one is about, so a message still names where to look.
_MODEL_RULE_FIELDS = {
    "status_for_type": "status",
    "route": "route_id/route_order",
    "bureau_confidence": "bureau_confidence",
}
_TYPE_ERRORS = {
    "float_parsing", "float_type", "int_parsing", "int_type", "int_from_float", "list_type",
    "string_type", "model_type", "dict_type", "model_attributes_type", "bool_type",
}

_DECIMAL_COMMA = re.compile(r"^[-+]?\d+,\d+$")

PointCheck = Callable[[float, float, str], bool | None]


def _rule_for(error: dict[str, Any]) -> str:
    kind = error["type"]
    field = str(error["loc"][0]) if error["loc"] else None
    if kind == "missing" or (kind in _TYPE_ERRORS and error.get("input") in (None, "")):
        return "required"
    if kind == "string_too_short":
        return "required"
    if kind == "extra_forbidden":
        return "unknown_field"
    if field in ("lon", "lat") and kind in ("greater_than_equal", "less_than_equal", "finite_number"):
        return "coordinates_range"
    if kind in _TYPE_ERRORS:
        return "type"
    if field == "route_order":
        return "route"
    return kind


def _expected(error: dict[str, Any], rule: str) -> str:
    if rule == "required":
        return "a value (this field is required)"
    if rule == "unknown_field":
        return "only documented fields (see data/README.md)"
    if rule == "coordinates_range":
        hint = " — are lon and lat swapped, or is the point projected (not WGS84)?"
        return error["msg"].replace("Input should be", "a number") + hint
    value = error.get("input")
    if rule == "type" and isinstance(value, str) and _DECIMAL_COMMA.match(value.strip()):
        return "a number with a decimal point (write 20.4573, not 20,4573)"
    return error["msg"]


def _misplaced_hint(lon: float, lat: float, country: str, check: PointCheck) -> str:
    """The likely cause of a point outside its country, tried in order of how often it happens."""
    if lon == 0 and lat == 0:
        return " — (0, 0) is where a failed geocoder or an empty cell puts a point"
    candidates = [((lat, lon), "lon and lat look swapped"), ((-lon, lat), "the sign of lon looks wrong"),
                  ((lon, -lat), "the sign of lat looks wrong")]
    for (x, y), why in candidates:
        if abs(x) <= 180 and abs(y) <= 90 and check(x, y, country):
            return f" — {why}"
    return ""


def looks_like_formula(text: str) -> bool:
    """True for text a spreadsheet would run as a formula when the CSV is opened."""
    if not text:
        return False
    if text.startswith(_FORMULA_START):
        return True
    return text.startswith("-") and len(text) > 1 and not (text[1].isdigit() or text[1] == " ")


MAX_TEXT_CHARS = 131_072  # the csv module's cell limit, for GeoJSON text too
# C0 controls but tab, newline and carriage return; DEL; bidi embeddings, overrides, isolates.
_HIDDEN_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def validate_record(raw: RawRecord) -> Record | None:
    """Apply the per-record rules; append problems to ``raw`` and return the model if valid."""
    if any(p.rule in ("csv_shape", "file_format") for p in raw.problems):
        # Misaligned cells, or a feature that is not a Feature: any further message would
        # name the wrong field, or say "required" a dozen times for one mistake.
        return None
    for name, value in _text_values(raw.data):
        if len(value) > MAX_TEXT_CHARS:
            raw.problem(name, value, "type", f"text of at most {MAX_TEXT_CHARS:,} characters")
            continue
        if _HIDDEN_CHARS.search(value):
            raw.problem(name, value, "encoding",
                        "plain text: no control characters (NUL, escape) and no bidirectional "
                        "overrides, which make text display in another order than it is stored")
        if looks_like_formula(value):
            raw.problem(name, value, "formula",
                        "text that does not start with =, +, - or @ (it would run as a "
                        "spreadsheet formula)")
    model = _collect_model_errors(raw)
    return None if raw.problems else model


def _text_values(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(field path, text) for every free-text value, nested ones as "sources.0.title"."""
    for name in _TEXT_FIELDS:
        value = data.get(name)
        if isinstance(value, str):
            yield name, value
    for list_name, keys in _NESTED_TEXT_FIELDS.items():
        items = data.get(list_name)
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            for key in keys:
                value = item.get(key)
                if isinstance(value, str):
                    yield f"{list_name}.{i}.{key}", value


def _model_level_field(error: dict[str, Any], rule: str) -> tuple[str | None, Any]:
    """Field and value for an error raised by the model as a whole (empty ``loc``)."""
    ctx = error.get("ctx") or {}
    if rule == "date_order":
        return f"{ctx.get('earlier')}/{ctx.get('later')}", [ctx.get("a"), ctx.get("b")]
    field = _MODEL_RULE_FIELDS.get(rule)
    data = error.get("input") if isinstance(error.get("input"), dict) else {}
    return field, ctx.get("status") if rule == "status_for_type" else data.get(field or "")


def _collect_model_errors(raw: RawRecord) -> Record | None:
    already = {p.field for p in raw.problems}
    try:
        return Record.model_validate(raw.data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            rule = _rule_for(error)
            loc = error["loc"]
            field = ".".join(str(p) for p in loc) if loc else None
            if field in already or (field in ("lon", "lat") and "geometry" in already):
                continue  # the reader already named this problem more precisely
            value = error.get("input")
            if not loc:
                field, value = _model_level_field(error, rule)
            if isinstance(value, dict) or (isinstance(value, list) and rule != "date_order"):
                value = None if rule != "unknown_field" else value
            raw.problem(field, value, rule, _expected(error, rule))
        return None


def cross_check(
    pairs: Iterable[tuple[RawRecord, Record]],
    bureau_ids: set[str],
    point_in_country: PointCheck | None,
) -> list[tuple[RawRecord, Record]]:
    """Rules across records; returns the pairs that pass, problems go on the raw records."""
    pairs = list(pairs)
    seen: dict[str, str] = {}
    for raw, rec in pairs:
        if rec.id in seen:
            raw.problem("id", rec.id, "unique_id", f"a unique id; already used by {seen[rec.id]}")
        else:
            seen[rec.id] = f"{raw.file} {raw.where}"
        if rec.operating_bureau not in bureau_ids:
            raw.problem("operating_bureau", rec.operating_bureau, "bureau",
                        "an id from bureaus.csv: " + ", ".join(sorted(bureau_ids)))
        urls = {s.url for s in rec.sources}
        for i, event in enumerate(rec.history):
            if event.source is not None and event.source not in urls:
                raw.problem(f"history.{i}.source", event.source, "event_source",
                            "the url of one of this record's sources")
        if point_in_country is not None:
            inside = point_in_country(rec.lon, rec.lat, rec.country)
            if inside is False:
                hint = _misplaced_hint(rec.lon, rec.lat, rec.country, point_in_country)
                raw.problem("lon/lat", [rec.lon, rec.lat], "point_in_country",
                            f"a point inside {rec.country} (within 25 km of its border){hint}")
    routes: dict[str, Counter[int]] = defaultdict(Counter)
    for _raw, rec in pairs:
        if rec.route_id is not None and rec.route_order is not None:
            routes[rec.route_id][rec.route_order] += 1
    for raw, rec in pairs:
        if rec.route_id is not None and routes[rec.route_id][rec.route_order] > 1:
            raw.problem("route_order", rec.route_order, "route",
                        f"a route_order used once within route '{rec.route_id}'")
    return [(raw, rec) for raw, rec in pairs if not raw.problems]
