"""Benchmark the relevance search (lawreach.query.search) against the literal substring search.

For the bundled data and for synthetic frames of 1e4 and 1e5 records (the bundled
records repeated), prints per query set:

* ``reference``: the literal, folded substring search that ``filters.apply`` used
  before (its logic is copied below, so the comparison survives the rewiring);
* ``build``: :func:`lawreach.query.search.build_index` (fold every field once; a caller can
  cache it with the data);
* ``query``: :func:`lawreach.query.search.score_index` on a built index, per query;
* ``score()``: build + query, what an uncached call costs per query;

each as a median time and as a ratio to the reference measured in the same run
(at 1e5 rows the reference, ~20 s a query, is timed on the first two queries).
Repeated records have few distinct texts, which the index folds and searches only
once, so a fourth frame ("1e5 distinct") gives every record its own name and notes
(the worst case). The bundled data also prints how many records each query finds
with each search. Not a test: timings depend on the machine.

Run: ``python scripts/bench_search.py`` (``--quick`` for fewer repeats).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pycountry

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lawreach.contract.load import DEFAULT_DATA_DIR, load_dataset  # noqa: E402
from lawreach.query import search  # noqa: E402

QUERIES = ("Prato station", "Milano", "湄公河", "the Mekong patrol", "青田", "jingqiao",
           "Fuzhou Municipal", "Qingtain", "Zagreb 2019")

# --- the reference: filters.apply's search before lawreach.query.search ----------------

SEARCH_COLUMNS = ("name", "name_zh", "name_pinyin", "city", "address", "notes", "programme")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def country_name(iso3: str) -> str:
    country = pycountry.countries.get(alpha_3=iso3) if isinstance(iso3, str) else None
    if country is None:
        return str(iso3)
    return getattr(country, "common_name", None) or country.name


def reference(records: pd.DataFrame, query: str) -> pd.Series:
    needle = _fold(query.strip())
    haystack = records[list(SEARCH_COLUMNS)].fillna("").astype(str).agg(" ".join, axis=1)
    haystack = haystack + " " + records["country"].map(country_name).fillna("")
    return haystack.map(_fold).str.contains(needle, regex=False)


# --- timing --------------------------------------------------------------------


def median_time(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def repeated(records: pd.DataFrame, n: int, distinct: bool = False) -> pd.DataFrame:
    """The bundled records repeated to n rows; with ``distinct``, each row's name and
    notes get a suffix of their own, so no two rows share those texts."""
    frame = pd.concat([records] * (n // len(records) + 1), ignore_index=True).iloc[:n].copy()
    if distinct:
        suffix = " #" + pd.Series(range(n), index=frame.index).astype(str)
        frame["name"] = frame["name"] + suffix
        frame["notes"] = frame["notes"].fillna("") + suffix
    return frame


def bench(label: str, records: pd.DataFrame, names: dict[str, str],
          extra: dict[str, tuple[str, ...]], repeats: int, reference_queries: int) -> None:
    # The reference's time hardly depends on the query (it joins and folds every row
    # each time), and at 1e5 rows it takes ~20 s, so large frames time a few queries.
    ref = statistics.mean(median_time(lambda q=q: reference(records, q), repeats)
                          for q in QUERIES[:reference_queries])
    build = median_time(lambda: search.build_index(records, names, extra), repeats)
    index = search.build_index(records, names, extra)
    query = statistics.mean(median_time(lambda q=q: search.score_index(index, q), repeats)
                            for q in QUERIES)
    print(f"{label:>14} {len(records):>7,}  reference {ref * 1e3:9.1f} ms"
          f"  build {build * 1e3:8.1f} ms ({build / ref:5.2f}x)"
          f"  query {query * 1e3:8.2f} ms ({query / ref:6.3f}x)"
          f"  score() {(build + query) * 1e3:8.1f} ms ({(build + query) / ref:5.2f}x)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--quick", action="store_true", help="one repeat for the large frames")
    args = parser.parse_args(argv)
    dataset = load_dataset(args.data)
    records = dataset.records
    names, extra = search.bureau_name_maps(dataset.bureaus)
    search.build_index(records.head(1), names, extra)  # warm caches (pycountry, alias table)

    print(f"Queries: {', '.join(QUERIES)}")
    print("Times are medians, per query for reference/query/score(); ratios are against the "
          "reference.\n")
    bench("bundled", records, names, extra, repeats=5 if args.quick else 20,
          reference_queries=len(QUERIES))
    for label, n, distinct in (("1e4", 10_000, False), ("1e5", 100_000, False),
                               ("1e5 distinct", 100_000, True)):
        bench(label, repeated(records, n, distinct), names, extra,
              repeats=1 if args.quick else 3, reference_queries=len(QUERIES) if n < 1e5 else 2)

    print("\nRecords found in the bundled data (reference -> relevance search):")
    index = search.build_index(records, names, extra)
    for q in QUERIES:
        found = search.score_index(index, q)
        print(f"  {q!r:>20}: {int(reference(records, q).sum()):3d} -> {int((found > 0).sum()):3d}")


if __name__ == "__main__":
    main()
