"""Figure builders: pure functions, tables in, plotly figures out (sim.figures)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import sim
from sim import figures as F


@pytest.fixture(scope="module")
def run():
    return sim.simulate(sim.load_scenario("ivig-maintenance"), seed=7)


def _trace_names(fig):
    return [t.name for t in fig.data]


def test_import_sim_pulls_in_no_ui():
    import subprocess

    # ``import sim`` loads its names on first use: load them all, and the command line
    code = ("import sys, sim, sim.cli; from sim import *; "
            "print('plotly' in sys.modules, 'streamlit' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_grip_figure_has_both_hands_threshold_and_cursor(run):
    c = run.tables["clinical"]
    fig = F.grip_figure(c, day=800, healthy_grip_kg=45)
    assert _trace_names(fig) == ["left hand", "right hand"]
    # left and right differ by colour and by dash (colour-blind safe)
    left, right = fig.data
    assert left.line.color != right.line.color and left.line.dash != right.line.dash
    texts = [a.text for a in fig.layout.annotations]
    assert any("drops objects below 16 kg" in t for t in texts)  # 35% of a 45 kg healthy grip
    xs = [s.x0 for s in fig.layout.shapes if s.x0 == s.x1 and s.xref == "x"]
    assert pytest.approx(800 / F.YEAR) in xs
    assert np.allclose(np.asarray(left.y, float), c["grip_left_kg"].to_numpy())


def test_charts_carry_aggregates_not_raw_points(run):
    c = run.tables["clinical"]
    long = c.loc[c.index.repeat(20)].assign(day=np.arange(len(c) * 20, dtype=float))
    fig = F.grip_figure(long)
    assert len(fig.data[0].x) <= 600
    regions = F.region_strength_table(run.tables["muscles"])
    assert set(regions["region"]) <= set(F.REGION_ORDER)
    assert len(regions) <= 600 * 2 * len(F.REGION_ORDER)


def test_strength_figure_one_panel_per_region(run):
    regions = F.region_strength_table(run.tables["muscles"])
    fig = F.strength_figure(regions, day=100)
    n = regions["region"].nunique()
    assert len(fig.data) == 2 * n
    assert all(0 <= y <= 100 for t in fig.data for y in t.y)


def test_igg_figure_marks_courses_not_every_infusion_day(run):
    ev = run.tables["events"]
    fig = F.igg_figure(run.tables["clinical"], ev, day=900)
    doses = next(t for t in fig.data if t.name == "IVIg/SCIg course")
    n_days = int((ev["event"] == "ivig_dose").sum())
    assert 0 < len(doses.x) < n_days
    assert len(F.course_starts(ev)) == len(doses.x)


def test_events_table_and_figure(run):
    tab = F.events_table(run.tables["events"])
    assert {"day", "row", "side", "what"} <= set(tab.columns)
    assert (tab["row"] == "new lesion").any()
    fig = F.events_figure(tab, day=10, end_day=2000)
    assert len(fig.data) >= 2


def test_body_map_covers_every_segment_and_names_it_on_hover(run):
    day = 1500
    rec = run.snapshot(day).day
    t = run.tables
    sites = t["sites"][t["sites"]["day"] == rec]
    muscles = t["muscles"][t["muscles"]["day"] == rec]
    segs = F.body_map_table(sites, muscles)
    n_sites = sum(len(n.segments) for n in sim.anatomy.ANATOMY.nerves) * 2
    assert len(segs) == n_sites
    assert (segs["block"] > 0).any()
    fig = F.body_map_figure(segs, muscles, day)
    seg_traces = [tr for tr in fig.data if tr.hovertext and "segment" in tr.hovertext[0]]
    assert len(seg_traces) == 2 * n_sites  # block panel and axonal-loss panel
    hit = segs[segs["block"] > 0].iloc[0]
    assert any(f"{hit.side} {hit.nerve}" in tr.hovertext[0] for tr in seg_traces)


def test_ncs_traces_stack_one_row_per_point(run):
    waves = run.ncs_waveforms(1500, "ulnar", "right")
    study = run.ncs(1500, nerves=["ulnar"], sides=["right"])
    motor = study[study["kind"] == "motor"]
    fig = F.ncs_traces_figure(waves, motor, "mV", "t")
    assert len(fig.data) == len(waves) == len(motor)
    assert [t.name for t in fig.data] == list(waves)
    assert all("<b>" in a.text for a in fig.layout.annotations)


def test_compare_figure_styles_each_plan(run):
    c = run.tables["clinical"]
    fig = F.compare_figure({"a": c, "b": c, "c": c}, "mrc_sum", "MRC", "x", (10, "key"))
    styles = {(t.line.color, t.line.dash) for t in fig.data}
    assert len(styles) == 3
    assert len({t.line.dash for t in fig.data}) == 3


def test_every_figure_is_valid_plotly(run):
    """The builders skip plotly's validation for speed, so validate their output here."""
    import plotly.graph_objects as go

    t = run.tables
    day = 1500
    rec = run.snapshot(day).day
    muscles = t["muscles"][t["muscles"]["day"] == rec]
    segs = F.body_map_table(t["sites"][t["sites"]["day"] == rec], muscles)
    study = run.ncs(day, nerves=["median"], sides=["left"])
    figs = [
        F.strength_figure(F.region_strength_table(t["muscles"]), day),
        F.grip_figure(t["clinical"], day, healthy_grip_kg=40),
        F.igg_figure(t["clinical"], t["events"], day),
        F.events_figure(F.events_table(t["events"]), day, 2000),
        F.body_map_figure(segs, muscles, day),
        F.ncs_traces_figure(run.ncs_waveforms(day, "median", "left"),
                            study[study["kind"] == "motor"]),
        F.compare_figure({"a": t["clinical"]}, "mrc_sum", "MRC", "t", (150, "x")),
    ]
    for fig in figs:
        go.Figure(fig.to_dict())  # raises ValueError on any invalid property


def test_exam_body_figure_marks_weakness_wasting_reflexes_and_sensation():
    from sim import exam as E
    from sim.anatomy import ANATOMY
    from sim.diseases.mmn import DISEASE
    from sim.sites import SiteSnapshot

    loss = np.zeros(ANATOMY.n_sites)
    loss[ANATOMY.site_index[("right", "ulnar", "forearm")]] = 0.9
    ex = E.examine(SiteSnapshot(1.0, np.zeros_like(loss), loss, loss), DISEASE, 1.0)
    ex.loc[(ex["side"] == "left") & (ex["finding"] == "sensation_pain")
           & (ex["site"] == "leg"), "value"] = "reduced"
    fig = F.exam_body_figure(ex, "Examination")
    muscles = next(t for t in fig.data if t.name == "muscle (MRC)")
    assert len(muscles.x) == ANATOMY.n_muscles
    fdi = next(k for k, t in enumerate(muscles.hovertext) if t.startswith("<b>right FDI"))
    assert muscles.x[fdi] < 0 and "wasting marked" in muscles.hovertext[fdi]  # right on left
    rings = next(t for t in fig.data if t.name == "marked wasting (ring)")
    assert "right FDI: marked wasting" in rings.hovertext
    reflexes = next(t for t in fig.data if t.name == "reflexes (0-4+)")
    assert "2+" in reflexes.text and "plantar ↓" in reflexes.text
    leg = next(t for t in fig.data if t.name == "left leg")
    assert "pain reduced" in leg.hovertext[0] and leg.line.color == F.OKABE_ITO["sky_blue"]


def test_emg_figures_and_the_journey_marks(run):
    emg = run.emg(2000)
    row = emg.iloc[0]
    trace = F.emg_trace_figure(row, "EMG")
    assert [t.name for t in trace.data] == ["at rest", "on effort"]
    grid = F.emg_grid_figure(emg)
    assert np.asarray(grid.data[0].z).shape == (20, 2)
    j = run.journey()
    marks = {"first symptom": j.first_symptom, "diagnosis": j.diagnosis}
    fig = F.grip_figure(run.tables["clinical"], journey=marks)
    texts = [a.text for a in fig.layout.annotations]
    assert "first symptom" in texts and "diagnosis" in texts
    ev = F.events_table(run.tables["events"])
    strip = F.events_figure(ev)
    star = next(t for t in strip.data if t.name == "diagnostic journey")
    assert list(ev.loc[ev["label"] != "", "label"]) == ["first symptom", "first consultation",
                                                         "diagnosis"]
    shown = " · ".join(t for t in star.text if t)
    assert shown.split(" · ") == ["first symptom", "first consultation", "diagnosis"]


def test_journey_labels_of_events_days_apart_share_one_label_and_far_ones_keep_their_own():
    names = ["first symptom", "first consultation", "diagnosis"]
    ten_years = 3652.5
    # consultation and diagnosis 5 days apart, years after the first symptom: one label
    assert F.journey_labels([0.0, 1500.0, 1505.0], names, ten_years) == [
        "first symptom", "first consultation · diagnosis", ""]
    # all three a few weeks apart in a ten-year run: one label on the first star
    assert F.journey_labels([0.0, 20.0, 40.0], names, ten_years) == [
        "first symptom · first consultation · diagnosis", "", ""]
    # years apart: each its own
    assert F.journey_labels([0.0, 1200.0, 2400.0], names, ten_years) == names
    # the same gaps on a one-year strip are wide enough to keep the labels apart
    assert F.journey_labels([0.0, 120.0, 240.0], names, 365.25) == names


def test_timeline_charts_share_one_time_axis_and_the_grip_chart_marks_courses(run):
    """Grip, serum IgG and the events strip line up on the page (one left margin, one x range
    to the run's last day), and the grip chart carries the same course markers as the IgG
    chart, so a question about grip weeks into a course has the course to look at."""
    c, ev = run.tables["clinical"], run.tables["events"]
    end = float(c["day"].max())
    figs = [F.grip_figure(c, 800, 45, events=ev, end_day=end),
            F.igg_figure(c, ev, 800, end_day=end),
            F.events_figure(F.events_table(ev), 800, end)]
    assert len({f.layout.margin.l for f in figs}) == 1
    assert len({f.layout.margin.r for f in figs}) == 1
    ranges = {tuple(f.layout.xaxis.range) for f in figs}
    assert len(ranges) == 1 and ranges.pop()[1] >= end / F.YEAR
    grip_courses = [t for t in figs[0].data if t.name and t.name.endswith("course")]
    igg_courses = [t for t in figs[1].data if t.name and t.name.endswith("course")]
    assert grip_courses and list(grip_courses[0].x) == list(igg_courses[0].x)
    assert "course" not in " ".join(_trace_names(F.grip_figure(c, 800, 45)))


def test_ivig_effect_axis_has_round_ticks_and_steroids_are_shaded_on_grip():
    r = sim.simulate(sim.load_scenario("prednisolone"), seed=1)
    c, ev = r.tables["clinical"], r.tables["events"]
    igg = F.igg_figure(c, ev)
    assert list(igg.layout.yaxis2.tickvals) == [0, 0.25, 0.5, 0.75, 1]
    grip = F.grip_figure(c, events=ev)
    rects = [s for s in grip.layout.shapes if s.type == "rect"]
    assert rects and any(a.text == "prednisolone" for a in grip.layout.annotations)
    start = float(ev.loc[ev["event"].str.contains("steroid|prednisolone"), "day"].min())
    assert rects[0].x0 == pytest.approx(start / F.YEAR)


def test_strength_legend_sits_above_the_panel_titles(run):
    fig = F.strength_figure(F.region_strength_table(run.tables["muscles"]), day=100)
    titles = [a for a in fig.layout.annotations if a.text.startswith("<b>")]
    assert fig.layout.legend.y > 1.1 and all(a.y == 1.0 for a in titles)


def test_chart_descriptions_follow_the_day(run):
    """The sentence under each timeline chart reads the model state of the chosen day: the
    weaker hand and its fall from the best since the last dose (wear-off), IgG, the weakest
    region, and the events so far."""
    c, ev = run.tables["clinical"], run.tables["events"]
    healthy = float(c[["grip_left_kg", "grip_right_kg"]].iloc[0].max())
    doses = F.course_starts(ev)["day"].to_numpy()
    due = float(doses[doses > 1200][0])  # a maintenance dose: the day before it is a trough
    text = F.describe_grip(c, due - 1, healthy, ev)
    row = c[c["day"] <= due - 1].iloc[-1]
    side = "left" if row["grip_left_kg"] < row["grip_right_kg"] else "right"
    assert text.startswith(f"Day {int(row['day'])}: the weaker hand ({side}) grips "
                           f"{row[f'grip_{side}_kg']:.1f} kg")
    assert "below its best" in text and "since the last course dose" in text
    early = F.describe_grip(c, 100, healthy, ev)
    assert "course dose" not in early  # before the first course
    assert F.describe_igg(c, 100) != F.describe_igg(c, due - 1)
    regions = F.region_strength_table(run.tables["muscles"])
    assert F.describe_strength(regions, 2000).startswith("Day ")
    table = F.events_table(ev)
    late, first = F.describe_events(table, 2190), F.describe_events(table, 0)
    n = int(((table["row"] == "new lesion") & (table["day"] <= 2190)).sum())
    lost = int(((table["row"] == "milestone lost") & (table["day"] <= 2190)).sum())
    assert f"{n} new lesions" in late and late != first
    assert f"{lost} milestones lost" in late and "no milestones lost" in first


# --- class mode --------------------------------------------------------------------------------


def test_class_answers_chart_marks_the_simulation_and_the_students_own_answer():
    options = ("higher", "about the same", "lower")
    fig = F.answers_figure("change", options, {"higher": 3, "lower": 5}, (), truth="lower",
                           mine="higher")
    bars, own = fig.data
    assert list(bars.x) == list(options) and list(bars.y) == [3, 0, 5]
    colours = list(bars.marker.color)
    assert colours[2] != colours[0] == colours[1]  # only the simulation's answer is green
    assert list(bars.marker.pattern.shape)[2] == "" and list(bars.marker.pattern.shape)[0]
    assert list(own.x) == ["higher"] and own.name == "your answer"
    hidden = F.answers_figure("change", options, {"higher": 3}, ())
    assert len(set(hidden.data[0].marker.color)) == 1 and len(hidden.data) == 1


def test_class_answers_of_a_number_are_binned_over_the_allowed_range():
    rows = F.answers_table("number", (), {}, (10, 12, 55, 60, -3), 0, 60)
    assert len(rows) == 10 and sum(n for _, n in rows) == 5
    assert rows[0] == ("0-6", 1) and rows[-1] == ("54-60", 2)  # clipped into the range
    fig = F.answers_figure("number", (), {}, (10, 12), truth=11, mine=12, low=0, high=60,
                           unit="kg")
    assert fig.layout.xaxis.title.text == "answer (kg)"
    assert list(fig.data[1].x) == ["12-18"]


def test_class_reveal_chart_draws_the_measure_and_the_prediction():
    days = np.arange(0, 730, 7.0)
    fig = F.reveal_figure(days, 30 - days / 100, "grip of the weaker hand", "kg", day=400,
                          from_day=300, mine=25.0)
    line, mine = fig.data
    assert mine.name == "your prediction" and mine.x[0] == 400 and mine.y[0] == 25.0
    assert min(line.x) >= 300 - 150 and max(line.x) <= 400 + 150  # zoomed on the question
    assert fig.layout.xaxis.title.text == "days from onset" and len(fig.layout.shapes) == 2
    decade = F.reveal_figure(np.arange(0, 3653, 7.0), np.zeros(522), "MRC sum score",
                             "points", day=3652, from_day=365)
    assert decade.layout.xaxis.title.text == "years from onset"
    words = F.reveal_figure(days, 30 - days / 100, "grip", "kg", day=400, mine="lower")
    assert len(words.data) == 1
    assert any("your prediction: lower" in a.text for a in words.layout.annotations)
