"""How much of what the reports count is in the data: 'N of 102 located'.

The totals come from ``reported_totals.csv`` (data, not literals), so a new
report or a corrected figure changes the sentence without a code change.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

LOCATED_PRECISIONS = ("address", "street", "city")
SD_REPORTS = ("110-overseas-2022", "patrol-and-persuade-2022")
HEADLINE_REPORT = "patrol-and-persuade-2022"  # the latest and largest count (102)


@dataclass(frozen=True)
class Coverage:
    """Stations a report counts vs stations in the data (identified / located)."""

    report: str
    reported: int | None  # the report's stated total, None if not in the totals file
    identified: int  # station records attributed to the report(s), any precision
    located: int  # of those, located to a city or finer

    def sentence(self) -> str:
        if self.reported is None:
            return f"{self.located} of {self.identified} identified stations located to a city"
        return (
            f"{self.located} of {self.reported} reported stations located to a city "
            f"({self.identified} identified by place or country)"
        )


def stated_total(totals: pd.DataFrame, report: str) -> int | None:
    """The station total a report states (scope 'report'), or None."""
    if totals is None or totals.empty or "scope" not in totals:
        return None
    rows = totals[(totals["scope"] == "report") & (totals["report"] == report)]
    rows = rows.dropna(subset=["stations"])
    return int(rows["stations"].max()) if len(rows) else None


def station_coverage(records: pd.DataFrame, totals: pd.DataFrame) -> Coverage:
    """Coverage of the headline report: it includes the 54 of '110 Overseas'."""
    stations = records[records["activity_type"] == "service_station"]
    listed = stations[stations["report"].isin(SD_REPORTS)]
    located = listed[listed["location_precision"].isin(LOCATED_PRECISIONS)]
    return Coverage(HEADLINE_REPORT, stated_total(totals, HEADLINE_REPORT), len(listed), len(located))


def counts_by(records: pd.DataFrame, column: str) -> pd.Series:
    """Record counts per value of a column, largest first, ties by name."""
    values = records[column].fillna("(none)")
    counted = values.value_counts()
    return counted.sort_index().sort_values(ascending=False, kind="stable")


def records_for_total(stations: pd.DataFrame, total: pd.Series) -> pd.DataFrame:
    """The station records a stated total counts: by bureau, country and/or report."""
    chosen = stations
    if total.get("bureau"):
        chosen = chosen[chosen["operating_bureau"] == total["bureau"]]
    if total.get("country"):
        chosen = chosen[chosen["country"] == total["country"]]
    report = total.get("report")
    if report == "110-overseas-2022":
        chosen = chosen[chosen["report"] == report]
    elif report:
        chosen = chosen[chosen["report"].isin(SD_REPORTS)]  # the later report includes the first
    return chosen
