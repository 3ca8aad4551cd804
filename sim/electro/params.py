"""Working values of the nerve conduction model, in one dataclass shared by every stage.

The healthy baseline, the lesioned study and the waveforms all read these, so they live apart
from each of them; each value keeps its source (or *(approx.)* for a teaching choice).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["NcsParams", "DEFAULT_PARAMS"]


@dataclass(frozen=True)
class NcsParams:
    """Working values of the NCS model. *(approx.)* values are teaching choices: configurable."""

    # --- disease -> measurements --------------------------------------------------------------
    # Below 5% of the original axons conducting, no CMAP is discernible from noise. (approx.)
    inexcitable_fraction: float = 0.05
    # Duration increase per damaged segment = linear*d + heavy*d**4 (d = damage share).
    # Worked example: 70% block with +10% duration (van Schaik et al. 2010 (EFNS/PNS)
    # criteria require <=30% for definite block), so dispersion is modest until damage is
    # near total. (approx.)
    dispersion_linear: float = 0.15
    dispersion_heavy: float = 0.25
    # Segmental CV slowing = linear*d + heavy*d**4: at most 35% below the patient's normal, i.e.
    # demyelinating-range slowing only with near-total damage. (approx.)
    slowing_linear: float = 0.20
    slowing_heavy: float = 0.15
    # Demyelinating slowing (a disease's ``conduction_slowing``) desynchronises the axons too:
    # duration +this per unit of slowing share, so a segment slowed by a third widens its CMAP
    # by about a third (abnormal temporal dispersion is >30%, Van den Bergh et al. 2021).
    # (approx.)
    dispersion_per_slowing: float = 1.0
    # Loss of the fastest axons slows conduction a little: CV stays >~75% of LLN in axonal
    # loss (Preston & Shapiro 2020). Slowing = loss_slowing * (1 - S). (approx.)
    loss_slowing: float = 0.15
    # Normal physiological temporal dispersion: duration +10% per metre of nerve. (approx.)
    physiological_dispersion_per_m: float = 0.10
    # Phase cancellation: amplitude ~ r**-(1+g), area ~ r**-g for a duration ratio r, so the
    # area falls a little while the peak falls more (Preston & Shapiro 2020). (approx.)
    cancellation_exponent: float = 0.3
    # --- healthy baseline -----------------------------------------------------------------------
    # Left-right correlation of a healthy person's values (sides are similar). (approx.)
    side_correlation: float = 0.9
    # Amplitudes are kept above LLN * this margin (reflected truncated normal). (approx.)
    lln_margin: float = 1.05
    # Distal latency and CV spread (fraction of the mean, SD), clipped at +-clip_sd SD.
    # Means from the adult normal values in anatomy.py (Preston & Shapiro 2020); spreads
    # (approx.).
    latency_sd_fraction: float = 0.08
    cv_sd_fraction: float = 0.04
    duration_sd_fraction: float = 0.08
    clip_sd: float = 2.5
    # Normal proximal amplitude drop per segment: uniform 0-10%; up to 20% across the fibular
    # head (<=25% across the fibular head; Preston & Shapiro 2020).
    max_normal_drop: float = 0.10
    max_normal_drop_fibular_head: float = 0.20
    # SNAP negative-peak duration (Preston & Shapiro 2020: ~1.5 ms). (approx.)
    snap_duration_ms: float = 1.5
    # --- waveform shape ---------------------------------------------------------------------------
    # Positive (second) phase: 35% of the negative peak, 1.6x as long. (approx.)
    positive_phase_ratio: float = 0.35
    positive_phase_length: float = 1.6
    waveform_samples: int = 480


DEFAULT_PARAMS = NcsParams()
