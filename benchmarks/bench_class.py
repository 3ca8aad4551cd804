"""A class at once: what the dashboard server spends per student action, and how it holds up
under 10, 20 and 30 concurrent browser sessions.

In a classroom the browsers run on the students' machines, so the server's CPU per interaction
decides how many students one server serves. This script starts ``streamlit run app.py`` on a
free port (file watching off, as ``docs/deploy.md`` serves it) and drives it with headless
Chromium (Debian's /usr/bin/chromium through Playwright).

(a) **Server CPU per action** (psutil on the server process, user + system time): a scripted
    sequence in one session, each action waited for until the page is drawn and idle:
    sidebar slider moves (the IVIg interval, a new simulation each time), day-scrubber moves
    (same run, new day) and page switches. Prints medians and the implied capacity of this
    machine (cores / CPU seconds per action).
(b) **N concurrent sessions** (one browser, one context per student, N = 10, 20, 30 by
    default): each student opens the dashboard with its own seed (a patient no one else has,
    so no cache is shared: the worst case), then moves the IVIg slider and the day scrubber and
    switches pages, with a think time between actions. Prints p50/p95 latency per action kind,
    errors and time-outs, the server's CPU per action during the run, and its resident memory
    before, at the peak and after the sessions close.

The browsers share this machine's cores with the server here, so latencies under load measure
both; the server's CPU per action is the figure that carries over to a classroom. A benchmark,
not a test: it prints only. Target (issue): <= 100 ms of server CPU per slider move.

    .venv/bin/python benchmarks/bench_class.py [--sessions 10 20 30] [--moves 4] [--think 1.5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script
from bench_app import ARGS, CHROMIUM, GRIP_JS, ROOT, free_port, wait_health  # noqa: E402

IVIG = '[data-testid="stSlider"] input[type="range"][aria-label^="IVIg interval"]'
DAY = '[data-testid="stSlider"] input[type="range"][aria-label^="Day from onset"]'
NAV = '[data-testid="stSidebarNavLink"]'
IDLE_JS = """() => { const w = document.querySelector('[data-testid="stStatusWidget"]');
    return !w || !w.innerText.includes('Running'); }"""
DAY_JS = "() => { const m = document.body.innerText.match(/Day (\\d+) = year/); " \
         "return m ? m[1] : null; }"
TIMEOUT_MS = 90_000
SESSION_TTL_S = 120  # streamlit's server.disconnectedSessionTTL (its default; not set here)
SETTLE_S = SESSION_TTL_S + 60 + 10  # then the housekeeping round ends them and collects


# --- the server ------------------------------------------------------------------------------
class Server:
    """``streamlit run app.py`` on a free port, its process watched with psutil."""

    def __init__(self, extra: list[str]) -> None:
        import psutil

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(tempfile.mkstemp(prefix="bench_class_", suffix=".log")[1])
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                 "--server.port", str(self.port), "--browser.gatherUsageStats", "false",
                 "--server.fileWatcherType", "none", "--server.runOnSave", "false", *extra],
                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                env=dict(os.environ, PYTHONPATH=str(ROOT)),
            )
        wait_health(self.url, self.proc)
        self.ps = psutil.Process(self.proc.pid)

    def cpu(self) -> float:
        """CPU seconds of the server and any processes it started."""
        t = self.ps.cpu_times()
        return t.user + t.system + t.children_user + t.children_system

    def rss_mb(self) -> float:
        return self.ps.memory_info().rss / 2**20

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def settle(page) -> None:
    await page.wait_for_timeout(250)
    await page.wait_for_function(IDLE_JS, timeout=TIMEOUT_MS)


async def open_timeline(page, url: str, seed: int) -> None:
    await page.goto(f"{url}/?scenario=ivig-maintenance&seed={seed}", wait_until="domcontentloaded")
    await page.wait_for_function(f"({GRIP_JS}) !== null", timeout=TIMEOUT_MS)
    await settle(page)


class LostKey(Exception):
    """The slider never took the key press (the browser was too busy): not the server's doing."""


async def move_ivig(page) -> None:
    """One step up of the IVIg interval: a new simulation; done when the grip chart changed."""
    before = await page.evaluate(GRIP_JS)
    slider = page.locator(IVIG)
    value = await slider.get_attribute("aria-valuenow")
    await slider.focus()
    await page.keyboard.press("ArrowRight")
    try:
        await page.wait_for_function(f"(b) => {{ const y = ({GRIP_JS})(); return y !== null && "
                                     "y !== b; }", arg=before, timeout=TIMEOUT_MS)
    except Exception:
        if await slider.get_attribute("aria-valuenow") == value:
            raise LostKey from None
        raise


async def move_day(page) -> None:
    """One step back of the day scrubber; done when the caption shows the new day."""
    before = await page.evaluate(DAY_JS)
    await page.locator(DAY).focus()
    await page.keyboard.press("PageDown")
    await page.wait_for_function(f"(b) => {{ const d = ({DAY_JS})(); return d !== null && "
                                 "d !== b; }", arg=before, timeout=TIMEOUT_MS)


async def switch_page(page, title: str, heading: str) -> None:
    await page.locator(NAV).filter(has_text=title).first.click()
    await page.get_by_role("heading", name=heading).first.wait_for(timeout=TIMEOUT_MS)


# --- (a) CPU per action ----------------------------------------------------------------------
async def cpu_per_action(browser, server: Server, moves: int) -> dict[str, list[float]]:
    """Server CPU seconds of each action of one session, run one after the other."""
    ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await ctx.new_page()
    await open_timeline(page, server.url, seed=900_001)
    await page.wait_for_timeout(1500)
    await settle(page)
    t0, c0 = time.monotonic(), server.cpu()
    await page.wait_for_timeout(3000)
    idle = (server.cpu() - c0) / (time.monotonic() - t0)
    out: dict[str, list[float]] = {"slider (new run)": [], "day scrubber": [], "page switch": [],
                                   "idle CPU s/s": [idle]}

    async def measure(kind: str, action) -> None:
        c = server.cpu()
        await action()
        await settle(page)
        out[kind].append(server.cpu() - c)

    for _ in range(moves):
        await measure("slider (new run)", lambda: move_ivig(page))
    for _ in range(moves):
        await measure("day scrubber", lambda: move_day(page))
    for title, heading in [("Body map", "Body map"), ("Nerve conduction", "Nerve conduction"),
                           ("Diagnosis", "Diagnosis"), ("Timeline", "Patient timeline")]:
        await measure("page switch", lambda t=title, h=heading: switch_page(page, t, h))
    await ctx.close()
    return out


# --- (b) N sessions at once ------------------------------------------------------------------
async def student(browser, url: str, seed: int, moves: int, think: float,
                  lat: dict[str, list[float]], errors: list[str]) -> None:
    ctx = await browser.new_context(viewport={"width": 1200, "height": 900})
    page = await ctx.new_page()
    plan = [("slider", lambda: move_ivig(page)), ("scrubber", lambda: move_day(page))] * moves
    plan += [("page", lambda: switch_page(page, "Body map", "Body map")),
             ("page", lambda: switch_page(page, "Timeline", "Patient timeline"))]
    try:
        t = time.perf_counter()
        await open_timeline(page, url, seed)
        lat["first load"].append(time.perf_counter() - t)
        for kind, action in plan:
            await asyncio.sleep(think)
            t = time.perf_counter()
            try:
                await action()
                await settle(page)
                lat[kind].append(time.perf_counter() - t)
            except Exception as err:  # noqa: BLE001 - a benchmark counts failures, goes on
                errors.append(f"{kind}: {type(err).__name__}")
        if await page.locator('[data-testid="stException"]').count():
            errors.append("exception shown on the page")
    except Exception as err:  # noqa: BLE001
        errors.append(f"load: {type(err).__name__}")
    finally:
        await ctx.close()


async def load(browser, server: Server, n: int, moves: int, think: float) -> None:
    lat: dict[str, list[float]] = {"first load": [], "slider": [], "scrubber": [], "page": []}
    errors: list[str] = []
    rss0, c0, t0 = server.rss_mb(), server.cpu(), time.monotonic()
    peak = [rss0]

    async def watch() -> None:
        while True:
            peak.append(server.rss_mb())
            await asyncio.sleep(0.5)

    watcher = asyncio.create_task(watch())
    await asyncio.gather(*(student(browser, server.url, 1000 * n + i, moves, think, lat, errors)
                           for i in range(n)))
    watcher.cancel()
    wall, cpu = time.monotonic() - t0, server.cpu() - c0
    await asyncio.sleep(5)  # let the server drop the closed sessions
    actions = sum(len(v) for v in lat.values())
    print(f"\n{n} sessions: {wall:.0f} s, {actions} actions, {len(errors)} errors"
          + (f" ({', '.join(sorted(set(errors)))})" if errors else ""))
    for kind, values in lat.items():
        if values:
            q = statistics.quantiles(values, n=20) if len(values) > 1 else values * 19
            print(f"  {kind:<11} p50 {statistics.median(values):6.2f} s   p95 {q[18]:6.2f} s"
                  f"   ({len(values)})")
    soon = server.rss_mb()
    # The server keeps a closed session's state for server.disconnectedSessionTTL (120 s by
    # default) so a student whose connection dropped gets it back, and its housekeeping thread
    # collects and trims once a minute (app_pages/housekeeping.py): memory is read again after.
    await asyncio.sleep(SETTLE_S)
    later = server.rss_mb()
    print(f"  server CPU {cpu:.1f} s over {wall:.0f} s = {cpu / max(actions, 1) * 1000:.0f} ms "
          f"per action; resident memory {rss0:.0f} MB before, {max(peak):.0f} MB peak, "
          f"{soon:.0f} MB 5 s and {later:.0f} MB {SETTLE_S + 5:.0f} s after the sessions "
          f"closed ({100 * (later / rss0 - 1):+.0f}% of before)")


# --- main ------------------------------------------------------------------------------------
def _median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:6.0f} ms"


async def run(args: argparse.Namespace) -> None:
    from playwright.async_api import async_playwright

    cores = os.cpu_count() or 1
    server = Server(args.server_arg)
    try:
        print(f"server resident memory at start: {server.rss_mb():.0f} MB; {cores} cores")
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                               args=ARGS)
            cpu = await cpu_per_action(browser, server, args.moves)
            print("\n(a) server CPU per action, one session (median, each):")
            print(f"  idle: {cpu.pop('idle CPU s/s')[0] * 1000:.0f} ms of CPU per second")
            for kind, values in cpu.items():
                med = statistics.median(values)
                print(f"  {kind:<17} {_median_ms(values)}  -> {1 / med:5.1f}/s for one server "
                      f"process, {cores / med:5.1f}/s for {cores} (one per core); each: "
                      + ", ".join(f"{v * 1000:.0f}" for v in values))
            print("  target: <= 100 ms per slider move (>= 20 moves/s on 2 cores). One process "
                  "runs Python on one core at a time (the GIL): docs/deploy.md")
            for n in args.sessions:
                await load(browser, server, n, args.moves, args.think)
            await browser.close()
    finally:
        server.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, nargs="*", default=[10, 20, 30])
    ap.add_argument("--moves", type=int, default=4, help="slider and scrubber moves per student")
    ap.add_argument("--think", type=float, default=1.5, help="seconds between a student's actions")
    ap.add_argument("--server-arg", action="append", default=[], metavar="ARG",
                    help="extra option for streamlit run, e.g. --server-arg=--runner.postScriptGC"
                    "=true to measure without a setting of .streamlit/config.toml")
    args = ap.parse_args()
    if not 1 <= args.moves <= 8:
        ap.error("--moves must be 1 to 8 (the IVIg interval slider has 8 steps above 28 days)")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
