"""Hostile links and uploads in the real dashboard (headless Chromium): user text is shown as
typed and never becomes an element, a link or a request; no traceback reaches the page."""

from __future__ import annotations

from urllib.parse import urlsplit

import tomli_w

from tests import test_browser as B

pytestmark = B.pytestmark
server = B.server  # the same fixtures as the smoke test (one server for this module)
browser = B.browser

EVIL = "evil.invalid"
NAME = f"<img src=x onerror=alert(1)> [click](http://{EVIL}/a)"
QUESTION = f"<script>alert(2)</script> ![i](http://{EVIL}/i.png) :red[big]"


def _no_markup(page, requests: list[str]) -> None:
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator(f'a[href*="{EVIL}"]').count() == 0
    assert page.locator(f'img[src*="{EVIL}"]').count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in page.inner_text("body")
    assert not [r for r in requests if urlsplit(r).hostname == EVIL]


def test_a_hostile_link_shows_notes_as_text(server, browser):
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{server}/?scenario={NAME}&seed=%C2%B2&lesion_rate=nan", wait_until="load")
    B._wait_grip(page)
    B._settle(page)
    body = page.inner_text("body")
    assert "<img src=x onerror=alert(1)>" in body  # the note quotes it, as text
    assert "seed='²'" in body
    _no_markup(page, requests)
    page.close()


def test_a_hostile_upload_shows_its_text_as_typed(server, browser, tmp_path):
    data = {"scenario": {"name": NAME, "summary": QUESTION, "years": 0.5},
            "teaching": {"question": QUESTION, "prediction": NAME}}
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{server}/export", wait_until="load")
    page.wait_for_selector('input[type="file"]', state="attached", timeout=30000)
    B._settle(page)
    page.set_input_files('input[type="file"]', files=[{
        "name": "<b>x</b>.toml", "mimeType": "text/plain",
        "buffer": tomli_w.dumps(data).encode()}])
    page.get_by_text("it is now the current scenario").wait_for(timeout=30000)
    B._settle(page)
    body = page.inner_text("body")
    assert "<script>alert(2)</script>" in body and ":red[big]" in body
    assert "runs as written" in body  # half a year is below the years slider: a note
    _no_markup(page, requests)
    page.close()
