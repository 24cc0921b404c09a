"""What the user asked to see: a FilterState, applied, described and put in the URL.

The dashboard, the exports and the command line all filter through here, so a
PNG, a CSV and the map of the same state show the same records. The state
reads and writes URL query parameters; anything malformed in a URL is dropped
with a notice, never raised.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd
import pycountry

from lawreach.schema import ACTIVITY_TYPES, STATUSES

# Plural nouns for the sentence, by activity type.
TYPE_NOUNS: dict[str, tuple[str, str]] = {
    "service_station": ("service station", "service stations"),
    "joint_patrol": ("joint patrol deployment", "joint patrol deployments"),
    "training": ("training site", "training sites"),
    "riverine_patrol": ("Mekong patrol site", "Mekong patrol sites"),
    "liaison": ("liaison post", "liaison posts"),
    "cooperation": ("cooperation centre", "cooperation centres"),
}
SEARCH_COLUMNS = ("name", "name_zh", "name_pinyin", "city", "address", "notes", "programme")
YEAR_MIN, YEAR_MAX = 1990, 2030


@dataclass(frozen=True)
class FilterState:
    """A declarative filter; empty tuples mean 'all'."""

    bureaus: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    as_of: date | None = None
    years: tuple[int, int] | None = None
    search: str = ""
    notices: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_default(self) -> bool:
        return self == FilterState()


def _fold(text: str) -> str:
    """Lower-case and strip accents and tone marks, so 'qingtian' finds 'Qīngtián'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def known_since(records: pd.DataFrame) -> pd.Series:
    """When a record became true or known: its start, else its first report, else NaT."""
    return records["start_earliest"].fillna(records["reported_earliest"])


def apply(records: pd.DataFrame, state: FilterState) -> pd.DataFrame:
    """The records that match every part of the state (order preserved)."""
    mask = pd.Series(True, index=records.index)
    for column, wanted in (("operating_bureau", state.bureaus), ("activity_type", state.types),
                           ("country", state.countries), ("status", state.statuses)):
        if wanted:
            mask &= records[column].isin(wanted)
    since = known_since(records)
    if state.as_of is not None:
        day = pd.Timestamp(state.as_of)
        # Started (or known) by that day, and not ended before it. A record with no
        # date at all cannot be placed in time, so an as-of view leaves it out.
        mask &= since.notna() & (since <= day)
        mask &= records["end_latest"].isna() | (records["end_latest"] >= day)
    if state.years is not None:
        first, last = state.years
        start = pd.Timestamp(year=first, month=1, day=1)
        end = pd.Timestamp(year=last, month=12, day=31)
        mask &= since.notna() & (since <= end)
        mask &= records["end_latest"].isna() | (records["end_latest"] >= start)
    if state.search.strip():
        needle = _fold(state.search.strip())
        haystack = records[list(SEARCH_COLUMNS)].fillna("").astype(str).agg(" ".join, axis=1)
        haystack = haystack + " " + records["country"].map(country_name).fillna("")
        mask &= haystack.map(_fold).str.contains(needle, regex=False)
    return records[mask]


def country_name(iso3: str) -> str:
    country = pycountry.countries.get(alpha_3=iso3) if isinstance(iso3, str) else None
    if country is None:
        return str(iso3)
    return getattr(country, "common_name", None) or country.name


def status_label(status: str) -> str:
    """A status's short name ("Active" rather than "Active (running when last reported)"), for the
    filter options and the table, which have no room for the dictionary's gloss."""
    return STATUSES.get(status, status).split(" (")[0]


def year_bounds(records: pd.DataFrame, today: date | None = None) -> tuple[int, int]:
    """The year slider's range: from the earliest dated record to this year (or the
    last end, if later), kept inside YEAR_MIN..YEAR_MAX so a typo in the data cannot
    stretch the slider over centuries. With no dated record it starts at 2010."""
    this_year = (today or date.today()).year
    since = known_since(records).dropna()
    ends = records["end_latest"].dropna()
    lo = int(since.min().year) if len(since) else 2010
    hi = max([this_year, *([int(ends.max().year)] if len(ends) else [])])
    lo = max(YEAR_MIN, min(lo, hi))
    return lo, min(hi, YEAR_MAX)


def clamp_years(years: tuple[int, int] | None, bounds: tuple[int, int]) -> tuple[int, int] | None:
    """A linked year range cut to the slider's bounds; None when nothing is left, since
    a link may carry any years in YEAR_MIN..YEAR_MAX but the slider cannot show them."""
    if years is None:
        return None
    clamped = (max(years[0], bounds[0]), min(years[1], bounds[1]))
    return clamped if clamped[0] <= clamped[1] else None


def facet_counts(records: pd.DataFrame, state: FilterState, attr: str, column: str) -> dict[str, int]:
    """Counts for one list filter's options given all the *other* filters.

    The filter's own choice is ignored, so the counts say what picking another option
    would add, instead of dropping to zero for everything not already picked.
    """
    others = apply(records, replace(state, **{attr: ()}))
    return others[column].value_counts().to_dict()


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def describe(
    state: FilterState, filtered: pd.DataFrame, bureau_names: Mapping[str, str] | None = None
) -> str:
    """The filter and its result as one sentence, e.g.
    '23 service stations in 9 countries run by Qingtian County PSB, as of 2022-12-31'."""
    bureau_names = bureau_names or {}
    n = len(filtered)
    types = list(state.types) or sorted(filtered["activity_type"].unique())
    if len(types) == 1 and types[0] in TYPE_NOUNS:
        singular, plural = TYPE_NOUNS[types[0]]
        noun = singular if n == 1 else plural
    else:
        noun = "record" if n == 1 else "records"
    n_countries = filtered["country"].nunique()
    parts = [f"{n} {noun}"]
    if state.countries:
        parts.append("in " + _join([country_name(c) for c in state.countries]))
    else:
        parts.append(f"in {n_countries} {'country' if n_countries == 1 else 'countries'}")
    if state.bureaus:
        parts.append("run by " + _join([bureau_names.get(b, b) for b in state.bureaus]))
    if state.statuses:
        parts.append("with status " + _join([STATUSES[s].split(" (")[0].lower()
                                             for s in state.statuses if s in STATUSES]))
    if state.search.strip():
        parts.append(f"matching “{state.search.strip()}”")
    sentence = " ".join(parts)
    if state.years is not None:
        sentence += f", active or reported between {state.years[0]} and {state.years[1]}"
    if state.as_of is not None:
        sentence += f", as of {state.as_of.isoformat()}"
    return sentence


# --- URL query parameters --------------------------------------------------

_LIST_KEYS = {"bureau": "bureaus", "type": "types", "country": "countries", "status": "statuses"}
KNOWN_KEYS = frozenset({*_LIST_KEYS, "as_of", "from", "to", "q", "sel", "lat", "lon", "zoom",
                        "page"})


def to_query_params(state: FilterState) -> dict[str, list[str] | str]:
    """Only non-default parts, so a plain link stays short."""
    params: dict[str, list[str] | str] = {}
    for key, attr in _LIST_KEYS.items():
        values = getattr(state, attr)
        if values:
            params[key] = list(values)
    if state.as_of is not None:
        params["as_of"] = state.as_of.isoformat()
    if state.years is not None:
        params["from"], params["to"] = str(state.years[0]), str(state.years[1])
    if state.search.strip():
        params["q"] = state.search.strip()
    return params


def from_query_params(
    params: Mapping[str, Iterable[str] | str],
    allowed: Mapping[str, Iterable[str]],
) -> FilterState:
    """Read a state from URL params; unknown or malformed values become notices.

    ``allowed`` maps 'bureau', 'type', 'country' and 'status' to their valid
    values (from the data), because a URL is untrusted input.
    """
    notices: list[str] = []
    values: dict[str, object] = {}

    def get_all(key: str) -> list[str]:
        raw = params.get(key, [])
        return [raw] if isinstance(raw, str) else [str(v) for v in raw]

    for key in params:
        if key not in KNOWN_KEYS:
            notices.append(f"Ignored unknown link parameter “{key[:30]}”.")
    for key, attr in _LIST_KEYS.items():
        valid = set(allowed.get(key, ()))
        kept = []
        for value in get_all(key):
            if value in valid and value not in kept:
                kept.append(value)
            else:
                notices.append(f"Ignored unknown {key} “{value[:40]}” in the link.")
        values[attr] = tuple(kept)
    as_of = get_all("as_of")
    if as_of:
        try:
            values["as_of"] = date.fromisoformat(as_of[-1])
        except ValueError:
            notices.append(f"Ignored the date “{as_of[-1][:20]}”: expected YYYY-MM-DD.")
    first, last = get_all("from"), get_all("to")
    if first or last:
        try:
            y0 = int(first[-1]) if first else YEAR_MIN
            y1 = int(last[-1]) if last else YEAR_MAX
            if not (YEAR_MIN <= y0 <= y1 <= YEAR_MAX):
                raise ValueError
            values["years"] = (y0, y1)
        except ValueError:
            notices.append(f"Ignored the year range: expected years {YEAR_MIN}–{YEAR_MAX}, "
                           "from ≤ to.")
    query = get_all("q")
    if query:
        values["search"] = query[-1][:100]
    return FilterState(**values, notices=tuple(notices))  # type: ignore[arg-type]


def allowed_values(records: pd.DataFrame, bureau_ids: Iterable[str]) -> dict[str, list[str]]:
    """The valid URL values for each list filter."""
    return {
        "bureau": sorted(set(bureau_ids)),
        "type": list(ACTIVITY_TYPES),
        "country": sorted(records["country"].dropna().unique()),
        "status": list(STATUSES),
    }


def without_notices(state: FilterState) -> FilterState:
    return replace(state, notices=())
