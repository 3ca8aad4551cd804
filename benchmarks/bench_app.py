"""Dashboard speed in a real browser: server start to first chart, slider change to redraw.

Starts ``streamlit run app.py`` on a free port, drives it with headless Chromium (Debian's
/usr/bin/chromium through Playwright) and prints:

* the time from server start to the first drawn chart (the grip chart on the timeline);
* the median (and each) time from a keyboard move of the IVIg interval slider to the grip
  chart redrawn with new data, over ``--moves`` moves (new settings each time, so every move
  runs a fresh simulation, not a cached one).

``--screenshots DIR`` also saves a full-page screenshot of every page. Targets (issue): under
500 ms slider-to-chart and under 5 s to first chart. A benchmark, not a test: it prints only.

    .venv/bin/python benchmarks/bench_app.py [--moves 7] [--screenshots docs/screenshots]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
GRIP_JS = """() => { const g = [...document.querySelectorAll('.js-plotly-plot')].find(
    p => p.data && p.layout && String(p.layout.title.text).includes('Grip strength'));
    return g ? JSON.stringify(g.data.map(t => t.y)) : null; }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_health(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("streamlit exited early")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().decode().strip() == "ok":
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("streamlit did not answer /_stcore/health")


def settle(page) -> None:
    page.wait_for_timeout(400)
    page.wait_for_function(
        """() => { const w = document.querySelector('[data-testid="stStatusWidget"]');
        return !w || !w.innerText.includes('Running'); }""", timeout=60000)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--moves", type=int, default=7)
    ap.add_argument("--screenshots", type=Path, default=None)
    args = ap.parse_args()
    if not 1 <= args.moves <= 8:
        ap.error("--moves must be 1 to 8 (the interval slider has 8 steps above 28 days)")
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))  # run as a script, the project root is not on the path
    from app_pages.pages import PAGES

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = Path(tempfile.mkstemp(prefix="bench_app_", suffix=".log")[1])
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        t0 = time.perf_counter()
        with open(log, "w") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                 "--server.port", str(port), "--browser.gatherUsageStats", "false"],
                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            )
        try:
            wait_health(url, proc)
            t_health = time.perf_counter() - t0
            page.goto(url, wait_until="domcontentloaded")
            page.wait_for_function(f"({GRIP_JS}) !== null", timeout=60000)
            t_first = time.perf_counter() - t0
            settle(page)
            # The first load may rerun once more (URL sync); let it finish before measuring,
            # so the first move is not credited with an earlier run's redraw.
            page.wait_for_timeout(2000)
            settle(page)
            slider = page.locator('[data-testid="stSlider"] input[type="range"]'
                                  '[aria-label^="IVIg interval"]')
            times = []
            for _ in range(args.moves):
                before = page.evaluate(GRIP_JS)
                slider.focus()
                start = time.perf_counter()
                # Always up (28 -> 35 -> ... days): every move is a setting not seen before,
                # so each one runs a fresh simulation instead of hitting the cache.
                page.keyboard.press("ArrowRight")
                page.wait_for_function(f"(b) => {{ const y = ({GRIP_JS})(); "
                                       "return y !== null && y !== b; }", arg=before,
                                       timeout=30000)
                times.append((time.perf_counter() - start) * 1000)
                settle(page)
            print(f"server start -> health ok:      {t_health:6.2f} s")
            print(f"server start -> first chart:    {t_first:6.2f} s   (target < 5 s)")
            print(f"slider change -> redrawn chart: median {statistics.median(times):6.0f} ms "
                  f"over {len(times)} moves (target < 500 ms); each: "
                  + ", ".join(f"{t:.0f}" for t in times))
            if args.screenshots:
                args.screenshots.mkdir(parents=True, exist_ok=True)
                query = "?scenario=ivig-maintenance&seed=7&day=1500"
                for i, p in enumerate(PAGES):
                    path, name = ("" if i == 0 else p.url), p.url  # the first is the default
                    page.goto(f"{url}/{path}{query}", wait_until="domcontentloaded")
                    page.wait_for_selector('[data-testid="stSidebarNavLink"]', timeout=60000)
                    settle(page)
                    page.wait_for_timeout(1500)
                    out_png = args.screenshots / f"{name}.png"
                    page.screenshot(path=str(out_png), full_page=True)
                    print(f"screenshot: {out_png}")
        finally:
            browser.close()
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
