"""MMN teaching simulator dashboard (teaching model — not for clinical decisions).

Routing only: each page lives in app_pages/. Run with ``streamlit run app.py``.
"""

import streamlit as st

pages = [
    st.Page("app_pages/timeline.py", title="Timeline", icon="📈", url_path="timeline",
            default=True),
    st.Page("app_pages/body_map.py", title="Body map", icon="🧍", url_path="body-map"),
    st.Page("app_pages/nerve_conduction.py", title="Nerve conduction", icon="⚡",
            url_path="nerve-conduction"),
    st.Page("app_pages/diagnosis.py", title="Diagnosis", icon="✅", url_path="diagnosis"),
    st.Page("app_pages/compare.py", title="Compare", icon="⚖️", url_path="compare"),
    st.Page("app_pages/export.py", title="Export", icon="💾", url_path="export"),
]
st.navigation(pages).run()
