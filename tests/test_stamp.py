"""The data folder's stamp: it changes exactly when a data file changes."""

from __future__ import annotations

import os

from lawreach.contract.stamp import STAMPED_FILES, data_stamp


def test_stamp_lists_every_data_file_in_order(mini_dir):
    stamp = data_stamp(mini_dir)
    assert [name for name, _mtime, _size in stamp] == [
        "stations.geojson", "patrols.csv", "bureaus.csv", "reported_totals.csv", "VERSION",
        "README.md",
    ]
    assert [name for name, _m, _s in stamp] == list(STAMPED_FILES)


def test_stamp_records_size_and_mtime_and_none_when_missing(mini_dir):
    stamp = dict((name, (mtime, size)) for name, mtime, size in data_stamp(mini_dir))
    assert stamp["VERSION"] == ((mini_dir / "VERSION").stat().st_mtime_ns, len("2026-01-01\n"))
    assert stamp["README.md"] == (None, None)


def test_stamp_is_stable_and_changes_with_a_file(mini_dir):
    before = data_stamp(mini_dir)
    assert data_stamp(mini_dir) == before
    version = mini_dir / "VERSION"
    version.write_text("2026-02-01\n", encoding="utf-8")
    stat = version.stat()
    os.utime(version, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert data_stamp(mini_dir) != before
    (mini_dir / "README.md").write_text("x", encoding="utf-8")
    assert dict((n, s) for n, _m, s in data_stamp(mini_dir))["README.md"] == 1


def test_stamp_of_a_missing_folder(tmp_path):
    assert data_stamp(tmp_path / "nowhere") == tuple((name, None, None) for name in STAMPED_FILES)
