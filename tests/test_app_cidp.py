"""Every dashboard page renders the CIDP presets, and the diagnosis page shows both checklists
deciding from the findings: typical CIDP fails the MMN checklist and fulfils the CIDP one."""

from __future__ import annotations

import pytest

import sim
from app_pages.pages import PAGES
from tests.apptest_support import clear_cache, new_app  # noqa: F401 (autouse fixture)


def _ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert any(sim.DISCLAIMER in c.value for c in at.caption)


@pytest.mark.parametrize("preset", ["cidp-prednisolone", "multifocal-cidp"])
def test_every_page_renders_a_cidp_preset(preset):
    at = new_app(scenario=preset)
    at.run()
    _ok(at)
    for page in PAGES[1:]:
        at.switch_page(page.path).run()
        _ok(at)


def test_diagnosis_page_shows_mmn_not_met_and_cidp_met_for_typical_cidp():
    at = new_app(scenario="cidp-prednisolone", day="700")
    at.run()
    page = next(p.path for p in PAGES if p.url == "diagnosis")
    at.switch_page(page).run()
    _ok(at)
    assert any("not met MMN" in e.value for e in at.error)
    assert any("CIDP criteria" in x.label and x.label.endswith(": CIDP") for x in at.expander)
