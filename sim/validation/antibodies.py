"""Anti-GM1 IgM: positive patients, and higher titres, should do worse untreated.

Targets ``gm1.*`` (Cats 2010; Herraets 2020), read at year 10 of the untreated cohort.
"""

from __future__ import annotations

import numpy as np

from .stats import Measurement, bootstrap, not_measured, spearman
from .traces import Cohorts

__all__ = ["measure"]


def _gap(x: np.ndarray, pos: np.ndarray) -> float:
    """Mean of the negatives minus mean of the positives (NaN if a group is empty)."""
    if pos.all() or not pos.any():
        return np.nan
    return float(x[~pos].mean() - x[pos].mean())


def measure(data: Cohorts) -> dict[str, Measurement]:
    traces = data.get("untreated-weekly")
    pos = np.array([t.patient.anti_gm1 for t in traces], dtype=bool)
    mrc = np.array([float(t.mrc[-1]) for t in traces])
    lost = np.array([float(t.denervated) for t in traces])
    titre = np.array([t.patient.anti_gm1_titre for t in traces])
    out: dict[str, Measurement] = {}
    if pos.all() or not pos.any():
        reason = "the cohort holds only one anti-GM1 group"
        out["gm1.mrc_gap"] = out["gm1.axonal_loss"] = not_measured(reason, failed=True)
    else:
        groups = f"{int(pos.sum())} positive, {int((~pos).sum())} negative"
        out["gm1.mrc_gap"] = Measurement(
            _gap(mrc, pos), bootstrap(_gap, mrc, pos, key="gm1.mrc_gap"), len(traces),
            f"{groups}; mean MRC sum {mrc[pos].mean():.1f} vs {mrc[~pos].mean():.1f}")
        out["gm1.axonal_loss"] = Measurement(
            -_gap(lost, pos), bootstrap(lambda x, p: -_gap(x, p), lost, pos,
                                        key="gm1.axonal_loss"), len(traces),
            f"{groups}; {lost[pos].mean():.1f} vs {lost[~pos].mean():.1f} muscles")
    deficit = 200.0 - mrc[pos]
    r = spearman(titre[pos], deficit) if pos.sum() >= 3 else np.nan
    out["gm1.titre"] = Measurement(
        None if np.isnan(r) else r,
        bootstrap(spearman, titre[pos], deficit, key="gm1.titre"), int(pos.sum()),
        reason="too few positive patients, or no spread in titre or deficit" if np.isnan(r)
        else "", failed=bool(np.isnan(r)))
    return out
