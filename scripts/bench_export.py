"""Benchmark the exports on the bundled data, against a browser screenshot of the dashboard.

Prints the median time and size of every export format for the full dataset
(target: PNG at 2x in at most 1 s), then, in the same run, what a user would
otherwise do: open the dashboard in headless Chromium, wait for the map canvas
to draw, and take an element screenshot. The ratio of the two is printed.

Usage: python scripts/bench_export.py [--runs 5] [--no-browser] [--data DIR]

Not a test: timings depend on the machine (software WebGL is slow).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from lawreach import snapshot  # noqa: E402
from lawreach.contract.load import DEFAULT_DATA_DIR, load_dataset  # noqa: E402
from lawreach.export import html as export_html  # noqa: E402
from lawreach.export.tabular import ExportMeta, to_csv, to_geojson  # noqa: E402
from lawreach.query.filters import FilterState, apply, describe  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader",
                 "--disable-background-networking"]
MAP_CANVAS = '[data-testid="stDeckGlJsonChart"] canvas'
# True once the deck canvas holds more than a blank or basemap-only frame.
DRAWN_JS = """
() => {
  const src = document.querySelector('[data-testid="stDeckGlJsonChart"] canvas');
  if (!src || !src.width || !src.height) return false;
  const out = document.createElement('canvas');
  out.width = src.width; out.height = src.height;
  const g = out.getContext('2d');
  g.drawImage(src, 0, 0);
  const d = g.getImageData(0, 0, out.width, out.height).data;
  let land = 0, colour = 0;
  for (let i = 0; i < d.length; i += 16) {
    if (d[i + 3] === 0) continue;
    const r = d[i], gg = d[i + 1], b = d[i + 2];
    if (Math.abs(r - 236) + Math.abs(gg - 236) + Math.abs(b - 232) < 10) land++;
    else if (Math.max(r, gg, b) - Math.min(r, gg, b) > 60) colour++;
  }
  return land > 100 && colour > 10;
}
"""


def timed(fn, runs: int) -> tuple[float, bytes]:
    """Median wall time of ``runs`` calls, and the last result."""
    times, result = [], b""
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def bench_exports(data_dir: Path, runs: int, out_dir: Path) -> float:
    data = load_dataset(data_dir)
    state = FilterState()
    records = apply(data.records, state)
    names = dict(zip(data.bureaus["id"], data.bureaus["name"], strict=False))
    meta = ExportMeta.for_data(data_dir, describe(state, records, names))
    print(f"Full dataset: {len(records)} records, data version {meta.data_version}")
    snapshot.build(records, data.bureaus, meta)  # warm caches (basemap path, fonts)
    cases = {
        "PNG slide 1x": lambda: snapshot.snapshot_bytes(records, data.bureaus, meta, "png", scale=1),
        "PNG slide 2x": lambda: snapshot.snapshot_bytes(records, data.bureaus, meta, "png", scale=2),
        "PNG slide 4x": lambda: snapshot.snapshot_bytes(records, data.bureaus, meta, "png", scale=4),
        "PNG slide 2x + arcs": lambda: snapshot.snapshot_bytes(records, data.bureaus, meta, "png",
                                                               scale=2, arcs=True),
        "SVG slide": lambda: snapshot.snapshot_bytes(records, data.bureaus, meta, "svg"),
        "PDF A4": lambda: snapshot.snapshot_bytes(records, data.bureaus, meta, "pdf", preset="a4"),
        "HTML map": lambda: export_html.to_html(records, data.bureaus, meta),
        "CSV": lambda: to_csv(records, meta),
        "GeoJSON": lambda: to_geojson(records, meta),
    }
    print(f"\n{'export':<22}{'median s':>10}{'size':>12}   (median of {runs} runs)")
    png2x = 0.0
    for name, fn in cases.items():
        seconds, data_bytes = timed(fn, runs)
        size = len(data_bytes)
        human = f"{size / 1024:.0f} KiB" if size < 1024 * 1024 else f"{size / 2**20:.2f} MiB"
        flag = ""
        if name == "PNG slide 2x":
            png2x = seconds
            flag = "  OK (target <= 1 s)" if seconds <= 1.0 else "  OVER the 1 s target"
        print(f"{name:<22}{seconds:>10.3f}{human:>12}{flag}")
        ext = {"HTML map": "html", "CSV": "csv", "GeoJSON": "geojson"}.get(name, name[:3].lower())
        (out_dir / f"bench-{name.lower().replace(' ', '-').replace('+', 'plus')}.{ext}").write_bytes(
            data_bytes)
    return png2x


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_browser(data_dir: Path, out_dir: Path) -> float | None:
    """Seconds from opening the dashboard to a screenshot of its drawn map."""
    if not CHROMIUM.exists():
        print(f"\nbrowser: skipped ({CHROMIUM} not found)")
        return None
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = dict(os.environ, LAWREACH_DATA_DIR=str(data_dir))
    log = out_dir / "bench-streamlit.log"
    start = time.perf_counter()
    with log.open("w") as log_stream:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
            cwd=REPO, env=env, stdout=log_stream, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    print(f"\nbrowser: the dashboard did not start (see {log})")
                    return None
                time.sleep(0.3)
        server_ready = time.perf_counter() - start
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.route("**/*", lambda route: route.continue_()
                       if route.request.url.startswith(url) else route.abort())
            t0 = time.perf_counter()
            page.goto(url)
            page.wait_for_selector(MAP_CANVAS, timeout=90_000)
            page.wait_for_function(DRAWN_JS, timeout=90_000, polling=250)
            drawn = time.perf_counter() - t0
            t1 = time.perf_counter()
            shot = page.locator(MAP_CANVAS).screenshot(path=str(out_dir / "bench-dashboard-map.png"))
            shot_s = time.perf_counter() - t1
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    total = drawn + shot_s
    print("\nDashboard screenshot (headless Chromium, software WebGL):")
    print(f"  server start            {server_ready:8.3f} s (not counted)")
    print(f"  page open -> map drawn  {drawn:8.3f} s")
    print(f"  element screenshot      {shot_s:8.3f} s  ({len(shot) / 1024:.0f} KiB, no title/legend/credit)")
    print(f"  total per screenshot    {total:8.3f} s")
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA_DIR))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--out", default=None, help="where to keep the files (default: a temp dir)")
    args = parser.parse_args()
    out_dir = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="lawreach-bench-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    png2x = bench_exports(Path(args.data), args.runs, out_dir)
    if not args.no_browser:
        browser = bench_browser(Path(args.data), out_dir)
        if browser:
            print(f"\nRatio: dashboard screenshot / PNG 2x export = {browser / png2x:.1f}x "
                  f"({browser:.2f} s vs {png2x:.3f} s)")
    print(f"\nFiles in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
