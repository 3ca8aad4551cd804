"""How closely the compiled engine reproduces the simpy engine on the same patients.

Why a module: the agreement tests (at a reduced size) and the full-size check script measure
the same things: the share of records whose weaker-hand grip is within 1 kg and MRC sum within
2 points, and two-sample Kolmogorov-Smirnov tests on grip, MRC sum and event counts at given
years.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.stats import ks_2samp

from ..engine import PatientRun, run_patient
from ..inputs import Inputs
from ..results import ClinicalArrays
from ..units import DAYS_PER_YEAR
from .engine import run_patients

__all__ = ["Agreement", "compare", "GRIP_TOL_KG", "MRC_TOL"]

GRIP_TOL_KG = 1.0
MRC_TOL = 2


@dataclass
class Agreement:
    """Paired read-outs of both engines over the same patients."""

    records: int = 0
    close: int = 0  # records with grip and MRC sum within tolerance
    max_grip_diff: float = 0.0
    max_mrc_diff: int = 0
    max_state_diff: float = 0.0  # largest difference of any recorded site value
    event_mismatch: int = 0  # patients whose event lists differ in day, name or detail
    # year -> measure -> (simpy sample, vector sample)
    samples: dict[float, dict[str, tuple[list[float], list[float]]]] = field(
        default_factory=dict)

    @property
    def share_close(self) -> float:
        return self.close / self.records if self.records else 1.0

    def ks(self) -> dict[tuple[float, str], float]:
        """p-value of the two-sample KS test per (year, measure)."""
        with warnings.catch_warnings():
            # identical samples defeat the exact method; scipy then says it used the
            # asymptotic one, which is what we want
            warnings.simplefilter("ignore", RuntimeWarning)
            return {(y, m): float(ks_2samp(a, b).pvalue)
                    for y, by in self.samples.items() for m, (a, b) in by.items()}

    def merge(self, other: Agreement) -> Agreement:
        out = Agreement(
            self.records + other.records, self.close + other.close,
            max(self.max_grip_diff, other.max_grip_diff),
            max(self.max_mrc_diff, other.max_mrc_diff),
            max(self.max_state_diff, other.max_state_diff),
            self.event_mismatch + other.event_mismatch,
        )
        for src in (self.samples, other.samples):
            for y, by in src.items():
                for m, (a, b) in by.items():
                    dst = out.samples.setdefault(y, {}).setdefault(m, ([], []))
                    dst[0].extend(a)
                    dst[1].extend(b)
        return out


def _readout(pr: PatientRun) -> tuple[np.ndarray, np.ndarray]:
    ca = ClinicalArrays(pr)
    return ca.grip.min(axis=-1), ca.mrc_sum


def _same_events(a: PatientRun, b: PatientRun) -> bool:
    if len(a.events) != len(b.events):
        return False
    for x, y in zip(a.events, b.events, strict=True):
        if abs(x[0] - y[0]) > 1e-9 or x[1:5] != y[1:5] or x[6] != y[6]:
            return False
        if not (np.isnan(x[5]) and np.isnan(y[5])) and abs(x[5] - y[5]) > 1e-9:
            return False
    return True


def compare(inputs: Inputs, seed: int, indices: Sequence[int],
            years: Sequence[float] = (1.0, 5.0, 10.0)) -> Agreement:
    """Run ``indices`` on both engines and collect the paired read-outs."""
    vec = run_patients(inputs, seed, indices)
    ref = [run_patient(inputs, seed, i) for i in indices]
    out = Agreement()
    for a, b in zip(ref, vec, strict=True):
        ga, ma = _readout(a)
        gb, mb = _readout(b)
        dg, dm = np.abs(ga - gb), np.abs(ma - mb)
        out.records += ga.shape[0]
        out.close += int(((dg <= GRIP_TOL_KG) & (dm <= MRC_TOL)).sum())
        out.max_grip_diff = max(out.max_grip_diff, float(dg.max()))
        out.max_mrc_diff = max(out.max_mrc_diff, int(dm.max()))
        for f in ("blocked", "blocked_rest", "lost", "damaged", "igg", "ivig_effect"):
            d = float(np.abs(getattr(a, f) - getattr(b, f)).max())
            out.max_state_diff = max(out.max_state_diff, d)
        out.event_mismatch += not _same_events(a, b)
        for y in years:
            day = y * DAYS_PER_YEAR
            if day > a.days[-1] + 1e-9:
                continue
            r = int(np.searchsorted(a.days, day + 1e-9, side="right") - 1)
            by = out.samples.setdefault(y, {})
            for name, va, vb in (
                ("grip", ga[r], gb[r]), ("mrc_sum", ma[r], mb[r]),
                ("events", sum(e[0] <= day for e in a.events),
                 sum(e[0] <= day for e in b.events)),
            ):
                pair = by.setdefault(name, ([], []))
                pair[0].append(float(va))
                pair[1].append(float(vb))
    return out
