"""Smoke test of the real dashboard in headless Chromium (Debian's /usr/bin/chromium)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import sim
from app_pages.pages import PAGES

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
if not Path(CHROMIUM).exists():
    # CI installs it (.ci/run), so there a missing browser is a failure, never a quiet skip.
    if os.environ.get("CI"):
        pytest.fail("Debian chromium is missing at /usr/bin/chromium; .ci/run should install it",
                    pytrace=False)
    pytest.skip("Debian chromium is not installed: apt-get install chromium",
                allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(log: Path, *extra: str, env: dict[str, str] | None = None):
    """``streamlit run app.py`` on a free port; (process, URL) once it answers its health check."""
    port = _free_port()
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--browser.gatherUsageStats", "false", *extra],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=dict(os.environ, **(env or {})),
        )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                        timeout=2) as r:
                if r.read().decode().strip() == "ok":
                    return proc, f"http://127.0.0.1:{port}"
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            _stop(proc)
            raise RuntimeError(f"streamlit did not start:\n{log.read_text()}")
        time.sleep(0.3)


def _stop(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    proc, url = _start_server(tmp_path_factory.mktemp("streamlit") / "server.log")
    try:
        yield url
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


GRIP = ".js-plotly-plot"


def _grip_y(page) -> str | None:
    return page.evaluate(
        """() => {
        const plots = [...document.querySelectorAll('.js-plotly-plot')];
        const g = plots.find(p => p.layout && p.layout.title &&
                                  String(p.layout.title.text).includes('Grip strength'));
        return g ? JSON.stringify(g.data.map(t => t.y)) : null;
    }"""
    )


def _wait_grip(page, timeout=30000):
    page.wait_for_function(
        """() => [...document.querySelectorAll('.js-plotly-plot')].some(
            p => p.data && p.layout && String(p.layout.title.text).includes('Grip strength'))""",
        timeout=timeout,
    )


def _settle(page):
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText"
        ".includes('Running')", timeout=30000)


def test_page_loads_and_charts_draw(server, browser):
    page = browser.new_page()
    page.goto(server, wait_until="domcontentloaded")
    _wait_grip(page)
    assert page.locator(GRIP).count() >= 4
    assert "not for clinical decisions" in page.inner_text("body")
    links = page.locator('[data-testid="stSidebarNavLink"]')
    assert links.count() == len(PAGES)
    texts = [links.nth(i).inner_text().strip() for i in range(len(PAGES))]
    # a link's text is its icon, then its title, in the list's order
    assert all(t.endswith(p.title) for t, p in zip(texts, PAGES, strict=True)), texts
    page.close()


def test_slider_move_redraws_the_chart(server, browser):
    page = browser.new_page()
    page.goto(server, wait_until="domcontentloaded")
    _wait_grip(page)
    _settle(page)
    before = _grip_y(page)
    slider = page.locator('[data-testid="stSlider"] input[type="range"]'
                          '[aria-label^="IVIg interval"]')
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "(before) => { const g = [...document.querySelectorAll('.js-plotly-plot')].find("
        "p => String(p.layout.title.text).includes('Grip strength'));"
        " return g && JSON.stringify(g.data.map(t => t.y)) !== before; }",
        arg=before, timeout=30000,
    )
    page.wait_for_function("() => location.search.includes('ivig_every=35')", timeout=10000)
    page.close()


def test_shared_url_restores_its_state(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/?scenario=untreated&seed=42&lesion_rate=3&day=500",
              wait_until="domcontentloaded")
    _wait_grip(page)
    _settle(page)
    body = page.inner_text("body")
    preset = page.locator('[data-testid="stSelectbox"] input[aria-label="Scenario preset"]')
    # the picker shows the preset's title; its file name is the link's value
    assert preset.input_value() == sim.load_scenario("untreated").scenario.name
    assert page.locator('[data-testid="stNumberInput"] input').first.input_value() == "42"
    assert "lesion_rate=3" in page.url and "seed=42" in page.url
    assert "Day 500" in body
    page.close()


def test_a_link_with_too_many_values_says_it_was_ignored(server, browser):
    """Streamlit drops a query of over 1,000 values before the page runs; the page says so
    instead of silently opening as for a plain link. A normal link shows no such note."""
    page = browser.new_page()
    crowded = "&".join(f"v{i}=1" for i in range(1001))
    page.goto(f"{server}/?scenario=untreated&{crowded}", wait_until="domcontentloaded")
    _wait_grip(page)
    note = page.locator("#mmn-long-link")
    note.wait_for(state="visible", timeout=10000)
    assert "1,002 values" in note.inner_text() and "ignored" in note.inner_text()
    page.goto(f"{server}/?scenario=untreated&seed=3", wait_until="domcontentloaded")
    _wait_grip(page)
    _settle(page)
    assert page.locator("#mmn-long-link").count() == 1
    assert not page.locator("#mmn-long-link").is_visible()
    page.close()


def _page_url(server: str, url: str) -> str:
    return f"{server}/{url}"


def test_a_kept_page_widget_survives_leaving_the_page(server, browser):
    """The NCS side radio is registered with state.keep: going to another page and back
    through the menu keeps the choice."""
    ncs = next(p for p in PAGES if p.url == "nerve-conduction")
    page = browser.new_page()
    page.goto(_page_url(server, ncs.url), wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stRadioOption"]', timeout=30000)
    _settle(page)
    options = page.locator('[data-testid="stRadioOption"]')  # left, right
    other = "right" if options.nth(0).get_attribute("data-selected") == "true" else "left"
    options.filter(has_text=other).click()
    heading = page.get_by_role("heading", name=f"Motor: {other}")
    heading.wait_for(timeout=30000)
    _settle(page)
    links = page.locator('[data-testid="stSidebarNavLink"]')
    links.nth(0).click()
    _wait_grip(page)
    _settle(page)
    links.filter(has_text=ncs.title).click()
    page.get_by_role("heading", name="Nerve conduction study").wait_for(timeout=30000)
    _settle(page)
    assert heading.count() == 1
    page.close()


def test_play_moves_the_day_forward(server, browser):
    page = browser.new_page()
    page.goto(server, wait_until="domcontentloaded")
    _wait_grip(page)
    _settle(page)
    page.get_by_role("button", name="Play").click()  # at the last day: starts over from 0
    page.wait_for_function(
        "() => { const m = document.body.innerText.match(/Day (\\d+) = year/);"
        " return m && +m[1] >= 28 && +m[1] < 1000; }", timeout=30000)
    page.get_by_role("button", name="Pause").click()
    _settle(page)
    assert "Traceback" not in page.inner_text("body")
    assert page.locator('[data-testid="stException"]').count() == 0
    page.close()


def test_the_dashboard_fetches_nothing_from_outside_this_machine(server, browser):
    """A classroom without internet: every page, a slider move and the tab's icon are served by
    the dashboard itself. Requests elsewhere are recorded and refused, never sent."""
    ctx = browser.new_context()
    outside: list[str] = []

    def guard(route):
        url = route.request.url
        if urlsplit(url).scheme in ("data", "blob") or urlsplit(url).hostname in (
                "127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    ctx.route("**/*", guard)
    page = ctx.new_page()
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    page.goto(server, wait_until="domcontentloaded")
    _wait_grip(page)
    _settle(page)
    page.locator('[data-testid="stSlider"] input[type="range"][aria-label^="IVIg interval"]'
                 ).focus()
    page.keyboard.press("ArrowRight")
    _settle(page)
    for p in PAGES[1:]:
        page.locator('[data-testid="stSidebarNavLink"]').filter(has_text=p.title).click()
        page.wait_for_function(f"() => location.pathname.endsWith('/{p.url}')", timeout=30000)
        _settle(page)
        page.wait_for_timeout(500)
    assert len(seen) > 20  # the page, its scripts, fonts and the websocket were all seen
    assert outside == [], outside
    icon = page.evaluate("() => document.querySelector(\"link[rel='shortcut icon']\").href")
    assert urlsplit(icon).scheme == "data" or urlsplit(icon).hostname == "127.0.0.1", icon
    ctx.close()


def _chart_json(page, title_part: str) -> str | None:
    return page.evaluate(
        """(part) => {
        const g = [...document.querySelectorAll('.js-plotly-plot')].find(
            p => p.layout && String(p.layout.title.text).includes(part));
        return g ? JSON.stringify(g.data.map(t => t.hovertext)) : null;
    }""", title_part)


def test_examination_page_draws_the_body_and_the_cold_room_changes_it(server, browser):
    exam = next(p for p in PAGES if p.url == "examination")
    page = browser.new_page()
    page.goto(f"{_page_url(server, exam.url)}?scenario=untreated&day=1500",
              wait_until="domcontentloaded")
    page.wait_for_function("(t) => [...document.querySelectorAll('.js-plotly-plot')].some("
                           "p => p.layout && String(p.layout.title.text).includes(t))",
                           arg="Examination on day", timeout=30000)
    _settle(page)
    warm = _chart_json(page, "Examination on day")
    assert "not for clinical decisions" in page.inner_text("body")
    page.get_by_text("Cold room", exact=True).click()
    page.wait_for_function("(t) => [...document.querySelectorAll('.js-plotly-plot')].some("
                           "p => String(p.layout.title.text).includes(t))",
                           arg="in a cold room", timeout=30000)
    _settle(page)
    assert _chart_json(page, "in a cold room") != warm
    assert page.locator('[data-testid="stException"]').count() == 0
    page.close()


def test_emg_page_draws_the_needle_traces(server, browser):
    emg = next(p for p in PAGES if p.url == "emg")
    page = browser.new_page()
    page.goto(f"{_page_url(server, emg.url)}?scenario=untreated&day=3000",
              wait_until="domcontentloaded")
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].some("
                           "p => p.layout && String(p.layout.title.text).startsWith("
                           "'Needle EMG:'))", timeout=30000)
    _settle(page)
    assert page.get_by_role("heading", name="F-waves", exact=True).count() == 1


def test_evidence_page_shows_the_report_and_its_plots(server, browser):
    evidence = next(p for p in PAGES if p.url == "evidence")
    page = browser.new_page()
    page.goto(_page_url(server, evidence.url), wait_until="domcontentloaded")
    page.get_by_role("heading", name="Evidence: how far to trust the model").wait_for(
        timeout=30000)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 3",
                           timeout=30000)
    _settle(page)
    body = page.inner_text("body")
    assert "not for clinical decisions" in body and "Reference cohorts" in body
    assert page.locator('[data-testid="stDataFrame"]').count() >= 1
    assert page.locator('[data-testid="stException"]').count() == 0
    page.close()


def test_trial_designer_runs_hahn_2013_in_the_real_server(server, browser):
    """The pool's worker processes start from the real (threaded) server, and the page draws
    the effect histogram and the power curve."""
    trial = next(p for p in PAGES if p.url == "trial-designer")
    page = browser.new_page()
    page.goto(_page_url(server, trial.url), wait_until="domcontentloaded")
    button = page.get_by_role("button", name="Hahn 2013: IVIg withdrawal crossover (one click)")
    button.wait_for(timeout=30000)
    _settle(page)
    button.click()
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 2",
                           timeout=240000)
    _settle(page)
    body = page.inner_text("body")
    assert "500 trials of n = 44 (crossover)" in body and "not for clinical decisions" in body
    assert "Power: IVIg, each patient's own regimen vs Placebo" in body
    assert page.locator('[data-testid="stException"]').count() == 0
    page.close()


def test_a_closed_tab_is_ended_after_its_reconnect_window(tmp_path, browser):
    """Streamlit forgets an expired session only when a later one is stored; after a class
    nobody connects, so the housekeeping thread must end it (its memory freed) on its own."""
    log = tmp_path / "server.log"
    proc, url = _start_server(log, "--server.disconnectedSessionTTL", "1",
                              env={"MMN_SIM_HOUSEKEEPING_S": "1"})
    try:
        page = browser.new_page()
        page.goto(f"{url}/?scenario=ivig-maintenance", wait_until="domcontentloaded")
        _wait_grip(page)
        _settle(page)
        page.close()  # the tab goes; nobody else connects
        deadline = time.monotonic() + 30
        while "ended 1 closed session" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "housekeeping: ended 1 closed session(s)" in log.read_text()
        while "caches emptied" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "housekeeping: no tab connected, shared caches emptied" in log.read_text()
        assert "Traceback" not in log.read_text()
    finally:
        _stop(proc)


# Text that a control cuts off: an element that clips (overflow or an ellipsis) holding text
# wider than itself, inside a button, a widget label, a metric, a menu link or a tab.
_CUT_TEXT = """() => {
  const roots = 'button, [data-testid=stWidgetLabel], [data-testid=stMetricLabel], ' +
                '[data-testid=stMetricValue], [data-testid=stSidebarNavLink], [role=tab]';
  const cut = [];
  for (const root of document.querySelectorAll(roots)) {
    for (const e of [root, ...root.querySelectorAll('*')]) {
      const text = (e.innerText || '').trim();
      if (!text || !e.offsetParent) continue;
      const cs = getComputedStyle(e);
      if ((cs.overflowX !== 'visible' || cs.textOverflow === 'ellipsis')
          && e.scrollWidth > e.clientWidth + 1) cut.push(text.slice(0, 60));
    }
  }
  return [...new Set(cut)];
}"""
# A select box's chosen value wider than its box (measured with the box's font). The sidebar's
# preset picker is left out: a long title cannot fit it, so the box below it starts with the
# whole title (checked apart). Material icons must be hidden from screen readers (Streamlit
# draws them as words, "keyboard_arrow_right").
_CUT_VALUES = """() => {
  const cut = [];
  const ctx = document.createElement('canvas').getContext('2d');
  const boxes = '[data-testid=stMain] [data-testid=stSelectbox] input';
  for (const e of document.querySelectorAll(boxes)) {
    if (!e.offsetParent) continue;
    const cs = getComputedStyle(e);
    ctx.font = cs.font;
    const room = e.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    if (ctx.measureText(e.value).width > room + 1) cut.push(e.value.slice(0, 60));
  }
  for (const e of document.querySelectorAll('[data-testid=stIconMaterial]')) {
    if (e.closest('[aria-hidden=true]') === null) cut.push('icon read aloud: ' + e.innerText);
  }
  return cut;
}"""
# Chart titles, axis titles and annotations that run past their chart's edges (plotly does
# not wrap a title; it is clipped at the chart's edge).
_CUT_CHART_TEXT = """() => {
  const cut = [];
  for (const p of document.querySelectorAll('.js-plotly-plot')) {
    if (!p.offsetParent) continue;
    const box = p.getBoundingClientRect();
    const texts = '.gtitle, .g-xtitle text, .g-ytitle text, .annotation-text';
    for (const t of p.querySelectorAll(texts)) {
      const r = t.getBoundingClientRect();
      if (r.width && (r.right > box.right + 1 || r.left < box.left - 1))
        cut.push('chart text: ' + (t.textContent || '').slice(0, 60));
    }
  }
  return cut;
}"""
# Options of the open preset picker that cut their text off.
_CUT_OPTIONS = """() => [...document.querySelectorAll('[role=option]')].filter(o =>
  [o, ...o.querySelectorAll('*')].some(e => getComputedStyle(e).overflowX !== 'visible'
    && e.scrollWidth > e.clientWidth + 1)).map(o => o.innerText.slice(0, 60))"""
SIZES = ((1024, 768), (1280, 720), (1920, 1080))
PRESET = "?scenario=ivig-maintenance"


def _open(page, server: str, url: str) -> None:
    # the first page is the default one, served at the root
    page.goto(f"{server}/{'' if url == PAGES[0].url else url}{PRESET}",
              wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=60000)
    _settle(page)
    page.wait_for_timeout(500)


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in found
            if v["impact"] in ("serious", "critical")]


def test_every_page_passes_axe_and_shows_whole_labels_at_projector_sizes(server, browser):
    """WCAG 2.2 AA as axe-core checks it (the copy bundled in its wheel, no download) on every
    page with a preset loaded, and on the timeline again after stepping the day; and at
    1024x768, 1280x720 and 1920x1080 no button, widget label, metric, menu link, chosen
    select value or chart title cuts its text off and no icon's name is read aloud; the
    preset picker's options wrap, and its chosen title is shown whole below it. Each page is
    loaded once and resized for the three sizes."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    axe, cut = {}, {}
    for p in PAGES:
        _open(page, server, p.url)
        axe[p.title] = _serious(page)
        for w, h in SIZES:
            page.set_viewport_size({"width": w, "height": h})
            page.wait_for_timeout(400)
            page.wait_for_timeout(600)  # plotly redraws its charts at the new width
            cut[f"{p.title} at {w}x{h}"] = (page.evaluate(_CUT_TEXT) + page.evaluate(_CUT_VALUES)
                                            + page.evaluate(_CUT_CHART_TEXT))
        page.set_viewport_size({"width": 1280, "height": 720})
    _open(page, server, PAGES[0].url)
    page.set_viewport_size({"width": 1024, "height": 768})
    picker = page.locator('input[aria-label="Scenario preset"]')
    picker.click()
    page.wait_for_selector("[role=option]")
    cut["the preset picker's options at 1024x768"] = page.evaluate(_CUT_OPTIONS)
    title = picker.input_value()
    assert title in page.locator('[data-testid=stSidebar] [data-testid=stAlert]').first.inner_text()
    page.keyboard.press("Escape")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.get_by_role("button", name="Next").click()
    _settle(page)
    axe["Timeline after Next"] = _serious(page)
    page.close()
    assert not any(axe.values()), {k: v for k, v in axe.items() if v}
    assert not any(cut.values()), {k: v for k, v in cut.items() if v}


def test_presenter_link_keyboard_reaches_the_day_slider_in_five_tabs(server, browser):
    """A presenter link opens with the sidebar closed and out of the Tab order: after
    Streamlit's 'Skip to main content' link the day slider is at most five Tab stops away,
    and the closed sidebar opens again with its button."""
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    page.goto(f"{server}/?present=1", wait_until="domcontentloaded")
    _wait_grip(page)
    _settle(page)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.innerText") == "Skip to main content"
    page.keyboard.press("Enter")
    stops = None
    for i in range(1, 6):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.getAttribute('aria-label')") \
                == "Day from onset (day)":
            stops = i
            break
    assert stops is not None, "the day slider is more than five Tab stops in"
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    page.get_by_role("button", name="Expand sidebar").click()
    page.get_by_text("Scenario preset").first.wait_for(timeout=10000)
    page.close()
