"""Speed of the mechanism view's fibre model and of the Mechanism page answering a day change.

Prints the median of several runs (the first call, which compiles or loads the kernel, is
timed apart). Targets (issue): one 5 ms sweep under 5 ms; a segment's population (100
fibres) under 0.3 s on one core; a day change on the page under 1 s. A benchmark, not a test:
it prints only. Run: ``.venv/bin/python benchmarks/bench_fibre.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def _page_day_changes(days: tuple[int, ...]) -> list[float]:
    """Seconds the Mechanism page takes (server side, AppTest) to answer each day change."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from app_pages import state

    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["scenario"] = "untreated"
    at.run()
    at.switch_page("app_pages/mechanism.py").run()
    out = []
    for day in days:
        at.slider(key=state.W.DAY).set_value(day)
        t0 = time.perf_counter()
        at.run()
        out.append(time.perf_counter() - t0)
        assert not at.exception, at.exception
    return out


def main() -> None:
    sys.path.insert(0, str(ROOT))  # run as a script, the project root is not on the path
    t0 = time.perf_counter()
    from sim.electro.fibre import FibreSpec, NodeDamage, conducts, safety_factor, sweep
    from sim.electro.fibre import population as P

    sweep()
    print(f"first sweep (import + compile or cache load): {time.perf_counter() - t0:.2f} s")
    print(f"one 5 ms sweep, 10 um fibre, healthy: {_median_ms(sweep, 21):.2f} ms (median of 21)")
    damaged = FibreSpec(damage=NodeDamage.from_severity(0.6))
    blocked = FibreSpec(damage=NodeDamage.from_severity(0.9))
    print(f"one 5 ms sweep, damaged lesion: {_median_ms(lambda: sweep(damaged), 21):.2f} ms")
    print(f"'does it conduct?', conducting / blocked fibre: "
          f"{_median_ms(lambda: conducts(damaged), 21):.2f} / "
          f"{_median_ms(lambda: conducts(blocked), 21):.2f} ms (median of 21)")
    t0 = time.perf_counter()
    P.critical_severity(10.0, 36.0)
    P.critical_severity(10.0, 36.0, P.TRAIN_HOLD_NA)
    print(f"critical-severity tables at a new temperature (once per temperature): "
          f"{time.perf_counter() - t0:.2f} s")
    ms = _median_ms(lambda: P.segment_fibres(0.6, 0.4, 0.1, n=100, seed=1), 5)
    print(f"a segment's 100 fibres (60% block in a train, 40% at rest, 10% lost; up to two "
          f"questions per fibre): {ms / 1e3:.3f} s (median of 5)")
    ms = _median_ms(lambda: safety_factor(damaged), 5)
    print(f"safety factor of one lesion (bisection): {ms:.1f} ms")
    days = (400, 800, 1200, 1600, 2000, 2400, 2800)
    times = _page_day_changes(days)
    print(f"Mechanism page, a day change (untreated patient, server side): "
          f"{statistics.median(times):.2f} s median of {len(times)} "
          f"(each: {', '.join(f'{t:.2f}' for t in times)})")


if __name__ == "__main__":
    main()
