"""Shared fixtures: a tiny valid dataset that each rule test breaks in one way.

The records and folders are built by ``tests/sample_data.py``.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest

from tests.sample_data import PATROL, STATION, write_mini

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
ARTIFACTS = REPO / "tests" / "artifacts"


@pytest.fixture
def station() -> dict:
    return copy.deepcopy(STATION)


@pytest.fixture
def patrol() -> dict:
    return copy.deepcopy(PATROL)


@pytest.fixture
def mini_dir(tmp_path: Path, station: dict, patrol: dict) -> Path:
    """A valid two-record data directory (plus the real totals and version)."""
    return write_mini(tmp_path, station, patrol)


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")
