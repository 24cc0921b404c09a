"""The dashboard's records table: its columns and how each value is named."""

from __future__ import annotations

import pytest

from lawreach.contract.load import load_dataset
from lawreach.ui import table

NAMES = {"fuzhou-psb": "Fuzhou PSB", "mps": "Ministry of Public Security"}


@pytest.fixture
def records(mini_dir):
    data = load_dataset(mini_dir)
    assert data.problems == []
    return data.records


def test_columns_in_order(records):
    frame = table.table_frame(records, NAMES)
    assert list(frame.columns) == [
        "Name", "Status", "Country", "City", "Operating bureau", "Type", "Started",
        "First reported", "Ended", "Precision", "Confidence", "Sources", "Chinese name", "id",
    ]
    assert list(frame.columns) == list(table.COLUMNS)


def test_one_row_per_record_same_order_and_index(records):
    frame = table.table_frame(records, NAMES)
    assert list(frame["id"]) == list(records["id"])
    assert list(frame.index) == list(records.index)


def test_values_are_readable_names(records):
    rows = table.table_frame(records, NAMES).set_index("id")
    station, patrol = rows.loc["st-ita-rome-1"], rows.loc["jp-hrv-2019-zagreb"]
    assert station["Type"] == "Overseas police service station"
    assert station["Operating bureau"] == "Fuzhou PSB"
    assert station["Country"] == "Italy"
    assert station["Status"] == "Reported"  # the gloss after " (" is cut
    assert station["Started"] == "2018" and station["First reported"] == "2022-09"
    assert station["Sources"] == 1
    assert patrol["Type"] == "Joint police patrol abroad"
    assert patrol["Operating bureau"] == "Ministry of Public Security"
    assert patrol["Country"] == "Croatia"
    assert patrol["Status"] == "Ended"
    assert patrol["Ended"] == "2019-08-14"
    assert patrol["Precision"] == "city" and patrol["Confidence"] == "read-in-source"


def test_unnamed_bureau_shows_its_id(records):
    frame = table.table_frame(records, {})
    assert sorted(frame["Operating bureau"]) == ["fuzhou-psb", "mps"]


def test_empty_filter_gives_empty_table_with_all_columns(records):
    frame = table.table_frame(records.iloc[0:0], NAMES)
    assert len(frame) == 0 and list(frame.columns) == list(table.COLUMNS)


def test_column_help_spells_out_the_codes():
    helps = table.column_help()
    assert helps["Sources"] == "Number of cited sources"
    assert helps["Confidence"] == (
        "read-in-source: Read in a primary or official text; "
        "secondary-source: Read in news reporting that attributes it; "
        "inferred: A deduction from sources; the reasoning is in the notes"
    )
    assert helps["Precision"].startswith("address: A published street address (building known); ")
    assert helps["Precision"].count("; ") >= 4
