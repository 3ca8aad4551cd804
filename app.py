"""MMN teaching simulator dashboard (teaching model — not for clinical decisions).

Routing only: the page list is ``app_pages/pages.py`` and each page lives in ``app_pages/``.
Run with ``streamlit run app.py``.
"""

import streamlit as st

from app_pages.pages import PAGES

# Every page in the menu, never "View N more": a student must see where each lesson is.
st.navigation([
    st.Page(p.path, title=p.title, icon=p.icon, url_path=p.url, default=i == 0)
    for i, p in enumerate(PAGES)
], expanded=True).run()
