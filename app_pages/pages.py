"""The dashboard's pages in menu order: one list for the router (``app.py``), the tests and the
benchmark, so a page is added or renamed in one place."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PAGES", "PAGE_PARAMS", "Page"]


@dataclass(frozen=True)
class Page:
    path: str  # page module, relative to app.py (as st.Page and AppTest.switch_page take it)
    title: str  # menu label
    # An emoji, not a ":material/...:" icon: Streamlit makes the page's icon the browser tab's
    # icon, and fetches a Material one from an external font host (an emoji is drawn locally),
    # so a classroom without internet would get failed requests. These are emoji that ordinary
    # text fonts also draw, so a computer without a colour emoji font shows them too.
    icon: str
    url: str  # URL path of the page
    # Link values only this page reads (its own state, not the sidebar's): the sidebar ignores
    # them instead of calling them unknown when a session starts on this page.
    params: tuple[str, ...] = ()


PAGES: tuple[Page, ...] = (
    Page("app_pages/timeline.py", "Timeline", "↘", "timeline"),
    Page("app_pages/body_map.py", "Body map", "⚕", "body-map"),
    Page("app_pages/examination.py", "Examination", "☝", "examination"),
    Page("app_pages/nerve_conduction.py", "Nerve conduction", "⚡", "nerve-conduction"),
    Page("app_pages/emg.py", "EMG & F-waves", "♒", "emg"),
    Page("app_pages/mechanism.py", "Mechanism", "⚙", "mechanism"),
    Page("app_pages/diagnosis.py", "Diagnosis", "☑", "diagnosis"),
    Page("app_pages/compare.py", "Compare", "⚖", "compare"),
    Page("app_pages/mystery.py", "Which disease is it?", "⁉", "mystery",
         ("mystery", "case", "tests", "dx", "tx", "class", "me")),
    Page("app_pages/classroom.py", "Class", "✍", "class", ("class", "lecturer", "me")),
    Page("app_pages/export.py", "Export", "⬇", "export"),
    Page("app_pages/evidence.py", "Evidence", "⚛", "evidence"),
    Page("app_pages/trial.py", "Trial designer", "⚗", "trial-designer"),
)
PAGE_PARAMS = frozenset(k for p in PAGES for k in p.params)
