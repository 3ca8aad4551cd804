"""Dose, interval and timing: end-of-dose swings, dose-response, early vs late, dose creep.

Targets ``dose.*`` (CLINICAL calibration targets 8, 11 and 12). Swings are read on the
weaker-hand grip of patients who responded to the loading course, in year 2 of maintenance
(days 756-1120), where every regimen of the reference cohorts starts a cycle on day 756.
"""

from __future__ import annotations

import numpy as np

from .. import treatments
from ..units import DAYS_PER_YEAR
from .cohorts import DOSES_PER_4_WEEKS, cohort
from .stats import Measurement, bootstrap, not_measured, share, summary
from .traces import Cohorts, Trace

__all__ = ["measure", "cycle_swing", "dose_response"]

LOADING_DAY, RESPONSE_DAY = 364.0, 392.0  # loading course, and 4 weeks later
WINDOW = (756.0, 1120.0)  # year 2 of maintenance
DR_START, DR_END = 364.0, 546.0  # six months of 2-weekly IVIg
NO_RESPONSE_EVENT = "no_response"
SWITCH_DAY, SWITCH_END = 756.0, 840.0  # the switch to SCIg, and three 4-week intervals later


def cycle_swing(t: Trace, hand: int, starts: list[float]) -> float:
    """Median over cycles of (peak - following trough) / peak, in %, for cycles in WINDOW."""
    bounds = [s for s in starts if WINDOW[0] <= s <= WINDOW[1]]
    swings = []
    for s, e in zip(bounds[:-1], bounds[1:], strict=True):
        seg = t.grip[t.at(s):t.at(e) + 1, hand].astype(float)
        k = int(np.argmax(seg))
        if seg[k] > 0:
            swings.append(100 * (seg[k] - seg[k:].min()) / seg[k])
    return float(np.median(swings)) if swings else np.nan


def _starts(key: str) -> list[float]:
    """Start days of the maintenance courses (the second treatment entry) of a cohort."""
    sc = cohort(key).scenario()
    return [float(d) for d in sc.treatment[1].course_days(sc.days)]


def _responders(data: Cohorts) -> list[tuple[int, int]]:
    """(position, weaker hand) of patients >= 2 kg above untreated 4 weeks after loading."""
    out = []
    for k, (a, b) in enumerate(data.paired("maintenance", "untreated-2day")):
        h = a.weaker_hand(LOADING_DAY)
        if a.grip_at(RESPONSE_DAY, h) - b.grip_at(RESPONSE_DAY, h) >= 2.0:
            out.append((k, h))
    return out


def _swings(data: Cohorts) -> dict[str, Measurement]:
    resp = _responders(data)
    q4_starts = _starts("maintenance")
    per = {}
    for key, starts in (("maintenance-2w", _starts("maintenance-2w")),
                        ("maintenance", q4_starts), ("maintenance-8w", _starts("maintenance-8w")),
                        ("scig-weekly", q4_starts)):  # SCIg: read over the same 4-week windows
        traces = data.get(key)
        per[key] = np.array([cycle_swing(traces[k], h, starts) for k, h in resp])
    q2, q4, q8, sc = (per[k] for k in ("maintenance-2w", "maintenance", "maintenance-8w",
                                       "scig-weekly"))
    out = {"dose.swing_4w": summary(q4, "dose.swing_4w", "median",
                                    empty="no responder to the loading course")}
    if len(resp):
        m2, m4, m8 = (float(np.nanmedian(x)) for x in (q2, q4, q8))
        out["dose.swing_order"] = Measurement(
            float(m2 < m4 < m8), None, len(resp),
            f"median swing {m2:.1f}% every 2 weeks, {m4:.1f}% every 4, {m8:.1f}% every 8")

        def ratio(s: np.ndarray, i: np.ndarray) -> float:
            den = np.nanmedian(i)
            return float(np.nanmedian(s) / den) if den > 0 else np.nan

        igg = {key: np.array([_igg_swing(data.get(key)[k]) for k, _ in resp])
               for key in ("scig-weekly", "maintenance")}
        r = ratio(igg["scig-weekly"], igg["maintenance"])
        out["dose.scig_ratio"] = Measurement(
            None if np.isnan(r) else r,
            bootstrap(ratio, igg["scig-weekly"], igg["maintenance"], key="dose.scig_ratio"),
            len(resp), f"median serum IgG swing {np.nanmedian(igg['scig-weekly']):.1f} g/L on "
            f"SCIg vs {np.nanmedian(igg['maintenance']):.1f} g/L on IVIg",
            reason="" if not np.isnan(r) else "IVIg shows no IgG swing to compare with",
            failed=bool(np.isnan(r)))
    else:
        out["dose.swing_order"] = out["dose.scig_ratio"] = out["dose.swing_4w"]
    out.update(_switch(data))
    return out


def _igg_swing(t: Trace) -> float:
    """Median over the 4-week windows of year 2 of (highest - lowest) serum IgG, g/L."""
    edges = np.arange(WINDOW[0], WINDOW[1] + 1, 28.0)
    return float(np.median([np.ptp(t.igg[t.at(a):t.at(b) + 1])
                            for a, b in zip(edges[:-1], edges[1:], strict=True)]))


def _switch(data: Cohorts) -> dict[str, Measurement]:
    """Harbo 2009's switch: IVIg-responsive patients moved to SCIg at the same monthly dose.

    Responsive = weaker-hand grip >= 2 kg above the same patient untreated on the switch day.
    Strength change = weaker-hand grip from the switch day (an infusion due) to three 4-week
    intervals later; fluctuation = coefficient of variation of the readings in that window.
    """
    change, cv_s, cv_i = [], [], []
    for (iv, sc), (_, none) in zip(data.paired("maintenance", "scig-switch"),
                                   data.paired("maintenance", "untreated-2day"), strict=True):
        h = iv.weaker_hand(SWITCH_DAY)
        if iv.grip_at(SWITCH_DAY, h) - none.grip_at(SWITCH_DAY, h) < 2.0:
            continue
        change.append(100 * (sc.grip_at(SWITCH_END, h) / sc.grip_at(SWITCH_DAY, h) - 1))
        cv_s.append(_cv(sc, h))
        cv_i.append(_cv(iv, h))

    def ratio(s: np.ndarray, i: np.ndarray) -> float:
        return float(np.mean(s) / np.mean(i)) if np.mean(i) > 0 else np.nan

    cs, ci = np.array(cv_s), np.array(cv_i)
    r = ratio(cs, ci) if len(cs) else np.nan
    return {
        "dose.scig_strength": summary(change, "dose.scig_strength",
                                      empty="no IVIg-responsive patient at the switch"),
        "dose.scig_cv": Measurement(
            None if np.isnan(r) else r,
            bootstrap(ratio, cs, ci, key="dose.scig_cv") if len(cs) else None, len(cs),
            f"mean CV {np.mean(cs):.2f}% on SCIg vs {np.mean(ci):.2f}% on IVIg"
            if len(cs) else "", reason="" if not np.isnan(r) else "no strength to compare",
            failed=bool(np.isnan(r))),
    }


def _cv(t: Trace, hand: int) -> float:
    seg = t.grip[t.at(SWITCH_DAY):t.at(SWITCH_END) + 1, hand].astype(float)
    return float(100 * seg.std() / seg.mean()) if seg.mean() > 0 else np.nan


def dose_response(data: Cohorts) -> dict[float, np.ndarray]:
    """Weaker-hand grip gain (kg, day 364 to 546) per dose (g/kg per 4 weeks)."""
    out = {}
    for d in DOSES_PER_4_WEEKS:
        gains = []
        for t in data.get(f"dose-response-{d:g}"):
            if t.weak_hand_at(DR_START, 0.85):
                h = t.weaker_hand(DR_START)
                gains.append(t.grip_at(DR_END, h) - t.grip_at(DR_START, h))
        out[d] = np.array(gains)
    return out


def _dose_response(data: Cohorts) -> dict[str, Measurement]:
    gains = dose_response(data)
    shares = {d: share(g >= 4.0) for d, g in gains.items()}
    curve = {"dose": list(DOSES_PER_4_WEEKS),
             "share": [shares[d].value for d in DOSES_PER_4_WEEKS],
             "low": [shares[d].ci[0] if shares[d].ci else None for d in DOSES_PER_4_WEEKS],
             "high": [shares[d].ci[1] if shares[d].ci else None for d in DOSES_PER_4_WEEKS],
             "mean_gain": [round(float(g.mean()), 2) if g.size else None
                           for g in gains.values()],
             "n": [int(g.size) for g in gains.values()]}
    top = shares[1.6]
    lower = shares[0.8]
    out = {"dose.share_1_6": Measurement(top.value, top.ci, top.n, top.detail, top.reason,
                                         top.failed, curve)}
    if top.value is None or lower.value is None:
        out["dose.share_lower"] = not_measured("no patient with hand weakness", failed=True)
    else:
        out["dose.share_lower"] = Measurement(
            float(lower.value < top.value), None, lower.n + top.n,
            f"{lower.value:.0f}% on 0.8 vs {top.value:.0f}% on 1.6 g/kg per 4 weeks")
    return out


def _early_late(data: Cohorts) -> Measurement:
    diff = [float(a.mrc[-1]) - float(b.mrc[-1]) for a, b in data.paired("early-ivig",
                                                                          "late-ivig")]
    m = summary(diff, "dose.early_beats_late")
    better = sum(d > 0 for d in diff)
    return Measurement(m.value, m.ci, m.n, f"early higher in {better} of {len(diff)}")


def _grams_per_year(t: Trace, names: set[str]) -> np.ndarray:
    """Immunoglobulin grams given in each year 1..10 from onset."""
    grams = np.zeros(11)
    for e in t.events:
        if e[1] in names:
            year = int(e[0] // DAYS_PER_YEAR) + 1
            if year <= 10:
                grams[year] += e[5] * t.patient.weight_kg
    return grams[1:]


def _creep(data: Cohorts) -> Measurement:
    names = {t.course_event for t in treatments.REGISTRY.values()
             if t.immunoglobulin and t.course_event}
    years = [_grams_per_year(t, names) for t in data.get("dose-creep")]
    rising = [g[7:10].mean() >= 1.1 * g[2:5].mean() > 0 for g in years]
    m = share(rising)
    y3 = np.median([g[2] for g in years])
    y10 = np.median([g[9] for g in years])
    return Measurement(m.value, m.ci, m.n, f"{m.detail} seeds; median {y3:.0f} g in year 3, "
                       f"{y10:.0f} g in year 10")


def _no_response(data: Cohorts) -> Measurement:
    declared = any(NO_RESPONSE_EVENT in t.events for t in treatments.REGISTRY.values())
    pairs = data.paired("no-response", "untreated-weekly")
    seen = any(NO_RESPONSE_EVENT in a.event_names() for a, _ in pairs)
    if not (declared or seen):
        return not_measured("the model records no 'no_response' event: a patient without an "
                            "objective response is not flagged")
    flags = []
    for a, b in pairs:
        if a.weak_hand_at(728.0, 0.8):
            h = a.weaker_hand(728.0)
            if a.grip_at(756.0, h) - b.grip_at(756.0, h) < 2.0:
                flags.append(NO_RESPONSE_EVENT in a.event_names())
    return share(flags, empty="no non-responder with hand weakness in the cohort")


def measure(data: Cohorts) -> dict[str, Measurement]:
    out = _swings(data)
    out.update(_dose_response(data))
    out["dose.early_beats_late"] = _early_late(data)
    out["dose.creep"] = _creep(data)
    out["dose.no_response"] = _no_response(data)
    return out
