"""The dashboard's pages in menu order: one list for the router (``app.py``), the tests and the
benchmark, so a page is added or renamed in one place."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PAGES", "Page"]


@dataclass(frozen=True)
class Page:
    path: str  # page module, relative to app.py (as st.Page and AppTest.switch_page take it)
    title: str  # menu label
    icon: str  # Material Symbols name
    url: str  # URL path of the page


PAGES: tuple[Page, ...] = (
    Page("app_pages/timeline.py", "Timeline", "show_chart", "timeline"),
    Page("app_pages/body_map.py", "Body map", "accessibility", "body-map"),
    Page("app_pages/nerve_conduction.py", "Nerve conduction", "electric_bolt", "nerve-conduction"),
    Page("app_pages/diagnosis.py", "Diagnosis", "checklist", "diagnosis"),
    Page("app_pages/compare.py", "Compare", "compare", "compare"),
    Page("app_pages/export.py", "Export", "download", "export"),
    Page("app_pages/evidence.py", "Evidence", "fact_check", "evidence"),
)
