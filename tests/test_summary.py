"""The dashboard's words: the map's text alternative, the tiles and the problems banner."""

from __future__ import annotations

import pandas as pd
import pytest

from lawreach.contract.load import Dataset, load_dataset
from lawreach.contract.problems import Problem
from lawreach.ui import summary


def problem(file: str, rule: str = "required", record: str | None = "line 2") -> Problem:
    return Problem(file=file, record=record, record_id=None, field="name", value=None, rule=rule,
                   expected="required fields are present and not empty")


def dataset(problems: list[Problem], in_files: dict[str, int], invalid: dict[str, int],
            n_records: int = 3) -> Dataset:
    return Dataset(records=pd.DataFrame({"id": [f"r{i}" for i in range(n_records)]}),
                   bureaus=pd.DataFrame(), totals=pd.DataFrame(), problems=problems,
                   in_files=in_files, invalid=invalid)


def test_alt_text_states_the_filter_and_the_encoding():
    assert summary.alt_text("3 service stations in 2 countries") == (
        "Map of 3 service stations in 2 countries. Each record is a dot coloured by operating "
        "bureau, with arcs from the bureau's seat in China; joint patrols are circles labelled "
        "with their number of deployments per city; the Mekong patrol is a blue line. The table "
        "below lists the same records with all their details."
    )


def test_tiles_count_the_filtered_records(mini_dir):
    records = load_dataset(mini_dir).records
    assert summary.tiles(records, 10) == [
        ("Records shown", 2, "of 10 in the data"),
        ("Countries", 2, "host countries in the filter"),
        ("Service stations", 1, None),
        ("Joint patrol deployments", 1, "one per city and season"),
        ("Operating bureaus", 2, "including “unknown”"),
    ]
    assert [value for _label, value, _help in summary.tiles(records.iloc[0:0], 10)] == [0] * 5


def test_unreadable_files_are_those_with_no_record_and_a_problem():
    data = dataset(
        [problem("stations.geojson", "file_format", None), problem("patrols.csv"),
         problem("bureaus.csv")],
        in_files={"stations.geojson": 0, "patrols.csv": 4, "extra.csv": 0},
        invalid={"patrols.csv": 1},
    )
    # patrols.csv had records (one bad); extra.csv was empty without a problem; bureaus.csv
    # is not a records file.
    assert summary.unreadable_files(data) == ["stations.geojson"]


def test_unreadable_files_sorted():
    data = dataset([problem("stations.geojson"), problem("patrols.csv")],
                   in_files={"stations.geojson": 0, "patrols.csv": 0}, invalid={})
    assert summary.unreadable_files(data) == ["patrols.csv", "stations.geojson"]


def test_problems_message_names_lost_files_and_counts():
    data = dataset([problem("stations.geojson", "file_format", None), problem("patrols.csv")],
                   in_files={"stations.geojson": 0, "patrols.csv": 4},
                   invalid={"patrols.csv": 1, "stations.geojson": 0})
    assert summary.problems_message(data) == (
        "**The data files have 2 problem(s).** Could not read stations\\.geojson: none of its "
        "records are shown. 1 record(s) could not be used and are not shown; the 3 valid records "
        "are. Run `python -m lawreach validate data` for the full report."
    )


def test_problems_message_without_lost_files():
    data = dataset([problem("patrols.csv")], in_files={"patrols.csv": 4}, invalid={"patrols.csv": 1})
    assert summary.problems_message(data) == (
        "**The data files have 1 problem(s).** 1 record(s) could not be used and are not shown; "
        "the 3 valid records are. Run `python -m lawreach validate data` for the full report."
    )


def test_no_problems_no_message():
    assert summary.problems_message(dataset([], {"patrols.csv": 4}, {})) == ""


@pytest.mark.parametrize(("n", "expected_len", "tail"), [
    (2, 2, "patrols.csv, line 2, field 'name': required fields are present and not empty [required]"),
    (5, 4, "… and 2 more"),
])
def test_problem_lines_cut_at_the_limit(n, expected_len, tail):
    data = dataset([problem("patrols.csv")] * n, {"patrols.csv": 4}, {"patrols.csv": n})
    lines = summary.problem_lines(data, limit=3)
    assert len(lines) == expected_len
    assert lines[-1] == tail


def test_problem_lines_default_limit():
    data = dataset([problem("patrols.csv")] * 301, {"patrols.csv": 400}, {"patrols.csv": 301})
    lines = summary.problem_lines(data)
    assert len(lines) == 301 and lines[-1] == "… and 1 more"
