"""The data version follows the files: cached between reruns, renewed on any change."""

from __future__ import annotations

import os

from lawreach.contract import provenance


def test_data_version_changes_with_the_files(mini_dir):
    first = provenance.data_version(mini_dir)
    assert first.startswith("2026-01-01+") and provenance.data_version(mini_dir) == first
    path = mini_dir / "patrols.csv"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert provenance.data_version(mini_dir) != first


def test_equal_files_give_equal_hashes(mini_dir, tmp_path_factory):
    copy = tmp_path_factory.mktemp("copy")
    for name in provenance.DATA_FILES:
        (copy / name).write_bytes((mini_dir / name).read_bytes())
    assert provenance.data_hash(copy) == provenance.data_hash(mini_dir)
