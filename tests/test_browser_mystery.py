"""One full 'Which disease is it?' attempt in headless Chromium: a random case, three tests,
an answer, the debrief, and the address that replays it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from app_pages.pages import PAGES
from tests.test_browser import _page_url, _settle, browser, server  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _order(page, title: str, n: int) -> None:
    page.get_by_role("button", name=title, exact=True).click()
    page.get_by_role("heading", name=f"{n}. {title}").wait_for(timeout=30000)
    _settle(page)


def _choose(page, label: str, option: str) -> None:
    box = page.get_by_role("combobox", name=label)
    # in the middle of the window, so the list has room to open below it
    box.evaluate("e => e.scrollIntoView({block: 'center'})")
    box.click()
    page.get_by_role("option").filter(has=page.get_by_text(option, exact=True)).click()
    _settle(page)


def test_a_full_attempt_reaches_the_debrief_and_its_address_replays_it(server, browser):  # noqa: F811
    mystery = next(p for p in PAGES if p.url == "mystery")
    page = browser.new_page()
    page.goto(f"{_page_url(server, mystery.url)}?mystery=random",
              wait_until="domcontentloaded")
    page.get_by_role("button", name="History", exact=True).wait_for(timeout=30000)
    _settle(page)
    assert "not for clinical decisions" in page.inner_text("body")
    query = parse_qs(urlsplit(page.url).query)
    assert set(query) == {"case"}  # the drawn case is in the address, by code
    _order(page, "History", 1)
    _order(page, "Nerve conduction", 2)
    _order(page, "Anti-GM1 antibodies", 3)
    _choose(page, "First treatment", "IVIg")
    page.get_by_role("button", name="Commit to this answer").click()
    page.get_by_role("heading", name="Debrief").wait_for(timeout=60000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].some(p => p.layout && "
        "String(p.layout.title.text).includes('under each first treatment'))", timeout=60000)
    _settle(page)
    body = page.inner_text("body")
    assert "Tests ordered: 3 of 8" in body and "Total:" in body
    assert "You chose IVIg" in body
    assert page.locator('[data-testid="stException"]').count() == 0
    query = parse_qs(urlsplit(page.url).query)
    assert query["tests"] == ["history,ncs,anti_gm1"] and query["tx"] == ["ivig"]
    assert set(query) == {"case", "tests", "dx", "tx"}
    score = [line for line in body.splitlines() if line.startswith(("Diagnosis:", "Total:"))]
    # the address alone replays the attempt in a fresh tab
    again = browser.new_page()
    again.goto(page.url, wait_until="domcontentloaded")
    again.get_by_role("heading", name="Debrief").wait_for(timeout=60000)
    _settle(again)
    replay = again.inner_text("body")
    assert [line for line in replay.splitlines()
            if line.startswith(("Diagnosis:", "Total:"))] == score
    assert "3. Anti-GM1 antibodies" in replay
    again.close()
    page.close()
