"""Needle EMG of every muscle on one day: what the needle finds at rest and on effort.

Why: conduction block and axonal loss look alike to a patient (both are weakness), but not to
the needle. Standard electrodiagnostic teaching (e.g. Preston & Shapiro 2020, *Electromyography and
Neuromuscular Disorders*, 4th ed.), as it applies to MMN:

* a weak muscle whose axons are blocked but intact: **reduced recruitment** (few units firing
  fast), normal motor-unit potentials (MUPs), **no fibrillations**;
* axons degenerating: **fibrillations and positive sharp waves** for weeks to months (graded
  0-4+ by how much of the muscle lies denervated; most laboratories grade the two together,
  and so does this model). A fibre starts to fibrillate 2-3 weeks after its axon degenerates
  and stops when a collateral sprout adopts it. Sprouts from the surviving units - blocked
  ones too, whose terminals are intact below the block - adopt orphaned fibres at a limited
  pace, so a slow trickle of axonal loss leaves few fibres orphaned at a time and the needle
  finds little or nothing, while loss that outpaces reinnervation (a fresh lesion that kills
  many axons, or motor neuron disease, where the sprouting units die too) fibrillates;
* months later, collateral sprouts adopt the orphaned fibres: **large, long, polyphasic MUPs**
  (polyphasic most while the new units mature);
* fasciculation potentials where damaged axons fire on their own: how readily is the
  disease's propensity times the patient's own tendency (the one the bedside examination
  reads), so in MMN they appear in some patients' weak muscles, not in every weak muscle.

Snapshots give the time course: today, 21 days ago (loss younger than that does not
fibrillate yet), 90 days ago (loss since then is "active"), 180 days ago and a year ago. All
thresholds are (approx.) teaching values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.anatomy import ANATOMY
from sim.sites import SiteSnapshot

__all__ = ["EMG_COLUMNS", "EmgParams", "EMG_PARAMS", "emg", "RECRUITMENT"]

EMG_COLUMNS = ("side", "muscle", "fibrillations", "positive_sharp_waves",
               "fasciculation_potentials", "mup_amplitude_mv", "mup_duration_ms",
               "polyphasic_pct", "recruitment")
RECRUITMENT = ("full", "reduced", "markedly reduced", "single units", "none")


@dataclass(frozen=True)
class EmgParams:
    """Working values of the needle EMG model; all (approx.) unless a source is given."""

    active_window_days: float = 90.0  # denervation this recent still fibrillates
    # Fibrillations begin 2-3 weeks after the axon degenerates (standard teaching, e.g.
    # Preston & Shapiro, 4th ed.; later for long distal stumps). (approx.)
    fibrillation_onset_days: float = 21.0
    # Collateral sprouting adopts orphaned fibres at up to this share of the muscle per year
    # per unit of still-innervating units (intact or blocked): loss slower than this barely
    # fibrillates, the way slowly progressive neurogenic disorders show sparse fibrillations.
    # (approx.)
    reinnervation_pace_per_year: float = 0.2
    reinnervated_after_days: float = 180.0  # units lost this long ago have been adopted
    maturing_window_days: float = 365.0  # reinnervation younger than this: polyphasic
    # Fibrillation / positive sharp wave grade 1+..4+ from the share of the muscle's fibres
    # orphaned within the active window and not yet adopted.
    denervation_cuts: tuple[float, ...] = (0.01, 0.03, 0.06, 0.12)
    # Fasciculation potentials where propensity x tendency x (lost + blocked / 2) reaches this;
    # below the bedside examination's 0.20: the needle finds them before the eye does.
    fasciculation_score: float = 0.15
    sprouting_capacity: float = 0.8  # share of orphaned fibres adopted by surviving units
    max_unit_enlargement: float = 5.0
    duration_per_enlargement: float = 0.35  # duration grows less than amplitude
    normal_polyphasic_pct: float = 10.0  # up to 10-15% in healthy muscle (Preston & Shapiro 2020)
    maturing_polyphasic_pct: float = 60.0
    # Recruitment from the share of units that can be driven (blocked and lost units cannot).
    recruitment_cuts: tuple[float, ...] = (0.8, 0.4, 0.1, 0.01)
    # Normal MUP amplitude (mV) and duration (ms) by muscle region (after Preston & Shapiro 2020,
    # 4th ed.; distal muscles larger, proximal shorter). (approx.)
    normal_mup: dict[str, tuple[float, float]] = field(default_factory=lambda: {
        "hand": (1.0, 10.0), "foot": (1.0, 11.0), "forearm": (0.8, 10.0), "leg": (0.9, 12.0),
        "upper arm": (0.6, 11.0), "shoulder": (0.6, 12.0), "thigh": (0.8, 12.0)})


EMG_PARAMS = EmgParams()


def _lost_units(snap: SiteSnapshot) -> np.ndarray:
    """Share of each muscle's units whose axon has degenerated somewhere on its nerve."""
    alive = np.log(np.clip(1.0 - snap.axon_loss, 1e-12, 1.0))
    return 1.0 - np.exp(alive @ ANATOMY.supply.T)


def _grade(x: np.ndarray, cuts: tuple[float, ...]) -> np.ndarray:
    return np.searchsorted(np.asarray(cuts), x, side="right").astype(np.int64)


def _denervated(now_lost: np.ndarray, onset_lost: np.ndarray, active_lost: np.ndarray,
                params: EmgParams) -> np.ndarray:
    """Share of each muscle's fibres that fibrillate today: orphaned between the active
    window and the onset delay, less what collateral sprouting adopted meanwhile."""
    orphaned = np.clip(onset_lost - active_lost, 0.0, 1.0)
    years = (params.active_window_days - params.fibrillation_onset_days) / 365.25
    adopted = params.reinnervation_pace_per_year * years * (1.0 - now_lost)
    return np.clip(orphaned - adopted, 0.0, 1.0)


def emg(now: SiteSnapshot, active_ago: SiteSnapshot, reinnervated_ago: SiteSnapshot,
        maturing_ago: SiteSnapshot, fasciculation_propensity: float,
        params: EmgParams = EMG_PARAMS, *, onset_ago: SiteSnapshot | None = None,
        fasciculation_tendency: float = 1.0) -> pd.DataFrame:
    """Needle EMG of every muscle (``EMG_COLUMNS``) from today's snapshot and earlier ones
    (``params``' active, reinnervated and maturing windows back; ``onset_ago`` the
    fibrillation onset delay back, None: today's). ``fasciculation_propensity`` is the
    disease's, ``fasciculation_tendency`` (0..1) the patient's."""
    lost = _lost_units(now)
    active_lost = _lost_units(active_ago)
    onset_lost = lost if onset_ago is None else _lost_units(onset_ago)
    chronic = _lost_units(reinnervated_ago)
    maturing = np.clip(active_lost - _lost_units(maturing_ago), 0.0, 1.0)
    conducting = np.clip(1.0 - now.block - now.axon_loss, 1e-12, 1.0)
    units = np.exp(np.log(conducting) @ ANATOMY.supply.T)
    blocked = np.clip(1.0 - units - lost, 0.0, 1.0)
    fib = _grade(_denervated(lost, onset_lost, active_lost, params), params.denervation_cuts)
    drive = fasciculation_propensity * fasciculation_tendency
    fasc = drive * (lost + 0.5 * blocked) >= params.fasciculation_score
    enlarge = np.minimum(1.0 / np.clip(1.0 - params.sprouting_capacity * chronic, 1e-9, None),
                         params.max_unit_enlargement)
    base = np.array([params.normal_mup[m.region] for _, m in ANATOMY.muscles])
    amp = base[:, 0] * enlarge
    dur = base[:, 1] * (1.0 + params.duration_per_enlargement * (enlarge - 1.0))
    poly = np.minimum(100.0, params.normal_polyphasic_pct + params.maturing_polyphasic_pct
                      * np.clip(maturing * 4.0, 0.0, 1.0))
    rec = _grade(-units, tuple(-c for c in params.recruitment_cuts))
    none = units < params.recruitment_cuts[-1]
    amp[none] = np.nan
    dur[none] = np.nan
    poly[none] = np.nan
    return pd.DataFrame({
        "side": [s for s, _ in ANATOMY.muscles],
        "muscle": [m.name for _, m in ANATOMY.muscles],
        "fibrillations": fib,
        "positive_sharp_waves": fib.copy(),
        "fasciculation_potentials": fasc,
        "mup_amplitude_mv": np.round(amp, 2),
        "mup_duration_ms": np.round(dur, 1),
        "polyphasic_pct": np.round(poly, 0),
        "recruitment": np.asarray(RECRUITMENT, dtype=object)[rec],
    }, columns=list(EMG_COLUMNS))
