"""Behaviour of the disease and treatment model against CLINICAL.md.

Statistical tests run seeded cohorts (>= 50 patients) and compare against the calibration
targets in CLINICAL.md with tolerances for sampling; each names the target it checks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from sim import parse_scenario, simulate, simulate_cohort
from sim.anatomy import ANATOMY
from sim.diseases.mmn import POPULATION
from sim.patient import draw_patient
from sim.results import ClinicalArrays, Run

SEED = 2024


@dataclass
class Pt:
    days: np.ndarray
    arr: ClinicalArrays
    run: Run
    i: int

    def at(self, name: str, day: float) -> np.ndarray:
        k = int(np.searchsorted(self.days, day - 1e-9))
        src = self.arr if hasattr(self.arr, name) else self.run.patient_runs[self.i]
        return getattr(src, name)[k]

    @property
    def patient(self):
        return self.run.patient_runs[self.i].patient

    @property
    def events(self):
        return self.run.patient_runs[self.i].events


def cohort(years: float, treatments=(), n: int = 60, rec: float = 1, **disease) -> list[Pt]:
    data = {"scenario": {"years": years, "record_every_days": rec}, "treatment": list(treatments)}
    if disease:
        data["disease"] = disease
    run = simulate_cohort(parse_scenario(data), n, seed=SEED)
    return [Pt(pr.days, run.arrays(i), run, i) for i, pr in enumerate(run.patient_runs)]


def ivig(start: float, dose: float = 2.0, days: int = 5, **kw) -> dict:
    return {"kind": "ivig", "start_day": start, "dose_g_per_kg": dose, "infusion_days": days, **kw}


def weaker_hand(p: Pt, day: float) -> int:
    return int(np.argmin(p.at("grip", day)))


# --- population (CLINICAL.md "Who gets it", calibration targets 1-3) -----------------------


def test_population_traits_match_clinical_ranges():
    ss = np.random.SeedSequence(SEED)
    pats = [draw_patient(np.random.default_rng(s), POPULATION) for s in ss.spawn(600)]
    male = np.mean([p.sex == "male" for p in pats])
    ages = np.array([p.age_at_onset for p in pats])
    gm1 = np.mean([p.anti_gm1 for p in pats])
    assert 0.66 <= male <= 0.78  # ≈72% male
    assert 40 <= ages.mean() <= 44.5  # mean 40-44
    assert 0.72 <= np.mean((ages >= 20) & (ages <= 50)) <= 0.88  # ≈80% between 20 and 50
    assert 0.38 <= gm1 <= 0.53  # 43-48% anti-GM1 positive
    assert all(p.anti_gm1_titre == 0 for p in pats if not p.anti_gm1)
    assert {p.dominant_side for p in pats} == {"left", "right"}


def test_fixing_one_trait_leaves_the_others_alone():
    rng_a, rng_b = (np.random.default_rng(5) for _ in range(2))
    a = draw_patient(rng_a, POPULATION)
    b = draw_patient(rng_b, POPULATION, {"anti_gm1": not a.anti_gm1})
    assert a.sex == b.sex and a.age_at_onset == b.age_at_onset
    assert a.ivig_responsiveness == b.ivig_responsiveness
    assert b.anti_gm1 is (not a.anti_gm1)


# --- natural history (target 4; Taylor 2000) ---------------------------------------------


@pytest.mark.slow
def test_untreated_never_remits_and_declines():
    pts = cohort(5, n=50, rec=7)
    for p in pts:
        assert np.diff(p.arr.mrc_sum).max() <= 0, "MRC sum rose without treatment"
        assert np.diff(p.arr.strength, axis=0).max() <= 1e-9
    year1 = np.mean([p.at("mrc_sum", 365) for p in pts])
    year5 = np.mean([p.arr.mrc_sum[-1] for p in pts])
    assert year5 < year1 - 5


@pytest.mark.slow
def test_weakness_is_asymmetric_and_mostly_starts_in_the_arms():
    pts = cohort(3, n=60, rec=7)
    n_mus = ANATOMY.n_muscles // 2
    asym = [np.abs(g[:n_mus] - g[n_mus:]).max() >= 1 for g in (p.arr.grades[-1] for p in pts)]
    assert np.mean(asym) >= 0.7
    starts = cohort(0.01, n=300, rec=1)
    arm = [
        ANATOMY.nerve_by_name[next(e for e in p.events if e[1] == "lesion_onset")[3]].limb
        == "arm"
        for p in starts
    ]
    assert 0.66 <= np.mean(arm) <= 0.82  # 70-77% upper-limb onset


def test_sensation_is_normal_and_reflexes_never_brisk():
    run = simulate(parse_scenario({"scenario": {"years": 8}, "disease": {
        "lesion_rate_per_year": 4}}), seed=3)
    for day in (0, 1000, 2900):
        exam = run.examination(day)
        sensation = exam[exam["finding"].str.startswith("sensation_")]
        assert len(sensation) == 16 and set(sensation["value"]) == {"normal"}
        assert set(exam.loc[exam["finding"] == "reflex", "value"]) <= {
            "normal", "reduced", "absent"}
    late = run.examination(2900)
    assert {"reduced", "absent"} & set(late.loc[late["finding"] == "reflex", "value"])


# --- IVIg (targets 5, 6, 8) -----------------------------------------------------------------


@pytest.fixture(scope="module")
def first_course():
    """Patients with hand weakness at year 2 (as in the trials): one 2 g/kg course vs none."""
    treated = cohort(2.2, [ivig(730)], n=120)
    untreated = cohort(2.2, n=120)
    pairs = [
        (a, b) for a, b in zip(treated, untreated, strict=True)
        if a.at("grip", 730).min() < 0.8 * a.patient.baseline_grip_kg
    ]
    assert len(pairs) >= 50
    return pairs


@pytest.mark.slow
def test_first_ivig_course_lifts_weaker_grip_by_the_trial_margin(first_course):
    gain, change_untreated, diff10, diff21, responder = [], [], [], [], []
    for a, b in first_course:
        h = weaker_hand(a, 730)
        g0 = a.at("grip", 730)[h]
        gain.append(a.at("grip", 758)[h] - g0)
        change_untreated.append(b.at("grip", 758)[h] - g0)
        diff10.append(a.at("grip", 740)[h] - b.at("grip", 740)[h])
        diff21.append(a.at("grip", 751)[h] - b.at("grip", 751)[h])
        responder.append(a.at("grip", 758)[h] - b.at("grip", 758)[h] >= 2.0)
    # Federico 2000: weaker hand +6.4 kg on IVIg vs -1.0 kg on placebo at ~4 weeks.
    assert 4.0 <= np.mean(gain) <= 10.0
    assert -3.0 <= np.mean(change_untreated) <= 0.5
    assert 4.5 <= np.mean(gain) - np.mean(change_untreated) <= 11.0
    # 67-81% respond (Cochrane 2005; cohorts), sampling tolerance.
    assert 0.62 <= np.mean(responder) <= 0.9
    # Benefit measurable by day 8-10, larger by 3 weeks (Terenghi 2004).
    assert np.mean(diff10) > 1.0
    assert np.mean(diff21) > np.mean(diff10)


@pytest.mark.slow
def test_maintenance_of_1_6_g_per_kg_month_gives_4_kg_in_most():
    plan = [ivig(365, 0.8, 1, every_days=14, until_day=545)]
    pts = cohort(1.5, plan, n=80)
    gains = [
        p.at("grip", 533)[weaker_hand(p, 364)] - p.at("grip", 364)[weaker_hand(p, 364)]
        for p in pts if p.at("grip", 364).min() < 0.85 * p.patient.baseline_grip_kg
    ]
    assert len(gains) >= 30
    assert np.mean(np.array(gains) >= 4.0) >= 0.6  # target 8: >=70% (sampling tolerance)


def _maintenance(every: float, dose: float) -> list:
    return [ivig(365), ivig(365 + every, dose, 2, every_days=every, until_day=1095)]


@pytest.mark.slow
def test_wearing_off_peak_then_trough_and_longer_interval_deepens_trough():
    def cycles(every: float, dose: float):
        peaks, drops = [], []
        for p in cohort(2.5, _maintenance(every, dose), n=50):
            if p.at("grip", 364).min() > 0.85 * p.patient.baseline_grip_kg:
                continue
            h = weaker_hand(p, 364)
            start = 365 + every * int((730 - 365) / every + 1)
            seg = np.array([p.at("grip", start + d)[h] for d in range(int(every) + 1)])
            peaks.append(int(np.argmax(seg)))
            drops.append(seg.max() - seg[-1])
        return np.array(peaks), np.array(drops)

    peaks4, drops4 = cycles(28, 1.0)
    peaks8, drops8 = cycles(56, 2.0)
    assert 7 <= np.median(peaks4) <= 21  # peak 1-3 weeks after the dose (clear by 3 weeks)
    assert np.mean(drops4) > 0.3  # weakness returns before the next dose
    assert np.mean(drops8) > 1.5 * np.mean(drops4)  # 8-week interval: deeper trough


@pytest.mark.slow
def test_withdrawal_of_stabilised_patients_loses_grip_continuation_does_not():
    last = 1095

    def plan(until):
        return [ivig(365), ivig(386, 1.0, 2, every_days=21, until_day=until)]

    years = (last + 130) / 365.25
    stop, cont, none = (cohort(years, p, n=100) for p in (plan(last), plan(last + 130), []))
    ch_stop, ch_cont = [], []
    for a, b, c in zip(stop, cont, none, strict=True):
        h = weaker_hand(a, last + 14)
        g0, untreated = a.at("grip", last + 14)[h], c.at("grip", last + 14)[h]
        # Hahn 2013 enrolled IVIg-dependent patients with clear hand weakness.
        if g0 - untreated < 2.0 or untreated > 0.75 * a.patient.baseline_grip_kg:
            continue
        ch_stop.append(a.at("grip", last + 98)[h] / g0 - 1)
        ch_cont.append(b.at("grip", last + 98)[h] / g0 - 1)
    ch_stop, ch_cont = np.array(ch_stop), np.array(ch_cont)
    assert len(ch_stop) >= 30
    # Target 7: grip -31% and 69% rescued on placebo; +4% and 2% on continued IVIg.
    assert -0.45 <= ch_stop.mean() <= -0.15
    assert 0.45 <= np.mean(ch_stop <= -0.2) <= 0.9
    assert ch_cont.mean() > -0.05
    assert np.mean(ch_cont <= -0.2) <= 0.1


@pytest.mark.slow
def test_late_ivig_helps_less_than_early_ivig():
    def plan(start):
        return [ivig(start), ivig(start + 28, 1.0, 2, every_days=28, until_day=2922)]

    early, late = cohort(8, plan(365), n=50, rec=7), cohort(8, plan(2191), n=50, rec=7)
    mrc_e = np.array([p.arr.mrc_sum[-1] for p in early])
    mrc_l = np.array([p.arr.mrc_sum[-1] for p in late])
    assert mrc_e.mean() > mrc_l.mean() + 2
    assert np.mean(mrc_e >= mrc_l) >= 0.9
    grip_e = np.mean([p.arr.grip[-1].min() for p in early])
    grip_l = np.mean([p.arr.grip[-1].min() for p in late])
    assert grip_e > grip_l


# --- treatments that do not help (targets 9, 10) -------------------------------------------


@pytest.mark.slow
def test_prednisolone_never_helps_and_weakens_on_average():
    course = [{"kind": "prednisolone", "start_day": 730, "duration_days": 56, "mg_per_day": 60}]
    pred, none = cohort(2.3, course, n=60), cohort(2.3, n=60)
    diffs = []
    for a, b in zip(pred, none, strict=True):
        assert (a.arr.strength - b.arr.strength).max() <= 1e-12, "a patient improved on steroids"
        diffs.append(a.at("grip", 786).min() - b.at("grip", 786).min())
    assert np.mean(diffs) < -0.5
    worse_by_4_weeks = [
        a.at("mrc_sum", 758) < b.at("mrc_sum", 758) or a.at("grip", 758).min() < b.at(
            "grip", 758).min() - 0.5
        for a, b in zip(pred, none, strict=True)
    ]
    assert np.mean(worse_by_4_weeks) >= 0.4  # "worsening within about 4 weeks in a clear share"


@pytest.mark.slow
def test_plasma_exchange_after_ivig_removes_most_of_its_benefit():
    exchange = {"kind": "plasma_exchange", "start_day": 742, "every_days": 2, "count": 5}
    with_ivig, with_pe, none = (
        cohort(2.3, t, n=60) for t in ([ivig(730)], [ivig(730), exchange], [])
    )
    kept, benefit = [], []
    for a, b, c in zip(with_ivig, with_pe, none, strict=True):
        if a.at("grip", 730).min() > 0.8 * a.patient.baseline_grip_kg:
            continue
        h = weaker_hand(a, 730)
        benefit.append(a.at("grip", 765)[h] - c.at("grip", 765)[h])
        kept.append(b.at("grip", 765)[h] - c.at("grip", 765)[h])
        assert b.at("grip", 765)[h] <= a.at("grip", 765)[h] + 1e-9
        assert b.at("igg", 760) < a.at("igg", 760)
    assert np.mean(benefit) > 3
    assert np.mean(kept) < 0.35 * np.mean(benefit)


# --- other treatments ------------------------------------------------------------------------


def test_scig_gives_flatter_igg_than_ivig_at_equal_monthly_dose():
    iv = simulate(parse_scenario({"scenario": {"years": 1.5}, "treatment": [
        ivig(100, 1.0, 1, every_days=28, until_day=540)]}), seed=4)
    sc = simulate(parse_scenario({"scenario": {"years": 1.5}, "treatment": [
        {"kind": "scig", "start_day": 100, "dose_g_per_kg": 0.25, "every_days": 7,
         "until_day": 540}]}), seed=4)

    def swing(run):
        tail = run.tables["clinical"].query("day > 300")["igg_g_per_l"]
        return tail.max() - tail.min()

    assert swing(sc) < 0.5 * swing(iv)
    assert (sc.tables["events"]["event"] == "scig_dose").sum() > 50


def test_complement_inhibitor_lowers_lesion_count():
    plan = [{"kind": "complement_inhibitor", "start_day": 0}]
    on, off = cohort(4, plan, n=20, rec=28), cohort(4, n=20, rec=28)
    count = [sum(e[1] == "lesion_onset" for e in p.events) for p in (*on, *off)]
    assert sum(count[:20]) < 0.5 * sum(count[20:])
    assert all(x <= y for x, y in zip(count[:20], count[20:], strict=True))


def _lesions(p: Pt, lo: float, hi: float) -> int:
    return sum(e[1] == "lesion_onset" and lo <= e[0] < hi for e in p.events)


def test_cyclophosphamide_slows_new_lesions_in_responders_after_months_only():
    """Weak evidence, modest model (Pestronk 1988; van Schaik 2010): six monthly pulses from
    day 365; nothing changes in the first 4 weeks; in patients it acts on, never more attacks
    from month 3 to year 3 than the same patients untreated, and at least 15% fewer from month
    3 to month 12 (while it acts); in the others, nothing changes at all; each pulse records
    the cumulative dose (its toxicity grows with it)."""
    plan = [{"kind": "cyclophosphamide", "start_day": 365}]
    on, off = cohort(3, plan, n=60, rec=7), cohort(3, n=60, rec=7)
    responders = [any(e[1] == "cyclophosphamide_response" and e[5] > 0 for e in a.events)
                  for a in on]
    assert 18 <= sum(responders) <= 42  # a share of patients, about half
    fewer, same = [], []
    for a, b, resp in zip(on, off, responders, strict=True):
        early = a.days <= 365 + 28
        assert np.array_equal(a.arr.grip[early], b.arr.grip[early])  # never within days
        if resp:
            fewer.append((_lesions(a, 455, 730), _lesions(b, 455, 730)))
            assert _lesions(a, 455, 1096) <= _lesions(b, 455, 1096)
        else:
            same.append(np.array_equal(a.arr.grip, b.arr.grip))
        doses = [e[5] for e in a.events if e[1] == "cyclophosphamide_dose"]
        assert doses == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert all(same)
    treated, untreated = map(sum, zip(*fewer, strict=True))
    assert treated <= 0.85 * untreated


def test_rituximab_leaves_the_course_of_mmn_unchanged():
    """No benefit in the open-label trial (Chaudhry & Cornblath 2010: no change in MRC sum,
    grip or IVIg use): the same patients with and without two 1,000 mg infusions have
    identical grip and MRC sum at every record, and the infusions are recorded."""
    plan = [{"kind": "rituximab", "start_day": 365}]
    on, off = cohort(3, plan, n=20, rec=7), cohort(3, n=20, rec=7)
    for a, b in zip(on, off, strict=True):
        assert np.array_equal(a.arr.grip, b.arr.grip)
        assert np.array_equal(a.arr.mrc_sum, b.arr.mrc_sum)
        assert [e[0] for e in a.events if e[1] == "rituximab_dose"] == [365.0, 379.0]


def test_titration_rule_shortens_interval_over_the_years():
    data = {
        "scenario": {"years": 10, "record_every_days": 7},
        "disease": {"lesion_rate_per_year": 2.5},
        "patient": {"ivig_responsiveness": 0.9},
        "treatment": [ivig(365), ivig(393, 1.0, 2, every_days=42, until_day=3650,
                                       titration={"rule": "shorten_interval",
                                                  "trough_drop_pct": 3, "min_every_days": 14})],
    }
    run = simulate(parse_scenario(data), seed=1)
    ev = run.tables["events"]
    titr = ev[ev.event == "titration"]
    assert len(titr) >= 1
    assert titr["value"].is_monotonic_decreasing
    starts = ev[(ev.event == "ivig_dose") & ev.detail.str.contains("day 1 of 2")]["day"].to_numpy()
    gaps = np.diff(starts)
    assert gaps[-1] < gaps[0]
    assert gaps.min() >= 14


# --- reproducibility and common random numbers (DESIGN §3.7) -------------------------------


def test_same_seed_gives_identical_tables_and_csv_bytes(tmp_path):
    sc = parse_scenario({"scenario": {"years": 3}, "treatment": [ivig(400)]})
    a, b = simulate(sc, seed=9), simulate(sc, seed=9)
    for name in a.tables:
        assert a.tables[name].equals(b.tables[name]), name
    a.save(tmp_path / "a")
    b.save(tmp_path / "b")
    for f in sorted((tmp_path / "a").glob("*.csv")):
        assert f.read_bytes() == (tmp_path / "b" / f.name).read_bytes(), f.name
    c = simulate(sc, seed=10)
    assert not a.tables["sites"].equals(c.tables["sites"])


def test_cohort_patient_is_the_same_whatever_the_cohort_size():
    sc = parse_scenario({"scenario": {"years": 2}})
    small, big = simulate_cohort(sc, 3, seed=5), simulate_cohort(sc, 6, seed=5)
    assert np.array_equal(small.patient_runs[2].blocked, big.patient_runs[2].blocked)
    offset = simulate_cohort(sc, 2, seed=5, first=2)
    assert np.array_equal(offset.patient_runs[0].blocked, big.patient_runs[2].blocked)
    assert offset.tables["patients"]["patient"].tolist() == [2, 3]


def test_rows_before_treatment_identical_under_two_plans():
    base = {"scenario": {"years": 3}}
    none = simulate(parse_scenario(base), seed=21)
    treated = simulate(parse_scenario({**base, "treatment": [ivig(500)]}), seed=21)
    for name in ("sites", "muscles", "clinical"):
        a = none.tables[name].query("day < 500").reset_index(drop=True)
        b = treated.tables[name].query("day < 500").reset_index(drop=True)
        assert len(a) > 0 and a.equals(b), name


def test_ivig_never_worse_and_steroids_never_better_than_untreated():
    plans = {
        "none": [],
        "ivig": [ivig(300), ivig(328, 1.0, 2, every_days=28, until_day=1460)],
        "pred": [{"kind": "prednisolone", "start_day": 300, "duration_days": 90}],
    }
    runs = {k: cohort(4, v, n=30, rec=7) for k, v in plans.items()}
    for n, i, p in zip(runs["none"], runs["ivig"], runs["pred"], strict=True):
        assert (i.arr.strength - n.arr.strength).min() >= -1e-12
        assert (p.arr.strength - n.arr.strength).max() <= 1e-12
        assert (i.arr.mrc_sum >= n.arr.mrc_sum).all()


def test_a_longer_run_extends_a_shorter_one():
    short = simulate(parse_scenario({"scenario": {"years": 2}}), seed=8)
    long = simulate(parse_scenario({"scenario": {"years": 4}}), seed=8)
    a = short.tables["clinical"].query("day <= 700").reset_index(drop=True)
    b = long.tables["clinical"].query("day <= 700").reset_index(drop=True)
    assert a.equals(b)


# --- anatomy ------------------------------------------------------------------------------


def test_a_lesion_weakens_only_muscles_whose_branch_lies_distal_to_it():
    from sim.clinical import strength_fraction

    conducting = np.ones(ANATOMY.n_sites)
    conducting[ANATOMY.site_index[("left", "median", "forearm")]] = 0.2
    s = strength_fraction(conducting)
    idx = ANATOMY.muscle_index
    assert s[idx[("left", "APB")]] < 0.9
    assert s[idx[("left", "forearm flexors")]] == 1.0
    assert s[idx[("right", "APB")]] == 1.0
    conducting[ANATOMY.site_index[("left", "median", "upper arm")]] = 0.2
    assert strength_fraction(conducting)[idx[("left", "forearm flexors")]] < 0.9


def test_anatomy_catalogue_is_complete_and_bilateral():
    names = {n.name for n in ANATOMY.nerves}
    assert {"median", "ulnar", "radial", "musculocutaneous", "axillary", "peroneal",
            "tibial"} <= names
    assert {s.name for s in ANATOMY.sensory} == {"median", "ulnar", "radial sensory", "sural"}
    entrapments = {seg.entrapment for n in ANATOMY.nerves for seg in n.segments}
    assert {"carpal tunnel", "cubital tunnel", "fibular head"} <= entrapments
    assert ANATOMY.n_sites % 2 == 0 and ANATOMY.n_muscles == 40
    for nerve in ANATOMY.nerves:
        assert nerve.recorded in {m.name for m in nerve.muscles}
        assert [s.index for s in nerve.segments] == list(range(len(nerve.segments)))
