"""Load test: N concurrent browser sessions against one local dashboard.

Not a unit test: run it by hand to size a deployment (docs/deploy.md).

    .venv/bin/python scripts/load_test.py --sessions 10

It starts ``streamlit run app.py`` on a free localhost port (or uses ``--url``),
launches one headless Chromium (Debian's ``/usr/bin/chromium``) and drives N
browser contexts at once, each a separate viewer with its own websocket
session, through the journey a reader makes:

1. open the page and wait for the map to be drawn (viewers arrive ``--ramp``
   seconds apart; once all are open, they use the dashboard at the same time);
2. filter by an operating bureau (each session picks a different one);
3. select a record (a row of the table) and wait for the detail panel;
4. set the "as of" date and wait for the map;
5. reset the filters, and repeat from 2 for ``--rounds`` rounds.

"Updated map" means the app finished its run (it writes the new state into the
URL last), the "Records shown" tile holds the new count and, when the count
changed, the pixels of the map canvas changed too: the viewer sees the new map,
not just new numbers. The run is bounded: ``--rounds`` per session, a timeout
per step and ``--deadline`` for the whole run, after which unfinished sessions
are counted as errors. Every request outside localhost is blocked; all traffic
stays on this machine.

Chromium draws WebGL in software (SwiftShader) on the same cores as the
server, so on a small machine the browsers, not the server, dominate the
figures: read them as an upper bound.

Prints sessions completed, errors, and p50/p95 of each step's latency; the
headline figure is "filter change -> updated map".
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--disable-quic",
    "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync",
]
MAP_CANVAS = '[data-testid="stDeckGlJsonChart"] canvas'
AS_OF = "2022-12-31"
POLL_S = 0.1

# A cheap fingerprint of what the map shows: the deck canvas scaled to 96x60 and hashed.
CANVAS_HASH_JS = """
() => {
  const src = document.querySelector('[data-testid="stDeckGlJsonChart"] canvas');
  if (!src || !src.width || !src.height) return null;
  const c = document.createElement('canvas');
  c.width = 96; c.height = 60;
  const g = c.getContext('2d');
  g.drawImage(src, 0, 0, 96, 60);
  const d = g.getImageData(0, 0, 96, 60).data;
  let h = 0, painted = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3]) painted++;
    h = (Math.imul(h, 31) + d[i] + 7 * d[i + 1] + 13 * d[i + 2] + 17 * d[i + 3]) >>> 0;
  }
  return painted > 100 ? h : null;
}
"""
METRIC_JS = """
(label) => {
  for (const tile of document.querySelectorAll('[data-testid="stMetric"]')) {
    if (tile.innerText.includes(label)) {
      const v = tile.querySelector('[data-testid="stMetricValue"]');
      return v ? v.innerText.trim() : null;
    }
  }
  return null;
}
"""


@dataclass
class Results:
    """Latencies per step (seconds), completed sessions and error messages."""

    steps: dict[str, list[float]] = field(default_factory=dict)
    completed: int = 0
    errors: list[str] = field(default_factory=list)
    extra_clicks: int = 0  # table ticks the app ignored (see _select_record)

    def add(self, step: str, seconds: float) -> None:
        self.steps.setdefault(step, []).append(seconds)


class StepTimeout(Exception):
    pass


async def _until(predicate, timeout_s: float, what: str):
    """Poll an async predicate until it returns something truthy."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = await predicate()
        if value:
            return value
        await asyncio.sleep(POLL_S)
    raise StepTimeout(f"timed out after {timeout_s:.0f}s waiting for {what}")


async def _metric(page) -> str | None:
    return await page.evaluate(METRIC_JS, "Records shown")


async def _map_hash(page):
    return await page.evaluate(CANVAS_HASH_JS)


async def _map_updated(page, url_fragment: str, before_metric: str | None, before_hash,
                       timeout_s: float, results: Results, step: str, start: float) -> None:
    """Wait until the run finished (URL updated) and, if the count changed, the map's pixels did.

    The time to the URL update is recorded too: it is the server's run plus the
    page taking in its messages, without the map's redraw."""
    await _url_has(page, url_fragment, timeout_s)
    results.add(f"{step} -> app run done", time.monotonic() - start)

    async def drawn():
        metric = await _metric(page)
        if metric is None:
            return False
        if metric == before_metric:
            return True  # nothing to redraw: the filter kept the same records
        return (await _map_hash(page)) not in (None, before_hash)

    await _until(drawn, timeout_s, "the map to update")


async def _idle(page, timeout_s: float) -> None:
    """Wait until Streamlit is not running the script (status widget gone, twice)."""
    async def idle():
        if await page.locator('[data-testid="stStatusWidget"]').count():
            return False
        await asyncio.sleep(0.2)
        return await page.locator('[data-testid="stStatusWidget"]').count() == 0

    await _until(idle, timeout_s, "the script to finish")


async def _check_page(page) -> None:
    if await page.locator('[data-testid="stException"]').count():
        raise RuntimeError("the page shows an exception")


async def open_session(browser, url: str, index: int, timeout_s: float, results: Results):
    """One viewer opens the page; returns (context, page), or None after an error."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1300})

    async def offline(route, request):
        host = request.url.split("/")[2].split(":")[0] if "://" in request.url else ""
        if request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            await route.continue_()
        else:
            await route.abort()

    await context.route("**/*", offline)
    page = await context.new_page()
    page.set_default_timeout(timeout_s * 1000)
    try:
        start = time.monotonic()
        await page.goto(url)
        await page.wait_for_selector(MAP_CANVAS, timeout=timeout_s * 1000)
        await _until(lambda: _map_hash(page), timeout_s, "the first map")
        await _idle(page, timeout_s)
        results.add("open -> map drawn", time.monotonic() - start)
        return context, page
    except Exception as exc:
        results.errors.append(f"session {index} (open): {type(exc).__name__}: "
                              f"{str(exc).splitlines()[0][:160]}")
        await context.close()
        return None


async def interact(context, page, index: int, rounds: int, step_timeout: float,
                   results: Results) -> None:
    """The journey, `rounds` times: filter, select, as-of, reset."""
    step = "start"
    try:
        for round_ in range(rounds):
            step = f"round {round_ + 1}, filter"
            await _filter_bureau(page, index + round_, step_timeout, results)
            step = f"round {round_ + 1}, select"
            await _select_record(page, round_ % 5, step_timeout, results)
            step = f"round {round_ + 1}, as-of"
            await _as_of(page, step_timeout, results)
            step = f"round {round_ + 1}, reset"
            await _reset(page, step_timeout)
            await _check_page(page)
        results.completed += 1
    except Exception as exc:  # one broken session must not stop the others
        results.errors.append(f"session {index} ({step}): {type(exc).__name__}: "
                              f"{str(exc).splitlines()[0][:140]}")
    finally:
        await context.close()


async def _url_has(page, fragment: str, timeout_s: float) -> None:
    """The app writes its state into the URL at the end of each run: wait for it."""
    async def has():
        return fragment in page.url

    await _until(has, timeout_s, f"'{fragment}' in the URL")


async def _filter_bureau(page, pick: int, timeout_s: float, results: Results) -> None:
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has_text="Operating bureau")
    await box.locator("input").click()
    options = page.locator('[role="option"]')
    await options.first.wait_for(timeout=timeout_s * 1000)
    count = await options.count()
    labels = [await options.nth(i).inner_text() for i in range(count)]
    choices = [i for i, text in enumerate(labels) if text.rstrip().endswith(")")]
    if not choices:
        raise RuntimeError("no bureau options")
    before_metric, before_hash = await _metric(page), await _map_hash(page)
    start = time.monotonic()
    await options.nth(choices[pick % len(choices)]).click()
    await page.keyboard.press("Escape")
    await _map_updated(page, "bureau=", before_metric, before_hash, timeout_s, results,
                       "filter change", start)
    results.add("filter change -> updated map", time.monotonic() - start)
    await _idle(page, timeout_s)


async def _select_record(page, row: int, timeout_s: float, results: Results) -> None:
    """Tick a table row's checkbox (a different row each round, within the rows shown)."""
    grid = page.locator('[data-testid="stDataFrame"]')
    await grid.scroll_into_view_if_needed()
    rows = await grid.locator('table[role="grid"]').get_attribute("aria-rowcount")
    row = row % max(1, min(int(rows or 2) - 1, 5))  # aria-rowcount counts the header row
    box = await grid.bounding_box()
    if not box:
        raise RuntimeError("no table")
    detail = page.locator(".lr-detail").first
    for attempt in range(3):
        # The app ignores a tick on the same row index as the last tick before a reset,
        # so a row may take more clicks (tick, untick, tick): time the click that worked.
        start = time.monotonic()
        # the checkbox column; the header is ~37 px and rows ~35 px high
        await page.mouse.click(box["x"] + 17, box["y"] + 37 + 35 * row + 17)
        try:
            await detail.wait_for(timeout=min(timeout_s, 8) * 1000)
            break
        except Exception:
            if attempt == 2:
                raise
            results.extra_clicks += 1
            await _idle(page, timeout_s)
    await _url_has(page, "sel=", timeout_s)
    results.add("select record -> detail panel", time.monotonic() - start)
    await _idle(page, timeout_s)


async def _as_of(page, timeout_s: float, results: Results) -> None:
    """Type the date into the segmented date field; it is committed when the field loses focus."""
    year = page.locator('[data-testid="stSidebar"] [data-testid="stDateInput"] [data-type="year"]')
    await year.scroll_into_view_if_needed()
    await year.click()
    for part in AS_OF.split("-"):
        await page.keyboard.type(part, delay=20)
    before_metric, before_hash = await _metric(page), await _map_hash(page)
    start = time.monotonic()
    await page.locator("h1").first.click()  # blur: the widget sends its value
    await _map_updated(page, f"as_of={AS_OF}", before_metric, before_hash, timeout_s, results,
                       "as-of change", start)
    results.add("as-of change -> updated map", time.monotonic() - start)
    await _idle(page, timeout_s)


async def _reset(page, timeout_s: float) -> None:
    reset = page.locator('[data-testid="stSidebar"] button').filter(has_text="Reset all filters")
    await reset.first.click()

    async def clean():
        return "bureau=" not in page.url and "as_of=" not in page.url

    await _until(clean, timeout_s, "the filters to reset")
    await _idle(page, timeout_s)
    await page.keyboard.press("Escape")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(data_dir: str | None, log_path: Path) -> tuple[subprocess.Popen, str]:
    """The dashboard on a free localhost port, as in production (headless, no stats)."""
    port = free_port()
    env = dict(os.environ)
    if data_dir:
        env["LAWREACH_DATA_DIR"] = data_dir
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=REPO, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited: see {log_path}")
        try:
            with urllib.request.urlopen(url + "_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("streamlit did not start within 60 s")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), to tell server load from browser load."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation: a reported p95 is a measured value)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.4999)))
    return ordered[rank - 1]


async def run(args: argparse.Namespace, url: str) -> Results:
    from playwright.async_api import async_playwright

    results = Results()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        deadline = time.monotonic() + args.deadline
        opening = []
        for index in range(args.sessions):  # viewers arrive `ramp` seconds apart
            opening.append(asyncio.create_task(
                open_session(browser, url, index, args.open_timeout, results)))
            await asyncio.sleep(args.ramp)
        opened = await asyncio.gather(*opening)
        # Then all open viewers use the dashboard at the same time.
        tasks = [asyncio.create_task(interact(ctx, page, i, args.rounds, args.step_timeout, results))
                 for i, session in enumerate(opened) if session is not None for ctx, page in [session]]
        remaining = max(1.0, deadline - time.monotonic())
        _done, pending = await asyncio.wait(tasks, timeout=remaining) if tasks else (set(), set())
        for task in pending:
            task.cancel()
            results.errors.append("a session did not finish before the deadline")
        await asyncio.gather(*pending, return_exceptions=True)
        await browser.close()
    return results


def report(args: argparse.Namespace, results: Results, wall: float) -> None:
    print(f"sessions: {args.sessions} concurrent, {args.rounds} round(s) each, "
          f"{os.cpu_count()} CPU core(s), wall time {wall:.1f}s")
    print(f"completed: {results.completed}/{args.sessions}   errors: {len(results.errors)}")
    for error in results.errors[:10]:
        print(f"  error: {error}")
    if results.extra_clicks:
        print(f"  note: {results.extra_clicks} table tick(s) were ignored by the app and repeated "
              "(same row index as the last tick before a reset)")
    for step, values in results.steps.items():
        print(f"  {step:<32} n={len(values):<3} p50={statistics.median(values):.2f}s "
              f"p95={percentile(values, 95):.2f}s max={max(values):.2f}s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10, help="concurrent browser sessions")
    parser.add_argument("--rounds", type=int, default=2, help="journeys per session (1-20)")
    parser.add_argument("--ramp", type=float, default=0.2, help="seconds between session starts")
    parser.add_argument("--step-timeout", type=float, default=60.0, help="seconds per step")
    parser.add_argument("--open-timeout", type=float, default=180.0,
                        help="seconds for a page to open and draw its first map")
    parser.add_argument("--deadline", type=float, default=600.0, help="seconds for the whole run")
    parser.add_argument("--url", help="an already running dashboard (localhost only)")
    parser.add_argument("--data", help="data directory for the started server (LAWREACH_DATA_DIR)")
    parser.add_argument("--chromium", default=CHROMIUM)
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 50 or not 1 <= args.rounds <= 20:
        parser.error("--sessions must be 1-50 and --rounds 1-20 (the run is bounded)")
    if args.url and not args.url.startswith(("http://127.0.0.1", "http://localhost")):
        parser.error("--url must be on this machine (127.0.0.1 or localhost)")
    if not Path(args.chromium).exists():
        parser.error(f"{args.chromium} not found (apt-get install chromium)")
    proc = None
    url = args.url
    if url is None:
        log = Path(tempfile.gettempdir()) / "lawreach-load-test-streamlit.log"
        proc, url = start_server(args.data, log)
    try:
        start = time.monotonic()
        cpu_before = cpu_seconds(proc.pid) if proc else None
        results = asyncio.run(run(args, url if url.endswith("/") else url + "/"))
        wall = time.monotonic() - start
        report(args, results, wall)
        cpu_after = cpu_seconds(proc.pid) if proc else None
        if cpu_before is not None and cpu_after is not None:
            used = cpu_after - cpu_before
            print(f"  streamlit server CPU: {used:.1f}s over {wall:.0f}s wall "
                  f"({100 * used / wall:.0f}% of one core); the browsers used the rest")
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 1 if results.errors or results.completed < args.sessions else 0


if __name__ == "__main__":
    sys.exit(main())
