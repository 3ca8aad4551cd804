"""How much of a validation target is the model and how much is the draw: targets over seeds.

The validation report is one population (``--n`` patients of seed 1). A target near the edge of
its range can be red on that population and green on the next, so a parameter change should be
judged on several populations, not tuned to one. This script runs only the reference cohorts
of the chosen target groups (``ivig``, ``withdrawal``, ``dose``) for each seed and prints one
row per seed and the mean. ``--set`` tries MMN parameters without editing the code, e.g.
``--set lesions.axonal_loss_per_year=0.2 --set population.p_ivig_responder=0.8``
(``population.``, ``lesions.`` or ``response.`` fields of the MMN disease). Teaching model -
not for clinical decisions. A calibration aid, not a test: it prints only.

    .venv/bin/python benchmarks/calibration_seeds.py [--n 300] [--seeds 1 2 3 4]
        [--groups ivig withdrawal dose] [--set FIELD=VALUE ...]
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures as cf
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHOWN = {
    "ivig": ("ivig.responders", "ivig.grip_gain", "ivig.half_day", "ivig.block_change",
             "ivig.definite_to_none"),
    "withdrawal": ("withdrawal.grip_stopped", "withdrawal.rescue_stopped"),
    "dose": ("dose.swing_4w", "dose.share_1_6"),
}


def _apply(sets: dict[str, Any]) -> None:
    """Replace the registered MMN by one with the given fields changed (this process only)."""
    from sim import diseases

    parts: dict[str, dict[str, Any]] = {"population": {}, "lesions": {}, "response": {}}
    for key, value in sets.items():
        part, _, name = key.partition(".")
        if part not in parts or not name:
            raise SystemExit(f"--set {key}: use population.FIELD, lesions.FIELD or "
                             "response.FIELD")
        parts[part][name] = value
    base = diseases.get("mmn")
    diseases.register(replace(
        base, population=replace(base.population, **parts["population"]),
        lesions=replace(base.lesions, **parts["lesions"]),
        response=replace(base.response, **parts["response"])))


def _one(seed: int, n: int, groups: tuple[str, ...], sets: dict[str, Any]) -> dict[str, Any]:
    """The shown targets of one population (run in its own process)."""
    _apply(sets)
    from sim.validation import dose, ivig, withdrawal
    from sim.validation.traces import Cohorts

    data = Cohorts(n, seed)
    out: dict[str, Any] = {}
    if "ivig" in groups:
        out.update(ivig.measure(data))
    if "withdrawal" in groups:
        out.update(withdrawal.measure(data))
    if "dose" in groups:
        out.update(dose._swings(data))
        out.update(dose._dose_response(data))
    return {k: m.value for k, m in out.items()}


def _value(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4])
    ap.add_argument("--groups", nargs="+", choices=tuple(SHOWN), default=list(SHOWN))
    ap.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    sets = {}
    for item in args.set:
        key, eq, value = item.partition("=")
        if not eq:
            raise SystemExit(f"--set {item!r}: write FIELD=VALUE")
        sets[key] = _value(value)
    groups = tuple(args.groups)
    keys = [k for g in groups for k in SHOWN[g]]
    with cf.ProcessPoolExecutor(max_workers=args.jobs) as pool:
        rows = list(pool.map(_one, args.seeds, [args.n] * len(args.seeds),
                             [groups] * len(args.seeds), [sets] * len(args.seeds)))
    print(f"n = {args.n}; " + (", ".join(f"{k} = {v}" for k, v in sets.items()) or "defaults"))
    print(f"{'seed':>6}" + "".join(f"{k.split('.', 1)[1]:>17}" for k in keys))
    for seed, row in zip(args.seeds, rows, strict=True):
        print(f"{seed:>6}" + "".join(
            f"{row[k]:>17.1f}" if row.get(k) is not None else f"{'-':>17}" for k in keys))
    means = []
    for k in keys:
        vals = [r[k] for r in rows if r.get(k) is not None]
        means.append(sum(vals) / len(vals) if vals else None)
    print(f"{'mean':>6}" + "".join(f"{m:>17.1f}" if m is not None else f"{'-':>17}"
                                   for m in means))


if __name__ == "__main__":
    main()
