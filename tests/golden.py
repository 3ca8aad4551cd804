"""Golden back-tests: a small, readable summary of every preset at its own seed.

The summary (per-year strength, grip per hand, lesions, doses, event counts, NCS grades) is
committed in ``tests/golden_data/<preset>.json``; ``tests/test_presets.py`` recomputes it and
compares the text exactly, so any change of model behaviour shows up as a reviewed diff.

Regenerate after an intended change (never edit the JSON by hand)::

    make golden                       # = .venv/bin/python -m tests.golden --write
    .venv/bin/python -m tests.golden  # check only: list presets whose summary changed

Values are rounded to 2 decimals so the files diff well and do not flicker on float noise.
"""

from __future__ import annotations

import argparse
import difflib
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

import sim

GOLDEN_DIR = Path(__file__).resolve().parent / "golden_data"
FORMAT_VERSION = 1
DAYS_PER_YEAR = 365.25
REGENERATE = "make golden  (or: .venv/bin/python -m tests.golden --write)"


def _r(x: Any) -> Any:
    """Round to 2 decimals; ints stay ints, NaN becomes None, -0.0 becomes 0.0."""
    if x is None:
        return None
    if isinstance(x, bool | np.bool_):
        return bool(x)
    if isinstance(x, int | np.integer):
        return int(x)
    x = float(x)
    if math.isnan(x):
        return None
    return round(x, 2) + 0.0


def summarize(name: str) -> dict[str, Any]:
    """The golden summary of preset ``name`` at its own seed."""
    scenario = sim.load_scenario(name)
    run = sim.simulate(scenario)
    t = run.tables
    clinical, events, patients = t["clinical"], t["events"], t["patients"]
    p = patients.iloc[0]
    days = clinical["day"].to_numpy()
    weaker = np.minimum(clinical["grip_left_kg"], clinical["grip_right_kg"]).to_numpy()
    lesion_days = events.loc[events["event"] == "lesion_onset", "day"].to_numpy()
    doses = events[events["event"].isin(["ivig_dose", "scig_dose"])]
    titr = events.loc[events["event"] == "titration", "day"].to_numpy()

    rows = []
    n_years = math.floor(scenario.scenario.years + 1e-9)
    for year in range(n_years + 1):
        end = year * DAYS_PER_YEAR + 1e-6
        start = (year - 1) * DAYS_PER_YEAR + 1e-6 if year else -1.0
        r = int(np.searchsorted(days, end, side="right")) - 1
        in_year = (days > start) & (days <= end)
        c = {col: clinical[col].iloc[r] for col in clinical.columns}
        dose_in_year = doses[(doses["day"] > start) & (doses["day"] <= end)]
        rows.append({
            "year": year,
            "day": _r(c["day"]),
            "mrc_sum": _r(c["mrc_sum"]),
            "grip_left_kg": _r(c["grip_left_kg"]),
            "grip_right_kg": _r(c["grip_right_kg"]),
            "weaker_grip_min_kg": _r(weaker[in_year].min()) if in_year.any() else None,
            "weaker_grip_max_kg": _r(weaker[in_year].max()) if in_year.any() else None,
            "disability": _r(c["disability"]),
            "igg_g_per_l": _r(c["igg_g_per_l"]),
            "active_lesions": _r(c["active_lesions"]),
            "lesions_so_far": int((lesion_days <= end).sum()),
            "ig_doses": int(len(dose_in_year)),
            "ig_g_per_kg": _r(dose_in_year["value"].sum()),
            "titrations": int(((titr > start) & (titr <= end)).sum()),
        })

    out: dict[str, Any] = {
        "preset": name,
        "seed": scenario.scenario.seed,
        "format": FORMAT_VERSION,
        "regenerate": REGENERATE,
        "patient": {
            "sex": p["sex"], "age_at_onset": _r(p["age_at_onset"]),
            "weight_kg": _r(p["weight_kg"]), "dominant_side": p["dominant_side"],
            "anti_gm1": bool(p["anti_gm1"]), "anti_gm1_titre": _r(p["anti_gm1_titre"]),
            "lesion_rate_per_year": _r(p["lesion_rate_per_year"]),
            "ivig_responsiveness": _r(p["ivig_responsiveness"]),
        },
        "events": {k: int(v) for k, v in sorted(events["event"].value_counts().items())},
        "years": rows,
    }
    if "ncs" in t:
        ncs = t["ncs"]
        motor = ncs[ncs["kind"] == "motor"]
        studies = []
        for day, g in motor.groupby("day", sort=True):
            grades = g["grade"].fillna("").astype(str)
            studies.append({
                "day": _r(day),
                "definite": int((grades == "definite").sum()),
                "probable": int((grades == "probable").sum()),
                "inexcitable_points": int((g["amplitude"] <= 0).sum()),
                "sensory_rows": int(((ncs["kind"] == "sensory") & (ncs["day"] == day)).sum()),
            })
        out["ncs"] = studies
    return out


def render(summary: dict[str, Any]) -> str:
    """Stable JSON text: one line per scalar field and per row, so diffs read well."""
    lines = ["{"]
    items = list(summary.items())
    for i, (key, value) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        if isinstance(value, list):
            lines.append(f"  {json.dumps(key)}: [")
            for j, row in enumerate(value):
                sep = "," if j < len(value) - 1 else ""
                lines.append(f"    {json.dumps(row, ensure_ascii=False)}{sep}")
            lines.append(f"  ]{comma}")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def golden_path(name: str) -> Path:
    return GOLDEN_DIR / f"{name}.json"


def current_text(name: str) -> str:
    return render(summarize(name))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m tests.golden",
        description="Check or regenerate the golden summaries of the preset scenarios.",
    )
    ap.add_argument("presets", nargs="*", help="preset names (default: all)")
    ap.add_argument("--write", action="store_true", help="rewrite the golden files")
    args = ap.parse_args(argv)
    names = args.presets or sim.preset_names()
    changed = 0
    if args.write:
        GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
        for stale in GOLDEN_DIR.glob("*.json"):
            if not args.presets and stale.stem not in names:
                stale.unlink()
                print(f"removed {stale.name} (no such preset)")
    for name in names:
        text = current_text(name)
        path = golden_path(name)
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        if text == old:
            continue
        changed += 1
        if args.write:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
        else:
            sys.stdout.writelines(difflib.unified_diff(
                old.splitlines(keepends=True), text.splitlines(keepends=True),
                f"golden/{name}.json", f"current/{name}.json",
            ))
    if not args.write:
        print(f"{changed} of {len(names)} golden summaries differ" if changed
              else f"all {len(names)} golden summaries match")
        return 1 if changed else 0
    print(f"{changed} of {len(names)} golden summaries rewritten")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
