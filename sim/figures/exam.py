"""The examination body chart: a schematic patient, facing the viewer, with the bedside findings
marked where an examiner finds them.

Squares are muscles shaded by MRC grade, rings mark wasting (thicker: marked), numbers by the
joints are tendon reflexes (0 absent, 1+ reduced, 2+ normal, 3+ slightly brisk, 4+ brisk),
arrows by the feet the plantar responses; a limb drawn in blue has a sensory deficit, and each
limb's label lists fasciculations, cramps and cold paresis. The patient's right is on the
viewer's left, as at the bedside.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ._style import _LAYOUT, DAMAGE_SCALE, OKABE_ITO, _figure

__all__ = ["exam_body_figure", "REFLEX_MARK", "MUSCLE_XY"]

# Schematic positions for the patient's RIGHT side (x < 0); the left side mirrors x.
MUSCLE_XY: dict[str, tuple[float, float]] = {
    "deltoid": (-1.9, 2.1), "biceps": (-2.45, 1.0), "triceps": (-1.95, 0.55),
    "brachioradialis": (-2.95, -0.8), "forearm flexors": (-2.55, -1.55),
    "forearm ulnar flexors": (-3.35, -1.45), "wrist extensors": (-2.7, -2.35),
    "finger extensors": (-3.15, -2.15), "EIP": (-3.45, -2.75), "APB": (-3.05, -3.95),
    "FDI": (-3.55, -4.3), "ADM": (-4.05, -3.95), "iliopsoas": (-0.45, -3.0),
    "quadriceps": (-0.95, -4.6), "gastrocnemius": (-1.35, -6.9),
    "tibialis anterior": (-0.55, -7.4), "peronei": (-1.45, -7.8),
    "tibialis posterior": (-0.95, -8.5), "EDB": (-1.45, -10.05), "AH": (-0.75, -10.35),
}
_LIMB_LINES = {  # right side polylines: shoulder-elbow-wrist-hand, hip-knee-ankle-foot
    "arm": ((-1.45, 2.45), (-2.55, -0.3), (-3.25, -3.2), (-3.6, -4.6)),
    "leg": ((-0.7, -2.55), (-0.95, -6.3), (-1.05, -9.7), (-1.6, -10.4)),
}
_REFLEX_XY = {"biceps": (-2.0, -0.35), "triceps": (-3.1, -0.05), "knee": (-0.35, -6.25),
              "ankle": (-0.45, -9.65)}
REFLEX_MARK = {"absent": "0", "reduced": "1+", "normal": "2+", "slightly brisk": "3+",
               "brisk": "4+"}
_PLANTAR_MARK = {"flexor": "plantar ↓", "extensor": "plantar ↑", "mute": "plantar -"}
_LIMB_LABEL_XY = {"arm": (-4.6, 1.6), "leg": (-3.0, -5.6)}


def _xy(side: str, x: float, y: float) -> tuple[float, float]:
    return (x if side == "right" else -x), y


def _values(exam: pd.DataFrame) -> dict[tuple[str, str, str], str]:
    return {(r.side, r.site, r.finding): str(r.value)
            for r in exam[["side", "site", "finding", "value"]].itertuples(index=False)}


def exam_body_figure(exam: pd.DataFrame, title: str = "Bedside examination") -> go.Figure:
    """The findings of one examination (``exam`` rows of one day) on a body outline."""
    v = _values(exam)
    data: list[dict] = [_outline(v, side, limb) for side in ("right", "left")
                        for limb in ("arm", "leg")]
    data += _muscles(v)
    data += _wasting(v)
    data.append(_reflexes(v))
    notes = _limb_notes(v)
    cranial = v.get(("", "cranial nerves", "cranial_nerves"), "normal")
    speech = v.get(("", "bulbar", "speech"), "normal")
    swallow = v.get(("", "bulbar", "swallowing"), "normal")
    notes.append({"text": f"cranial nerves {cranial}<br>speech {speech}, swallowing {swallow}",
                  "x": 0, "y": 4.55, "xref": "x", "yref": "y", "showarrow": False,
                  "font": {"size": 11}})
    for side, x in (("right", -4.2), ("left", 4.2)):
        notes.append({"text": f"<b>patient's {side}</b>", "x": x, "y": 3.6, "showarrow": False})
    shapes = [
        {"type": "circle", "x0": -0.65, "x1": 0.65, "y0": 2.75, "y1": 4.05,
         "line": {"color": "#777777"}},
        {"type": "rect", "x0": -1.35, "x1": 1.35, "y0": -2.6, "y1": 2.6,
         "line": {"color": "#777777"}, "fillcolor": "rgba(0,0,0,0)"},
    ]
    axis = {"visible": False, "fixedrange": True}
    layout = dict(_LAYOUT, height=760, hovermode="closest", shapes=shapes, annotations=notes,
                  title={"text": title, "x": 0.01, "xanchor": "left"}, showlegend=True,
                  legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.01,
                          "yanchor": "top"},
                  xaxis=dict(axis, range=[-6.2, 6.2]),
                  yaxis=dict(axis, range=[-11.0, 5.0], scaleanchor="x"))
    return _figure(data, layout)


def _outline(v: dict, side: str, limb: str) -> dict:
    modalities = ("pain", "temperature", "vibration", "position")
    deficits = [f"{m} {v.get((side, limb, f'sensation_{m}'), 'normal')}" for m in modalities
                if v.get((side, limb, f"sensation_{m}"), "normal") != "normal"]
    pts = [_xy(side, x, y) for x, y in _LIMB_LINES[limb]]
    colour = OKABE_ITO["sky_blue"] if deficits else "#9A9A9A"
    text = (f"{side} {limb}: sensation " + (", ".join(deficits) if deficits else "normal")
            + f"; tone {v.get((side, limb, 'tone'), 'normal')}")
    return {"type": "scatter", "x": [p[0] for p in pts], "y": [p[1] for p in pts],
            "mode": "lines", "line": {"color": colour, "width": 7 if deficits else 4},
            "hovertext": [text] * len(pts), "hoverinfo": "text", "showlegend": False,
            "name": f"{side} {limb}"}


def _muscles(v: dict) -> list[dict]:
    xs, ys, c, text = [], [], [], []
    for side in ("right", "left"):
        for name, (x, y) in MUSCLE_XY.items():
            grade = v.get((side, name, "mrc"))
            if grade is None:
                continue
            px, py = _xy(side, x, y)
            xs.append(px)
            ys.append(py)
            c.append((5 - int(grade)) / 5)
            text.append(f"<b>{side} {name}</b><br>MRC {grade}, wasting "
                        f"{v.get((side, name, 'wasting'), 'none')}")
    return [{"type": "scatter", "x": xs, "y": ys, "mode": "markers", "name": "muscle (MRC)",
             "marker": {"symbol": "square", "size": 13, "color": c, "cmin": 0, "cmax": 1,
                        "colorscale": DAMAGE_SCALE, "line": {"width": 1, "color": "#333333"},
                        "showscale": True,
                        "colorbar": {"title": {"text": "MRC"}, "len": 0.45, "tickvals":
                                     [0, 0.2, 0.4, 0.6, 0.8, 1.0],
                                     "ticktext": ["5", "4", "3", "2", "1", "0"]}},
             "hovertext": text, "hoverinfo": "text"}]


def _wasting(v: dict) -> list[dict]:
    out = []
    for grade, width in (("mild", 2), ("marked", 4)):
        pts = [(_xy(side, *xy), f"{side} {name}: {grade} wasting")
               for side in ("right", "left") for name, xy in MUSCLE_XY.items()
               if v.get((side, name, "wasting")) == grade]
        out.append({"type": "scatter", "x": [p[0][0] for p in pts],
                    "y": [p[0][1] for p in pts], "mode": "markers",
                    "name": f"{grade} wasting (ring)", "hovertext": [p[1] for p in pts],
                    "hoverinfo": "text",
                    "marker": {"symbol": "circle-open", "size": 24,
                               "color": OKABE_ITO["purple"], "line": {"width": width}}})
    return out


def _reflexes(v: dict) -> dict:
    xs, ys, text, hover = [], [], [], []
    for side in ("right", "left"):
        for name, (x, y) in _REFLEX_XY.items():
            grade = v.get((side, name, "reflex"), "normal")
            px, py = _xy(side, x, y)
            xs.append(px)
            ys.append(py)
            text.append(REFLEX_MARK.get(grade, "?"))
            hover.append(f"{side} {name} reflex: {grade}")
        plantar = v.get((side, "plantar", "plantar"), "flexor")
        px, py = _xy(side, -1.3, -10.85)
        xs.append(px)
        ys.append(py)
        text.append(_PLANTAR_MARK.get(plantar, plantar))
        hover.append(f"{side} plantar response: {plantar}")
    return {"type": "scatter", "x": xs, "y": ys, "mode": "text", "text": text,
            "name": "reflexes (0-4+)", "textfont": {"size": 13, "color": OKABE_ITO["blue"]},
            "hovertext": hover, "hoverinfo": "text"}


def _limb_notes(v: dict) -> list[dict]:
    notes = []
    for side in ("right", "left"):
        for limb, (x, y) in _LIMB_LABEL_XY.items():
            signs = [name.replace("_", " ") for name in ("fasciculations", "cramps",
                                                         "cold_paresis")
                     if v.get((side, limb, name)) == "present"]
            px, py = _xy(side, x, y)
            notes.append({"text": f"<b>{side} {limb}</b>" + "".join(f"<br>{s}" for s in signs),
                          "x": px, "y": py, "xref": "x", "yref": "y", "showarrow": False,
                          "font": {"size": 11}, "align": "center"})
    return notes
