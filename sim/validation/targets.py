"""The published targets the model is checked against, and how a value earns its colour.

Why a catalogue: a lecturer must be able to see, target by target, what the literature says,
how the model was measured (the way the study measured it) and how close it comes. Each
:class:`Target` names its source, its published point value (if any) and range, how it is
measured and its reference cohort (:mod:`sim.validation.cohorts`). Teaching model - not for
clinical decisions.

Colours: green = inside the range and within 10% of the point value (inside the range is
enough when there is no point value); amber = inside the range only; red = outside;
"not measured" = the model lacks the feature the target needs (the reason is given).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GREEN", "AMBER", "RED", "NOT_MEASURED", "STATUSES", "GROUPS", "Target", "TARGETS",
           "by_id", "status"]

GREEN, AMBER, RED, NOT_MEASURED = "green", "amber", "red", "not measured"
STATUSES = (GREEN, AMBER, RED, NOT_MEASURED)
GROUPS = ("Population", "Untreated course", "First IVIg course", "IVIg withdrawal",
          "Dose and interval", "Treatments that do not help", "Antibodies", "Other",
          "CIDP treatment response")
POINT_TOLERANCE = 0.10  # green: within 10% of the published point value


@dataclass(frozen=True)
class Target:
    """One published target: what the literature says and how the model is measured."""

    id: str
    group: str
    title: str
    source: str  # author year, as cited
    point: float | None  # published point value, in ``unit``
    low: float | None  # published range (None: open on that side)
    high: float | None
    unit: str
    cohorts: tuple[str, ...]  # reference cohort keys (sim.validation.cohorts)
    how: str  # selection rule, endpoint and timing
    strict: bool = False  # the range's bounds are exclusive ("more than 1 kg")
    binary: bool = False  # the value is 1 when the statement holds, else 0
    approx: bool = False  # the range is a working value, not a published one

    @property
    def range_text(self) -> str:
        """The published range in words, e.g. ``67 to 81 %`` or ``holds``."""
        if self.binary:
            return "holds"
        unit = f" {self.unit}" if self.unit else ""
        lo, hi = _num(self.low), _num(self.high)
        if self.low is not None and self.high is not None:
            text = f"{lo}{unit}" if self.low == self.high else f"{lo} to {hi}{unit}"
        elif self.low is not None:
            text = f"{'>' if self.strict else '≥'} {lo}{unit}"
        else:
            text = f"{'<' if self.strict else '≤'} {hi}{unit}"
        if self.point is not None and self.low != self.high:
            text = f"{_num(self.point)}{unit} ({text})"
        return text + (" (approx.)" if self.approx else "")

    def inside(self, value: float) -> bool:
        """Whether ``value`` lies in the published range (a binary target: whether it holds)."""
        if self.binary:
            return value >= 1
        if self.strict:
            return (self.low is None or value > self.low) and (
                self.high is None or value < self.high)
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


def status(target: Target, value: float | None, failed: bool = False) -> str:
    """The colour of a measured value (see the module docstring); ``failed`` forces red."""
    if failed:
        return RED
    if value is None:
        return NOT_MEASURED
    if not target.inside(value):
        return RED
    if target.point is None:
        return GREEN
    close = abs(value - target.point) <= POINT_TOLERANCE * abs(target.point) + 1e-9
    return GREEN if close else AMBER


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def _t(id: str, group: int, title: str, source: str, point: float | None, low: float | None,
       high: float | None, unit: str, cohorts: str, how: str, **kw: bool) -> Target:
    return Target(id, GROUPS[group], title, source, point, low, high, unit,
                  tuple(cohorts.split()), how, **kw)


_HAND = ("patients with hand weakness (weaker grip < 80% of their healthy grip at day 730); "
         "weaker hand = the one with less grip at day 730")
TARGETS: tuple[Target, ...] = (
    # --- population (CLINICAL targets 1-3) ---------------------------------------------------
    _t("pop.male", 0, "Male share", "Van Asseldonk 2005; Yeh 2020", 72, 70, 75, "%",
       "population", "Share of male patients among the drawn patients (4 x N)."),
    _t("pop.onset_age", 0, "Mean age at onset", "Van Asseldonk 2005; Löscher 2018", 42, 40,
       44, "years", "population", "Mean age at onset of the drawn patients (4 x N)."),
    _t("pop.onset_20_50", 0, "Onset between 20 and 50 years", "Van Asseldonk 2005", 80, 75, 85,
       "%", "population", "Share of drawn patients with age at onset from 20 to 50 (4 x N)."),
    _t("pop.upper_limb_onset", 0, "Upper-limb onset", "Slee 2007; Löscher 2018", 74, 70, 77,
       "%", "population", "Share of patients whose first lesion lies in an arm nerve."),
    _t("pop.anti_gm1", 0, "Anti-GM1 IgM positive", "Löscher 2018; Nobile-Orazio 2014", 45.5,
       43, 48, "%", "population", "Share of drawn patients with anti-GM1 IgM (ELISA)."),
    _t("pop.nerves", 0, "Ulnar, median and radial most involved", "Delmont 2006", None, None,
       None, "", "untreated-weekly", "Over 10 untreated years, the three nerves with the most "
       "new lesions (both sides pooled) are the ulnar, median and radial nerves.", binary=True),
    _t("pop.asymmetry", 0, "Asymmetric weakness at 3 years", "van Schaik 2010 (EFNS/PNS)", None,
       90, 100, "%", "untreated-weekly", "Untreated, at day 1096, among patients with any "
       "muscle below MRC 5: share with a left/right difference of >= 1 grade (weaker side > 3) "
       "or >= 2 grades (weaker side <= 3) in at least one muscle pair."),
    # --- untreated course (target 4, 13) ----------------------------------------------------
    _t("course.no_remission", 1, "No remission untreated", "Taylor 2000", 0, 0, 2, "%",
       "untreated-weekly", "Share of untreated patients whose MRC sum is higher at a later "
       "yearly record than at an earlier one (years 0-10)."),
    _t("course.sensory_normal", 1, "Sensory conduction always normal",
       "van Schaik 2010 (EFNS/PNS)", 100, 100, 100, "%", "untreated-weekly",
       "Share of untreated patients whose SNAPs are all at or above the lower limit of normal "
       "in full studies at years 1, 5 and 10."),
    _t("course.decline", 1, "MRC sum decline per year untreated (years 1-8)",
       "Taylor 2000 (NIS(W) 4.2 points/year: another scale, so a loose range)", None, 1, 6,
       "points/year", "untreated-weekly",
       "Mean over untreated patients of (MRC sum at year 1 - MRC sum at year 8) / 7.",
       approx=True),
    _t("course.wasting_late", 1, "Weakness without wasting early", "van Schaik 2010 (EFNS/PNS); "
       "Lange 2006", None, 0, 25, "%", "untreated-weekly", "Untreated, at year 1, among "
       "patients with a muscle at MRC <= 4: share whose examination reports wasting.",
       approx=True),
    # --- first IVIg course (targets 5, 6, 11 and block) -------------------------------------
    _t("ivig.responders", 2, "Responders to a first 2 g/kg course",
       "van Schaik 2005 (Cochrane); Léger 2008; Van den Berg-Vos 2000", 78, 67, 81, "%",
       "single-course untreated-daily", f"Among {_HAND}: share whose weaker-hand grip at day "
       "758 (4 weeks) is >= 2 kg above the same patient untreated."),
    _t("ivig.grip_gain", 2, "Weaker-hand grip gain 4 weeks after a course", "Federico 2000", 6.4,
       4, 9, "kg", "single-course", f"Among {_HAND}: mean weaker-hand grip change from day 730 "
       "to day 758 on IVIg."),
    _t("ivig.untreated_change", 2, "Weaker-hand grip change over the same 4 weeks untreated",
       "Federico 2000", -1.0, -3, 0.5, "kg", "single-course untreated-daily",
       f"Among {_HAND}: mean weaker-hand grip change from day 730 to day 758 in the same "
       "patients untreated."),
    _t("ivig.day_8_10", 2, "Benefit measurable at days 8-10", "Terenghi 2004", None, 1, None,
       "kg", "single-course untreated-daily", f"Among {_HAND}: mean weaker-hand grip above the "
       "same patient untreated, averaged over days 8, 9 and 10 after the course began.",
       strict=True),
    _t("ivig.day5_share", 2, "Benefit at day 5 as a share of its peak",
       "Terenghi 2004; Van den Berg-Vos 2002", None, 0, 40, "%", "single-course "
       "untreated-daily", "Responders: median of the benefit (grip vs the same patient "
       "untreated) on day 5 as a share of its peak within 12 weeks."),
    _t("ivig.peak_day", 2, "Day of peak benefit", "Terenghi 2004; Van den Berg-Vos 2002", None,
       14, 28, "days", "single-course untreated-daily",
       "Responders: median day (after the course began) of the largest benefit within 12 weeks."),
    _t("ivig.half_day", 2, "Benefit below half its peak", "Van den Berg-Vos 2002 (retreatment "
       "every 2-5 weeks)", None, 21, 42, "days", "single-course untreated-daily",
       "Responders: median first day after the peak on which the benefit is below half its peak "
       "(patients still above half at the end count as the last day)."),
    _t("ivig.block_change", 2, "Block change 4 weeks after a course", "Federico 2000 (block "
       "improved 12.7%)", None, -20, -5, "points", "single-course", f"Among {_HAND}: mean "
       "change of block (% area reduction, full study at day 729 vs day 758) in segments "
       "blocked >= 30% before the course."),
    _t("ivig.definite_to_none", 2, "Definite blocks that regrade to none", "Federico 2000",
       None, 0, 20, "%", "single-course", f"Among {_HAND}: share of segments graded definite "
       "block (EFNS/PNS) at day 729 that grade as no block at day 758."),
    _t("ivig.strength_vs_block", 2, "Strength improves more than block, relatively",
       "Federico 2000", None, None, None, "", "single-course", f"Among {_HAND}: for each "
       "segment blocked >= 30% on day 729, the relative strength gain of the muscle the study "
       "records from (day 729 to 758) against the segment's relative block reduction; the "
       "median gain exceeds the median reduction.", binary=True),
    # --- withdrawal (target 7) ---------------------------------------------------------------
    *(
        _t(f"withdrawal.{key}", 3, title, "Hahn 2013", point, lo, hi, "%",
           "established withdrawal untreated-established", "Loading course at the median "
           "delay to IVIg (day 2118, 5.8 years; Löscher 2018), as the trial's patients were "
           "established on IVIg. Every patient whose weaker-hand grip after 2 years of 1 g/kg "
           "every 4 weeks (day 2874, the first withheld dose) is >= 2 kg above the same patient "
           f"untreated; {how}")
        for key, title, point, lo, hi, how in (
            ("grip_stopped", "Grip change 12 weeks after stopping", -31, -40, -20,
             "mean grip change of the more affected hand from day 2874 to day 2958, IVIg "
             "stopped."),
            ("grip_continued", "Grip change 12 weeks on continued IVIg", 3.75, -5, 10,
             "mean grip change of the more affected hand from day 2874 to day 2958, IVIg "
             "continued."),
            ("rescue_stopped", "Rescue needed after stopping", 69, 55, 80,
             "share with a >= 20% grip loss at 12 weeks, IVIg stopped."),
            ("rescue_continued", "Rescue needed on continued IVIg", 2.4, 0, 10,
             "share with a >= 20% grip loss at 12 weeks, IVIg continued."),
        )
    ),
)
TARGETS += (
    # --- dose and interval (targets 8, 11, 12) -----------------------------------------------
    _t("dose.swing_4w", 4, "End-of-dose swing on 1 g/kg every 4 weeks",
       "Muscle Nerve 2018;57:610 (strength CV 7% on IVIg)", None, 5, 20, "% of peak",
       "maintenance untreated-2day", "Responders (weaker-hand grip >= 2 kg above untreated 4 "
       "weeks after the loading course): median over patients of the median within-cycle "
       "swing (peak - following trough) / peak of the weaker-hand grip, cycles in days "
       "756-1120 (year 2 of maintenance)."),
    _t("dose.swing_order", 4, "Same monthly dose: every 2 weeks swings less, every 8 more",
       "population PK-PD model on Hahn 2013", None, None, None, "",
       "maintenance maintenance-2w maintenance-8w untreated-2day", "The same responders on "
       "0.5 g/kg every 2 weeks, 1 g/kg every 4 weeks and 2 g/kg every 8 weeks: median "
       "within-cycle swing ordered 2-weekly < 4-weekly < 8-weekly.", binary=True),
    _t("dose.scig_ratio", 4, "SCIg swing relative to IVIg at an equal monthly dose",
       "Harbo 2009; Muscle Nerve 2018;57:610", None, 0, 0.5, "x", "scig-weekly maintenance "
       "untreated-2day", "The same responders: median swing within the same 4-week windows "
       "(days 756-1120) on SCIg 0.25 g/kg weekly divided by that on IVIg 1 g/kg every 4 weeks."),
    _t("dose.share_1_6", 4, "Share gaining >= 4 kg on 1.6 g/kg per month",
       "population PK-PD model on Hahn 2013", None, 70, 100, "%", "dose-response-1.6 "
       "dose-response-0.4 dose-response-0.8 dose-response-1.2 dose-response-2.4",
       "Patients with weaker grip < 85% of healthy at day 364, 0.8 g/kg every 2 weeks for 6 "
       "months: share whose weaker-hand grip at day 546 is >= 4 kg above day 364."),
    _t("dose.share_lower", 4, "Lower dose, fewer patients gain 4 kg",
       "population PK-PD model on Hahn 2013", None, None, None, "",
       "dose-response-0.8 dose-response-1.6", "As above: the share gaining >= 4 kg on 0.8 "
       "g/kg per month is lower than on 1.6 g/kg per month.", binary=True),
    _t("dose.early_beats_late", 4, "Early IVIg beats late IVIg", "Herraets 2020", None, 0, None,
       "MRC points", "early-ivig late-ivig", "Mean paired difference of MRC sum at year 8, "
       "IVIg from year 1 minus IVIg from year 6 (loading then 1 g/kg every 4 weeks).",
       strict=True),
    _t("dose.creep", 4, "Dose creep over the years", "Herraets 2020", None, 70, 100, "%",
       "dose-creep", "The 'ivig-dose-creep' preset, patient 0 of 20 seeds: share of seeds "
       "whose immunoglobulin grams per year over years 8-10 exceed those over years 3-5 by "
       ">= 10%."),
    _t("dose.no_response", 4, "Non-responders flagged, not escalated",
       "van Schaik 2010 (EFNS/PNS)", None, 90, 100, "%", "no-response untreated-weekly",
       "Patients with weaker grip < 80% at day 728 whose weaker-hand grip 4 weeks after the "
       "2 g/kg course is < 2 kg above untreated: share whose run records a no_response event."),
    # --- treatments that do not help (targets 9, 10) -----------------------------------------
    _t("harm.pred_worse", 5, "Prednisolone: clearly worse at 4-8 weeks", "Donaghy 1994", None,
       30, 70, "%", "prednisolone-course untreated-weekly", "60 mg/day for 8 weeks from day "
       "728: share with MRC sum >= 2 points lower or weaker-hand grip >= 10% lower than the "
       "same patient untreated at any weekly record in weeks 4-8 of the course."),
    _t("harm.pred_better", 5, "Prednisolone: better", "Donaghy 1994; van Schaik 2010", 0, 0, 2,
       "%", "prednisolone-course untreated-weekly", "As above: share with MRC sum >= 2 points "
       "higher or weaker-hand grip >= 10% higher than untreated at any record in weeks 4-8."),
    _t("harm.pred_grip", 5, "Prednisolone: worsening visible in grip", "Donaghy 1994", None,
       None, -1, "kg", "prednisolone-course untreated-weekly", "Among the patients clearly worse: "
       "median weaker-hand grip difference from untreated at week 8.", approx=True),
    _t("harm.pe_igg_fall", 5, "Plasma exchange: IgG fall after five exchanges",
       "Cochrane 2015; Claus 2000", None, 50, 85, "%", "plasma-exchange", "Median fall of serum "
       "IgG from day 729 to its lowest value on days 730-745 (five exchanges, every 2 days)."),
    _t("harm.pe_igg_return", 5, "Plasma exchange: IgG back to 90% of baseline",
       "Cochrane 2015; Claus 2000", None, 7, 21, "days", "plasma-exchange", "Median days from "
       "the fifth exchange (day 738) until serum IgG is back to >= 90% of its day-729 value."),
    _t("harm.pe_benefit", 5, "Plasma exchange: no benefit", "Cochrane 2015", None, 0, 5, "%",
       "plasma-exchange untreated-daily", "Share of patients whose weaker-hand grip at day 758 "
       "is >= 2 kg above the same patient untreated."),
    _t("harm.pe_after_ivig", 5, "IVIg benefit kept when exchange follows the course",
       "Cochrane 2015; Claus 2000", None, 0, 25, "%",
       "ivig-then-exchange single-course untreated-daily", f"Among {_HAND}: mean benefit at "
       "day 758 (vs untreated) with five exchanges from day 742, as a share of the mean "
       "benefit of the course alone."),
    # --- antibodies ---------------------------------------------------------------------------
    _t("gm1.mrc_gap", 6, "Anti-GM1 positive patients weaker at 10 years",
       "Cats 2010; Herraets 2020", None, 3, None, "MRC points", "untreated-weekly",
       "Untreated at year 10: mean MRC sum of anti-GM1 negative minus positive patients."),
    _t("gm1.axonal_loss", 6, "Anti-GM1 positive patients have more axonal loss",
       "Cats 2010; Herraets 2020", None, 0, None, "muscles", "untreated-weekly",
       "Untreated at year 10: mean number of muscles with > 10% of their motor axons lost, "
       "positive minus negative patients.", strict=True),
    _t("gm1.titre", 6, "Higher titre, more deficit", "Cats 2010", None, 0, 1, "Spearman r",
       "untreated-weekly", "Anti-GM1 positive patients, untreated at year 10: Spearman "
       "correlation of titre with deficit (200 - MRC sum).", strict=True),
    # --- other --------------------------------------------------------------------------------
    _t("other.complement_onset", 7, "Complement inhibitor: benefit builds over 1-3 weeks",
       "assumption; inhibition levels from Krijgsman 2026", None, 5, 21, "days",
       "complement untreated-daily", f"Among {_HAND} with a 4-week benefit >= 0.5 kg vs "
       "untreated: median first day on which the benefit reaches half its day-28 value.",
       approx=True),
    _t("other.fasciculations", 7, "Fasciculations or cramps in a minority",
       "van Schaik 2010 (EFNS/PNS: supportive, not universal)", None, 10, 55, "%",
       "untreated-weekly", "Untreated at day 730: share whose examination reports "
       "fasciculations or cramps.", approx=True),
    _t("other.button_threshold", 7, "Buttoning lost only with clearly weak hands",
       "functional threshold (approx.)", 0, 0, 0, "%", "untreated-weekly", "Untreated, 10 "
       "years: share of 'button a shirt' losses at a record where the weaker grip is still "
       "> 70% of healthy.", approx=True),
    _t("other.milestone_flicker", 7, "Milestones do not flicker", "functional threshold "
       "(approx.)", None, 0, 2, "%", "maintenance", "1 g/kg every 4 weeks, years 2 and 3: "
       "share of patient-years in which one milestone on one side is lost more than twice.",
       approx=True),
    _t("other.mimics", 7, "Mimics are told apart by the checklist",
       "van Schaik 2010 (EFNS/PNS); Van den Bergh 2021 (EAN/PNS)", None, 0, 5, "%", "",
       "For every registered disease other than MMN, 10 patients at year 5: share meeting "
       "definite or probable MMN on the EFNS/PNS checklist."),
)

_CIDP = ("Drawn typical CIDP patients with disability >= 1 and MRC sum < 200 on day 364 (trial "
         "entry), treatment from day 365; ")
TARGETS += (
    # --- CIDP: the first-line treatments (the mimic MMN is told apart from) ----------------
    _t("cidp.ivig_ice", 8, "CIDP: IVIg responders at 24 weeks (ICE)", "Hughes 2008", 54, 41, 67,
       "%", "cidp-ivig", _CIDP + "2 g/kg then 1 g/kg every 3 weeks: share whose disability is "
       ">= 1 point below baseline at every 3-weekly visit from week 6 to 24. ICE: '32 of 59 "
       "(54%) patients treated with IGIV-C ... had an improvement in adjusted INCAT disability "
       "score that was maintained through to week 24' (abstract, Findings). The model has no "
       "INCAT: its ODSS-like disability (0-12) is read instead."),
    _t("cidp.ivig_placebo", 8, "CIDP: 'responders' on placebo at 24 weeks (ICE)", "Hughes 2008",
       21, 11, 33, "%", "cidp-untreated", _CIDP + "the same patients untreated, read as "
       "cidp.ivig_ice. ICE: '12 of 58 (21%) patients who received placebo' (abstract)."),
    _t("cidp.pred_dyck", 8, "CIDP: improved at 12 weeks on prednisone", "Dyck 1982", 63, 38, 84,
       "%", "cidp-prednisone", _CIDP + "60 mg/day for 4 weeks tapered to zero over 8 (Dyck "
       "gave prednisone on alternate days tapered over 3 months): share with MRC sum >= 2 "
       "points above baseline at week 12. Dyck 1982 as summarised by the Cochrane review "
       "(CD002062): 'Twelve of 19 participants treated with prednisone, compared with five of "
       "16 participants randomised to no treatment, had improved neuropathy impairment scores "
       "after 12 weeks'. Impairment is read on the MRC sum (the model has no NIS)."),
    _t("cidp.pred_dyck_untreated", 8, "CIDP: improved at 12 weeks untreated", "Dyck 1982", 31,
       11, 59, "%", "cidp-untreated", _CIDP + "the same patients untreated, read as "
       "cidp.pred_dyck (Cochrane CD002062: five of 16 untreated improved)."),
    _t("cidp.pred_predict", 8, "CIDP: remission at 12 months on tapered prednisolone",
       "van Schaik 2010 (PREDICT)", 38, 18, 61, "%", "cidp-prednisolone", _CIDP + "60 mg/day "
       "for 8 weeks, tapered to zero over 24 (approx.): share whose disability at 12 months "
       "is >= 1 point below baseline. PREDICT: remission 'defined as improvement of at least "
       "three points on the Rivermead mobility index and improvement of at least one point on "
       "the inflammatory neuropathy cause and treatment disability scale'; 'six in the "
       "prednisolone group' of 16 (abstract). The model has neither scale: one point of its "
       "disability scale stands for both."),
    _t("cidp.pe_hahn", 8, "CIDP: improved after ten plasma exchanges over 4 weeks", "Hahn 1996",
       80, 55, 93, "%", "cidp-exchange-4w", _CIDP + "an exchange every 3 days x 10: share with "
       "MRC sum >= 2 points above baseline at week 4. Hahn 1996: 'Fifteen patients completed "
       "the trial and of those, 12 patients (80%) improved substantially with PE' (abstract; "
       "NDS, clinical grade and grip there, the MRC sum here)."),
    _t("cidp.pe_dyck", 8, "CIDP: improved beyond any sham patient after 3 weeks of exchange",
       "Dyck 1986", 33, 15, 58, "%", "cidp-exchange-3w cidp-untreated", _CIDP + "an exchange "
       "every 3.5 days x 6: share whose MRC-sum gain at week 3 exceeds the largest gain among "
       "the same patients untreated (the sham arm). Dyck 1986: 'Improvement to a greater "
       "degree than for any patient receiving sham exchange was detected in the "
       "neurologic-disability score in five patients' of 15 (abstract)."),
)


def by_id(target_id: str) -> Target:
    """The target with this id (KeyError if there is none)."""
    for t in TARGETS:
        if t.id == target_id:
            return t
    raise KeyError(target_id)
