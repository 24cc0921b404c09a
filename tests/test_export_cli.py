"""``python -m lawreach export``: filters, formats, batch mode, clear errors, no debris,
help and README examples that write under the git-ignored ``out/``, quiet in a closed pipe."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from lawreach.cli import main
from lawreach.export import cli as export_cli
from tests.conftest import ARTIFACTS, REPO
from tests.sample_data import write_export_dir


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return write_export_dir(tmp_path_factory.mktemp("cli-data"))


def export(data_dir: Path, *args: str) -> int:
    return main(["export", "--data", str(data_dir), "--export-date", "2026-01-15", *args])


def _files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def test_batch_writes_one_slide_per_bureau(data_dir, tmp_path, capsys):
    out = tmp_path / "slides"
    assert export(data_dir, "--batch-by", "bureau", "--format", "png", "--scale", "1", "--out", str(out)) == 0
    assert _files(out) == sorted(f"bureau-{b}.png" for b in (
        "fuzhou-psb", "mps", "qingtian-psb", "unknown", "wenzhou-psb", "yunnan-police"))
    for path in out.iterdir():
        data = path.read_bytes()
        assert struct.unpack(">II", data[16:24]) == (1280, 720)
    printed = capsys.readouterr().out
    assert "run by Qingtian County PSB" in printed
    target = ARTIFACTS / "cli-batch-bureau"
    target.mkdir(parents=True, exist_ok=True)
    for path in out.iterdir():
        (target / path.name).write_bytes(path.read_bytes())


def test_batch_by_country_respects_the_other_filters(data_dir, tmp_path):
    out = tmp_path / "by-country"
    assert export(data_dir, "--type", "service_station", "--batch-by", "country", "--format", "csv",
                  "--out", str(out)) == 0
    assert _files(out) == ["country-bra.csv", "country-fra.csv", "country-ita.csv", "country-nld.csv"]
    rows = list(csv.DictReader(io.StringIO((out / "country-ita.csv").read_text("utf-8-sig"))))
    assert len(rows) == 4 and {r["country"] for r in rows} == {"ITA"}
    assert rows[0]["filter"] == "4 service stations in Italy"


def test_single_export_is_reproducible_and_format_follows_extension(data_dir, tmp_path):
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    for path in (first, second):
        assert export(data_dir, "--country", "Italy", "--title", "Qingtian, Italy",
                      "--out", str(path)) == 0
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes().lstrip().startswith(b"<?xml")
    assert b"Qingtian, Italy" in first.read_bytes()
    assert _files(tmp_path) == ["a.svg", "b.svg"]


def test_out_directory_gets_a_descriptive_name(data_dir, tmp_path):
    assert export(data_dir, "--bureau", "qingtian-psb", "--country", "ITA", "--format", "geojson",
                  "--out", str(tmp_path)) == 0
    assert _files(tmp_path) == ["lawreach-qingtian-psb-ita-2026-01-15.geojson"]


@pytest.mark.parametrize("args, message", [
    (["--bureau", "nope"], "unknown bureau 'nope'; expected one of: fuzhou-psb"),
    (["--type", "station"], "unknown activity type 'station'"),
    (["--country", "Atlantis"], "unknown country 'Atlantis'"),
    (["--status", "open"], "unknown status 'open'"),
    (["--as-of", "2022-13-01"], "--as-of '2022-13-01' is not a date"),
    (["--from", "2025", "--to", "2020"], "--from 2025 is after --to 2020"),
    (["--from", "last year"], "expected a year"),
    (["--export-date", "yesterday"], "--export-date 'yesterday' is not a date"),
    (["--format", "png", "--out", "{dir}/x.svg"], "--out ends in .svg but --format is png"),
])
def test_bad_arguments_exit_2_with_a_clear_message_and_write_nothing(data_dir, tmp_path, capsys,
                                                                      args, message):
    args = [a.replace("{dir}", str(tmp_path)) for a in args]
    if "--out" not in args:
        args += ["--out", str(tmp_path / "out.png")]
    assert export(data_dir, *args) == 2
    assert message in capsys.readouterr().err
    assert _files(tmp_path) == []


@pytest.mark.parametrize("args", [["--format", "gif"], ["--scale", "3"], ["--preset", "poster"],
                                  ["--batch-by", "city"]])
def test_argparse_rejects_bad_choices(data_dir, tmp_path, capsys, args):
    with pytest.raises(SystemExit) as exc:
        export(data_dir, *args, "--out", str(tmp_path / "x"))
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
    assert _files(tmp_path) == []


def test_no_match_exits_1_and_writes_nothing(data_dir, tmp_path, capsys):
    assert export(data_dir, "--search", "no such place", "--out", str(tmp_path / "x.png")) == 1
    assert "no records match" in capsys.readouterr().err
    assert _files(tmp_path) == []


def test_batch_into_a_file_is_refused(data_dir, tmp_path, capsys):
    existing = tmp_path / "file.txt"
    existing.write_text("keep me")
    assert export(data_dir, "--batch-by", "type", "--out", str(existing)) == 2
    assert "is a file" in capsys.readouterr().err
    assert existing.read_text() == "keep me"


def test_a_failure_midway_leaves_nothing_behind(data_dir, tmp_path, monkeypatch, capsys):
    calls = []

    def flaky(fmt, args, bureaus):
        def render(job):
            calls.append(job.path)
            if len(calls) == 3:
                raise OSError("disk full")
            return b"partial"
        return render

    monkeypatch.setattr(export_cli, "renderer", flaky)
    out = tmp_path / "new" / "slides"
    existing = tmp_path / "keep"
    existing.mkdir()
    (existing / "bureau-mps.csv").write_text("old")
    for target in (out, existing):
        calls.clear()
        assert export(data_dir, "--batch-by", "bureau", "--format", "csv", "--out", str(target)) == 1
        assert "nothing was written" in capsys.readouterr().err
    assert not (tmp_path / "new").exists(), "directories made for the export are removed"
    assert _files(existing) == ["bureau-mps.csv"] and (existing / "bureau-mps.csv").read_text() == "old"


def test_python_m_lawreach_export_runs(data_dir, tmp_path):
    out = tmp_path / "italy.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "lawreach", "export", "--data", str(data_dir), "--country", "ITA",
         "--out", str(out)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "4 records: 4 service stations in Italy" in proc.stdout
    assert len(list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))) == 4
    bad = subprocess.run([sys.executable, "-m", "lawreach", "export", "--data", str(data_dir),
                          "--bureau", "nope", "--out", str(tmp_path / "bad.png")],
                         cwd=REPO, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "unknown bureau" in bad.stderr
    assert not (tmp_path / "bad.png").exists()


def test_help_examples_write_under_out(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = capsys.readouterr().out
    assert "`" not in text
    outs = re.findall(r"lawreach export .*--out (\S+)", text)
    assert outs and all(path.startswith("out/") for path in outs)


def _readme_export_outs() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Exports for slides, print and analysis", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"lawreach export .*--out (\S+)", section)


def test_readme_examples_write_under_an_ignored_out_folder():
    """Someone trying the README must not end up with files for git to pick up."""
    outs = _readme_export_outs()
    assert len(outs) >= 3 and all(path.startswith("out/") for path in outs)
    git = shutil.which("git")
    if git is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    for path in outs:
        ignored = subprocess.run([git, "check-ignore", "-q", "--no-index", path], cwd=REPO,
                                 timeout=30, check=False)
        assert ignored.returncode == 0, f"{path} is not git-ignored"


def test_export_into_a_closed_pipe_writes_the_file_and_stops_quietly(data_dir, tmp_path):
    """The file list is printed last: a reader gone by then changes nothing on disk."""
    out = tmp_path / "italy.csv"
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "lawreach", "export", "--data", str(data_dir), "--country", "ITA",
             "--out", str(out)], cwd=REPO, stdout=write_end, stderr=subprocess.PIPE, text=True,
            timeout=120, check=False)
    finally:
        os.close(write_end)
    assert proc.returncode == 141, proc.stderr
    assert "Traceback" not in proc.stderr and "BrokenPipeError" not in proc.stderr
    assert len(list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))) == 4
