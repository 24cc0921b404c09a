"""The record contract: fields, controlled vocabularies and the record model.

Both data files (``stations.geojson`` and ``patrols.csv``) hold the same kind of
record, so one model validates both. Each vocabulary is a mapping of the stored
value to a human label; ``data/README.md`` documents every value, and a test
fails when a value here is missing there.

Validation errors raised here carry a *rule name* (the pydantic error type) so
that a problem report can say which named rule a record broke.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import urlparse

import pycountry
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from lawreach.contract.dates import PartialDate, parse_partial_date

#: How far ahead of today a date may be (see ``_date``).
FUTURE_TOLERANCE = timedelta(days=31)

# --- vocabularies ---------------------------------------------------------

ACTIVITY_TYPES: dict[str, str] = {
    "service_station": "Overseas police service station",
    "joint_patrol": "Joint police patrol abroad",
    "training": "Training academy or programme",
    "riverine_patrol": "Mekong River joint patrol",
    "liaison": "Police liaison post or team",
    "cooperation": "Police cooperation centre",
}

STATUSES: dict[str, str] = {
    "reported": "Reported (by NGO or press), no host action known",
    "under_investigation": "Under investigation by the host country",
    "closed": "Closed or ceased (stated by host, operator or China)",
    "denied_by_host": "Host government denies it exists",
    "active": "Active (running when last reported)",
    "ended": "Ended",
}

# Which statuses make sense for which activity type.
STATUSES_BY_TYPE: dict[str, frozenset[str]] = {
    "service_station": frozenset({"reported", "under_investigation", "closed", "denied_by_host"}),
    "joint_patrol": frozenset({"active", "ended"}),
    "riverine_patrol": frozenset({"active", "ended"}),
    "training": frozenset({"active", "ended"}),
    "liaison": frozenset({"active", "ended", "reported"}),
    "cooperation": frozenset({"active", "ended", "reported"}),
}

PRECISIONS: dict[str, str] = {
    "address": "A published street address (building known)",
    "street": "A street or neighbourhood, building not known",
    "city": "The city (or town) only; the point is the city centre",
    "region": "A province, island or region; the point is its centre",
    "country": "The country only; the point is a representative point inside it",
}

CONFIDENCES: dict[str, str] = {
    "read-in-source": "Read in a primary or official text",
    "secondary-source": "Read in news reporting that attributes it",
    "inferred": "A deduction from sources; the reasoning is in the notes",
}

SOURCE_KINDS: dict[str, str] = {
    "ngo_report": "NGO report or NGO statement",
    "host_government": "Host-government statement or record",
    "court": "Court filing or prosecutor's release",
    "press": "Press (news media, including reposts)",
    "prc_official_media": "PRC official media or PRC government page",
}

RELIABILITIES: dict[str, str] = {
    "normal": "No specific concern",
    "low": "Low-reliability or partisan outlet; corroboration needed",
}

REPORTS: dict[str, str] = {
    "110-overseas-2022": "Safeguard Defenders, '110 Overseas' (Sept 2022)",
    "patrol-and-persuade-2022": "Safeguard Defenders, 'Patrol and Persuade' (Dec 2022)",
    "sd-report-unspecified": "Listed by Safeguard Defenders, report not identified",
    "other": "Not from a Safeguard Defenders list",
}

VOCABULARIES: dict[str, dict[str, str]] = {
    "activity_type": ACTIVITY_TYPES,
    "status": STATUSES,
    "location_precision": PRECISIONS,
    "confidence": CONFIDENCES,
    "bureau_confidence": CONFIDENCES,
    "kind": SOURCE_KINDS,
    "reliability": RELIABILITIES,
    "report": REPORTS,
}

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # used with fullmatch: "$" accepts a final newline

# --- field helpers ----------------------------------------------------------


def _blank_to_none(value: Any) -> Any:
    """CSV cells arrive as '' and GeoJSON may carry ''; both mean 'not known'."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _vocab(name: str, vocabulary: dict[str, str]):
    def check(value: Any) -> Any:
        value = _blank_to_none(value)
        if value is None:
            return value
        if value not in vocabulary:
            raise PydanticCustomError(
                "vocabulary",
                "'{value}' is not an allowed {name}; expected one of: {allowed}",
                {"value": value, "name": name, "allowed": ", ".join(vocabulary)},
            )
        return value

    return BeforeValidator(check)


def _date(value: Any) -> Any:
    value = _blank_to_none(value)
    if value is None:
        return None
    try:
        parsed = parse_partial_date(str(value))
    except ValueError as exc:
        raise PydanticCustomError(
            "date_format",
            "'{value}' is not an ISO 8601 date; expected YYYY, YYYY-MM or YYYY-MM-DD, "
            "optionally ending in '?' (uncertain) or '~' (approximate): {reason}",
            {"value": value, "reason": str(exc)},
        ) from None
    if parsed.earliest > date.today() + FUTURE_TOLERANCE:
        raise PydanticCustomError(
            "date_format",
            "'{value}' is in the future; the data records what happened or was reported "
            "(at most {days} days ahead, for time zones and embargoed reports)",
            {"value": value, "days": FUTURE_TOLERANCE.days},
        )
    return parsed


def _url(value: Any) -> Any:
    if value is None or not isinstance(value, str) or not value.strip():
        raise PydanticCustomError("required", "a source needs a URL", {})
    text = value.strip()
    try:
        parsed = urlparse(text)
        parsed.port  # noqa: B018 -- raises on a malformed host or port ("http://[::1")
    except ValueError:
        parsed = None
    if (parsed is None or parsed.scheme.lower() not in ("http", "https") or not parsed.netloc
            or any(c.isspace() or ord(c) < 32 for c in text)):
        raise PydanticCustomError(
            "url_scheme",
            "'{value}' is not an http(s) URL (a scheme, a host, no spaces); only http:// and "
            "https:// links are allowed",
            {"value": value},
        )
    return value.strip()


def _country(value: Any) -> Any:
    if not isinstance(value, str) or pycountry.countries.get(alpha_3=value) is None:
        raise PydanticCustomError(
            "country_code",
            "'{value}' is not an ISO 3166-1 alpha-3 country code (for example ITA, USA)",
            {"value": value},
        )
    return value


Text = Annotated[str | None, BeforeValidator(_blank_to_none)]
RequiredText = Annotated[str, BeforeValidator(_blank_to_none), Field(min_length=1)]
DateField = Annotated[PartialDate | None, BeforeValidator(_date)]


class Source(BaseModel):
    """One public document a record rests on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: RequiredText
    publisher: RequiredText
    date: DateField = None
    url: Annotated[str, BeforeValidator(_url)]
    kind: Annotated[str, _vocab("source kind", SOURCE_KINDS)]
    reliability: Annotated[str, _vocab("reliability", RELIABILITIES)] = "normal"
    note: Text = None


class Event(BaseModel):
    """A dated step in a record's history (opening, inquiry, closure, denial ...)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: DateField = None  # None: the research found the event but not its date
    event: RequiredText
    authority: RequiredText
    status: Annotated[str | None, BeforeValidator(_blank_to_none), _vocab("status", STATUSES)] = None
    source: Annotated[str | None, BeforeValidator(_blank_to_none)] = None  # url of one of the sources

    @field_validator("source")
    @classmethod
    def _source_url(cls, value: str | None) -> str | None:
        return None if value is None else _url(value)


class Record(BaseModel):
    """One mapped fact: a fixed site (station, academy, post) or a deployment."""

    model_config = ConfigDict(extra="forbid")

    id: RequiredText
    name: RequiredText
    name_zh: Text = None
    name_pinyin: Text = None
    activity_type: Annotated[str, _vocab("activity type", ACTIVITY_TYPES)]
    operating_bureau: RequiredText  # checked against bureaus.csv by the loader
    bureau_confidence: Annotated[
        str | None, BeforeValidator(_blank_to_none), _vocab("confidence", CONFIDENCES)
    ] = None
    partner_agency: Text = None
    programme: Text = None
    report: Annotated[str | None, BeforeValidator(_blank_to_none), _vocab("report", REPORTS)] = None
    city: Text = None
    country: Annotated[str, BeforeValidator(_country)]
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False)
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    location_precision: Annotated[str, _vocab("location precision", PRECISIONS)]
    coordinate_source: RequiredText  # where lon/lat came from: geonames:<id>, gazetteer:<key>, ...
    address: Text = None
    start_date: DateField = None
    first_reported: DateField = None
    end_date: DateField = None
    status: Annotated[str, _vocab("status", STATUSES)]
    route_id: Text = None
    route_order: int | None = Field(default=None, ge=1)
    confidence: Annotated[str, _vocab("confidence", CONFIDENCES)]
    history: list[Event] = Field(default_factory=list)
    sources: list[Source]
    notes: Text = None

    @field_validator("id")
    @classmethod
    def _id_pattern(cls, value: str) -> str:
        if not ID_PATTERN.fullmatch(value):
            raise PydanticCustomError(
                "id_format",
                "'{value}' is not a valid id; expected lowercase letters, digits and hyphens",
                {"value": value},
            )
        return value

    @field_validator("sources")
    @classmethod
    def _at_least_one_source(cls, value: list[Source]) -> list[Source]:
        if not value:
            raise PydanticCustomError(
                "sources_min", "every record needs at least one source (title, publisher, url)", {}
            )
        return value

    @model_validator(mode="after")
    def _cross_field(self) -> Record:
        allowed = STATUSES_BY_TYPE[self.activity_type]
        if self.status not in allowed:
            raise PydanticCustomError(
                "status_for_type",
                "status '{status}' does not apply to {type}; expected one of: {allowed}",
                {"status": self.status, "type": self.activity_type, "allowed": ", ".join(sorted(allowed))},
            )
        for earlier, later in (("start_date", "end_date"), ("start_date", "first_reported")):
            a, b = getattr(self, earlier), getattr(self, later)
            if a is not None and b is not None and a.earliest > b.latest:
                raise PydanticCustomError(
                    "date_order",
                    "{earlier} {a} is after {later} {b}; expected {earlier} <= {later}",
                    {"earlier": earlier, "later": later, "a": a.text, "b": b.text},
                )
        if (self.route_id is None) != (self.route_order is None):
            raise PydanticCustomError(
                "route", "route_id and route_order must be given together (a waypoint has both)", {}
            )
        if self.operating_bureau != "unknown" and self.bureau_confidence is None:
            raise PydanticCustomError(
                "bureau_confidence",
                "a known operating_bureau needs a bureau_confidence (how the attribution was made)",
                {},
            )
        return self


# Public list of record fields, in file order; used by the loader, the CSV
# writer and the documentation test.
RECORD_FIELDS: tuple[str, ...] = tuple(Record.model_fields)
SOURCE_FIELDS: tuple[str, ...] = tuple(Source.model_fields)
EVENT_FIELDS: tuple[str, ...] = tuple(Event.model_fields)
# Fields whose CSV cell holds a JSON array (GeoJSON holds the array directly).
NESTED_FIELDS: tuple[str, ...] = ("history", "sources")
