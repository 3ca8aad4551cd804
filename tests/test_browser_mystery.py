"""One full 'Which disease is it?' attempt in headless Chromium: a random case, three tests,
the live differential, an answer, the debrief, and the sealed address that replays it; and an
answer appended to that address, which scores nothing."""

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
    assert page.get_by_text("Differential after this test:").count() == 3
    commit = page.get_by_role("button", name="Commit to this answer")
    assert commit.is_disabled()  # no diagnosis is chosen for the student
    _choose(page, "Diagnosis", "Multifocal motor neuropathy")
    _choose(page, "First treatment", "IVIg")
    page.get_by_role("button", name="Commit to this answer").click()
    page.get_by_role("heading", name="Debrief").wait_for(timeout=60000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].some(p => p.layout && "
        "String(p.layout.title.text).includes('under each first treatment'))", timeout=60000)
    _settle(page)
    body = page.inner_text("body")
    assert "of 3 moved the differential" in body and "Total:" in body
    assert "You chose IVIg" in body
    assert page.locator('[data-testid="stException"]').count() == 0
    query = parse_qs(urlsplit(page.url).query)
    assert set(query) == {"case"}  # tests and answer are sealed in the token
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
    # the same case with an answer appended: a message, no debrief, no score
    token = query["case"][0]
    first = urlsplit(page.url)._replace(query="").geturl()
    fresh = browser.new_page()
    fresh.goto(f"{first}?mystery=random", wait_until="domcontentloaded")
    fresh.get_by_role("button", name="History", exact=True).wait_for(timeout=30000)
    _settle(fresh)
    unanswered = parse_qs(urlsplit(fresh.url).query)["case"][0]
    assert unanswered != token
    fresh.goto(f"{first}?case={unanswered}&dx=mmn&tx=ivig", wait_until="domcontentloaded")
    fresh.get_by_text("not read from the address").wait_for(timeout=30000)
    _settle(fresh)
    body = fresh.inner_text("body")
    assert "Total:" not in body
    assert fresh.get_by_role("heading", name="Debrief").count() == 0
    fresh.close()
    page.close()
