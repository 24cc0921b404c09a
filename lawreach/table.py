"""The dashboard's records table: which columns it shows, named for readers.

Kept out of app.py so the columns can be tested without Streamlit, and so the
table and the filter labels name a bureau, type, country or status the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from lawreach.filters import country_name, status_label
from lawreach.schema import ACTIVITY_TYPES, CONFIDENCES, PRECISIONS

COLUMNS = (
    "Name", "Type", "Operating bureau", "City", "Country", "Precision", "Status", "Started",
    "First reported", "Ended", "Confidence", "Sources", "Chinese name", "id",
)


def table_frame(filtered: pd.DataFrame, bureau_names: Mapping[str, str]) -> pd.DataFrame:
    """The table's rows: exactly the filtered records (same order and index), readable
    column names. The trailing ``id`` column lets a selected row be matched to its record."""
    return pd.DataFrame({
        "Name": filtered["name"],
        "Type": filtered["activity_type"].map(ACTIVITY_TYPES),
        "Operating bureau": filtered["operating_bureau"].map(lambda b: bureau_names.get(b, b)),
        "City": filtered["city"],
        "Country": filtered["country"].map(country_name),
        "Precision": filtered["location_precision"],
        "Status": filtered["status"].map(status_label),
        "Started": filtered["start_date"],
        "First reported": filtered["first_reported"],
        "Ended": filtered["end_date"],
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
