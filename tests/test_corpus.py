"""The broken-input corpus: every case fails for its stated reason, and loses nothing else.

Each file in ``tests/corpus/`` is a mistake a real contributor could make,
listed in ``MANIFEST.csv`` with the rule, field and record it must be reported
under and the ids of the valid records that must survive it. For each case:

* ``python -m lawreach validate <file>`` exits 1 and prints a line naming the
  file, the record, the field and the rule, with an expectation a person can act on;
* the loader reports that problem, and only problems of that rule;
* every valid record in the same file is loaded, and in file = loaded + invalid.

Two cases are too big to commit and are generated once per session: a file
over the size limit, and a CSV cell longer than the csv module accepts.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from lawreach.cli import main
from lawreach.contract.load import load_dataset
from lawreach.contract.read import MAX_FILE_BYTES
from tests.corpus.build_corpus import BELGRADE, ZAGREB, csv_text

CORPUS = Path(__file__).resolve().parent / "corpus"
SUPPORT = {"MANIFEST.csv", "README.md", "bureaus.csv", "reported_totals.csv", "build_corpus.py",
           "__init__.py"}
with (CORPUS / "MANIFEST.csv").open(encoding="utf-8", newline="") as _handle:
    MANIFEST = list(csv.DictReader(_handle))
BROKEN = [case for case in MANIFEST if case["rule"]]
ACCEPTED = [case for case in MANIFEST if not case["rule"]]


def _problem_lines(err: str) -> list[str]:
    return [line.strip()[2:] for line in err.splitlines() if line.startswith("  - ")]


def _assert_message(err: str, file: str, rule: str, field: str, record: str) -> None:
    """One printed problem names file, record, field and rule, with a real expectation."""
    wanted = [file, f"[{rule}]"]
    if record:
        wanted.append(f", {record}")
    if field:
        wanted.append(f"field '{field}'")
    lines = [line for line in _problem_lines(err) if all(part in line for part in wanted)]
    assert lines, f"no problem line naming {wanted} in:\n{err}"
    expectation = lines[0].rsplit(f" [{rule}]", 1)[0].split(": ", 1)[-1]
    assert len(expectation) >= 15, f"expectation too vague to act on: {expectation!r}"


def _assert_loader(path: Path, data_dir: Path, rule: str, field: str, record: str, kept: list[str]):
    data = load_dataset(data_dir, record_files=[path])
    found = {(p.rule, p.field, p.record) for p in data.problems}
    assert (rule, field or None, record or None) in found, found
    assert {p.rule for p in data.problems} == {rule}, [str(p) for p in data.problems]
    assert sorted(data.records["id"]) == sorted(kept)
    name = path.name
    assert data.in_files[name] == data.loaded(name) + data.invalid[name]
    # Nothing silently dropped: each invalid record is named by at least one problem.
    file_level = ("columns", "file_format", "encoding", "file_read")  # header or whole-file lines
    named = {p.record for p in data.problems if p.record
             and (p.record.startswith("feature") or p.rule not in file_level)}
    assert len(named) == data.invalid[name]


def test_corpus_is_large_and_fully_listed():
    listed = {case["file"] for case in MANIFEST}
    on_disk = {p.name for p in CORPUS.iterdir() if p.is_file()} - SUPPORT
    assert on_disk == listed, (on_disk ^ listed)
    assert len(BROKEN) >= 30
    assert {Path(c["file"]).suffix for c in BROKEN} == {".geojson", ".csv"}
    for case in MANIFEST:
        assert case["why"].strip(), f"{case['file']}: say why a contributor would produce it"


def test_corpus_files_still_match_their_builder(tmp_path):
    """A schema change that regenerates the corpus must also revisit MANIFEST.csv."""
    from tests.corpus.build_corpus import write_all

    for name in write_all(tmp_path):
        assert (tmp_path / name).read_bytes() == (CORPUS / name).read_bytes(), name


@pytest.mark.parametrize("case", BROKEN, ids=[c["file"] for c in BROKEN])
def test_broken_file_is_reported_and_valid_records_kept(case, capsys):
    path = CORPUS / case["file"]
    assert main(["validate", str(path)]) == 1
    _assert_message(capsys.readouterr().err, case["file"], case["rule"], case["field"], case["record"])
    _assert_loader(path, CORPUS, case["rule"], case["field"], case["record"], case["kept"].split())


@pytest.mark.parametrize("case", ACCEPTED, ids=[c["file"] for c in ACCEPTED])
def test_accepted_file_loads_clean(case, capsys):
    path = CORPUS / case["file"]
    assert main(["validate", str(path)]) == 0
    assert "OK" in capsys.readouterr().out
    data = load_dataset(CORPUS, record_files=[path])
    assert data.problems == []
    assert sorted(data.records["id"]) == sorted(case["kept"].split())
    # The BOM must not leak into the first column name or value.
    assert all(not str(i).startswith("\ufeff") for i in data.records["id"])


@pytest.fixture(scope="session")
def generated_dir(tmp_path_factory) -> Path:
    """A corpus directory for the cases generated at run time (support files copied)."""
    target = tmp_path_factory.mktemp("corpus-generated")
    for name in ("bureaus.csv", "reported_totals.csv"):
        shutil.copy(CORPUS / name, target / name)
    return target


@pytest.fixture(scope="session")
def huge_file(generated_dir) -> Path:
    """A valid-looking GeoJSON just over the size limit (a database dump, or a padded attack)."""
    path = generated_dir / "huge.geojson"
    feature = json.loads((CORPUS / "bom_accepted.geojson").read_text(encoding="utf-8-sig"))["features"][0]
    chunk = json.dumps(feature, ensure_ascii=False)
    count = MAX_FILE_BYTES // len(chunk.encode("utf-8")) + 10
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"type": "FeatureCollection", "features": [')
        handle.write(",\n".join([chunk] * count))
        handle.write("]}\n")
    assert path.stat().st_size > MAX_FILE_BYTES
    return path


def test_file_over_the_size_limit(huge_file, capsys):
    assert main(["validate", str(huge_file)]) == 1
    err = capsys.readouterr().err
    _assert_message(err, "huge.geojson", "file_read", "", "")
    assert "MB" in err
    data = load_dataset(huge_file.parent, record_files=[huge_file])
    assert [p.rule for p in data.problems] == ["file_read"]
    assert data.in_files == {"huge.geojson": 0}


def test_cell_longer_than_the_csv_limit(generated_dir, capsys):
    """A whole article pasted into a notes cell: that row is reported, the others load."""
    path = generated_dir / "notes_too_long.csv"
    long_row = dict(BELGRADE, notes="Lorem ipsum " * 20_000)
    path.write_text(csv_text([ZAGREB, long_row]) + csv_text([dict(BELGRADE, id="jp-srb-2019-novi-sad",
                                                                   city="Novi Sad", lon=19.8335,
                                                                   lat=45.2671)]).split("\n", 1)[1],
                    encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    _assert_message(capsys.readouterr().err, path.name, "csv_shape", "", "line 3")
    _assert_loader(path, generated_dir, "csv_shape", "", "line 3",
                   ["jp-hrv-2019-zagreb", "jp-srb-2019-novi-sad"])
