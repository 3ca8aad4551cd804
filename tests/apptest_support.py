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
    """st.cache_data is process-wide, and so is the session state of a test calling the state
    module directly (no AppTest): every app test starts and ends with both empty."""
    st.cache_data.clear()
    st.session_state.pop(state.STATE_KEY, None)
    yield
    st.cache_data.clear()
    st.session_state.pop(state.STATE_KEY, None)


def new_app(**query: str) -> AppTest:
    """The dashboard opened at a link with these query values."""
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    return at
