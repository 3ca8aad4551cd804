"""MMN teaching simulator dashboard (teaching model — not for clinical decisions).

Routing only: each page lives in app_pages/. Run with ``streamlit run app.py``.
"""

import streamlit as st

PAGES = [
    ("app_pages/timeline.py", "Timeline", "show_chart", "timeline"),
    ("app_pages/body_map.py", "Body map", "accessibility", "body-map"),
    ("app_pages/nerve_conduction.py", "Nerve conduction", "electric_bolt", "nerve-conduction"),
    ("app_pages/diagnosis.py", "Diagnosis", "checklist", "diagnosis"),
    ("app_pages/compare.py", "Compare", "compare", "compare"),
    ("app_pages/export.py", "Export", "download", "export"),
]
st.navigation([
    st.Page(path, title=title, icon=f":material/{icon}:", url_path=url, default=i == 0)
    for i, (path, title, icon, url) in enumerate(PAGES)
]).run()
