"""The dashboard's records table: which columns it shows, named for readers.

Kept out of app.py so the columns can be tested without Streamlit, and so the
table and the filter labels name a bureau, type, country or status the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from lawreach.contract.schema import ACTIVITY_TYPES, CONFIDENCES, PRECISIONS
from lawreach.contract.vocab import country_name, status_label

# The columns a reader needs to tell records apart come first, so they are visible
# without scrolling sideways; the coded and long ones follow.
COLUMNS = (
    "Name", "Status", "Country", "City", "Operating bureau", "Type", "Started",
    "First reported", "Ended", "Precision", "Confidence", "Sources", "Chinese name", "id",
)


def table_frame(filtered: pd.DataFrame, bureau_names: Mapping[str, str]) -> pd.DataFrame:
    """The table's rows: exactly the filtered records (same order and index), readable
    column names. The status is the one on the filter's day (``status_on``, added by
    ``filters.apply``) when there is one. The trailing ``id`` column lets a selected
    row be matched to its record."""
    shown_status = filtered["status_on"] if "status_on" in filtered else filtered["status"]
    return pd.DataFrame({
        "Name": filtered["name"],
        "Status": shown_status.map(status_label),
        "Country": filtered["country"].map(country_name),
        "City": filtered["city"],
        "Operating bureau": filtered["operating_bureau"].map(lambda b: bureau_names.get(b, b)),
        "Type": filtered["activity_type"].map(ACTIVITY_TYPES),
        "Started": filtered["start_date"],
        "First reported": filtered["first_reported"],
        "Ended": filtered["end_date"],
        "Precision": filtered["location_precision"],
        "Confidence": filtered["confidence"],
        "Sources": filtered["sources"].map(len),
        "Chinese name": filtered["name_zh"],
        "id": filtered["id"],
    })


def column_help() -> dict[str, str]:
    """Header tooltips for the coded columns, spelled out from the data dictionary so
    a reader need not open the methodology to know what "city" precision means."""
    return {
        "Sources": "Number of cited sources",
        "Precision": "; ".join(f"{k}: {v}" for k, v in PRECISIONS.items()),
        "Confidence": "; ".join(f"{k}: {v}" for k, v in CONFIDENCES.items()),
    }


def selected_first(filtered: pd.DataFrame, selected: str | None) -> pd.DataFrame:
    """The rows with the selected record moved to the top, so a record picked on the
    map is visible in the table without searching for it (other rows keep their order)."""
    if not selected or selected not in set(filtered["id"]):
        return filtered
    first = filtered["id"] == selected
    return pd.concat([filtered[first], filtered[~first]])
