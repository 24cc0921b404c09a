"""A record's status on a given day, read from its dated history.

``status`` in the data is the latest status. A reader who asks "as of 2022-12-31"
must see the status on that day: the UK stations were under investigation then and
closed only in 2023. Every place that shows a status (table, detail panel, map
tooltip, exports) takes it from here, so they cannot disagree.

The rule, for a day D:

* the status of the last history event that certainly happened by D (its partial
  date's *latest* day is on or before D: an event dated "2022-12" counts from
  2022-12-31, never before it could have happened);
* with no such event, the status the record had before its first event: a service
  station was "reported" (the first events are host reactions), anything else was
  "active"; a record whose end (end_date) is after D was still running, so an
  "ended" or "closed" record reads "active" (or "reported" for a station);
* a record with no history and no end after D keeps its recorded status.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from lawreach.contract.dates import parse_partial_date

#: What a record was before any event moved it (see the module docstring).
BEFORE_EVENTS: dict[str, str] = {"service_station": "reported"}
DEFAULT_BEFORE = "active"
FINAL = frozenset({"ended", "closed"})


def _event_day(event: dict) -> date | None:
    try:
        return parse_partial_date(str(event.get("date") or "")).latest
    except ValueError:
        return None


def status_on_day(status: str, activity_type: str, history: list, end_earliest, day: date) -> str:
    """One record's status on ``day`` (see the module docstring for the rule)."""
    happened = [(d, e["status"]) for e in (history or [])
                if e.get("status") and (d := _event_day(e)) is not None]
    happened.sort(key=lambda pair: pair[0])
    known = [s for d, s in happened if d <= day]
    if known:
        return known[-1]
    before = BEFORE_EVENTS.get(activity_type, DEFAULT_BEFORE)
    if happened:
        return before
    if status in FINAL and not pd.isna(end_earliest) and pd.Timestamp(end_earliest).date() > day:
        return before
    return status


def statuses_on(records: pd.DataFrame, day: date | None) -> pd.Series:
    """Every record's status on ``day`` (the recorded status when ``day`` is None)."""
    if day is None or records.empty:
        return records["status"].copy()
    values = [
        status_on_day(s, t, h, e, day)
        for s, t, h, e in zip(records["status"], records["activity_type"], records["history"],
                              records["end_earliest"], strict=True)
    ]
    return pd.Series(values, index=records.index, dtype=records["status"].dtype)
