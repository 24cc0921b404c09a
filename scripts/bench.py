"""Benchmark the dashboard's per-rerun work: filter + build the map layers.

Prints, for the bundled data and for synthetic data of 1e3, 1e4 and 1e5 records,
the median time of one pass (``filters.apply`` + ``layers.build_deck``), the time
to serialise the deck (what Streamlit sends to the browser), the serialised size,
and the one-off ``layers.prepare`` time that the app caches with the data.

Targets (issue #3): <= 30 ms per pass on the bundled data, <= 0.3 s at 1e5.
Not a test: timings depend on the machine. Run: ``python scripts/bench.py``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lawreach import layers  # noqa: E402
from lawreach.contract.load import DEFAULT_DATA_DIR, load_dataset  # noqa: E402
from lawreach.query import filters
from lawreach.query.filters import FilterState  # noqa: E402


def median_time(fn: Callable[[], object], repeats: int, clock: Callable[[], float] = time.perf_counter
                ) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = clock()
        result = fn()
        times.append(clock() - start)
    return statistics.median(times), result


def synthetic(records: pd.DataFrame, n: int, seed: int = 3) -> pd.DataFrame:
    """n records resampled from the real ones, each moved up to ~50 km and renamed,
    so the mix of types, bureaus and text lengths stays realistic."""
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(records), n)
    frame = records.iloc[picks].reset_index(drop=True).copy()
    frame["id"] = [f"syn-{i}" for i in range(n)]
    frame["name"] = frame["name"] + " #" + frame.index.astype(str)
    frame["lon"] = (frame["lon"] + rng.uniform(-0.5, 0.5, n)).clip(-180, 180)
    frame["lat"] = (frame["lat"] + rng.uniform(-0.5, 0.5, n)).clip(-85, 85)
    return frame


def bench(label: str, records: pd.DataFrame, bureaus: pd.DataFrame, repeats: int,
          state: FilterState) -> None:
    prep_s, prepared = median_time(lambda: layers.prepare(records, bureaus), max(1, repeats // 4))
    view = {"longitude": 20.0, "latitude": 30.0, "zoom": 1.5}

    def one_pass():
        filtered = filters.apply(prepared, state)
        return layers.build_deck(filtered, bureaus, view=view)

    pass_s, deck = median_time(one_pass, repeats)
    # CPU time too: on a shared machine wall time includes waiting for a core.
    pass_cpu, _ = median_time(one_pass, repeats, time.process_time)
    json_s, text = median_time(deck.to_json, repeats)
    shown = len(filters.apply(prepared, state))
    print(f"{label:>10} {len(records):>8} {shown:>8} {pass_s * 1000:>10.1f} {pass_cpu * 1000:>10.1f} "
          f"{json_s * 1000:>10.1f} {len(text.encode()) / 1e6:>9.2f} {prep_s * 1000:>11.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", default=str(DEFAULT_DATA_DIR))
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    data = load_dataset(Path(args.data_dir))
    if data.records.empty:
        sys.exit("no records loaded; nothing to benchmark")
    # A typical rerun: everything shown (the heaviest case for the map) ...
    everything = FilterState()
    print("median of repeated runs; pass = filters.apply + layers.build_deck (wall, and CPU "
          "time of this process); json = deck.to_json (sent to the browser); "
          "prepare = once per dataset (cached)")
    print(f"{'data':>10} {'records':>8} {'shown':>8} {'pass ms':>10} {'pass cpu':>10} {'json ms':>10} "
          f"{'json MB':>9} {'prepare ms':>11}")
    bench("bundled", data.records, data.bureaus, 21, everything)
    # ... and a filtered one (one bureau, one type).
    stations = data.records[data.records["activity_type"] == "service_station"]
    top_bureau = stations["operating_bureau"].value_counts().index[0]
    bench("filtered", data.records, data.bureaus, 21,
          FilterState(bureaus=(top_bureau,), types=("service_station",)))
    for n in (int(s) for s in args.sizes.split(",") if s):
        bench("synth", synthetic(data.records, n), data.bureaus, 7 if n <= 10_000 else 3, everything)


if __name__ == "__main__":
    main()
