"""Charts of the trial designer: the spread of the estimated effect, and power against n.

Each builder takes the tidy tables of :mod:`sim.trial` (``TrialResult.trials`` or a power
curve) and returns a figure; ``*_table`` give the numbers it draws (the text alternative).
Significant and non-significant trials differ by colour *and* pattern, so the histogram reads
in greyscale too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ._style import GUIDE, OKABE_ITO, PLAN_STYLES, axes_layout

__all__ = ["effect_table", "effect_histogram_figure", "power_curve_table",
           "power_curve_figure"]




def effect_table(trials: pd.DataFrame, comparison: str, bins: int = 30) -> pd.DataFrame:
    """Trials per bin of the estimate, split by significance (one comparison)."""
    t = trials[trials["comparison"] == comparison]
    est = t["estimate"].to_numpy(dtype=float)
    lo, hi = (float(est.min()), float(est.max())) if est.size else (0.0, 1.0)
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, bins + 1)
    sig = t["significant"].to_numpy(dtype=bool)
    yes, _ = np.histogram(est[sig], edges)
    no, _ = np.histogram(est[~sig], edges)
    return pd.DataFrame({"from": edges[:-1].round(4), "to": edges[1:].round(4),
                         "significant trials": yes, "not significant trials": no})


def effect_histogram_figure(trials: pd.DataFrame, comparison: str, unit: str,
                            pool_effect: float | None = None,
                            no_effect: float = 0.0) -> go.Figure:
    """Histogram of the estimated effect over the simulated trials, significant ones apart,
    with the effect in the whole pool and no effect (0, or 1 for a ratio) marked."""
    t = effect_table(trials, comparison)
    mid = (t["from"] + t["to"]) / 2
    width = float((t["to"] - t["from"]).iloc[0]) if len(t) else 1.0
    data = [
        {"type": "bar", "x": mid, "y": t["significant trials"], "width": width,
         "name": "p < alpha", "marker": {"color": OKABE_ITO["blue"]}},
        {"type": "bar", "x": mid, "y": t["not significant trials"], "width": width,
         "name": "not significant", "marker": {"color": OKABE_ITO["orange"],
                                               "pattern": {"shape": "/"}}},
    ]
    shapes, notes = [], []
    for x, text in ((no_effect, "no effect"), (pool_effect, "effect in the pool")):
        if x is None:
            continue
        shapes.append({"type": "line", "x0": x, "x1": x, "y0": 0, "y1": 1, "xref": "x",
                       "yref": "y domain", "line": GUIDE})
        notes.append({"x": x, "y": 1, "xref": "x", "yref": "y domain", "text": text,
                      "showarrow": False, "yanchor": "bottom", "font": {"size": 11}})
    layout = axes_layout(f"Estimated effect over {int(trials['comparison'].eq(comparison).sum())} "
                     f"trials: {comparison}", unit, "trials", barmode="stack",
                     shapes=shapes, annotations=notes, bargap=0)
    return go.Figure(data=data, layout=layout)


def power_curve_table(curve: pd.DataFrame) -> pd.DataFrame:
    """Power (with its Monte Carlo 95% interval) at each n, per comparison."""
    cols = ["n", "comparison", "power", "power_low", "power_high"]
    return curve[cols].rename(columns={"power_low": "95% low", "power_high": "95% high"})


def power_curve_figure(curve: pd.DataFrame, n_design: int | None = None,
                       target: float = 0.9) -> go.Figure:
    """Power against n, one line per comparison, with its interval and the target power."""
    data = []
    for k, (comp, part) in enumerate(curve.groupby("comparison", sort=False)):
        style = PLAN_STYLES[k % len(PLAN_STYLES)]
        err = {"type": "data", "symmetric": False,
               "array": (part["power_high"] - part["power"]).tolist(),
               "arrayminus": (part["power"] - part["power_low"]).tolist()}
        data.append({"type": "scatter", "x": part["n"].tolist(), "y": part["power"].tolist(),
                     "mode": "lines+markers", "name": comp, "error_y": err,
                     "line": {"color": style["color"], "dash": style["dash"]}})
    shapes = [{"type": "line", "x0": 0, "x1": 1, "y0": target, "y1": target, "xref": "x domain",
               "yref": "y", "line": GUIDE}]
    notes = [{"x": 0, "y": target, "xref": "x domain", "yref": "y", "showarrow": False,
              "text": f"power {target:g}", "xanchor": "left", "yanchor": "bottom",
              "font": {"size": 11}}]
    if n_design is not None:
        shapes.append({"type": "line", "x0": n_design, "x1": n_design, "y0": 0, "y1": 1,
                       "xref": "x", "yref": "y domain", "line": GUIDE})
        notes.append({"x": n_design, "y": 0, "xref": "x", "yref": "y domain",
                      "text": f"design n = {n_design}", "showarrow": False,
                      "yanchor": "bottom", "xanchor": "left", "font": {"size": 11}})
    layout = axes_layout("Power against trial size", "n (per arm; crossover: in total)",
                     "power", shapes=shapes, annotations=notes,
                     yaxis={"title": {"text": "power"}, "range": [0, 1.05]})
    return go.Figure(data=data, layout=layout)
