"""The About / Methodology page as Markdown, built from the schema and the data.

Every meaning shown (statuses, precisions, confidences, source kinds) comes from
the schema vocabularies, and the known gaps from ``data/README.md``, so the page
cannot drift from the data contract. Values that come from the data (publisher
names) are Markdown-escaped; the data README is repository text and is shown as
written.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pandas as pd

from lawreach.contract import coverage, provenance
from lawreach.contract.load import read_document
from lawreach.contract.schema import (
    ACTIVITY_TYPES,
    CONFIDENCES,
    PRECISIONS,
    SOURCE_KINDS,
    STATUSES,
    STATUSES_BY_TYPE,
)
from lawreach.contract.text import escape_markdown
from lawreach.contract.vocab import TYPE_NOUNS


def readme_section(readme: Path, word: str) -> str | None:
    """The body of the first ``##`` section whose heading contains ``word``."""
    text = read_document(readme)
    if text is None:
        return None
    match = re.search(rf"^##[^\n]*{re.escape(word)}[^\n]*\n(.*?)(?=^## |\Z)", text,
                      flags=re.IGNORECASE | re.MULTILINE | re.DOTALL)
    if not match:
        return None
    body = match.group(1).strip()
    return body or None


def _table(vocabulary: dict[str, str], header: str = "value") -> str:
    rows = [f"| `{key}` | {label} |" for key, label in vocabulary.items()]
    return "\n".join([f"| {header} | meaning |", "|---|---|", *rows])


def _statuses_table() -> str:
    rows = []
    for key, label in STATUSES.items():
        applies = [TYPE_NOUNS.get(t, (t, t))[1] for t, allowed in STATUSES_BY_TYPE.items()
                   if key in allowed]
        rows.append(f"| `{key}` | {label} | {', '.join(applies)} |")
    return "\n".join(["| status | meaning | used for |", "|---|---|---|", *rows])


def source_summary(records: pd.DataFrame, top: int = 12) -> str:
    """Counts of cited sources by kind and the most cited publishers."""
    kinds: Counter[str] = Counter()
    publishers: Counter[str] = Counter()
    urls: set[str] = set()
    for sources in records.get("sources", pd.Series(dtype=object)):
        for source in sources if isinstance(sources, list) else []:
            url = source.get("url")
            if url in urls:
                continue
            urls.add(url)
            kinds[source.get("kind") or "?"] += 1
            publishers[source.get("publisher") or "?"] += 1
    if not urls:
        return "No sources loaded."
    lines = [f"The records cite **{len(urls)} distinct documents**:", ""]
    for kind, n in kinds.most_common():
        lines.append(f"- {SOURCE_KINDS.get(kind, escape_markdown(kind))}: {n}")
    lines += ["", "Most cited publishers: " + "; ".join(
        f"{escape_markdown(name)} ({n})" for name, n in publishers.most_common(top)) + "."]
    return "\n".join(lines)


def about_markdown(records: pd.DataFrame, totals: pd.DataFrame, data_dir: Path) -> str:
    """The whole page."""
    data_dir = Path(data_dir)
    counts = records["activity_type"].value_counts() if len(records) else pd.Series(dtype=int)
    count_lines = [f"- {label}: {int(counts.get(key, 0))}" for key, label in ACTIVITY_TYPES.items()
                   if int(counts.get(key, 0))]
    gaps = readme_section(data_dir / "README.md", "gap")
    if gaps is None or gaps.strip() in ("", "GAPS"):
        gaps = "The data README lists no known gaps yet."
    cover = coverage.station_coverage(records, totals).sentence() if len(records) else ""
    parts = [
        "## What this is",
        "An open, sourced dataset and map of China's overseas police presence: the overseas "
        "police \"service stations\" run by city and county public security bureaus, joint "
        "police patrols abroad, training academies and programmes, liaison and cooperation "
        "posts, and the Mekong River joint patrol. Every record cites its public sources "
        "(title, publisher, date, link), carries a status with a dated history, and says how "
        "confident the attribution is. Nothing is invented: a fact the sources do not give "
        "stays empty.",
        "",
        f"**{len(records)} records** in this version:",
        *count_lines,
        "",
        f"Coverage: {cover}." if cover else "",
        "",
        "## Where it comes from",
        "Reports by Safeguard Defenders (*110 Overseas*, September 2022; *Patrol and Persuade*, "
        "December 2022), host-government and court statements, press reporting and PRC official "
        "media, each cited per record. Open a record on the map or in the table to see its "
        "sources.",
        "",
        source_summary(records),
        "",
        "## What the labels mean",
        "### Activity type",
        _table(ACTIVITY_TYPES, "type"),
        "### Status",
        _statuses_table(),
        "### Location precision",
        "A point is only as precise as the sources allow. On the map, records located to a "
        "country are drawn as hollow rings and records located to a region with a pale fill, "
        "so they never pose as precise points. Records that share a place (several stations "
        "in one city) are drawn side by side on a small ring; their data keeps the true point.",
        "",
        _table(PRECISIONS, "precision"),
        "### Confidence",
        _table(CONFIDENCES, "confidence"),
        "### Source kind",
        _table(SOURCE_KINDS, "kind"),
        "",
        "## Known gaps",
        gaps,
        "",
        "## Licence",
        f"Data: {provenance.DATA_LICENCE}. Code: {provenance.CODE_LICENCE}. "
        f"{provenance.BASEMAP_CREDIT} (ISC). Place coordinates marked `geonames:` come from "
        "GeoNames (CC BY 4.0). The cited documents belong to their publishers.",
        "",
        "## How to cite",
        "```text",
        provenance.citation(data_dir),
        "```",
        "",
        "## Data version",
        f"Version **{provenance.data_version(data_dir)}** (release date "
        f"{provenance.data_release(data_dir)}, then a hash of the data files: two copies with "
        "the same version hold the same data).",
    ]
    return "\n".join(parts)
