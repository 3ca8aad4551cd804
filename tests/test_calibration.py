"""Calibration against the published course of treatment, on cohorts drawn by the sampler.

Each test names its selection rule, endpoint and timing, as the study it stands for measured
them. The bounds are the published ranges (with a little room for sampling where a cohort is
small); the validation report (``mmn-sim validate``) shows the same figures with intervals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import load_scenario, parse_scenario, simulate, simulate_cohort
from sim.anatomy import ANATOMY
from sim.clinical import MILESTONES, weaker_side

pytestmark = pytest.mark.slow

LOADING = {"kind": "ivig", "start_day": 730, "dose_g_per_kg": 2.0, "infusion_days": 5}


def _cohort(plan: list[dict], years: float, n: int, seed: int):
    data = {"scenario": {"years": years, "record_every_days": 1, "seed": seed},
            "treatment": plan}
    return simulate_cohort(parse_scenario(data), n)


def _weaker(run, i: int, day: float) -> int:
    g = run.arrays(i).grip[run.patient_runs[i].days.searchsorted(day)]
    return 0 if weaker_side(g[0], g[1]) == "left" else 1


@pytest.fixture(scope="module")
def single_course():
    """One 2 g/kg course at year 2 and the same patients untreated (common random numbers)."""
    return _cohort([LOADING], 2.4, 160, 11), _cohort([], 2.4, 160, 11)


def test_one_course_peaks_at_two_to_four_weeks_and_is_half_gone_by_six(single_course):
    """Responders, benefit = weaker-hand grip over the same patient untreated (seed text:
    retreatment every 2-5 weeks; Terenghi 2004: measurable at 8-10 days)."""
    treated, untreated = single_course
    day5, peak_day, half_day = [], [], []
    for i in range(160):
        if treated.patient_runs[i].patient.ivig_responsiveness < 0.5:
            continue
        r0 = treated.patient_runs[i].days.searchsorted(730)
        h = _weaker(untreated, i, 730)
        ben = treated.arrays(i).grip[r0:r0 + 100, h] - untreated.arrays(i).grip[r0:r0 + 100, h]
        if ben.max() < 0.5:
            continue
        peak = int(ben.argmax())
        day5.append(ben[5] / ben[peak])
        peak_day.append(peak)
        below = np.nonzero(ben[peak:] < ben[peak] / 2)[0]
        half_day.append(peak + below[0] if below.size else 100)
    assert len(day5) >= 80
    assert np.median(day5) <= 0.40
    assert 14 <= np.median(peak_day) <= 28
    assert 21 <= np.median(half_day) <= 42


def test_block_on_the_study_improves_little_while_strength_improves_more(single_course):
    """Federico 2000: 4 weeks after a course block improved 12.7% while grip rose 6.4 kg.
    Segments >=30% blocked before the course; for each, the relative gain in strength of the
    muscle the study records from (through that segment) against the relative fall in block."""
    treated, _ = single_course
    change, definite, to_none, strength_rel, block_rel = [], 0, 0, [], []
    for i in range(80):
        b0, b1 = (s[s.kind == "motor"].reset_index(drop=True)
                  for s in (treated.ncs(729, patient=i), treated.ncs(758, patient=i)))
        sel = (b0.block_pct >= 30).to_numpy()
        change.extend((b1.block_pct - b0.block_pct)[sel])
        was = (b0.grade == "definite").to_numpy()
        definite += int(was.sum())
        to_none += int((was & (b1.grade == "none").to_numpy()).sum())
        days, strength = treated.patient_runs[i].days, treated.arrays(i).strength
        r0, r1 = days.searchsorted(729), days.searchsorted(758)
        for row in b0[sel].itertuples():
            m = ANATOMY.muscle_index[(row.side, ANATOMY.nerve_by_name[row.nerve].recorded)]
            strength_rel.append(strength[r1, m] / max(strength[r0, m], 1e-3) - 1)
            block_rel.append(1 - b1.block_pct[row.Index] / row.block_pct)
    assert len(change) >= 100 and definite >= 30
    assert -20 <= np.mean(change) <= -5
    # (approx.) a working bound: a segment graded definite just above the 50% area drop
    # regrades when a little block is lifted; Federico counted reversal per patient.
    assert to_none / definite <= 0.25
    assert np.median(strength_rel) > np.median(block_rel)


@pytest.fixture(scope="module")
def untreated_maintenance():
    return _cohort([], 3, 120, 12)


def _dependent(untreated) -> list[int]:
    """Patients who depend on IVIg: on 1 g/kg every 4 weeks their weaker-hand grip is >=2 kg
    above the same patient untreated after 2 years (the selection of Hahn 2013 and of the
    IVIg-to-SCIg studies). Every regimen is then compared on these same patients."""
    run = _cohort(_maintenance(28), 3, 100, 12)
    keep = []
    for i in range(100):
        s0 = run.patient_runs[i].days.searchsorted(365 + 2 * 365 - 56)
        h = _weaker(run, i, s0)
        if run.arrays(i).grip[s0, h] - untreated.arrays(i).grip[s0, h] >= 2:
            keep.append(i)
    assert len(keep) >= 25
    return keep


def _swing(plan: list[dict], patients: list[int], every: int) -> float:
    """Median within-cycle peak-to-trough swing of the weaker-hand grip, as a share of the
    cycle's peak, in year 2 of maintenance."""
    run = _cohort(plan, 3, 100, 12)
    swings = []
    for i in patients:
        g, days = run.arrays(i).grip, run.patient_runs[i].days
        h = _weaker(run, i, days.searchsorted(365 + 2 * 365 - 56))
        s = days.searchsorted(365 + 1.5 * 365)
        seg = g[s:s + max(every, 28), h]
        swings.append((seg.max() - seg.min()) / seg.max())
    return float(np.median(swings))


def _maintenance(every: int, monthly: float = 1.0, kind: str = "ivig") -> list[dict]:
    load = {"kind": "ivig", "start_day": 365, "dose_g_per_kg": 2.0, "infusion_days": 5}
    if kind == "scig":
        return [load, {"kind": "scig", "start_day": 372, "dose_g_per_kg": monthly * 7 / 28,
                       "every_days": 7}]
    return [load, {"kind": "ivig", "start_day": 365 + every,
                   "dose_g_per_kg": monthly * every / 28, "infusion_days": 1,
                   "every_days": every}]


def test_end_of_dose_dip_on_four_weekly_ivig_and_steadier_when_more_frequent(
    untreated_maintenance,
):
    """1 g/kg every 4 weeks: a dip patients notice (strength CV 7% on IVIg vs 5.5% on SCIg,
    Muscle Nerve 2018;57:610); the same monthly dose more often is steadier (PK-PD model on
    Hahn 2013); SCIg at an equal dose swings less than half as much."""
    patients = _dependent(untreated_maintenance)
    q4 = _swing(_maintenance(28), patients, 28)
    q2 = _swing(_maintenance(14), patients, 14)
    q8 = _swing(_maintenance(56), patients, 56)
    sc = _swing(_maintenance(7, kind="scig"), patients, 28)
    assert 0.05 <= q4 <= 0.20
    assert q2 < q4 < q8
    assert sc < 0.5 * q4


def test_prednisolone_worsens_some_patients_within_weeks_and_helps_none():
    """60 mg/day for 8 weeks at year 2 (Donaghy 1994: worse within a month in reported cases,
    not all): clearly worse = >=2 MRC-sum points or >=10% weaker-hand grip below the same
    patient untreated at any of weeks 4-8."""
    plan = [{"kind": "prednisolone", "start_day": 730, "duration_days": 56, "mg_per_day": 60}]
    pred, none = _cohort(plan, 2.3, 80, 21), _cohort([], 2.3, 80, 21)
    worse, grip_in_worse = [], []
    for i in range(80):
        a, b = pred.arrays(i), none.arrays(i)
        assert (a.strength - b.strength).max() <= 1e-12, "a patient improved on steroids"
        days = pred.patient_runs[i].days
        h = _weaker(none, i, 730)
        rows = [days.searchsorted(d) for d in range(758, 787, 7)]
        w = any(b.mrc_sum[r] - a.mrc_sum[r] >= 2 or a.grip[r, h] <= 0.9 * b.grip[r, h]
                for r in rows)
        worse.append(w)
        if w:
            grip_in_worse.append(a.grip[rows[-1], h] - b.grip[rows[-1], h])
    assert 0.30 <= np.mean(worse) <= 0.70
    assert np.median(grip_in_worse) < -0.5  # the worsening shows in the hand


def test_plasma_exchange_lowers_igg_which_returns_within_weeks_and_helps_none():
    """Five exchanges on alternate days: serum IgG falls 50-85% and comes back from tissue and
    synthesis over 1-3 weeks; no benefit (no controlled trial in MMN; case series, Claus 2000)."""
    plan = [{"kind": "plasma_exchange", "start_day": 730, "every_days": 2, "count": 5}]
    pe, none = _cohort(plan, 2.3, 40, 22), _cohort([], 2.3, 40, 22)
    pr = pe.patient_runs[0]
    igg, days = pr.igg, pr.days
    before, after = igg[days.searchsorted(729)], igg[days.searchsorted(739)]
    assert 0.50 <= 1 - after / before <= 0.85
    back = next(d for d, g in zip(days, igg, strict=True) if d > 739 and g >= 0.9 * before)
    assert 7 <= back - 738 <= 21
    for i in range(40):
        assert (pe.arrays(i).strength - none.arrays(i).strength).max() <= 1e-12


def test_anti_gm1_positive_patients_are_weaker_with_more_axonal_loss():
    """Untreated 10 years: positivity and titre go with more weakness and axonal loss
    (Cats 2010; Herraets 2020)."""
    run = simulate_cohort(parse_scenario({"scenario": {"years": 10, "seed": 23}}), 150)
    pos = [i for i in range(150) if run.patient_runs[i].patient.anti_gm1]
    neg = [i for i in range(150) if not run.patient_runs[i].patient.anti_gm1]
    mrc = np.array([run.arrays(i).mrc_sum[-1] for i in range(150)])
    loss = np.array([run.patient_runs[i].lost[-1].mean() for i in range(150)])
    assert mrc[neg].mean() - mrc[pos].mean() >= 3
    assert loss[pos].mean() > loss[neg].mean()
    titre = np.array([run.patient_runs[i].patient.anti_gm1_titre for i in pos])
    deficit = 200 - mrc[pos]
    ranks = [np.argsort(np.argsort(x)) for x in (titre, deficit)]
    assert np.corrcoef(*ranks)[0, 1] > 0  # Spearman: higher titre, larger deficit


def test_complement_inhibitor_benefit_builds_over_one_to_three_weeks():
    """Hypothetical: half of the 4-week benefit (weaker grip over the same patient untreated)
    is reached between day 5 and day 21, not overnight."""
    plan = [{"kind": "complement_inhibitor", "start_day": 730}]
    ci, none = _cohort(plan, 2.2, 60, 24), _cohort([], 2.2, 60, 24)
    ben = np.mean([ci.arrays(i).grip.min(1)[730:759] - none.arrays(i).grip.min(1)[730:759]
                   for i in range(60)], axis=0)
    assert ben[28] > 1.0
    half = int(np.argmax(ben >= ben[28] / 2))
    assert 5 <= half <= 21


def test_milestones_follow_the_hand_come_back_on_ivig_and_rarely_flicker():
    """An untreated patient loses 'button a shirt' only once the hand is clearly weak (never
    while the weaker grip is above 70% of healthy). On 4-weekly IVIg most patients who had lost
    a task at the loading course regain one within 6 weeks (IVIg restores function, not only
    grip), and fewer than 5% of patient-years see one task regained more than twice (a task
    lost and regained with every cycle is end-of-dose weakness in a few, not the rule)."""
    untreated = simulate_cohort(parse_scenario({"scenario": {"years": 10, "seed": 31}}), 100)
    for i in range(100):
        arr, base = untreated.arrays(i), untreated.patient_runs[i].patient.baseline_grip_kg
        st = arr.status["button_shirt"]
        lost_rows = np.nonzero((st[1:] < st[:-1]).any(axis=1))[0] + 1
        assert all(arr.grip[r].min() <= 0.7 * base for r in lost_rows)
    plan = [{"kind": "ivig", "start_day": 365, "dose_g_per_kg": 2.0, "infusion_days": 5},
            {"kind": "ivig", "start_day": 393, "dose_g_per_kg": 1.0, "infusion_days": 1,
             "every_days": 28}]
    treated = simulate_cohort(parse_scenario({"scenario": {"years": 10, "seed": 32},
                                              "treatment": plan}), 100)
    flicker, had_lost, regained = 0, 0, 0
    for i in range(100):
        days, status = treated.patient_runs[i].days, treated.arrays(i).status
        year = (days // 365.25).astype(int)
        for st in status.values():
            back = (st[1:] & ~st[:-1]).any(axis=1)  # regained on either side
            flicker += int((np.bincount(year[1:][back], minlength=11)[1:10] > 2).sum())
        a, b = np.searchsorted(days, 364.0), np.searchsorted(days, 364.0 + 42)
        lost = [st for st in status.values() if not st[a].all()]
        if lost:
            had_lost += 1
            regained += any(st[a:b].all(axis=1).any() for st in lost)
    assert flicker < 0.05 * 100 * 9
    assert had_lost >= 10 and regained > had_lost / 2
    labels = {m.lost_label for m in MILESTONES}
    assert {"wrist drop", "foot drop", "drops objects"} <= labels


def test_no_response_to_an_adequate_course_is_flagged_not_escalated():
    """A patient with weakness who does not respond to 2 g/kg is flagged 'reconsider the
    diagnosis' (EFNS/PNS 2010) and the titration rule stops; responders are not flagged."""
    plan = [{"kind": "ivig", "start_day": 730, "dose_g_per_kg": 2.0, "infusion_days": 5},
            {"kind": "ivig", "start_day": 758, "dose_g_per_kg": 1.0, "infusion_days": 1,
             "every_days": 28, "titration": {"rule": "shorten_interval"}}]
    run = _cohort(plan, 4, 150, 41)
    events = {i: pd.DataFrame(run.patient_runs[i].events, columns=[
        "day", "event", "side", "nerve", "segment", "value", "detail"]) for i in range(150)}
    flagged = {i for i, ev in events.items() if (ev.event == "no_response").any()}
    nonresp, resp = [], []
    for i in range(150):
        p = run.patient_runs[i].patient
        g = run.arrays(i).grip[run.patient_runs[i].days.searchsorted(729)].min()
        if g >= 0.8 * p.baseline_grip_kg:
            continue
        (nonresp if p.ivig_responsiveness < 0.1 else resp).append(i)
    assert len(nonresp) >= 8 and len(resp) >= 30
    assert np.mean([i in flagged for i in nonresp]) >= 0.9
    assert np.mean([i in flagged for i in resp]) <= 0.05
    for i in flagged:
        ev = events[i]
        flag_day = ev.loc[ev.event == "no_response", "day"].min()
        assert (ev.loc[ev.event == "titration", "day"] <= flag_day).all()


def test_dose_creep_preset_uses_more_drug_over_the_years():
    """Doses rise over the years because new lesions keep coming (Herraets 2020): grams per
    year in year 10 above year 4 on at least 70% of 20 seeds."""
    scenario = load_scenario("ivig-dose-creep")
    rises = 0
    for seed in range(20):
        run = simulate(scenario, seed=seed)
        ev = run.tables["events"]
        doses = ev[ev.event == "ivig_dose"]
        year = doses.day // 365.25
        rises += doses.value[year == 9].sum() > 1.05 * doses.value[year == 3].sum()
    assert rises >= 14


def test_fcrn_blocker_lowers_igg_and_shortens_the_ivig_effect():
    """Hypothetical: FcRn blockade clears IgG, infused IgG included (Howard 2021: IgG about
    -60%); MMN's anti-GM1 is IgM, so the only effect is a weaker IVIg effect."""
    scenario = load_scenario("fcrn-blocker-hypothetical")
    run = simulate(scenario)
    without = simulate(scenario.with_overrides({"treatment.2.occupancy": 0.0}))
    c, b = run.tables["clinical"], without.tables["clinical"]
    during = (c.day > 1130) & (c.day < 1270)
    assert (c.igg_g_per_l[during] < 0.5 * b.igg_g_per_l[during]).all()
    assert c.ivig_effect[during].mean() < 0.5 * b.ivig_effect[during].mean()
    before = c.day < 1096
    assert c[before].equals(b[before])
    assert (run.arrays().grip.min(1) <= without.arrays().grip.min(1) + 1e-9).all()
