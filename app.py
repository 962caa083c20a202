"""Entry point: reads settings, checks the registry, builds the navigation and runs the page."""

import logging

import streamlit as st

from dashboard import cache, widgets
from dashboard.config import load_settings
from dashboard.errors import DashboardError

st.set_page_config(page_title="Model registry", page_icon=":material/hub:", layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/model.py", title="Model", icon=":material/deployed_code:", url_path="model"),
    st.Page("pages/version.py", title="Version", icon=":material/sell:", url_path="version"),
]

try:
    settings = load_settings()
except DashboardError as error:
    st.error(str(error), icon=":material/error:")
    st.stop()

page = st.navigation(PAGES)
status = cache.status(settings.tracking_uri)
widgets.registry_sidebar(settings, status)
if not status.healthy:
    st.error(status.message, icon=":material/cloud_off:")
    st.stop()

try:
    page.run()
except DashboardError as error:
    st.error(str(error), icon=":material/error:")
except Exception:  # a bug, not bad input: log the traceback for us, show a sentence to the user
    logging.getLogger("dashboard").exception("page %s failed", page.title)
    st.error(
        "This page failed unexpectedly; the error is in the dashboard's log. "
        "Try Refresh data, or report it with the page's URL.",
        icon=":material/error:",
    )
