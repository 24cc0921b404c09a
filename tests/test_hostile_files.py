"""Files a hostile pull request could put in a data folder, built at test time.

Links, pipes and devices cannot be committed as corpus files (or should not be), so
they are made here. For each: ``validate`` exits 1 naming the file (and the record
and field where there is one), prints no secret and no traceback, and every valid
record elsewhere survives (in file = loaded + invalid).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lawreach.contract.load import load_dataset
from lawreach.contract.problems import MAX_SHOWN, Problem
from tests.conftest import REPO
from tests.corpus.build_corpus import BELGRADE, ZAGREB, csv_text, dump, fc, good_a, good_b

CORPUS = REPO / "tests" / "corpus"
SECRET = "hunter2-not-for-the-page"
# A FIFO or a device used to hang or exhaust memory: a subprocess with a bound turns
# such a regression into a failure instead of a stuck suite.
VALIDATE_BOUND_S = 120


@pytest.fixture
def folder(tmp_path) -> Path:
    """A data folder with the corpus's support files and two valid records per file."""
    for name in ("bureaus.csv", "reported_totals.csv"):
        shutil.copy(CORPUS / name, tmp_path / name)
    (tmp_path / "stations.geojson").write_text(dump(fc(good_a(), good_b())), encoding="utf-8")
    (tmp_path / "patrols.csv").write_text(csv_text([ZAGREB, BELGRADE]), encoding="utf-8")
    return tmp_path


def validate(folder: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, DB_PASSWORD=SECRET)
    return subprocess.run([sys.executable, "-m", "lawreach", "validate", str(folder)], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=VALIDATE_BOUND_S)


def assert_refused(folder: Path, file: str, words: str, survivors: int) -> None:
    result = validate(folder)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "Traceback" not in out and SECRET not in out
    assert any(file in line and words in line for line in out.splitlines()), out
    data = load_dataset(folder)
    assert len(data.records) == survivors
    assert SECRET not in "\n".join(str(p) for p in data.problems)


def test_a_symlink_to_a_secret_is_refused_not_read(folder, tmp_path_factory):
    secret = tmp_path_factory.mktemp("outside") / "environ"
    secret.write_text(f"id,DB_PASSWORD={SECRET}\n", encoding="utf-8")
    (folder / "patrols.csv").unlink()
    (folder / "patrols.csv").symlink_to(secret)
    assert_refused(folder, "patrols.csv", "not a symbolic link", survivors=2)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_without_blocking(folder):
    (folder / "patrols.csv").unlink()
    os.mkfifo(folder / "patrols.csv")
    assert_refused(folder, "patrols.csv", "named pipe", survivors=2)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_link_to_an_endless_device_is_refused(folder):
    (folder / "stations.geojson").unlink()
    (folder / "stations.geojson").symlink_to("/dev/zero")
    assert_refused(folder, "stations.geojson", "symbolic link", survivors=2)


def test_a_lone_surrogate_costs_its_record_only(folder):
    bad = good_b()
    bad["properties"]["name"] = "\ud800Lancang"
    text = json.dumps(fc(good_a(), bad), ensure_ascii=True)  # "\ud800" is valid JSON
    (folder / "stations.geojson").write_text(text, encoding="utf-8")
    assert_refused(folder, "stations.geojson", "surrogate", survivors=3)
    data = load_dataset(folder)
    assert [(p.rule, p.field, p.record) for p in data.problems] == [("encoding", "name", "feature 1")]


def test_the_depth_limit_does_not_depend_on_the_call_stack(folder):
    deep = good_b()
    deep["properties"]["notes"] = "NOTES"
    text = dump(fc(good_a(), deep)).replace('"NOTES"', '{"a": ' * 975 + "1" + "}" * 975)
    (folder / "stations.geojson").write_text(text, encoding="utf-8")
    assert_refused(folder, "stations.geojson", "nested at most", survivors=2)

    def nested_load(depth: int):
        return load_dataset(folder) if depth == 0 else nested_load(depth - 1)

    # the same answer from deep inside a caller's stack (the app runs deeper than the CLI)
    assert len(nested_load(700).records) == 2


def test_an_id_with_a_trailing_newline_is_not_an_id(folder):
    bad = good_b()
    bad["properties"]["id"] = bad["id"] = good_a()["properties"]["id"] + "\n"
    (folder / "stations.geojson").write_text(dump(fc(good_a(), bad)), encoding="utf-8")
    assert_refused(folder, "stations.geojson", "[id_format]", survivors=3)


def test_a_repeated_csv_column_is_refused(folder):
    text = csv_text([ZAGREB, BELGRADE])
    header, rest = text.split("\n", 1)
    (folder / "patrols.csv").write_text(header + ",notes\n" + rest.replace("\n", ",\n"),
                                        encoding="utf-8")
    assert_refused(folder, "patrols.csv", "each column once", survivors=2)


def test_bureaus_and_totals_go_through_the_checked_reader(folder):
    (folder / "bureaus.csv").write_bytes((folder / "bureaus.csv").read_bytes() + "caf\xe9\n".encode("cp1252"))
    result = validate(folder)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "bureaus.csv" in result.stderr and "[encoding]" in result.stderr
    (folder / "bureaus.csv").write_bytes((CORPUS / "bureaus.csv").read_bytes())
    (folder / "reported_totals.csv").write_text('id,total\n"broken,1\n', encoding="utf-8")
    result = validate(folder)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "reported_totals.csv" in result.stderr and "a readable CSV" in result.stderr


def test_a_problem_never_carries_more_than_a_clip_of_the_value():
    problem = Problem("patrols.csv", "line 1", None, "x" * 5000, "y" * 10**6, "columns", "fewer")
    assert len(problem.field) < MAX_SHOWN + 40 and "5,000 characters" in problem.field
    assert len(str(problem)) < 3 * MAX_SHOWN + 200


def test_the_app_on_a_folder_with_a_linked_secret_shows_the_rest_and_a_banner(
        folder, tmp_path_factory, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    secret = tmp_path_factory.mktemp("outside-app") / "environ"
    secret.write_text(f"id,DB_PASSWORD={SECRET}\n", encoding="utf-8")
    (folder / "patrols.csv").unlink()
    (folder / "patrols.csv").symlink_to(secret)
    (folder / "VERSION").symlink_to(secret)
    monkeypatch.setenv("LAWREACH_DATA_DIR", str(folder))
    st.cache_data.clear()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert next(m.value for m in at.metric if m.label == "Records shown") == "2"
    assert at.error and "patrols.csv" in at.error[0].value.replace("\\", "")
    page = "\n".join([*(m.value for m in at.markdown), *(c.value for c in at.code),
                      *(c.value for c in at.caption), *(e.value for e in at.error)])
    assert SECRET not in page
    assert "symbolic link" in page


def test_many_empty_features_cost_one_problem_each_and_a_bounded_report(folder):
    n = 10_000
    (folder / "stations.geojson").write_text(json.dumps(fc(*([{}] * n))), encoding="utf-8")
    data = load_dataset(folder)
    mine = [p for p in data.problems if p.file == "stations.geojson"]
    assert len(mine) == n and {p.rule for p in mine} == {"file_format"}  # no spurious "required"
    assert data.in_files["stations.geojson"] == n and len(data.records) == 2  # the patrols
    result = validate(folder)
    listed = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    assert len(listed) == 201 and listed[-1].endswith(f"{n - 200:,} more problem(s) in stations.geojson")


@pytest.mark.parametrize("field, value, rule", [
    ("first_reported", "２０１８-０７-１５", "date_format"),   # full-width digits
    ("first_reported", "2099-01-01", "date_format"),          # the future
    ("name", "Station \u202egnp.exe", "encoding"),             # bidi override
    ("notes", "before\x00after", "encoding"),                  # NUL
    ("name", "x" * 200_000, "type"),                           # a 200 KB name
])
def test_text_that_is_not_plain_text_is_reported(folder, field, value, rule):
    bad = good_b()
    bad["properties"][field] = value
    (folder / "stations.geojson").write_text(dump(fc(good_a(), bad)), encoding="utf-8")
    data = load_dataset(folder)
    assert (rule, field, "feature 1") in {(p.rule, p.field, p.record) for p in data.problems}
    assert len(data.records) == 3  # the other station and both patrols


@pytest.mark.parametrize("url", ["https://ok.example/ javascript:alert(1)", "http://[::1"])
def test_a_source_url_must_parse_with_no_spaces(folder, url):
    bad = good_b()
    bad["properties"]["sources"][0]["url"] = url
    (folder / "stations.geojson").write_text(dump(fc(good_a(), bad)), encoding="utf-8")
    data = load_dataset(folder)
    assert "url_scheme" in {p.rule for p in data.problems}
    assert "value_error" not in {p.rule for p in data.problems}


def test_a_crs_member_is_refused(folder):
    doc = fc(good_a(), good_b())
    doc["crs"] = {"type": "name", "properties": {"name": "EPSG:3857"}}
    (folder / "stations.geojson").write_text(dump(doc), encoding="utf-8")
    data = load_dataset(folder)
    assert ("file_format", "crs") in {(p.rule, p.field) for p in data.problems}
