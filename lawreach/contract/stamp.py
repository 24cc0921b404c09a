"""A data folder's stamp: what the dashboard's cache is keyed on.

The app caches the loaded data; keying the cache on each file's name, mtime and
size means an edited, added or removed data file is reloaded on the next run
without restarting the server, while an unchanged folder is not re-read.
"""

from __future__ import annotations

from pathlib import Path

#: The files a data folder is made of (the loader and the data version read these).
DATA_FILES = ("stations.geojson", "patrols.csv", "bureaus.csv", "reported_totals.csv")
STAMPED_FILES = (*DATA_FILES, "VERSION", "README.md")

Stamp = tuple[tuple[str, int | None, int | None], ...]


def data_stamp(data_dir: Path) -> Stamp:
    """(name, mtime in ns, size) for each data file; None for both when it is missing."""
    out = []
    for name in STAMPED_FILES:
        path = Path(data_dir) / name
        stat = path.stat() if path.exists() else None
        out.append((name, stat.st_mtime_ns if stat else None, stat.st_size if stat else None))
    return tuple(out)
