"""The Mechanism page: a segment's fibres tied to the patient's block, opened from the Nerve
conduction page, changing with the day, the temperature and effort."""

from __future__ import annotations

import pytest

from app_pages import state
from sim import figures as F
from sim.electro.fibre import FibreSpec, NodeDamage, sweep
from tests.apptest_support import new_app

pytestmark = pytest.mark.slow


def _metric(at, start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(start))


def test_the_page_shows_the_segment_block_and_the_simulated_share_failing():
    at = new_app()
    at.run()
    at.switch_page("app_pages/mechanism.py").run()
    assert not at.exception
    block = float(_metric(at, "NCS block at rest").rstrip("%"))
    failing = float(_metric(at, "Fibres failing").rstrip("%"))
    assert abs(block - failing) <= 5
    assert any("safety factor" in s.value for s in at.subheader)
    assert any("teaching model" in c.value.lower() for c in at.caption)


def test_the_nerve_conduction_page_opens_the_chosen_segment():
    at = new_app()
    at.run()
    at.switch_page("app_pages/nerve_conduction.py").run()
    box = at.selectbox(key=state.key("ncs_mechanism_segment"))
    chosen = box.options[-1]
    box.set_value(chosen).run()
    at.button(key=state.key("ncs_open_mechanism")).click().run()
    assert not at.exception
    assert at.selectbox(key=state.key("mech_segment")).value == chosen


def test_effort_blocks_more_fibres_than_rest():
    at = new_app()
    at.run()
    at.switch_page("app_pages/mechanism.py").run()
    rest = float(_metric(at, "Fibres failing").rstrip("%"))
    at.toggle(key=state.key("mech_train")).set_value(True).run()
    after = float(_metric(at, "Fibres failing").rstrip("%"))
    assert after >= rest


def test_fibre_figure_has_one_heat_map_per_fibre_and_marks_the_lesion():
    healthy = sweep(FibreSpec())
    damaged = sweep(FibreSpec(damage=NodeDamage(sodium_loss=0.95)))
    fig = F.fibre_figure(healthy.time_ms, healthy.node_position_mm,
                         [("healthy", healthy.node_mv), ("damaged", damaged.node_mv)],
                         (4.0, 9.0))
    assert [t.type for t in fig.data] == ["heatmap", "heatmap"]
    assert len(fig.layout.shapes) == 4
    table = F.fibre_table(healthy.node_position_mm,
                          [healthy.arrivals_ms[0], damaged.arrivals_ms[0]], ["h", "d"])
    assert table["h_arrival_ms"].notna().all() and table["d_arrival_ms"].isna().iloc[-1]


def test_population_figure_counts_each_status_in_its_legend():
    import numpy as np

    table = F.population_table(np.array([10.0, 12.0, 14.0]), np.array([0.1, 0.72, 0.9]),
                               np.array([0, 1, 2]))
    fig = F.population_figure(table)
    assert [t.name for t in fig.data] == ["conducts (1)", "fails only in a train (1)",
                                          "fails at rest (1)"]


def _shares(at) -> tuple[float, float, float]:
    """Block at rest, fibres failing and axons lost, in percent."""
    return tuple(float(_metric(at, name).rstrip("%"))
                 for name in ("NCS block at rest", "Fibres failing", "Axons lost here"))


def test_moving_the_day_and_turning_on_ivig_change_the_fibres_that_fail():
    at = new_app(scenario="untreated", day="200")
    at.run()
    at.switch_page("app_pages/mechanism.py").run()
    early = _shares(at)
    at.slider(key=state.W.DAY).set_value(2400).run()
    late = _shares(at)
    assert not at.exception
    # Untreated, the segment's attacked axons degenerate over the years: fewer fibres are
    # left to block, more are lost.
    assert late[2] > early[2] + 20 and late[:2] != early[:2]
    ivig = next(w for w in (*at.toggle, *at.checkbox) if w.key == state.W.PARAM["ivig"])
    ivig.set_value(True).run()
    treated = _shares(at)
    assert not at.exception
    # On IVIg from year 2 (the default start) the same segment on the same day has less
    # damage, blocked or lost.
    assert treated[0] + treated[2] < late[0] + late[2]
    for block, failing, _ in (early, late, treated):
        assert abs(block - failing) <= 5


def test_cooling_the_segment_lets_some_of_its_failing_fibres_conduct():
    at = new_app(scenario="blocked-nerve-mechanism")
    at.run()
    at.switch_page("app_pages/mechanism.py").run()
    warm = _shares(at)
    at.slider(key=state.key("mech_temperature")).set_value(27.0).run()
    cold = _shares(at)
    assert not at.exception
    # The same fibres, cooled: the block in the patient model is unchanged, fewer fibres fail.
    assert cold[0] == warm[0] and cold[1] < warm[1] - 10
    assert any(f"{cold[1]:.0f}% fail, against {warm[1]:.0f}% at 37 °C" in c.value
               for c in at.caption)


def test_a_lesson_on_the_mechanism_page_is_predicted_there_and_linked_from_the_timeline():
    at = new_app(scenario="blocked-nerve-mechanism")
    at.run()
    assert not at.exception
    assert not any(e.label.startswith("Before you look") for e in at.expander)
    links = [p for p in at.get("page_link") if "Mechanism page" in p.proto.label]
    assert links and links[0].proto.page == "mechanism"
    at.switch_page("app_pages/mechanism.py").run()
    panel = next(e for e in at.expander if e.label.startswith("Before you look"))
    assert any("Predict:" in m.value for m in panel.markdown)


def test_a_timeline_lesson_keeps_its_panel_on_the_timeline_only():
    at = new_app(scenario="first-ivig-course")
    at.run()
    assert any(e.label.startswith("Before you look") for e in at.expander)
    at.switch_page("app_pages/mechanism.py").run()
    assert not any(e.label.startswith("Before you look") for e in at.expander)


def test_the_profile_figure_shows_each_fibre_at_the_chosen_instant():
    import numpy as np

    healthy = sweep(FibreSpec())
    damaged = sweep(FibreSpec(damage=NodeDamage(sodium_loss=0.95)))
    pos = healthy.node_position_mm
    fig = F.fibre_profile_figure(healthy.time_ms, pos, [("healthy", healthy.node_mv),
                                                        ("damaged", damaged.node_mv)],
                                 (float(pos[8]), float(pos[12])), 0.6)
    k = int(np.searchsorted(healthy.time_ms, 0.6))
    assert [t.name for t in fig.data] == ["healthy", "damaged"]
    np.testing.assert_allclose(fig.data[0].y, healthy.node_mv[k])
    assert "at 0.60 ms" in fig.layout.title.text
    assert len(fig.layout.shapes) == 1  # the lesion


def test_the_time_slider_steps_the_impulse_along_the_fibre():
    at = new_app(scenario="blocked-nerve-mechanism")
    at.run()
    at.switch_page("app_pages/mechanism.py").run()

    def sentence() -> str:
        return next(c.value for c in at.caption if c.value.startswith("At ") and "ms the" in
                    c.value)

    import re

    at.slider(key=state.key("mech_time")).set_value(0.25).run()
    early = sentence()
    assert early.startswith("At 0.25 ms")
    # The blocked example fibre: a moment after the healthy impulse has crossed the lesion,
    # the healthy fibre fires beyond it and the damaged one nowhere beyond it.
    for t in (0.45, 0.5, 0.55, 0.6, 0.65):
        at.slider(key=state.key("mech_time")).set_value(t).run()
        text = sentence()
        lesion_end = float(re.search(r"lesion [\d.]+-([\d.]+) mm", text).group(1))
        healthy = re.search(r"healthy fibre is firing at [\d.]+-([\d.]+) mm", text)
        if healthy and float(healthy.group(1)) > lesion_end:
            damaged = re.search(r"damaged one is firing at [\d.]+-([\d.]+) mm", text)
            assert damaged is None or float(damaged.group(1)) <= lesion_end, text
            break
    else:
        raise AssertionError(f"the healthy impulse never passed the lesion: {text}")
    assert not at.exception
