"""Every dashboard page renders each mimic (motor neuron disease, ulnar entrapment), and the
Diagnosis page shows the Gold Coast outline beside the MMN checklist."""

from __future__ import annotations

import pytest

import sim
from app_pages.pages import PAGES as PAGE_LIST
from tests.apptest_support import (
    clear_cache,  # noqa: F401 (autouse fixture)
    new_app,
)

PAGES = [p.path for p in PAGE_LIST]
DIAGNOSIS = next(p.path for p in PAGE_LIST if p.path.endswith("diagnosis.py"))


@pytest.mark.parametrize("preset, disease", [("pma-vs-mmn", "motor_neuron"),
                                             ("ulnar-entrapment", "ulnar_entrapment"),
                                             ("hnpp", "hnpp")])
def test_every_page_renders_each_new_disease(preset, disease):
    assert sim.load_scenario(preset).disease.kind == disease
    at = new_app(scenario=preset)
    at.run()
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert any(sim.DISCLAIMER in c.value for c in at.caption), page
    at.switch_page(DIAGNOSIS).run()
    text = " ".join(m.value for m in at.markdown) + " ".join(
        b.value for kind in ("error", "warning", "info", "success") for b in at.get(kind))
    assert "Gold Coast" in " ".join(h.value for h in at.header)
    if disease == "motor_neuron":
        assert "PMA pattern" in text and "not met MMN" in text
    elif disease == "ulnar_entrapment":
        assert "entrapment site" in text and "not met" in text
    else:  # the genetic test and the reason that names the sensory conduction
        assert "PMP22 deletion" in text and "deletion present" in text
        assert "sensory conduction is abnormal" in text and "not met" in text
