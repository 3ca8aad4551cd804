"""The bedside examination (sim.exam) against CLINICAL.md "Course" and the EFNS/PNS picture:
weakness without wasting early, wasting with axonal loss, reflexes lost only where muscles
are weak, sensation and cranial nerves spared, cold paresis; and a disease that touches
sensory fibres or upper motor neurons shows it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim import exam as E
from sim import load_scenario, simulate
from sim.anatomy import ANATOMY
from sim.diseases.mmn import DISEASE, MMN
from sim.sites import SiteSnapshot


def snapshot(block=None, loss=None, damage=None) -> SiteSnapshot:
    arrays = []
    for given in (block, loss, damage):
        a = np.zeros(ANATOMY.n_sites)
        for key, v in (given or {}).items():
            a[ANATOMY.site_index[key]] = v
        arrays.append(a)
    if damage is None:
        arrays[2] = arrays[0] + arrays[1]
    return SiteSnapshot(500.0, *arrays)


def lookup(df):
    return df.set_index(["side", "site", "finding"])["value"]


def test_reflexes_fade_only_where_their_muscles_are_weak():
    # musculocutaneous block: biceps weak, its reflex fades; triceps and the legs keep theirs
    ex = lookup(E.examine(snapshot(block={("left", "musculocutaneous", "Erb's point-biceps"):
                                          0.9}), DISEASE, 500))
    assert int(ex[("left", "biceps", "mrc")]) <= 3
    assert ex[("left", "biceps", "reflex")] in {"reduced", "absent"}
    assert ex[("left", "triceps", "reflex")] == ex[("right", "biceps", "reflex")] == "normal"
    assert ex[("left", "knee", "reflex")] == "normal"
    # a radial block above the triceps branch: the triceps reflex goes
    ex = lookup(E.examine(snapshot(block={("left", "radial", "plexus"): 0.9}), DISEASE, 500))
    assert ex[("left", "triceps", "reflex")] == "absent"
    assert ex[("right", "triceps", "reflex")] == "normal"


def test_wasting_needs_axonal_loss_not_block():
    block = lookup(E.examine(snapshot(block={("left", "ulnar", "forearm"): 0.9}), DISEASE, 500))
    lost = lookup(E.examine(snapshot(loss={("left", "ulnar", "forearm"): 0.9}), DISEASE, 500))
    assert int(block[("left", "FDI", "mrc")]) <= 3 and block[("left", "FDI", "wasting")] == "none"
    assert lost[("left", "FDI", "wasting")] == "marked"
    assert lost[("left", "biceps", "wasting")] == "none"


def test_cold_room_weakens_damaged_territories_only():
    snap = snapshot(block={("right", "median", "forearm"): 0.74})
    warm = lookup(E.examine(snap, DISEASE, 500))
    cold = lookup(E.examine(snap, DISEASE, 500, cold=True))
    assert int(cold[("right", "APB", "mrc")]) < int(warm[("right", "APB", "mrc")])
    assert warm[("right", "arm", "cold_paresis")] == "present"
    assert warm[("left", "arm", "cold_paresis")] == "absent"
    assert cold[("left", "APB", "mrc")] == warm[("left", "APB", "mrc")] == "5"


@dataclass(frozen=True)
class SensoryUMN(MMN):
    """A toy mimic: loses pain and temperature in the legs, has upper motor neuron signs."""

    kind: str = "toy_sensory_umn"

    def sensory_loss_in(self, day, side, limb, modality):
        return 0.5 if limb == "leg" and modality in ("pain", "temperature") else 0.0

    def upper_motor_neuron_signs(self, day):
        return True


def test_a_disease_with_sensory_loss_or_upper_motor_neuron_signs_shows_them():
    ex = lookup(E.examine(snapshot(), SensoryUMN(), 500))
    assert ex[("left", "leg", "sensation_pain")] == "reduced"
    assert ex[("left", "arm", "sensation_pain")] == "normal"
    assert ex[("right", "leg", "sensation_vibration")] == "normal"
    assert ex[("right", "knee", "reflex")] == "brisk"
    assert ex[("left", "leg", "tone")] == "increased"
    assert ex[("left", "plantar", "plantar")] == "extensor"


def test_the_exam_table_and_run_examination_agree_on_the_day_of_diagnosis():
    run = simulate(load_scenario("lower-limb-onset"))
    day = run.journey().diagnosis
    table = run.tables["exam"]
    assert list(table.columns) == ["patient", "day", "side", "site", "finding", "value"]
    assert day in set(table["day"])
    direct = run.examination(day)
    assert table[table["day"] == day].reset_index(drop=True).equals(direct)
    findings = set(direct["finding"])
    assert {"mrc", "wasting", "reflex", "tone", "fasciculations", "cramps", "cold_paresis",
            "sensation_pain", "sensation_temperature", "sensation_vibration",
            "sensation_position", "speech", "swallowing", "cranial_nerves",
            "plantar"} == findings
