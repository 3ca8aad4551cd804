"""Every ``[teaching]`` notice line of every preset is a claim a lecturer shows a class: test it.

Each line maps to one or more checks in ``CLAIMS`` (preset, line index, a phrase the line must
still contain, the check). Every check measures what the line says the way a clinician reads
it (which hand, which day or window, which threshold: the check's docstring says) on the
preset's own seed and on seeds 0..19 (patient 0 of each seed; the traits the preset does not
pin down are drawn anew, so the 20 seeds are 20 comparable patients). Comparisons ("less than",
"the same as") run the same patient and seed under the other plan.

Absolute claims ("never", "no benefit", "the same") must hold on every seed. Claims about what
usually happens must hold on the own seed and in ``TYPICAL`` (3 in 4) of the seeds; claims with
a published share are checked against that share with an allowance for sampling. A claim
about a patient kept on IVIg (wearing-off, IgG kinetics on maintenance) does not judge a seed
whose drawn patient had no response to the loading course: IVIg is stopped there, as the
guideline says (``support.on_ivig``). A check the
model fails although the line is clinically right is marked ``xfail(strict=True)`` with a
reason starting "MODEL:", so the failure stays visible and an accidental fix is noticed.

Adding a notice line without a check fails ``test_every_notice_line_has_a_check``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

import sim
from tests.claims import (
    aman,
    cidp,
    course,
    hnpp,
    ivig_courses,
    ivig_long_term,
    mechanism,
    mimics,
    other_treatments,
)
from tests.claims.support import SEEDS

pytestmark = pytest.mark.slow


# === the table: preset, notice line, phrase it must still contain, check ===================
@dataclass(frozen=True)
class Claim:
    preset: str
    line: int
    phrase: str  # words of the notice line this check reads; a reworded line fails the map
    check: Callable[[], str]
    xfail: str | None = None

    @property
    def id(self) -> str:
        return f"{self.preset}[{self.line}]-{self.check.__name__}"


CLAIMS: tuple[Claim, ...] = (
    Claim("untreated", 0, "only goes down or stays flat", course.untreated_never_improves),
    Claim("untreated", 1, "asymmetric", course.untreated_is_asymmetric),
    Claim("untreated", 2, "stay normal throughout", course.untreated_sensation_normal),
    Claim("late-treatment", 0, "first seven years are identical",
          course.late_first_years_identical),
    Claim("late-treatment", 1, "slows new damage", course.late_slows_new_damage),
    Claim("late-treatment", 1, "the gain is small", course.late_lifts_some_block_gain_small),
    Claim("late-treatment", 1, "the gain is small", course.late_recovers_less_share),
    Claim("late-treatment", 1, "the gain is small", course.late_ends_weaker_than_early),
    Claim("late-treatment", 2, "low distal amplitudes", course.late_ncs_low_distal_inexcitable),
    Claim("first-ivig-course", 0, "starts to rise after about a week",
          ivig_courses.first_course_onset_relative),
    Claim("first-ivig-course", 0, "starts to rise after about a week",
          ivig_courses.first_course_onset_measurable),
    Claim("first-ivig-course", 1, "a few kilograms, not a cure",
          ivig_courses.first_course_few_kg_not_cure),
    Claim("first-ivig-course", 2, "block is partly lifted",
          ivig_courses.first_course_block_partly_lifted),
    Claim("first-ivig-course", 4, "Function returns with strength",
          ivig_courses.first_course_restores_function),
    Claim("first-ivig-course", 3, "half-life of about three weeks",
          ivig_courses.first_course_wears_off),
    Claim("ivig-maintenance", 0, "within 1-3 weeks", ivig_courses.maintenance_improves_in_weeks),
    Claim("ivig-maintenance", 1, "weakness returns (wearing-off)",
          ivig_courses.maintenance_wearing_off),
    Claim("ivig-maintenance", 2, "drifts down over years", ivig_courses.maintenance_drifts_down),
    Claim("ivig-interval-too-long", 0, "the troughs are deep",
          ivig_courses.long_igg_peaks_and_troughs),
    Claim("ivig-interval-too-long", 1, "sags weeks before the next course",
          ivig_courses.long_grip_sags_weeks_before),
    Claim("ivig-interval-too-long", 2, "not all regained",
          ivig_courses.long_more_lesions_less_regained),
    Claim("ivig-dose-creep", 0, "shortening the interval",
          ivig_long_term.creep_titration_after_weakness),
    Claim("ivig-dose-creep", 1, "drug given per year rises",
          ivig_long_term.creep_drug_rises_strength_drifts),
    Claim("ivig-dose-creep", 2, "cannot be bought back",
          ivig_long_term.creep_axonal_loss_not_bought_back),
    Claim("ivig-non-responder", 0, "No objective response",
          ivig_long_term.nonresponder_no_response),
    Claim("ivig-non-responder", 0, "IVIg stops at the next course due",
          ivig_long_term.nonresponder_stops_after_no_response),
    Claim("ivig-non-responder", 1, "never by the 2 kg a response needs",
          ivig_long_term.nonresponder_continuing_buys_nothing),
    Claim("ivig-non-responder", 2, "Serum IgG rose as in a responder",
          ivig_long_term.nonresponder_same_igg),
    Claim("ivig-non-responder", 3, "67-81% in cohorts",
          ivig_long_term.nonresponder_population_share),
    Claim("ivig-non-responder", 4, "does not respond to IVIg either",
          mimics.pma_ivig_changes_nothing),
    Claim("ivig-non-responder", 4, "not the answer",
          ivig_long_term.nonresponder_steroids_exchange_no_answer),
    Claim("ivig-withdrawal", 0, "31% in 12 weeks", ivig_courses.withdrawal_trial_numbers),
    Claim("ivig-withdrawal", 1, "follows serum IgG", ivig_courses.withdrawal_follows_igg),
    Claim("ivig-withdrawal", 2, "does not remit", ivig_courses.withdrawal_no_remission),
    Claim("lower-limb-onset", 0, "foot drop appears", course.legs_lesions_foot_drop),
    Claim("lower-limb-onset", 1, "grip is a poor measure", course.legs_grip_poor_measure),
    Claim("lower-limb-onset", 2, "never brisk", course.legs_reflexes_sensation),
    Claim("anti-gm1-negative", 0, "43-48%", course.neg_population_share),
    Claim("anti-gm1-negative", 0, "does not exclude MMN", course.neg_meets_criteria),
    Claim("anti-gm1-negative", 1, "conduction block outside entrapment sites",
          course.neg_diagnosis_rests_on_core_block),
    Claim("anti-gm1-negative", 2, "response is similar", course.neg_ivig_similar_axonal_slower),
    Claim("complement-inhibitor-hypothetical", 0, "hypothetical",
          other_treatments.comp_labelled_hypothetical),
    Claim("complement-inhibitor-hypothetical", 1, "89-99%", other_treatments.comp_mechanism),
    Claim("complement-inhibitor-hypothetical", 2, "no wearing-off",
          other_treatments.comp_no_wearing_off_loss_stays),
    Claim("fcrn-blocker-hypothetical", 0, "Serum IgG falls", other_treatments.fcrn_igg_falls),
    Claim("fcrn-blocker-hypothetical", 1, "wears off within days",
          other_treatments.fcrn_ivig_wears_off),
    Claim("fcrn-blocker-hypothetical", 2, "No benefit", other_treatments.fcrn_no_benefit),
    Claim("fcrn-blocker-hypothetical", 3, "recover within weeks", other_treatments.fcrn_recovers),
    Claim("plasma-exchange", 0, "removes most circulating IgG", other_treatments.plex_removes_igg),
    Claim("plasma-exchange", 1, "none of its own", other_treatments.plex_fades_ivig_no_own_benefit),
    Claim("prednisolone", 0, "within about a month", other_treatments.pred_some_worse_none_better),
    Claim("prednisolone", 1, "new lesions", other_treatments.pred_blocks_deepen_new_lesions),
    Claim("prednisolone", 2, "undone", other_treatments.pred_not_undone),
    Claim("cidp-prednisolone", 0, "builds over weeks, not days", cidp.cidp_pred_builds_over_weeks),
    Claim("cidp-prednisolone", 1, "outlasts the tapered course", cidp.cidp_pred_outlasts_course),
    Claim("cidp-prednisolone", 2, "CIDP is symmetric", cidp.cidp_symmetric),
    Claim("cidp-prednisolone", 3, "MMN checklist is not met",
          cidp.cidp_snaps_low_mmn_checklist_not_met),
    Claim("multifocal-cidp", 0, "study shows motor conduction block outside entrapment sites",
          cidp.mcidp_asymmetric_with_block),
    Claim("multifocal-cidp", 1, "sensory responses of the blocked nerves are reduced",
          cidp.mcidp_blocked_snaps_reduced_checklist_not_met),
    Claim("scig-vs-ivig", 0, "flat plateau", ivig_long_term.scig_flat_plateau),
    Claim("scig-vs-ivig", 1, "strength is about the same",
          ivig_long_term.scig_same_dose_similar_strength),
    Claim("scig-vs-ivig", 2, "The end-of-dose dip flattens here",
          ivig_long_term.scig_dip_flattens_here),
    Claim("pma-vs-mmn", 0, "No conduction block in any nerve", mimics.pma_no_block),
    Claim("pma-vs-mmn", 1, "Sensory conduction stays normal", mimics.pma_sensory_normal),
    Claim("pma-vs-mmn", 2, "two regions", mimics.pma_lmn_two_regions),
    Claim("pma-vs-mmn", 3, "changes nothing", mimics.pma_ivig_changes_nothing),
    Claim("pma-vs-mmn", 4, "the failing criterion is the block",
          mimics.pma_checklist_fails_on_block),
    Claim("ulnar-entrapment", 0, "does not count", mimics.une_entrapment_block_not_counted),
    Claim("ulnar-entrapment", 1, "ulnar sensory response is low", mimics.une_ulnar_snap_low),
    Claim("ulnar-entrapment", 2, "Only muscles supplied by the ulnar nerve",
          mimics.une_only_ulnar_weak),
    Claim("ulnar-entrapment", 3, "checklist is not met", mimics.une_checklist_not_met),
    Claim("hnpp", 0, "Palsies recur", hnpp.hnpp_palsies_recur),
    Claim("hnpp", 1, "A clinically normal nerve conducts slowly",
          hnpp.hnpp_normal_nerve_conducts_slowly),
    Claim("hnpp", 2, "recovers over weeks to months", hnpp.hnpp_palsy_recovers),
    Claim("hnpp", 3, "IVIg does nothing", hnpp.hnpp_ivig_does_nothing),
    Claim("hnpp", 4, "checklist is not met", hnpp.hnpp_checklist_not_met),
    Claim("aman-vs-mmn", 0, "within four weeks", aman.aman_nadir_within_four_weeks_symmetric),
    Claim("aman-vs-mmn", 1, "no temporal dispersion", aman.aman_no_dispersion_sensory_normal),
    Claim("aman-vs-mmn", 2, "improved in every patient", aman.aman_improved_by_six_months),
    Claim("aman-vs-mmn", 3, "the failing criterion is the time course",
          aman.aman_mmn_checklist_fails_on_time_course),
    Claim("aman-vs-mmn", 4, "Brighton levels", aman.aman_brighton_met),
    Claim("aman-vs-mmn", 5, "speeds recovery", aman.aman_ivig_speeds_recovery),
    Claim("blocked-nerve-mechanism", 0, "the block the nerve study measures there",
          mechanism.fibres_failing_match_the_study_block),
    Claim("blocked-nerve-mechanism", 1, "stops at the damaged nodes",
          mechanism.failing_fibre_stops_at_the_lesion_for_want_of_sodium),
    Claim("blocked-nerve-mechanism", 2, "more fibres fail than at rest",
          mechanism.effort_fails_more_fibres_like_the_weakness),
    Claim("blocked-nerve-mechanism", 3, "lets fibres that only just failed conduct again",
          mechanism.cooling_slows_yet_rescues_fibres),
    Claim("blocked-nerve-mechanism", 4, "IVIg lifts first the block that only effort shows",
          mechanism.ivig_lifts_the_effort_block_first),
)


def _param(claim: Claim):
    marks = [pytest.mark.xfail(strict=True, reason=claim.xfail)] if claim.xfail else []
    return pytest.param(claim, id=claim.id, marks=marks)


@pytest.mark.parametrize("claim", [_param(c) for c in CLAIMS])
def test_preset_claim(claim: Claim):
    claim.check()


def test_every_notice_line_has_a_check():
    """Adding or rewording a notice line without a check that reads it fails here."""
    missing, stale = [], []
    for name in sim.preset_names():
        notice = sim.load_scenario(name).teaching.notice
        for i, text in enumerate(notice):
            checks = [c for c in CLAIMS if c.preset == name and c.line == i]
            if not checks:
                missing.append(f"{name}[{i}]: {text}")
            stale += [f"{c.id}: '{c.phrase}' not in '{text}'" for c in checks
                      if c.phrase.lower() not in text.lower()]
    beyond = [c.id for c in CLAIMS
              if c.line >= len(sim.load_scenario(c.preset).teaching.notice)]
    assert not missing, "notice lines without a check:\n" + "\n".join(missing)
    assert not stale, "checks whose notice line changed:\n" + "\n".join(stale)
    assert not beyond, f"checks for notice lines that no longer exist: {beyond}"


def test_each_check_says_what_it_measures():
    for c in CLAIMS:
        doc = c.check.__doc__ or ""
        assert len(doc.split()) >= 12, f"{c.id}: the docstring must say what is measured"
    assert len(SEEDS) >= 20
