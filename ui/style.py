"""Our own CSS for answer text, [n] markers and sources; kept in style.css so a designer
can change it without touching Python."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

CSS_FILE = Path(__file__).with_name("style.css")


@cache
def _css() -> str:
    try:
        return CSS_FILE.read_text(encoding="utf-8")
    except OSError:  # the page still works unstyled
        return ""


def apply_style() -> None:
    css = _css()
    if css:
        st.html(f"<style>{css}</style>")
