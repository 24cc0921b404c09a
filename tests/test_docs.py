"""The data dictionary is a contract: every field, value and rule is documented."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from lawreach.contract.load import BUREAU_COLUMNS
from lawreach.contract.problems import RULES
from lawreach.contract.schema import EVENT_FIELDS, RECORD_FIELDS, SOURCE_FIELDS, VOCABULARIES
from tests.conftest import DATA, REPO

README = (DATA / "README.md").read_text(encoding="utf-8")


def documented_cells() -> set[str]:
    """Every `code` value that opens a table row of data/README.md."""
    return set(re.findall(r"^\| `([^`]+)`", README, flags=re.MULTILINE))


@pytest.mark.parametrize("field", sorted(set(RECORD_FIELDS) | set(SOURCE_FIELDS) | set(EVENT_FIELDS)))
def test_every_field_is_documented(field):
    assert field in documented_cells(), f"field {field!r} is missing from data/README.md"


@pytest.mark.parametrize(
    "vocab_value",
    sorted({(name, value) for name, vocab in VOCABULARIES.items() for value in vocab}),
)
def test_every_vocabulary_value_is_documented(vocab_value):
    _, value = vocab_value
    assert value in documented_cells(), f"value {value!r} is missing from data/README.md"


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_rule_is_documented(rule):
    assert rule in documented_cells()


@pytest.mark.parametrize("column", BUREAU_COLUMNS)
def test_bureau_columns_documented(column):
    assert f"`{column}`" in README


def test_every_bureau_is_documented():
    bureaus = pd.read_csv(DATA / "bureaus.csv", dtype=str)
    missing = [b for b in bureaus["id"] if b not in documented_cells()]
    assert missing == []


def test_no_undocumented_table_values():
    """The reverse check: a value documented but no longer in the schema is stale."""
    known = (set(RECORD_FIELDS) | set(SOURCE_FIELDS) | set(EVENT_FIELDS) | set(RULES)
             | {v for vocab in VOCABULARIES.values() for v in vocab}
             | set(pd.read_csv(DATA / "bureaus.csv", dtype=str)["id"])
             | set(BUREAU_COLUMNS))
    files = {p.name for p in DATA.iterdir()} | {"basemap/"}
    stale = sorted(v for v in documented_cells() - known - files
                   if not v.startswith(("home_", "stations", "source_", "as_of", "scope", "report",
                                        "bureau", "country", "url", "confidence", "notes", "id")))
    assert stale == []


def test_readme_quickstart_has_two_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quickstart", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.strip() and not line.startswith("#")]
    assert [c.split("#")[0].strip() for c in commands] == ["make run", "make test"]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
