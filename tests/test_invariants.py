"""Property tests: the state stays physical whatever the treatment history."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.diseases.mmn import DISEASE
from sim.patient import draw_patient
from sim.treatments import Exposure, plasma_exchange, scig

events = st.lists(
    st.tuples(
        st.sampled_from(["ivig", "scig", "pe", "steroid_on", "steroid_off", "wait", "attack"]),
        st.floats(0.05, 2.0),
        st.integers(0, 49),
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(events, st.floats(0.0, 1.0))
def test_state_stays_within_physical_bounds(history, rho):
    patient = draw_patient(np.random.default_rng(0), DISEASE.population)
    pharm = Exposure(rho, DISEASE)
    sites = DISEASE.new_sites(np.full(50, 14.0), patient)
    t = 0.0
    for kind, amount, site in history:
        if kind == "ivig":
            pharm.add_igg(amount)
        elif kind == "scig":
            pharm.add_depot(amount, scig.BIOAVAILABILITY)
        elif kind == "pe":
            pharm.remove_igg(plasma_exchange.REMOVAL_SHARE)
        elif kind == "steroid_on":
            pharm.steroid = min(1.0, amount)
        elif kind == "steroid_off":
            pharm.steroid = 0.0
        elif kind == "attack":
            sites.attack(site, min(amount / 2, 0.99))
        t += amount * 10
        pharm.advance_to(t)
        m = pharm.take_modifiers()
        if m.duration > 0:
            sites.step(m.duration, m.growth, m.lift / m.duration, m.progression)
        assert pharm.excess >= 0 and pharm.igg > 0
        assert 0.0 <= pharm.effect <= 1.0
        assert 0.0 <= pharm.lift() <= 1.0
        assert m.growth >= 0 and m.lift >= 0
        assert np.all(sites.target <= 1.0)
        assert np.all(sites.damaged <= sites.target + 1e-12)
        assert np.all(sites.lost <= sites.damaged + 1e-12)
        assert np.all(sites.lost >= 0)
        blocked = sites.blocked(pharm.lift())
        assert np.all(blocked >= -1e-12)
        assert np.all(1 - blocked - sites.lost >= -1e-12)
        assert np.all((sites.reversible >= 0) & (sites.reversible <= 1 + 1e-12))


@settings(max_examples=40, deadline=None)
@given(st.floats(0.1, 4.0), st.floats(1, 200))
def test_igg_excess_halves_in_about_three_weeks(dose, day):
    pharm = Exposure(1.0, DISEASE)
    pharm.add_igg(dose)
    start = pharm.excess
    pharm.advance_to(21.0)
    assert abs(pharm.excess / start - 0.5) < 1e-9  # half-life 21 days (≈3 weeks after infusion)
    pharm.advance_to(21.0 + day)
    assert pharm.excess < 0.5 * start
