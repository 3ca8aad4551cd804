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

__all__ = ["GREEN", "AMBER", "RED", "NOT_MEASURED", "STATUSES", "GROUPS", "WORKING", "Target",
           "TARGETS",
           "by_id", "status"]

GREEN, AMBER, RED, NOT_MEASURED = "green", "amber", "red", "not measured"
STATUSES = (GREEN, AMBER, RED, NOT_MEASURED)
GROUPS = ("Population", "Untreated course", "First IVIg course", "IVIg withdrawal",
          "Dose and interval", "Treatments that do not help", "Antibodies", "Other",
          "CIDP treatment response", "GBS treatment response (AMAN)")
# The heading under which working values (approx.) are listed apart from published targets.
WORKING = "Working values of this model (approx., not counted)"
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
    quote: str = ""  # what the source reports, where, and how the range was set

    @property
    def range_text(self) -> str:
        """The published range in words, e.g. ``67 to 81 %`` or ``holds``."""
        if self.binary:
            return "holds" + (" (approx.)" if self.approx else "")
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
       high: float | None, unit: str, cohorts: str, how: str, *, strict: bool = False,
       binary: bool = False, approx: bool = False, quote: str = "") -> Target:
    return Target(id, GROUPS[group], title, source, point, low, high, unit,
                  tuple(cohorts.split()), how, strict, binary, approx, quote)


_HAND = ("patients with hand weakness (weaker grip < 80% of their healthy grip at day 730); "
         "weaker hand = the one with less grip at day 730")
_NO_FIGURE = "no published figure; working value of this model. "
TARGETS: tuple[Target, ...] = (
    # --- population (CLINICAL targets 1-3) ---------------------------------------------------
    _t("pop.male", 0, "Male share", "Van Asseldonk 2005; Yeh 2020", 72, 70, 75, "%",
       "population", "Share of male patients among the drawn patients (4 x N).",
       quote='"More men than women are affected, at a ratio of 2.6" (Van Asseldonk 2005, Lancet '
       'Neurol review, Clinical features) = 72.2% male; "male-to-female ratio of 2.7:1" (Yeh '
       '2020, JNNP review, Clinical phenotype) = 73.0%. Reviews give no n; the range brackets '
       'the two ratios with a margin set by us.'),
    _t("pop.onset_age", 0, "Mean age at onset", "Van Asseldonk 2005; Löscher 2018", 42, 40,
       44, "years", "population", "Mean age at onset of the drawn patients (4 x N).",
       quote='"The mean age at onset is 40 years, with a range of 20-70 years" (Van Asseldonk '
       '2005, Clinical features); "Mean age of onset was 44.1 ± 13.1 years" (Löscher 2018, J '
       'Neurol 265:2834, n = 57, abstract). Range = the two reported means; point = midpoint.'),
    _t("pop.onset_20_50", 0, "Onset between 20 and 50 years", "Van Asseldonk 2005", 80, 75, 85,
       "%", "population", "Share of drawn patients with age at onset from 20 to 50 (4 x N).",
       quote='"In almost 80% of patients, the first symptoms occur between age 20 years and 50 '
       'years" (Van Asseldonk 2005, Clinical features). A point without n; the ±5-point range '
       'is set by us.'),
    _t("pop.upper_limb_onset", 0, "Upper-limb onset", "Slee 2007; Löscher 2018", 74, 70, 77,
       "%", "population", "Share of patients whose first lesion lies in an arm nerve.",
       quote='"A total of 32 (70%) had an upper-limb onset" (Slee 2007, Neurology, n = 47, '
       'abstract); "In 77% of patients, symptom onset was in the upper limbs" (Löscher 2018, '
       'abstract). Range = the two cohorts; point ≈ their midpoint.'),
    _t("pop.anti_gm1", 0, "Anti-GM1 IgM positive", "Löscher 2018; Nobile-Orazio 2014", 45.5,
       43, 48, "%", "population", "Share of drawn patients with anti-GM1 IgM (ELISA).",
       quote='"Anti-GM1-IgM antibodies were present in 43%" (Löscher 2018, abstract); '
       '"Increased titres of anti-GM1 IgM were found in 48% of MMN patients" (Nobile-Orazio '
       '2014, JNNP 85:754, n = 40, abstract). Range = the two cohorts; point = midpoint.'),
    _t("pop.nerves", 0, "Ulnar, median and radial most involved", "Delmont 2006", None, None,
       None, "", "untreated-weekly", "Over 10 untreated years, the three nerves with the most "
       "new lesions (both sides pooled) are the ulnar, median and radial nerves.", binary=True,
       approx=True,
       quote='Not found as a ranking. Delmont 2006 (Neurology, abstract) reports only that '
       '"Involvement of median nerve" was 17/20 at last examination in patients with CB; '
       'Taylor 2000 (abstract): CB "especially of midforearm nerves". Ranking of nerves is '
       'textbook teaching, not checked in a source.'),
    _t("pop.asymmetry", 0, "Asymmetric weakness at 3 years", "van Schaik 2010 (EFNS/PNS)", None,
       90, 100, "%", "untreated-weekly", "Untreated, at day 1096, among patients with any "
       "muscle below MRC 5: share with a left/right difference of >= 1 grade (weaker side > 3) "
       "or >= 2 grades (weaker side <= 3) in at least one muscle pair.", approx=True,
       quote='Core criterion 1: "focal, asymmetric limb weakness"; footnote: "Asymmetric = a '
       'difference of 1 MRC grade if strength is MRC >3 and 2 MRC grades if strength is MRC ≤3" '
       '(EFNS/PNS 2010, Table 1). Asymmetry is a diagnostic requirement, not a measured share; '
       'the 90% lower bound is ours.'),
    # --- untreated course (target 4, 13) ----------------------------------------------------
    _t("course.no_remission", 1, "No remission untreated", "Taylor 2000", 0, 0, 2, "%",
       "untreated-weekly", "Share of untreated patients whose MRC sum is higher at a later "
       "yearly record than at an earlier one (years 0-10).",
       quote='"spontaneous improvement (without treatment) or death from this disease did not '
       'occur" (Taylor 2000, Muscle Nerve 23:900, n = 46, abstract) = 0/46 (95% CI 0-7.7%, '
       'Clopper-Pearson); the 2% upper bound is stricter than that CI, set by us.'),
    _t("course.sensory_normal", 1, "Sensory conduction always normal",
       "van Schaik 2010 (EFNS/PNS)", 100, 100, 100, "%", "untreated-weekly",
       "Share of untreated patients whose SNAPs are all at or above the lower limit of normal "
       "in full studies at years 1, 5 and 10.", approx=True,
       quote='Diagnosis requires normal sensory conduction (EFNS/PNS 2010), but its Table 1 '
       'footnote says "Sensory signs and symptoms may develop over the course of MMN"; 100% at '
       'years 5 and 10 is this model\'s assumption, not a published figure.'),
    _t("course.decline", 1, "MRC sum decline per year untreated (years 1-8)",
       "Taylor 2000 (NIS(W) 4.2 points/year: another scale, so a loose range)", None, 1, 6,
       "points/year", "untreated-weekly",
       "Mean over untreated patients of (MRC sum at year 1 - MRC sum at year 8) / 7.",
       approx=True,
       quote='"Median worsening to our first evaluation (generally without treatment) was '
       'estimated at 4.2 points per year" on NIS(W), vs 1.3 points/year mostly treated (Taylor '
       '2000, abstract). No MRC-sum rate published; 1-6 is ours.'),
    _t("course.wasting_late", 1, "Wasting already at year 1 (few)", "van Schaik 2010 (EFNS/PNS); "
       "Lange 2006", None, 0, 25, "%", "untreated-weekly", "Untreated, at year 1, among "
       "patients with a muscle at MRC <= 4: share whose examination reports wasting.",
       approx=True,
       quote='No year-1 figure found. Slee 2007 (abstract): "weakened but non-wasted muscles '
       '(67%)"; Löscher 2018: "At the final follow-up, the majority of patients had atrophy '
       '(88%)"; Lange 2006 (Arch Neurol 63:1778): one untreated case, blocked nerves became '
       'inexcitable over 18 years. 0-25% is ours.'),
    _t("course.block_definite", 1, "Definite conduction block in at least one nerve",
       "Löscher 2018 (54 of 57; CI of that count)", 95, 86, 98, "%", "untreated-weekly",
       "Untreated, full bilateral motor studies of every nerve up to Erb's point at years 1, "
       "5 and 10 (the register's mean diagnostic delay was 5.5 years, and its patients were "
       "followed on): among the patients whom the criteria diagnose (>= 1 nerve with definite "
       "or probable block by EFNS/PNS 2010 on any of the studies), the share with definite "
       "block found on at least one. The register holds diagnosed MMN, and counts the blocks "
       "found over each patient's course, as this does.",
       quote='Definite conduction block in 54 of 57 patients (95%) of the Austrian register '
       '(Löscher 2018, J Neurol 265:2834, abstract); range: 95% CI of 54/57.'),
    _t("course.block_any", 1, "Definite or probable conduction block in at least one nerve",
       "Nobile-Orazio 2002 (14 of 23); Delmont 2006 (20 of 33); CI of 14 of 23", 61, 41, 78,
       "%", "untreated-weekly", "Untreated, full bilateral motor study of every nerve up to "
       "Erb's point at year 5 (consecutive patients with the clinical picture of MMN, with or "
       "without block; mean disease duration 5.9 years in those with block): share with >= 1 "
       "nerve with definite or probable block by EFNS/PNS 2010 (the papers used AAEM "
       "definite or probable block, Nobile-Orazio 2002).",
       quote='14 of 23 consecutive patients with definite or probable block (Nobile-Orazio '
       '2002, JNNP 72:761, abstract); 20 of 33 (Delmont 2006, abstract); range: 95% CI of '
       '14/23.'),
    # --- first IVIg course (targets 5, 6, 11 and block) -------------------------------------
    _t("ivig.responders", 2, "Responders to a first 2 g/kg course",
       "Cochrane 2005; Léger 2008; Van den Berg-Vos 2000", 78, 67, 81, "%",
       "single-course untreated-daily", f"Among {_HAND}: share whose weaker-hand grip at day "
       "758 (4 weeks) is >= 2 kg above the same patient untreated.",
       quote='"Strength improved in 78% of patients treated with IVIg vs. 4% of placebo" (3 '
       'trials, n = 27; 21/27, 95% CI 58-91%) (Cochrane 2005, CD004429); "MRC score '
       'significantly improved in 14 (70%; 95% CI 0.46 to 0.88)" (Léger 2008, JNNP 79:93); 17 of '
       '21 definite MMN responded = 81% (Van den Berg-Vos 2000, Ann Neurol 48:919). 81 = Van den '
       'Berg-Vos; the 67 lower bound was not found as such (inside both CIs).'),
    _t("ivig.grip_gain", 2, "Weaker-hand grip gain 4 weeks after a course", "Federico 2000", 6.4,
       4, 9, "kg", "single-course", f"Among {_HAND}: mean weaker-hand grip change from day 730 "
       "to day 758 on IVIg.",
       quote='"Grip strength on the weaker side was increased by 6.4+/-1.9 kg with IVIg '
       'treatment" (Federico 2000, Neurology 55:1256, n = 16, about 28 days, abstract). Range '
       '≈ mean ± 1.3 × 1.9; if ± is the SEM, the 95% CI is 2.4-10.4 kg.'),
    _t("ivig.untreated_change", 2, "Weaker-hand grip change over the same 4 weeks untreated",
       "Federico 2000", -1.0, -3, 0.5, "kg", "single-course untreated-daily",
       f"Among {_HAND}: mean weaker-hand grip change from day 730 to day 758 in the same "
       "patients untreated.",
       quote='"it decreased by 1.0+/-0.8 kg with placebo" (Federico 2000, abstract). If ± is '
       'the SEM (n = 16), the 95% CI is -2.7 to 0.7 kg; the range is close to it.'),
    _t("ivig.day_8_10", 2, "Benefit measurable at days 8-10", "Terenghi 2004", None, 1, None,
       "kg", "single-course untreated-daily", f"Among {_HAND}: mean weaker-hand grip above the "
       "same patient untreated, averaged over days 8, 9 and 10 after the course began.",
       strict=True, approx=True,
       quote='Terenghi assessed patients "before and 8-10 days after the initial IVIg course" '
       '(a measurement time, not an onset): "The mean MRC sum-score raised from 165 to 176"; '
       '15 (71%) consistently and 5 (24%) marginally improved (Terenghi et al., long-term IVIg '
       'in 21 MMN patients, abstract). No grip figure; the > 1 kg threshold is ours.'),
    _t("ivig.day5_share", 2, "Benefit at day 5 as a share of its peak",
       "Terenghi 2004; Van den Berg-Vos 2002", None, 0, 40, "%", "single-course "
       "untreated-daily", "Responders: median of the benefit (grip vs the same patient "
       "untreated) on day 5 as a share of its peak within 12 weeks.", approx=True,
       quote=_NO_FIGURE + 'Neither source measured day 5; Van den Berg-Vos 2002 (Brain, '
       'abstract): "Muscle strength improved significantly within 3 weeks".'),
    _t("ivig.peak_day", 2, "Day of peak benefit", "Terenghi 2004; Van den Berg-Vos 2002", None,
       14, 28, "days", "single-course untreated-daily",
       "Responders: median day (after the course began) of the largest benefit within 12 weeks.",
       approx=True,
       quote=_NO_FIGURE + 'Van den Berg-Vos 2002: "Muscle strength improved significantly '
       'within 3 weeks of the start of IVIg treatment"; Terenghi measured once, at 8-10 days. '
       'No peak day is reported.'),
    _t("ivig.half_day", 2, "Benefit below half its peak", "Van den Berg-Vos 2002 (retreatment "
       "every 2-5 weeks)", None, 21, 42, "days", "single-course untreated-daily",
       "Responders: median first day after the peak on which the benefit is below half its peak "
       "(patients still above half at the end count as the last day).", approx=True,
       quote=_NO_FIGURE + 'Van den Berg-Vos 2002 (abstract): maintenance "ranged from one '
       'infusion every 1 to 7 weeks"; a 1998 Brain study (121:421): a full course '
       '"improved muscle strength but for not longer than 12 weeks". No half-life of benefit '
       'is published.'),
    _t("ivig.block_change", 2, "Block change 4 weeks after a course", "Federico 2000 (block "
       "improved 12.7%)", None, -20, -5, "points", "single-course", f"Among {_HAND}: mean "
       "change of block (% area reduction, full study at day 729 vs day 758) in segments "
       "blocked >= 30% before the course.",
       quote='"Conduction block worsened by 12.98+/-6.52 % with placebo, but improved by '
       '12.68+/-5.62 % with IVIg treatment" (Federico 2000, abstract). Range ≈ -12.7 ± 1.3 × '
       '5.6; if ± is the SEM (n = 16), the 95% CI is -24.7 to -0.7.'),
    _t("ivig.definite_to_none", 2, "Definite blocks that regrade to none", "Federico 2000",
       None, 0, 20, "%", "single-course", f"Among {_HAND}: share of segments graded definite "
       "block (EFNS/PNS) at day 729 that grade as no block at day 758.", approx=True,
       quote='"Conduction block was reversed in five patients with IVIg but not placebo" '
       '(Federico 2000, abstract): counted per patient (5 of 16), not per segment; no '
       'per-segment share is published. 0-20% is ours.'),
    _t("ivig.strength_vs_block", 2, "Strength improves more than block, relatively",
       "Federico 2000", None, None, None, "", "single-course", f"Among {_HAND}: for each "
       "segment blocked >= 30% on day 729, the relative strength gain of the muscle the study "
       "records from (day 729 to 758) against the segment's relative block reduction; the "
       "median gain exceeds the median reduction.", binary=True, approx=True,
       quote='Federico 2000 reports grip +6.4 kg and block improved 12.68% (abstract) but no '
       'per-segment comparison of relative strength gain and block reduction; the statement is '
       'our reading, not a published result.'),
    # --- withdrawal (target 7) ---------------------------------------------------------------
    *(
        _t(f"withdrawal.{key}", 3, title, "Hahn 2013", point, lo, hi, "%",
           "established-q4 withdrawal-q4 established-q3 withdrawal-q3 established-q2 "
           "withdrawal-q2 established-q2-high withdrawal-q2-high untreated-established",
           "Loading course at the median delay to IVIg (day 2118, 5.8 years; Löscher 2018), "
           "then each patient's regimen as a clinic titrates it (1 g/kg every 4 weeks, "
           "shortened to 3 and 2 weeks, then 1.2 g/kg every 2 weeks, while the weaker grip "
           "still wears off by >= 10%), held; every patient whose weaker-hand grip on day "
           "2902 (the first withheld dose) is >= 2 kg above the same patient untreated. "
           "Switch at the first weekly check with grip of the more affected hand down >= 50% "
           f"or a daily arm task able at baseline lost (Hahn's rule); {how}", **kw)
        for key, title, point, lo, hi, how, kw in (
            ("grip_stopped", "Grip change after stopping", -31.4, -40, -20,
             "mean grip change of the more affected hand from day 2902 to the switch or week "
             "12, placebo.", {"quote": '"Mean maximal grip strength of the more affected hand '
             'declined 31.38% during placebo" (Hahn 2013, abstract); no spread given, the range '
             'is ours.'}),
            ("grip_continued", "Grip change on continued IVIg", 3.75, -5, 10,
             "mean grip change of the more affected hand from day 2902 to the switch or week "
             "12, IVIg continued.", {"quote": '"and increased 3.75% during IVIG (p = 0.005)" '
             '(Hahn 2013, abstract); no spread given, the range is ours.'}),
            ("rescue_stopped", "Switched to open-label IVIg after stopping", 69.0, 52.9, 82.4,
             "share switched within 12 weeks, placebo (range: 95% CI of 29/42).",
             {"quote": '"Sixty-nine percent (69.0%) switched prematurely from placebo to '
              'open-label IVIG" (Hahn 2013, abstract) = 29/42, 95% CI 52.9-82.4%.'}),
            ("rescue_continued", "Switched to open-label IVIg on continued IVIg", 2.4, 0.1,
             12.6, "share switched within 12 weeks, IVIg continued (range: 95% CI of 1/42).",
             {"quote": '"2.4% switched from blinded to open-label IVIG" (Hahn 2013, abstract) '
              '= 1/42, 95% CI 0.1-12.6%.'}),
            ("arm_worse_stopped", "Arm disability worse on placebo, not on IVIg", 35.7, 21.6,
             52.0, "share whose ONLS arm grade (Graham & Hughes 2006; Hahn used the Guy's "
             "Neurological Disability Scale for the upper limbs) is worse at the endpoint on "
             "placebo and not on IVIg (range: 95% CI of 15/42).",
             {"quote": '"In 35.7% of participants, Guy\'s Neurological Disability scores for '
              'upper limbs worsened during placebo and not during IVIG" (Hahn 2013, abstract) '
              '= 15/42.'}),
            ("arm_worse_continued", "Arm disability worse on IVIg, not on placebo", 11.9, 4.0,
             25.6, "the converse share (range: 95% CI of 5/42).",
             {"quote": '"whereas the converse was true in 11.9%" (Hahn 2013, abstract) = 5/42.'}),
        )
    ),
    # --- disability after a first course and on maintenance ---------------------------------
    _t("ivig.disability_improved", 2, "Disability improved 4 weeks after a first course",
       "Cochrane 2005", 38.9, 17.3, 64.3, "%", "single-course untreated-daily",
       f"Among {_HAND}: share whose ONLS total (Graham & Hughes 2006) is lower on day 758 "
       "than on day 730 (the course began). Published: disability improved in 39% after IVIg "
       "(3 trials, n = 18; range: 95% CI of 7/18).",
       quote='"Disability improved in 39% of patients after IVIg and in 11% after placebo" '
       '(van Schaik IN et al., Cochrane 2005, CD004429: 3 trials, n = 18) = 7/18.'),
    _t("course.treated_vs_untreated", 1, "Decline untreated vs on maintenance IVIg",
       "Taylor 2000", 3.2, 2.0, 5.0, "x", "maintenance-long untreated-weekly",
       "The same drawn patients untreated and on 1 g/kg every 4 weeks from year 1: mean MRC "
       "sum decline per year from year 2 to year 9 (the lowest MRC sum in the 4 weeks before "
       "each anniversary, i.e. at the trough), untreated divided by treated. Published: NIS(W) "
       "worsening 4.2 points/year to the first visit, mostly untreated, vs 1.3 points/year on "
       "follow-up, many on immunotherapy (ratio 3.2; range approx.).",
       quote='"worsening of 1.3 points per year was observed; many patients, however, had '
       'received intensive immunomodulating therapy. Median worsening to our first evaluation '
       '(generally without treatment) was estimated at 4.2 points per year" (Taylor 2000, '
       'Muscle Nerve 23:900, abstract): ratio 3.2; the range 2-5 is ours.'),
)
TARGETS += (
    # --- dose and interval (targets 8, 11, 12) -----------------------------------------------
    _t("dose.swing_4w", 4, "End-of-dose swing on 1 g/kg every 4 weeks",
       "Muscle Nerve 2018 (strength CV 6.97% on IVIg)", None, 5, 20, "% of peak",
       "maintenance untreated-2day", "Responders (weaker-hand grip >= 2 kg above untreated 4 "
       "weeks after the loading course): median over patients of the median within-cycle "
       "swing (peak - following trough) / peak of the weaker-hand grip, cycles in days "
       "756-1120 (year 2 of maintenance).", approx=True,
       quote='"The coefficient of variance of cIKS during the IVIg and SCIg treatment periods '
       'was unchanged (mean ± SD: 6.97 ± 4.83% vs. 5.50 ± 3.13%, P = 0.21)" (Muscle Nerve '
       '2018;57:610, CIDP and MMN, abstract). A CV of repeated isokinetic strength is not a '
       'peak-to-trough grip swing; 5-20% is ours.'),
    _t("dose.swing_order", 4, "Same monthly dose: every 2 weeks swings less, every 8 more",
       "population PK-PD model on Hahn 2013", None, None, None, "",
       "maintenance maintenance-2w maintenance-8w untreated-2day", "The same responders on "
       "0.5 g/kg every 2 weeks, 1 g/kg every 4 weeks and 2 g/kg every 8 weeks: median "
       "within-cycle swing ordered 2-weekly < 4-weekly < 8-weekly.", binary=True, approx=True,
       quote='"More frequent dosing at an equivalent monthly dose led to a more consistent '
       'response in grip strength" ("Dose-exposure-efficacy response of intravenous '
       'immunoglobulin G 10% in multifocal motor neuropathy", PK-PD model on the Hahn 2013 '
       'trial data, abstract). Its simulations cover every 2-4 weeks only: the 2 < 4 weekly '
       'part is published, the 8-weekly part extrapolates it.'),
    _t("dose.scig_ratio", 4, "Serum IgG flatter on SCIg at an equal monthly dose",
       "Harbo 2009", None, 0, 0.5, "x", "scig-weekly maintenance untreated-2day",
       "The same responders: median over the 4-week windows of days 756-1120 of the serum "
       "IgG range (highest - lowest) on SCIg 0.25 g/kg weekly, divided by that on IVIg 1 g/kg "
       "every 4 weeks.", approx=True,
       quote='No figure in Harbo 2009 or Muscle Nerve 2018: a flatter serum IgG on weekly SCIg '
       'is the model\'s pharmacokinetics; the range 0-0.5x is ours.'),
    _t("dose.scig_strength", 4, "Strength after switching to SCIg at an equal dose",
       "Harbo 2009", 3.6, -3.6, 10.9, "%", "scig-switch maintenance untreated-2day",
       "Harbo's crossover: IVIg-responsive patients (weaker-hand grip >= 2 kg above untreated "
       "on day 756) switched from 1 g/kg IVIg every 4 weeks to SCIg 0.25 g/kg weekly; mean "
       "change of weaker-hand grip from the switch (an infusion due) to three 4-week intervals "
       "later. Harbo measured dynamometric strength of affected muscles.",
       quote='"the mean change in muscle strength after SCIG being 3.6% (95% CI -3.6% to 10.9%) '
       'vs. 4.3% (-1.3% to 10.0%) after IVIG (P = 0.86)" (Harbo 2009, Eur J Neurol 16:631, '
       'n = 9, equal doses, abstract).'),
    _t("dose.scig_cv", 4, "Strength fluctuation on SCIg relative to IVIg",
       "Muscle Nerve 2018", 0.79, 0.5, 1.2, "x", "scig-switch maintenance untreated-2day",
       "The same patients and window as the switch: mean coefficient of variation of the "
       "weaker-hand grip readings over the 12 weeks on SCIg divided by that on IVIg. Published "
       "as 5.50% vs 6.97% (P = 0.21, not different), isokinetic strength; the range (approx.) "
       "allows ratios up to no difference.",
       quote='"The coefficient of variance of cIKS during the IVIg and SCIg treatment periods '
       'was unchanged (mean ± SD: 6.97 ± 4.83% vs. 5.50 ± 3.13%, P = 0.21)" (Muscle Nerve '
       '2018;57:610, abstract): ratio 0.79; 0.5-1.2 is ours.'),
    _t("dose.share_1_6", 4, "Share gaining >= 4 kg on 1.6 g/kg per month",
       "population PK-PD model on Hahn 2013", None, 70, 100, "%", "dose-response-1.6 "
       "dose-response-0.4 dose-response-0.8 dose-response-1.2 dose-response-2.4",
       "Patients with weaker grip < 85% of healthy at day 364, 0.8 g/kg every 2 weeks for 6 "
       "months: share whose weaker-hand grip at day 546 is >= 4 kg above day 364.",
       quote='"Model-based simulations for various dosing regimens (0.4-2.0 g/kg every 2-4 '
       'weeks) indicated that ≥1.6 g/kg/month would achieve clinically meaningful improvements '
       'in grip strength (≥4 kg) in ≥70% of patients" ("Dose-exposure-efficacy response of '
       'intravenous immunoglobulin G 10% in MMN", abstract). The 70% bound is published.'),
    _t("dose.share_lower", 4, "Lower dose, fewer patients gain 4 kg",
       "population PK-PD model on Hahn 2013", None, None, None, "",
       "dose-response-0.8 dose-response-1.6", "As above: the share gaining >= 4 kg on 0.8 "
       "g/kg per month is lower than on 1.6 g/kg per month.", binary=True, approx=True,
       quote='Implied, not stated: the abstract gives only the >= 1.6 g/kg/month threshold for '
       '>= 70% of patients; no share for 0.8 g/kg/month is published.'),
    _t("dose.early_beats_late", 4, "Early IVIg beats late IVIg", "Herraets 2020", None, 0, None,
       "MRC points", "early-ivig late-ivig", "Mean paired difference of MRC sum at year 8, "
       "IVIg from year 1 minus IVIg from year 6 (loading then 1 g/kg every 4 weeks).",
       strict=True, approx=True,
       quote='Not in the Herraets 2020 abstract (Neurology 95:e1979: "Lower MRC sumscore and '
       'absence of reflexes predicted a more progressive disease course"). A related finding: '
       '"there was an association between treatment delay and ongoing axonal loss (p = 0.004)" '
       '(Eur J Neurol 2024, 12 patients, abstract). No MRC difference is published.'),
    _t("dose.creep", 4, "Dose creep over the years", "Herraets 2020", None, 70, 100, "%",
       "dose-creep", "The 'ivig-dose-creep' preset, patient 0 of 20 seeds: share of seeds "
       "whose immunoglobulin grams per year over years 8-10 exceed those over years 3-5 by "
       ">= 10%.", approx=True,
       quote='Not in the Herraets 2020 abstract. "During follow-up most patients needed higher '
       'IVIg dosage to maintain improvement" (Terenghi et al., abstract); "most patients need '
       'progressive increases in dosage or reduced intervals" (a 2012 review). '
       '"Most" only; 70% is ours.'),
    _t("dose.no_response", 4, "Non-responders flagged, not escalated",
       "van Schaik 2010 (EFNS/PNS)", None, 90, 100, "%", "no-response untreated-weekly",
       "Patients with weaker grip < 80% at day 728 whose weaker-hand grip 4 weeks after the "
       "2 g/kg course is < 2 kg above untreated: share whose run records a no_response event.",
       approx=True,
       quote=_NO_FIGURE + 'EFNS/PNS 2010 good practice points: IVIg 2 g/kg first-line; "If '
       'IVIg is not sufficiently effective then immunosuppressive treatment may be considered". '
       'The flag is a behaviour of this model; 90% is ours.'),
    # --- treatments that do not help (targets 9, 10) -----------------------------------------
    _t("harm.pred_worse", 5, "Prednisolone: clearly worse at 4-8 weeks", "Donaghy 1994", None,
       30, 70, "%", "prednisolone-course untreated-weekly", "60 mg/day for 8 weeks from day "
       "728: share with MRC sum >= 2 points lower or weaker-hand grip >= 10% lower than the "
       "same patient untreated at any weekly record in weeks 4-8 of the course.", approx=True,
       quote='"Within one month of starting oral prednisolone treatment weakness unexpectedly '
       'increased in four patients" with purely motor neuropathy (Donaghy 1994, JNNP 57:778, '
       'abstract): a series of 4 selected cases, so no share. 30-70% is ours.'),
    _t("harm.pred_better", 5, "Prednisolone: better", "Donaghy 1994; van Schaik 2010", 0, 0, 2,
       "%", "prednisolone-course untreated-weekly", "As above: share with MRC sum >= 2 points "
       "higher or weaker-hand grip >= 10% higher than untreated at any record in weeks 4-8.",
       quote='None of Donaghy\'s 4 pure-motor patients improved on prednisolone (all worsened; '
       '0/4, 95% CI 0-60%); EFNS/PNS 2010: "Corticosteroids are not recommended". The 2% upper '
       'bound is set by us.'),
    _t("harm.pred_grip", 5, "Prednisolone: worsening visible in grip", "Donaghy 1994", None,
       None, -1, "kg", "prednisolone-course untreated-weekly", "Among the patients clearly worse: "
       "median weaker-hand grip difference from untreated at week 8.", approx=True,
       quote=_NO_FIGURE + 'Donaghy 1994 reports increased weakness in 4 patients, no grip '
       'figure.'),
    _t("harm.pe_igg_fall", 5, "Plasma exchange: IgG fall after five exchanges",
       "working value (approx.); Claus 2000", None, 50, 85, "%", "plasma-exchange",
       "Median fall of serum IgG from day 729 to its lowest value on days 730-745 (five "
       "exchanges, every 2 days).", approx=True,
       quote=_NO_FIGURE + 'Claus 2000 (JNNP 68:533) is a single MMN case without IgG kinetics; '
       'the former source "Cochrane 2015" is the review of plasma exchange for CIDP '
       '(CD003906), which gives no IgG figure.'),
    _t("harm.pe_igg_return", 5, "Plasma exchange: IgG back to 90% of baseline",
       "working value (approx.); Claus 2000", None, 7, 21, "days", "plasma-exchange",
       "Median days from the fifth exchange (day 738) until serum IgG is back to >= 90% of its "
       "day-729 value.", approx=True,
       quote=_NO_FIGURE + 'No IgG recovery time after plasma exchange found in an MMN source.'),
    _t("harm.pe_benefit", 5, "Plasma exchange: no benefit", "Cochrane 2005; Claus 2000",
       None, 0, 5, "%", "plasma-exchange untreated-daily", "Share of patients "
       "whose weaker-hand grip at day 758 is >= 2 kg above the same patient untreated.",
       approx=True,
       quote='"Patients with multifocal motor neuropathy do not usually respond to steroids or '
       'plasma exchange, and may even worsen with these treatments" (Cochrane 2005, CD004429, '
       'background); "plasmapheresis may even be disadvantageous" (Claus 2000, one case). No '
       'share; 0-5% is ours.'),
    _t("harm.pe_after_ivig", 5, "IVIg benefit kept when exchange follows the course",
       "Claus 2000", None, 0, 25, "%",
       "ivig-then-exchange single-course untreated-daily", f"Among {_HAND}: mean benefit at "
       "day 758 (vs untreated) with five exchanges from day 742, as a share of the mean "
       "benefit of the course alone.", approx=True,
       quote=_NO_FIGURE + 'Follows from exchange removing infused IgG; no MMN study measured '
       'IVIg benefit after exchange.'),
    # --- antibodies ---------------------------------------------------------------------------
    _t("gm1.mrc_gap", 6, "Anti-GM1 positive patients weaker at 10 years",
       "Cats 2010; Herraets 2020", None, 3, None, "MRC points", "untreated-weekly",
       "Untreated at year 10: mean MRC sum of anti-GM1 negative minus positive patients.",
       approx=True,
       quote='Cats 2010 could not be found here; the Herraets 2020 abstract does not give an '
       'anti-GM1 MRC difference. Krijgsman 2026 (iPSC model, 137 patients): higher IgM binding '
       '"correlated with ... more severe weakness". The 3-point gap is ours.'),
    _t("gm1.axonal_loss", 6, "Anti-GM1 positive patients have more axonal loss",
       "Cats 2010; Herraets 2020", None, 0, None, "muscles", "untreated-weekly",
       "Untreated at year 10: mean number of muscles with > 10% of their motor axons lost, "
       "positive minus negative patients.", strict=True, approx=True,
       quote='Cats 2010 could not be found here. Krijgsman 2026: complement activation (not IgM '
       'binding) "correlated with ... the degree of axonal damage". Direction only; no '
       'published difference.'),
    _t("gm1.titre", 6, "Higher titre, more deficit", "Cats 2010", None, 0, 1, "Spearman r",
       "untreated-weekly", "Anti-GM1 positive patients, untreated at year 10: Spearman "
       "correlation of titre with deficit (200 - MRC sum).", strict=True, approx=True,
       quote='Cats 2010 could not be found here. Krijgsman 2026: IgM binding "correlated with '
       'IgM anti-ganglioside antibody titers" and higher binding with "more severe weakness". '
       'No titre-deficit correlation coefficient found.'),
    # --- other --------------------------------------------------------------------------------
    _t("other.complement_onset", 7, "Complement inhibitor: benefit builds over 1-3 weeks",
       "assumption; inhibition levels from Krijgsman 2026", None, 5, 21, "days",
       "complement untreated-daily", f"Among {_HAND} with a 4-week benefit >= 0.5 kg vs "
       "untreated: median first day on which the benefit reaches half its day-28 value.",
       approx=True,
       quote=_NO_FIGURE + 'Krijgsman 2026 gives inhibition only: "IVIg moderately inhibited '
       'complement activation (34%-54%) while specific complement inhibitors were highly '
       'effective (89.1%-98.7%)", in vitro, no time course.'),
    _t("other.fasciculations", 7, "Fasciculations or cramps in a minority",
       "van Schaik 2010 (EFNS/PNS: supportive, not universal)", None, 10, 55, "%",
       "untreated-weekly", "Untreated at day 730: share whose examination reports "
       "fasciculations or cramps.", approx=True,
       quote='Supportive criterion 6: "Cramps and fasciculations in the affected limb" '
       '(EFNS/PNS 2010, Table 1); no frequency given. 10-55% is ours.'),
    _t("other.button_threshold", 7, "Buttoning lost only with clearly weak hands",
       "functional threshold (approx.)", 0, 0, 0, "%", "untreated-weekly", "Untreated, 10 "
       "years: share of 'button a shirt' losses at a record where the weaker grip is still "
       "> 70% of healthy.", approx=True, quote=_NO_FIGURE.strip()),
    _t("other.milestone_flicker", 7, "Milestones do not flicker", "functional threshold "
       "(approx.)", None, 0, 10, "%", "maintenance", "1 g/kg every 4 weeks, years 2 and 3: "
       "share of patient-years in which one milestone on one side is lost more than twice. "
       "A task lost at the trough of some cycles and regained after the next infusion is "
       "real end-of-dose weakness; the working range keeps it to a minority of patients.",
       approx=True, quote=_NO_FIGURE.strip()),
    _t("other.mimics", 7, "Mimics are told apart by the checklist",
       "van Schaik 2010 (EFNS/PNS); Van den Bergh 2021 (EAN/PNS CIDP guideline)", None, 0, 5,
       "%", "", "For every registered disease other than MMN, 10 patients at year 5: share "
       "meeting definite or probable MMN on the EFNS/PNS checklist.", approx=True,
       quote=_NO_FIGURE + 'The guidelines give diagnostic and exclusion criteria, not a '
       'misclassification rate; Van den Bergh 2021 is the CIDP guideline, used for the CIDP '
       'mimic.'),
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
       "INCAT: its ONLS disability (0-12) is read instead.",
       quote='"32 of 59 (54%) patients treated with IGIV-C" improved in adjusted INCAT '
       '(Hughes 2008, Lancet Neurol 7:136, abstract); range: 95% CI of 32/59.'),
    _t("cidp.ivig_placebo", 8, "CIDP: 'responders' on placebo at 24 weeks (ICE)", "Hughes 2008",
       21, 11, 33, "%", "cidp-untreated", _CIDP + "the same patients untreated, read as "
       "cidp.ivig_ice. ICE: '12 of 58 (21%) patients who received placebo' (abstract).",
       quote='"12 of 58 (21%) patients who received placebo" (Hughes 2008, abstract); range: '
       '95% CI of 12/58.'),
    _t("cidp.pred_dyck", 8, "CIDP: improved at 12 weeks on prednisone", "Dyck 1982", 63, 38, 84,
       "%", "cidp-prednisone", _CIDP + "60 mg/day for 4 weeks tapered to zero over 8 (Dyck "
       "gave prednisone on alternate days tapered over 3 months): share with MRC sum >= 2 "
       "points above baseline at week 12. Dyck 1982 as summarised by the Cochrane review "
       "(CD002062): 'Twelve of 19 participants treated with prednisone, compared with five of "
       "16 participants randomised to no treatment, had improved neuropathy impairment scores "
       "after 12 weeks'. Impairment is read on the MRC sum (the model has no NIS).",
       quote='12 of 19 on prednisone improved at 12 weeks (Dyck 1982, Ann Neurol 11:136, via '
       'Cochrane CD002062); range: 95% CI of 12/19.'),
    _t("cidp.pred_dyck_untreated", 8, "CIDP: improved at 12 weeks untreated", "Dyck 1982", 31,
       11, 59, "%", "cidp-untreated", _CIDP + "the same patients untreated, read as "
       "cidp.pred_dyck (Cochrane CD002062: five of 16 untreated improved).",
       quote='5 of 16 untreated improved at 12 weeks (Dyck 1982, via Cochrane CD002062); '
       'range: 95% CI of 5/16.'),
    _t("cidp.pred_predict", 8, "CIDP: remission at 12 months on tapered prednisolone",
       "van Schaik 2010b (PREDICT)", 38, 18, 61, "%", "cidp-prednisolone", _CIDP + "60 mg/day "
       "for 8 weeks, tapered to zero over 24 (approx.): share whose disability at 12 months "
       "is >= 1 point below baseline. PREDICT: remission 'defined as improvement of at least "
       "three points on the Rivermead mobility index and improvement of at least one point on "
       "the inflammatory neuropathy cause and treatment disability scale'; 'six in the "
       "prednisolone group' of 16 (abstract). The model has neither scale: one point of its "
       "disability scale stands for both.",
       quote='"six in the prednisolone group" of 16 in remission at 12 months (van Schaik '
       '2010b, PREDICT, Lancet Neurol 9:245, abstract); range: 95% CI of 6/16.'),
    _t("cidp.pe_hahn", 8, "CIDP: improved after ten plasma exchanges over 4 weeks", "Hahn 1996",
       80, 55, 93, "%", "cidp-exchange-4w", _CIDP + "an exchange every 3 days x 10: share with "
       "MRC sum >= 2 points above baseline at week 4. Hahn 1996: 'Fifteen patients completed "
       "the trial and of those, 12 patients (80%) improved substantially with PE' (abstract; "
       "NDS, clinical grade and grip there, the MRC sum here).",
       quote='"12 patients (80%) improved substantially with PE" of 15 completers (Hahn 1996, '
       'Brain 119:1055, abstract); range: 95% CI of 12/15.'),
    _t("cidp.pe_dyck", 8, "CIDP: improved beyond any sham patient after 3 weeks of exchange",
       "Dyck 1986", 33, 15, 58, "%", "cidp-exchange-3w cidp-untreated", _CIDP + "an exchange "
       "every 3.5 days x 6: share whose MRC-sum gain at week 3 exceeds the largest gain of a "
       "sham arm of 14 (Dyck's size) drawn from the same patients untreated, i.e. the mean "
       "over patients of F(gain)^14, F the share of untreated gains below theirs (the "
       "largest gain of the whole untreated cohort would raise the bar with its size). Dyck "
       "1986 randomised 15 to exchange and 14 to sham exchange: 'Improvement to a greater "
       "degree than for any patient receiving sham exchange was detected in the "
       "neurologic-disability score in five patients' of 15 (abstract).",
       quote='5 of 15 improved beyond any sham patient (Dyck 1986, N Engl J Med 314:461, '
       'abstract); range: 95% CI of 5/15.'),
)


_GBS = ("Drawn AMAN patients (the axonal form of Guillain-Barré syndrome); treatment from day 10, "
        "the same patients untreated as the control arm; walking read on the ONLS leg grade "
        "(with aid: grade <= 4). ")
_GBS_MIX = (" The trials enrolled Guillain-Barré syndrome of every form, mostly demyelinating in "
            "Europe and North America; the model's patients are AMAN.")
TARGETS += (
    # --- GBS: plasma exchange and IVIg in the acute attack (the mimic of a first weakness) ---
    _t("gbs.pe_walk_ratio", 9, "GBS: exchange shortens the time to walking with aid",
       "Chevret 2017", 1.47, 1.2, 2.0, "x", "aman-untreated aman-exchange", _GBS + "Patients "
       "who cannot walk with aid on day 9; four exchanges every other day from day 10 "
       "(approx.): median days from day 10 to walking with aid untreated, over the same on "
       "exchange. Chevret 2017: 'In one trial with 220 severely affected participants, the "
       "median time to recover walking with aid was significantly shorter with plasma "
       "exchange (30 days) than without plasma exchange (44 days)' (abstract); 44 / 30 = "
       "1.47." + _GBS_MIX,
       quote='median 30 vs 44 days to walking with aid, 220 severely affected patients '
             '(Chevret 2017, Cochrane CD001798, abstract); range: a margin set by us around '
             'the ratio of the two medians (no interval published).'),
    _t("gbs.untreated_walk_days", 9, "GBS: days to walking with aid without treatment",
       "Chevret 2017", 44, 30, 60, "days", "aman-untreated aman-exchange", _GBS + "The same "
       "entered patients untreated: median days from day 10 to walking with aid (the "
       "trial's control arm, 44 days)." + _GBS_MIX,
       quote='median 44 days without plasma exchange (Chevret 2017, abstract); range: a '
             'margin set by us (no interval published).'),
    _t("gbs.pe_walk_4wk", 9, "GBS: more walk with aid four weeks after exchange",
       "Chevret 2017", 1.60, 1.19, 2.15, "x", "aman-untreated aman-exchange", _GBS + "The "
       "same entered patients: share walking with aid on day 38 (four weeks after the start) "
       "on exchange, over the share untreated. Chevret 2017: 'After four weeks, "
       "moderate-quality evidence from the combined data of three trials accounting for a "
       "total of 349 patients showed that plasma exchange significantly increased the "
       "proportion of patients who recovered the ability to walk with assistance (risk ratio "
       "(RR) 1.60, 95% confidence interval (CI) 1.19 to 2.15)' (abstract)." + _GBS_MIX,
       quote='RR 1.60 (95% CI 1.19 to 2.15), three trials, 349 patients (Chevret 2017, '
             'abstract).'),
    _t("gbs.ivig_vs_exchange", 9, "GBS: IVIg as good as exchange at four weeks",
       "Plasma Exchange/Sandoglobulin GBS Trial Group 1997", -0.1, -0.5, 0.5, "grades",
       "aman-untreated aman-exchange aman-ivig", _GBS + "Patients who need aid to walk (GBS "
       "disability grade >= 3, Hughes 1978, read from the ONLS leg grade) on day 9; IVIg 0.4 "
       "g/kg a day for five days or four exchanges from day 10: mean improvement in grade at "
       "four weeks on IVIg minus on exchange, the same patients. PSGBS 1997: inclusion "
       "'severe disease (aid needed for walking) and onset of neuropathic symptoms within the "
       "previous 14 days'; 'the mean improvement was 0.9 (SD 1.3) in the 121 PE-group "
       "patients, 0.8 (1.3) in the 130 IVIg-group patients'; 'a 0.5 grade difference was "
       "excluded at the 95% level of confidence' (abstract). The trial gave five exchanges "
       "over 8-13 days." + _GBS_MIX,
       quote='0.8 vs 0.9 grades at 4 weeks; a 0.5-grade difference excluded at 95% (PSGBS '
             '1997, Lancet 349:225, abstract); range: that equivalence margin.'),
)

def by_id(target_id: str) -> Target:
    """The target with this id (KeyError if there is none)."""
    for t in TARGETS:
        if t.id == target_id:
            return t
    raise KeyError(target_id)
