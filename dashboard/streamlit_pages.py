"""Running one page inside app.py: what a page raises becomes a sentence, never a traceback."""

from __future__ import annotations

import logging

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from dashboard.errors import DashboardError


def run_page(page: StreamlitPage) -> None:
    try:
        page.run()
    except DashboardError as error:
        st.error(str(error), icon=":material/error:")
    except Exception:  # a bug, not bad input: log the traceback for us, show a sentence
        logging.getLogger("dashboard").exception("page %s failed", page.title)
        st.error(
            "This page failed unexpectedly; the error is in the dashboard's log. "
            "Try Refresh data, or report it with the page's URL.",
            icon=":material/error:",
        )
