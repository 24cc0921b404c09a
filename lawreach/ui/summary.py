"""The dashboard's words about what it shows: the map's text alternative, the
metric tiles and the data-problems banner.

Kept out of app.py so the exact text can be tested without Streamlit: a screen
reader user gets the map only through ``alt_text``, and the banner is how a data
maintainer learns that a whole file was lost.
"""

from __future__ import annotations

import pandas as pd

from lawreach.contract.load import Dataset
from lawreach.contract.text import escape_markdown

PROBLEMS_LISTED = 300  # more than this and the listing says how many were left out


def alt_text(sentence: str) -> str:
    """The map's text alternative: what the filter shows (``sentence``) and how the
    map encodes it, pointing to the table that holds the same records as text."""
    return (
        f"Map of {sentence}. Each record is a dot coloured by operating bureau, with arcs "
        "from the bureau's seat in China; joint patrols are circles labelled with their number "
        "of deployments per city; the Mekong patrol is a blue line. The table below lists the "
        "same records with all their details."
    )


def tiles(filtered: pd.DataFrame, total: int) -> list[tuple[str, int, str | None]]:
    """The metric tiles as (label, value, help): the filtered count against ``total``,
    and the counts a reader asks first (countries, stations, patrols, bureaus)."""
    types = filtered["activity_type"]
    return [
        ("Records shown", len(filtered), f"of {total} in the data"),
        ("Countries", filtered["country"].nunique(), "host countries in the filter"),
        ("Service stations", int((types == "service_station").sum()), None),
        ("Joint patrol deployments", int((types == "joint_patrol").sum()), "one per city and season"),
        ("Operating bureaus", filtered["operating_bureau"].nunique(), "including “unknown”"),
    ]


def unreadable_files(dataset: Dataset) -> list[str]:
    """Files that gave no record at all and have a problem: the whole file was lost
    (unreadable, wrong format), which the banner names because a record count alone
    would not say that a file is missing from the map."""
    return sorted(name for name, n in dataset.in_files.items()
                  if n == 0 and any(p.file == name for p in dataset.problems))


def problems_message(dataset: Dataset) -> str:
    """The banner's Markdown: how many problems, which files were lost, how many
    records were left out and how to get the full report. Empty when there are none."""
    if not dataset.problems:
        return ""
    bad = sum(dataset.invalid.values())
    unreadable = unreadable_files(dataset)
    lost = (f" Could not read {', '.join(escape_markdown(f) for f in unreadable)}: "
            "none of its records are shown." if unreadable else "")
    return (
        f"**The data files have {len(dataset.problems)} problem(s).**{lost} "
        f"{bad} record(s) could not be used and are not shown; the {len(dataset.records)} valid "
        "records are. Run `python -m lawreach validate data` for the full report."
    )


def problem_lines(dataset: Dataset, limit: int = PROBLEMS_LISTED) -> list[str]:
    """The first ``limit`` problems, one per line, then a count of the rest: a page
    listing thousands of problems from one broken file would be slow and unreadable."""
    lines = [str(p) for p in dataset.problems[:limit]]
    if len(dataset.problems) > limit:
        lines.append(f"… and {len(dataset.problems) - limit} more")
    return lines
