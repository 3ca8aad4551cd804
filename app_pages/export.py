"""Export: the current run as CSV or Parquet (zip with manifest), the settings as TOML; upload."""

from __future__ import annotations

import streamlit as st

from app_pages import state
from app_pages.text import plain
from sim import DISCLAIMER as SIM_DISCLAIMER
from sim import Scenario, export

ctx = state.page_setup("Export and import")
run = ctx.run
NOTE = SIM_DISCLAIMER  # "Teaching model of MMN - not for clinical decisions."


@st.cache_data(max_entries=8, show_spinner=False, hash_funcs={Scenario: hash})
def zipped(scenario: Scenario, seed: int, fmt: str) -> bytes:
    """The download of one run (tables, manifest, settings), cached per scenario and seed."""
    return export.zip_bytes(state.simulate(scenario, seed), fmt, scenario_toml=scenario.to_toml())


toml_text = ctx.scenario.to_toml()
slug = (ctx.preset if ctx.preset != state.S.UPLOADED else "uploaded") + f"-seed{ctx.seed}"
st.subheader("Download this run")
st.caption(f"Every download carries the note: {NOTE}")
c1, c2, c3 = st.columns(3)
c1.download_button("Tables as CSV (zip)", zipped(ctx.scenario, ctx.seed, "csv"),
                   file_name=f"mmn-{slug}-csv.zip", mime="application/zip", key=state.key("dl_csv"),
                   help="patients, sites, muscles, clinical, events + manifest.json")
c2.download_button("Tables as Parquet (zip)", zipped(ctx.scenario, ctx.seed, "parquet"),
                   file_name=f"mmn-{slug}-parquet.zip", mime="application/zip",
                   key=state.key("dl_parquet"),
                   help="Typed tables with the manifest in their metadata.")
c3.download_button("Settings as scenario TOML", f"# {NOTE}\n{toml_text}",
                   file_name=f"mmn-{slug}.toml", mime="application/toml", key=state.key("dl_toml"),
                   help="The current settings as a scenario file you can edit and upload.")
rows = {n: len(df) for n, df in run.tables.items()}
st.markdown("Tables: " + ", ".join(f"`{n}` ({k} rows)" for n, k in rows.items()))
with st.expander("Scenario TOML of the current settings"):
    st.code(toml_text, language="toml")

st.subheader("Open a scenario file")


UPLOAD = state.key("upload")


def _on_upload() -> None:
    f = st.session_state.get(UPLOAD)
    app = state.current()
    if f is None:
        app.upload_outcome = None
        return
    err = state.accept_upload(f.getvalue(), f.name)
    app.upload_outcome = ("error", err) if err else ("ok", f.name)


st.file_uploader(
    f"Scenario TOML (at most {state.MAX_UPLOAD_BYTES // 1024} KB)", type=["toml"],
    key=UPLOAD, on_change=_on_upload,
    help="A scenario file like those in scenarios/; it is checked against the schema.",
)
outcome = state.current().upload_outcome
if outcome and outcome[0] == "error":
    st.error(plain(outcome[1]))
elif outcome:
    st.success(f"Loaded {plain(outcome[1])}: it is now the current scenario "
               "(see the sidebar). A link cannot carry an uploaded file; share the TOML.")
