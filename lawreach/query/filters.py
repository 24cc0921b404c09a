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

from lawreach.contract import regions, status
from lawreach.contract.dates import parse_partial_date
from lawreach.contract.schema import ACTIVITY_TYPES, STATUSES
from lawreach.contract.text import plain_text
from lawreach.contract.vocab import TYPE_NOUNS, country_name, status_label
from lawreach.query import search

YEAR_MIN, YEAR_MAX = 1990, 2030
#: Map layer key -> the activity types it draws. Hiding a layer hides those records
#: everywhere (counts, table, exports, link), so the map never disagrees with them.
#: Arcs draw no record of their own.
LAYER_TYPES: dict[str, tuple[str, ...]] = {
    "stations": ("service_station",),
    "arcs": (),
    "patrols": ("joint_patrol",),
    "sites": ("training", "liaison", "cooperation"),
    "mekong": ("riverine_patrol",),
}
#: The column of an applied frame holding each record's status on the state's day.
STATUS_ON = "status_on"


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
    regions: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()  # map layers switched off (LAYER_TYPES keys)
    notices: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_default(self) -> bool:
        return self == FilterState()

    @property
    def status_day(self) -> date | None:
        """The day whose status is shown: the as-of date, else the last day of the year
        range (what was true at the end of the period), else None (the latest status).
        A state never holds both (``from_query_params`` and the app keep one)."""
        if self.as_of is not None:
            return self.as_of
        if self.years is not None:
            return min(date(self.years[1], 12, 31), date.today())
        return None


def _fold(text: str) -> str:
    """Lower-case and strip accents and tone marks, so 'qingtian' finds 'Qīngtián'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def parse_as_of(text: str) -> tuple[date | None, str | None]:
    """A typed as-of date: (day, None), or (None, why) when it is not one.

    ``YYYY-MM-DD``, or a partial ISO 8601 date meaning its last day ("2022" is
    2022-12-31, "the end of 2022"); blank means no date. Days outside
    YEAR_MIN..YEAR_MAX are clamped, as in a link.
    """
    text = (text or "").strip()
    if not text:
        return None, None
    try:
        day = parse_partial_date(text.rstrip("?~")).latest
    except ValueError as exc:
        return None, f"“{text[:20]}” is not a date ({exc}): type YYYY-MM-DD, or YYYY / YYYY-MM " \
                     "for the end of that year or month."
    return min(max(day, date(YEAR_MIN, 1, 1)), date(YEAR_MAX, 12, 31)), None


def known_since(records: pd.DataFrame) -> pd.Series:
    """When a record became true or known: its start, else its first report, else NaT."""
    return records["start_earliest"].fillna(records["reported_earliest"])


def apply(
    records: pd.DataFrame,
    state: FilterState,
    bureau_names: Mapping[str, str] | None = None,
    extra_bureau_names: Mapping[str, tuple[str, ...]] | None = None,
) -> pd.DataFrame:
    """The records that match every part of the state, with their status on the state's
    day in ``status_on``. Input order is kept, except that a search orders the rows by
    relevance (a name match before a notes match). The bureau names (and their Chinese
    and pinyin forms, ``search.bureau_name_maps``) let a search find a bureau by name."""
    mask = pd.Series(True, index=records.index)
    for column, wanted in (("operating_bureau", state.bureaus), ("activity_type", state.types),
                           ("country", state.countries)):
        if wanted:
            mask &= records[column].isin(wanted)
    if state.regions:
        mask &= regions.mask(records["country"], state.regions)
    hidden_types = [t for key in state.hidden for t in LAYER_TYPES.get(key, ())]
    if hidden_types:
        mask &= ~records["activity_type"].isin(hidden_types)
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
    order = None
    if state.search.strip():
        scores = search.score(records[mask], state.search, bureau_names or {}, extra_bureau_names)
        kept = scores[scores > 0]
        mask &= records.index.isin(kept.index)
        order = kept.sort_values(ascending=False, kind="stable").index
    day = state.status_day
    shown = status.statuses_on(records[mask], day)
    if state.statuses:
        keep = shown.isin(state.statuses)
        shown = shown[keep]
        mask &= records.index.isin(shown.index)
    out = records[mask].assign(**{STATUS_ON: shown})
    if order is not None:
        out = out.loc[[i for i in order if i in out.index]]
    return out


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


def facet_counts(
    records: pd.DataFrame, state: FilterState, attr: str, column: str,
    bureau_names: Mapping[str, str] | None = None,
    extra_bureau_names: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, int]:
    """Counts for one list filter's options given all the *other* filters.

    The filter's own choice is ignored, so the counts say what picking another option
    would add, instead of dropping to zero for everything not already picked.
    """
    others = apply(records, replace(state, **{attr: ()}), bureau_names, extra_bureau_names)
    if attr == "statuses":
        return others[STATUS_ON].value_counts().to_dict()
    if attr == "regions":
        counts: dict[str, int] = {}
        for iso3, n in others["country"].value_counts().items():
            for code in regions.region_codes(str(iso3)):
                counts[code] = counts.get(code, 0) + int(n)
        return counts
    return others[column].value_counts().to_dict()


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def describe(
    state: FilterState, filtered: pd.DataFrame, bureau_names: Mapping[str, str] | None = None
) -> str:
    """The filter and its result as one sentence, e.g.
    '23 service stations in 9 countries run by Qingtian County PSB, as of 2022-12-31'.

    It names only what matched: a chosen country, region or bureau with no record in
    the result is said apart ("(none in France)"), so the heading never claims a place
    the map does not show."""
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
    missing: list[str] = []

    def named(chosen: tuple[str, ...], present: set[str], name_of) -> list[str]:
        hit = [name_of(v) for v in chosen if v in present or not n]
        missing.extend(name_of(v) for v in chosen if n and v not in present)
        return hit

    if state.countries:
        parts.append("in " + _join(named(state.countries, set(filtered["country"]), country_name)))
    elif state.regions:
        present_regions = {c for iso3 in filtered["country"].unique()
                           for c in regions.region_codes(str(iso3))}
        parts.append(f"in {n_countries} {'country' if n_countries == 1 else 'countries'} of "
                     + _join(named(state.regions, present_regions, regions.region_name)))
    else:
        parts.append(f"in {n_countries} {'country' if n_countries == 1 else 'countries'}")
    if state.bureaus:
        parts.append("run by " + _join(named(state.bureaus, set(filtered["operating_bureau"]),
                                             lambda b: bureau_names.get(b, b))))
    if state.statuses:
        parts.append("with status " + _join([status_label(s).lower()
                                             for s in state.statuses if s in STATUSES]))
    if state.search.strip():
        parts.append(f"matching “{state.search.strip()}”")
    sentence = " ".join(parts)
    if missing:
        sentence += f" (none for {_join(missing)})"
    if state.hidden:
        hidden = [key for key in state.hidden if LAYER_TYPES.get(key)]
        if hidden:
            sentence += ", " + _join([LAYER_NOUNS.get(k, k) for k in hidden]) + " hidden"
    if state.years is not None:
        sentence += f", active or reported between {state.years[0]} and {state.years[1]}"
    if state.as_of is not None:
        sentence += f", as of {state.as_of.isoformat()}"
    return sentence


# --- URL query parameters --------------------------------------------------

_LIST_KEYS = {"bureau": "bureaus", "type": "types", "country": "countries", "status": "statuses",
              "region": "regions", "hide": "hidden"}
KNOWN_KEYS = frozenset({*_LIST_KEYS, "as_of", "from", "to", "q", "sel", "lat", "lon", "zoom",
                        "page"})
#: What the sentence calls a hidden layer's records.
LAYER_NOUNS = {"stations": "service stations", "patrols": "joint patrols",
               "sites": "training, liaison and cooperation sites", "mekong": "the Mekong patrol",
               "arcs": "arcs"}
#: Limits on what a link may hold (a URL is untrusted input).
MAX_LIST_VALUES = 300
MAX_SEARCH = 100


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


def _one(key: str, values: list[str], notices: list[str]) -> str | None:
    """A single-valued parameter: repeats that agree are fine; disagreeing ones are
    said once and the last one is used."""
    if not values:
        return None
    if len(set(values)) > 1:
        notices.append(f"The link gives “{key}” {len(values)} different values; used the last.")
    return values[-1]


def from_query_params(
    params: Mapping[str, Iterable[str] | str],
    allowed: Mapping[str, Iterable[str]],
) -> FilterState:
    """Read a state from URL params; unknown or malformed values become notices.

    ``allowed`` maps each list key ('bureau', 'type', 'country', 'status', 'region',
    'hide') to its valid values (from the data), because a URL is untrusted input.
    Every notice names the parameter. Repeated values that agree are accepted
    silently; out-of-range dates are clamped to what the map covers; an as-of date
    and a year range in one link cannot both hold, so the date wins (and says so).
    """
    notices: list[str] = []
    values: dict[str, object] = {}

    def get_all(key: str) -> list[str]:
        raw = params.get(key, [])
        return [raw] if isinstance(raw, str) else [str(v) for v in raw]

    unknown = [key for key in params if key not in KNOWN_KEYS]
    if unknown:
        shown = ", ".join(f"“{key[:30]}”" for key in unknown[:3])
        more = f" and {len(unknown) - 3} more" if len(unknown) > 3 else ""
        notices.append(f"Ignored unknown link parameter{'s' if len(unknown) > 1 else ''} "
                       f"{shown}{more}.")
    for key, attr in _LIST_KEYS.items():
        valid = set(allowed.get(key, ()))
        kept: list[str] = []
        bad: list[str] = []
        for value in get_all(key)[:MAX_LIST_VALUES]:
            if value in valid:
                if value not in kept:
                    kept.append(value)
            elif value not in bad:
                bad.append(value)
        if bad:
            shown = ", ".join(f"“{v[:40]}”" for v in bad[:3])
            more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
            notices.append(f"Ignored unknown {key} {shown}{more} in the link.")
        values[attr] = tuple(kept)
    as_of_text = _one("as_of", get_all("as_of"), notices)
    if as_of_text is not None:
        try:
            day = date.fromisoformat(as_of_text)
        except ValueError:
            notices.append(f"Ignored the date “{as_of_text[:20]}” (as_of): expected YYYY-MM-DD.")
        else:
            lo, hi = date(YEAR_MIN, 1, 1), date(YEAR_MAX, 12, 31)
            if not lo <= day <= hi:
                clamped = min(max(day, lo), hi)
                notices.append(f"The date {day.isoformat()} (as_of) is outside {lo.year}–{hi.year}; "
                               f"showing {clamped.isoformat()}.")
                day = clamped
            values["as_of"] = day
    first = _one("from", get_all("from"), notices)
    last = _one("to", get_all("to"), notices)
    if first is not None or last is not None:
        try:
            y0 = int(first) if first is not None else YEAR_MIN
            y1 = int(last) if last is not None else YEAR_MAX
            if not (YEAR_MIN <= y0 <= y1 <= YEAR_MAX):
                raise ValueError
        except ValueError:
            notices.append(f"Ignored the year range (from, to): expected years {YEAR_MIN}–{YEAR_MAX}, "
                           "from ≤ to.")
        else:
            if "as_of" in values:
                notices.append("The link sets both a date (as_of) and a year range (from, to); "
                               "the date wins.")
            else:
                values["years"] = (y0, y1)
    query = _one("q", get_all("q"), notices)
    if query is not None:
        values["search"] = plain_text(query)[:MAX_SEARCH]
    return FilterState(**values, notices=tuple(notices))  # type: ignore[arg-type]


def allowed_values(records: pd.DataFrame, bureau_ids: Iterable[str]) -> dict[str, list[str]]:
    """The valid URL values for each list filter."""
    return {
        "bureau": sorted(set(bureau_ids)),
        "type": list(ACTIVITY_TYPES),
        "country": sorted(records["country"].dropna().unique()),
        "status": list(STATUSES),
        "region": regions.all_codes(),
        "hide": list(LAYER_TYPES),
    }


def without_notices(state: FilterState) -> FilterState:
    return replace(state, notices=())
