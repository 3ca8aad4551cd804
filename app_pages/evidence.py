"""Evidence: every published target, the model's value with its interval, and its colour.

The page shows the validation report shipped with the package (``make validate`` writes it),
not a live run: measuring every target needs a few hundred patients per reference cohort and
minutes of computing, while a small live run would be too noisy to judge by. The report's
date, commit and size are shown, and a warning appears when the model's code has changed
since it was computed.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import state, tables
from sim.figures import validation as VF
from sim.references import markdown as references_markdown
from sim.validation import REFERENCE, STATUSES, Report, load, model_fingerprint
from sim.validation.render import (
    LEGEND,
    PLOTS,
    ci_text,
    cited_keys,
    meta_text,
    summary_text,
    value_text,
)
from sim.validation.report import Result
from sim.validation.targets import WORKING

state.page_setup("Evidence: how far to trust the model")


@st.cache_data(show_spinner=False, max_entries=2)
def _report(mtime: float) -> tuple[dict, str]:
    """The shipped report as JSON-ready data, and the current model's fingerprint."""
    return load(REFERENCE).to_dict(), model_fingerprint()


def _table(results: list[Result], shown: list[str]) -> pd.DataFrame:
    """One row per target, status first so the colour is seen without scrolling."""
    rows = [{"status": r.status, "target": r.target.title, "model": value_text(r),
             "95% CI": ci_text(r), "published": r.target.range_text,
             "source": r.target.source, "n": r.measurement.n,
             "note": "; ".join(x for x in (r.measurement.detail, r.measurement.reason) if x),
             "group": r.target.group, "id": r.target.id}
            for r in results if r.status in shown]
    return pd.DataFrame(rows, columns=["status", "target", "model", "95% CI", "published",
                                       "source", "n", "note", "group", "id"])


def _colour(status: str) -> str:
    return f"background-color: {VF.STATUS_COLOURS.get(status, '#ffffff')}; color: white"


st.markdown(
    "Each row is a published finding about MMN, the range the literature gives, and what the "
    "model's virtual patients show when measured the way the study measured it. Use it to "
    "show a class which parts of the simulator to trust and which to question. Only published "
    "targets count in the summary; the model's own working values (approx.) are listed apart "
    "at the end and are not evidence."
)
if not REFERENCE.is_file():
    st.info("No validation report is shipped with this copy of the simulator. Run "
            "`make validate` (or `mmn-sim validate`) to compute one.")
    st.stop()
data, fingerprint = _report(REFERENCE.stat().st_mtime)
report = Report.from_dict(data)
st.caption(f"Report: {meta_text(report)} Written by `make validate`.")
if report.provenance.get("model_fingerprint") != fingerprint:
    st.warning("The model's code has changed since this report was computed, so these numbers "
               "describe the earlier model. Run `make validate` to bring them up to date.",
               icon="⚠")
counts = report.counts()
for col, s in zip(st.columns(len(STATUSES)), STATUSES, strict=True):
    col.metric(s, counts[s], border=True)
st.markdown(f"**{summary_text(report)}.** {LEGEND}")
shown = st.multiselect("Show targets with status", list(STATUSES),
                       key=state.keep("evidence_status", default=lambda: list(STATUSES)),
                       help="Filter the table by colour, e.g. only the red targets.")
for results, key, heading in ((report.published(), "evidence_table", None),
                              (report.working(), "evidence_working", WORKING)):
    table = _table(results, shown)
    if heading is not None:
        st.subheader(heading)
        st.caption("Ranges chosen for this model where no paper gives a number: they describe "
                   "the model's behaviour and are not counted as agreement with the literature.")
    tables.show(table.style.map(_colour, subset=["status"]), key=key,
                 hide_index=True, height=min(35 * (len(table) + 1) + 3, 900),
                 column_config={"note": st.column_config.TextColumn(width="large")})

st.subheader("Plots")
for target_id, builder, title in PLOTS:
    curve = report.curve(target_id)
    if curve is None:
        st.info(f"{title}: no data ({target_id} was not measured).")
        continue
    table_fn = getattr(VF, builder.replace("_figure", "_table"))
    state.chart(getattr(VF, builder)(curve), f"evidence_{builder}", table_fn(curve), title)

with st.expander("How each target is measured"):
    st.markdown("\n".join(f"- **{r.target.title}** (`{r.target.id}`): {r.target.how} "
                          f"Reference cohort: {', '.join(r.target.cohorts) or 'see text'}."
                          for r in report.results))
with st.expander("References: the full citation of every source in the table"):
    st.markdown(references_markdown(cited_keys([r.target.source for r in report.results]))
                or "No source of these targets is in the bibliography.")
with st.expander("Reference cohorts (how to reproduce them)"):
    tables.show(pd.DataFrame(report.cohorts, columns=["cohort", "scenario and patients"]),
                 key="evidence_cohorts", hide_index=True)
