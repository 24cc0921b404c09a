"""``pip install -e .`` states the licence as an SPDX expression, without warnings.

A ``license = { text = ... }`` table makes setuptools >= 77 print some 45 lines of
deprecation warnings on every install (and stop building in 2027). The SPDX form
needs setuptools >= 77, so the build requirement says so. The wheel holds the
code only (MIT); the data and its licence (CC BY 4.0) stay in data/.
"""

from __future__ import annotations

import tomllib
from importlib import metadata

import pytest

from tests.conftest import REPO

packaging_licenses = pytest.importorskip("packaging.licenses")
packaging_requirements = pytest.importorskip("packaging.requirements")

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]


def test_license_is_a_canonical_spdx_expression():
    license_ = PROJECT["license"]
    assert isinstance(license_, str), "a table is the deprecated form"
    assert packaging_licenses.canonicalize_license_expression(license_) == license_
    assert license_ == "MIT"


def test_license_files_exist():
    files = PROJECT["license-files"]
    assert "LICENSE" in files
    assert all((REPO / name).is_file() for name in files)
    # setuptools refuses a licence classifier beside an SPDX expression.
    assert not [c for c in PROJECT.get("classifiers", []) if c.startswith("License ::")]


def test_build_requires_a_setuptools_that_reads_spdx():
    requirements = [packaging_requirements.Requirement(r) for r in PYPROJECT["build-system"]["requires"]]
    setuptools = [r for r in requirements if r.name == "setuptools"]
    assert len(setuptools) == 1
    assert not setuptools[0].specifier.contains("76.2.0")
    assert setuptools[0].specifier.contains("77.0.0")


def test_installed_metadata_carries_the_expression():
    """What the installer made of it (make test reinstalls before running the tests)."""
    try:
        meta = metadata.metadata("lawreach")
    except metadata.PackageNotFoundError:
        pytest.skip("lawreach is not installed")
    assert meta["License-Expression"] == PROJECT["license"]
    assert "LICENSE" in (meta.get_all("License-File") or [])
