"""Entry point: reads settings, checks the registry, builds the navigation and runs the page."""

import logging

import streamlit as st

from dashboard import auth, cache, navigation, widgets
from dashboard.config import load_settings
from dashboard.errors import DashboardError

st.set_page_config(page_title="Model registry", page_icon=":material/hub:", layout="wide")


try:
    settings = load_settings()
    cache.policy()  # a bad policy file stops the app here, naming the line and the reason
    cache.store()  # opens DASHBOARD_DB_URL and runs its migrations
    # Before st.navigation: the first run of a session must know the user's pages, or a
    # deep link to one of them would fall back to the overview.
    user = auth.signed_in_user(settings)
except DashboardError as error:
    st.error(str(error), icon=":material/error:")
    st.stop()
if user is None:
    # The sign-in form is drawn; nothing of the registry is read before sign-in. Every page
    # is registered (hidden, never run) so the URL keeps naming the page the link asked for
    # and the run after sign-in opens it.
    st.navigation(list(navigation.pages().values()), position="hidden")
    st.stop()

page = st.navigation(navigation.pages_for(user.roles))
auth.sign_out_button(user)
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
