"""Dataset identity: title, licence, version and the citation line.

Every view and every export carries these, so a screenshot or a CSV found
months later still says what it is and where it came from.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from lawreach.contract.read import read_bytes, read_text_file
from lawreach.contract.stamp import DATA_FILES, data_stamp

TITLE = "lawreach: China's overseas police presence"
DATA_LICENCE = "CC BY 4.0"
CODE_LICENCE = "MIT"
BASEMAP_CREDIT = "Boundaries: Natural Earth (public domain) via world-atlas"


def data_release(data_dir: Path) -> str:
    """The release date written in data/VERSION (a data correction is a release)."""
    path = Path(data_dir) / "VERSION"
    if not path.exists() and not path.is_symlink():
        return "unreleased"
    text, _problems = read_text_file(path)
    # A release is a date-like token: anything else (a link, a crafted file) is not shown.
    first = (text or "").strip().split("\n", 1)[0].strip()
    return first if re.fullmatch(r"[0-9A-Za-z.+_-]{1,40}", first) else "unreadable"


def data_hash(data_dir: Path) -> str:
    """A short content hash of the data files: two copies with equal hashes hold equal data.

    The app asks for it several times per rerun (caption, citation, exports); the
    files are read again only when one of them changes (name, mtime or size).
    """

    return _hash_files(str(Path(data_dir).resolve()), data_stamp(Path(data_dir)))


@lru_cache(maxsize=8)
def _hash_files(data_dir: str, _stamp: tuple) -> str:
    digest = hashlib.sha256()
    for name in DATA_FILES:
        path = Path(data_dir) / name
        if path.exists() or path.is_symlink():
            digest.update(name.encode())
            digest.update(read_bytes(path) or b"\x00unreadable")
    return digest.hexdigest()[:8]


def data_version(data_dir: Path) -> str:
    return f"{data_release(data_dir)}+{data_hash(data_dir)}"


def citation(data_dir: Path) -> str:
    """The line to quote when using the data."""
    return (
        f"{TITLE}, data version {data_version(data_dir)}, {DATA_LICENCE}. "
        "Sources for each record are in the data."
    )


def credit_line(data_dir: Path) -> str:
    """Short credit for maps and slides."""
    return (
        f"Data: lawreach {data_version(data_dir)} ({DATA_LICENCE}) — sources: Safeguard Defenders, "
        f"press and government statements cited per record. {BASEMAP_CREDIT}."
    )
