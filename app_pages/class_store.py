"""The class-mode store one server process shares between its pages (the Class page and the
"Which disease is it?" page, which reports a class's case to it)."""

from __future__ import annotations

import streamlit as st

from sim.classroom import Classroom

__all__ = ["class_room", "CLASS_LINK_KEYS"]

# A student's link values on the Class page, kept on the case page while they work on the
# class's case: the class code and the student's own key.
CLASS_LINK_KEYS = ("class", "me")


@st.cache_resource(show_spinner=False)
def class_room() -> Classroom:
    """One Classroom (one connection pool) per server process."""
    return Classroom()
