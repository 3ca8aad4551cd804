"""The mechanism view's fibre model (MRG double cable, McIntyre et al. 2002) against the
behaviour of myelinated motor fibres it must reproduce, and the damage at a lesion."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from sim.electro.fibre import (
    FibreGeometry,
    FibreSpec,
    NodeDamage,
    Pulse,
    conducts,
    safety_factor,
    sweep,
    threshold_na,
)

HEALTHY = FibreSpec()


def test_healthy_fibre_conducts_end_to_end_with_an_overshooting_spike():
    s = sweep(HEALTHY)
    assert s.conducted
    peaks = s.peak_mv[2:-2]
    assert np.all(peaks > 0) and np.all(peaks < 50)  # overshoot, below E_Na (50 mV)
    assert abs(s.node_mv[0, 10] + 80.0) < 0.5  # rests near -80 mV before the pulse


def test_velocity_rises_with_diameter_about_six_metres_per_second_per_micrometre():
    # Hursh 1939: about 6 m/s per um of fibre diameter in large myelinated fibres.
    diameters = np.array([5.7, 8.7, 10.0, 12.8, 16.0])
    cv = np.array([sweep(FibreSpec(diameter_um=d)).velocity_m_per_s for d in diameters])
    assert np.all(np.diff(cv) > 0)
    slope = np.polyfit(diameters, cv, 1)[0]
    assert 5.0 <= slope <= 7.0
    assert 4.5 <= cv[diameters == 10.0][0] / 10.0 <= 6.5


def test_the_time_step_is_converged():
    coarse = sweep(HEALTHY).velocity_m_per_s
    fine = sweep(HEALTHY, dt_ms=0.001).velocity_m_per_s
    assert abs(coarse - fine) / fine < 0.02


def test_a_second_impulse_inside_the_refractory_period_fails_and_later_passes():
    early = sweep(HEALTHY, (Pulse(0.2), Pulse(0.6)), duration_ms=5.0)
    late = sweep(HEALTHY, (Pulse(0.2), Pulse(2.2)), duration_ms=6.0)
    assert early.conducted_pulses() == (True, False)
    assert late.conducted_pulses() == (True, True)


def test_strength_duration_threshold_falls_hyperbolically_to_a_rheobase():
    widths = [0.05, 0.1, 0.5, 2.0]
    thresholds = [threshold_na(HEALTHY, w) for w in widths]
    assert all(a > b for a, b in zip(thresholds, thresholds[1:], strict=False))
    rheobase = thresholds[-1]
    # Chronaxie (the width needing twice the rheobase) lies between 0.1 and 0.5 ms.
    assert thresholds[1] > 2 * rheobase > thresholds[2]


def test_losing_nodal_sodium_channels_blocks_conduction():
    blocked = sweep(replace(HEALTHY, damage=NodeDamage(sodium_loss=0.95)))
    assert not blocked.conducted
    assert not math.isnan(blocked.arrivals_ms[0][6])  # it got as far as the lesion
    assert math.isnan(blocked.arrivals_ms[0][15])  # and no further


def test_safety_factor_falls_with_damage_and_below_one_the_impulse_fails():
    factors = [safety_factor(replace(HEALTHY, damage=NodeDamage.from_severity(s)))
               for s in (0.3, 0.6, 0.8)]
    assert factors[0] > factors[1] > factors[2]
    for severity, factor in zip((0.3, 0.6, 0.8), factors, strict=True):
        conducted = sweep(replace(HEALTHY, damage=NodeDamage.from_severity(severity))).conducted
        assert conducted == (factor >= 1.0)


def test_paranodal_detachment_and_a_long_node_slow_the_impulse_across_the_lesion():
    base = sweep(HEALTHY).arrivals_ms[0][19]
    for dmg in (NodeDamage(paranodal_detachment=1.0), NodeDamage(node_lengthening=5.0)):
        s = sweep(replace(HEALTHY, damage=dmg))
        assert s.conducted and s.arrivals_ms[0][19] > base + 0.03


def test_cooling_slows_conduction_but_raises_the_safety_factor_at_a_damaged_node():
    marginal = replace(HEALTHY, damage=NodeDamage.from_severity(0.6))
    warm = safety_factor(marginal)
    cold = safety_factor(replace(marginal, temperature_c=27.0))
    assert cold > warm
    assert sweep(replace(HEALTHY, temperature_c=27.0)).velocity_m_per_s < \
        0.8 * sweep(HEALTHY).velocity_m_per_s


def test_hyperpolarisation_turns_marginal_conduction_into_block():
    # Kaji et al. 2000: after sustained activity the sodium pump hyperpolarises the axon, and a
    # node with a small safety margin fails; a healthy fibre still conducts. In this model
    # -0.03 nA into every node hyperpolarises it by about 6 mV, and that blocks only a fibre
    # within about a tenth of failing (safety factor 1.07 here).
    marginal = replace(HEALTHY, damage=NodeDamage.from_severity(0.72))
    assert 1.0 < safety_factor(marginal) < 1.15
    assert sweep(marginal).conducted
    hyperpolarised = sweep(replace(HEALTHY, hold_na=-0.03))
    assert -9.0 < hyperpolarised.node_mv[0, 5] + 80.0 < -3.0
    assert not sweep(replace(marginal, hold_na=-0.03)).conducted
    assert hyperpolarised.conducted


def test_same_spec_gives_identical_traces():
    a = sweep(replace(HEALTHY, damage=NodeDamage.from_severity(0.4)))
    b = sweep(replace(HEALTHY, damage=NodeDamage.from_severity(0.4)))
    assert np.array_equal(a.node_mv, b.node_mv)


@pytest.mark.parametrize("bad", [5.0, 16.5])
def test_diameter_outside_the_published_table_is_refused(bad):
    with pytest.raises(ValueError, match="between 5.7 and 16"):
        FibreGeometry.for_diameter(bad)


def test_damage_out_of_range_is_refused():
    with pytest.raises(ValueError, match="sodium_loss must be between 0 and 1"):
        NodeDamage(sodium_loss=1.5)


def test_a_healthy_fibre_has_a_finite_sodium_reserve_above_one():
    factor = safety_factor(HEALTHY)
    assert 1.0 < factor < math.inf


@pytest.mark.parametrize("temperature", [37.0, 20.0])
def test_the_short_conduction_question_gives_the_full_sweeps_answer_at_the_edge_of_block(
        temperature):
    # conducts() waits twice the latest arrival seen at the edge of block and stops when the
    # impulse arrives; next to the critical severity (where the impulse is slowest) it must
    # say what a full 5 ms sweep says, for thin and thick fibres, at rest and hyperpolarised.
    from sim.electro.fibre.model import _EDGE_LATENCY_MS, _EDGE_SLOWING_PER_10C
    from sim.electro.fibre.population import TRAIN_HOLD_NA, critical_severity

    latest = 0.0
    for d in (5.7, 11.0, 16.0):
        for hold in (0.0, TRAIN_HOLD_NA):
            edge = float(critical_severity(d, temperature, hold))
            for step in (-0.01, -0.003, 0.003, 0.01):
                spec = FibreSpec(diameter_um=d, temperature_c=temperature, hold_na=hold,
                                 damage=NodeDamage.from_severity(edge + step))
                full = sweep(spec)
                assert conducts(spec) == full.conducted
                if full.conducted:
                    latest = max(latest, full.arrivals_ms[0][19] - Pulse().start_ms)
    allowed = _EDGE_LATENCY_MS * _EDGE_SLOWING_PER_10C ** ((37.0 - temperature) / 10.0)
    assert 0.6 * allowed < latest <= 1.05 * allowed  # the latency the window is built on


def test_a_sweep_told_to_stop_at_arrival_ends_early_with_the_same_trace():
    full = sweep(HEALTHY)
    short = sweep(HEALTHY, until_arrival=True)
    assert short.conducted and short.time_ms[-1] < 1.0 < full.time_ms[-1]
    np.testing.assert_array_equal(short.node_mv, full.node_mv[:len(short.time_ms)])
