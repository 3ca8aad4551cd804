"""What the AppTest modules share: the app's path, a fresh AppTest at a link, a clean cache."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from app_pages import state

__all__ = ["APP", "UPLOAD", "clear_cache", "new_app"]

APP = str(Path(__file__).resolve().parent.parent / "app.py")
UPLOAD = state.key("upload")  # the export page's file uploader


@pytest.fixture(autouse=True)
def clear_cache():
    """st.cache_data is process-wide: every app test starts and ends with it empty."""
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def new_app(**query: str) -> AppTest:
    """The dashboard opened at a link with these query values."""
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    return at
